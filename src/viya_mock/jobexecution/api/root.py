"""Handlers for the Job Execution API root."""

from __future__ import annotations

from starlette.responses import Response

from viya_mock.core.api.render import api_root, head_of
from viya_mock.core.api.requests import accept
from viya_mock.jobexecution.api.representation import ROOT_LINKS


class RootHandlers:
    async def getApi(self) -> Response:
        return api_root(ROOT_LINKS, accept())

    async def headApi(self) -> Response:
        return head_of(api_root(ROOT_LINKS, accept()))
