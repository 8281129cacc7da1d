"""Handlers for the server's tenants (`/__admin/tenants`): the same answer under any tenant's prefix."""

from __future__ import annotations

from starlette.responses import Response

from viya_mock.admin.api import representation
from viya_mock.admin.services.tenants import TenantDirectory
from viya_mock.core.api.render import JSON, json_response, no_content


class TenantHandlers:
    def __init__(self, directory: TenantDirectory) -> None:
        self.directory = directory

    async def getTenants(self) -> Response:
        body = representation.tenants(self.directory.describe(), self.directory.max_tenants)
        return json_response(body, JSON)

    async def deleteTenant(self, name: str) -> Response:
        self.directory.delete(name)
        return no_content()
