"""The admin API's JSON: scenarios, the journal and health, as `openapi/admin.yaml` describes them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from viya_mock.admin.services.tenants import TenantInfo
from viya_mock.core.domain.timestamps import format_ms
from viya_mock.journal import Entry, Journal
from viya_mock.scenarios.model import Scenario

HEALTHY = {"status": "ok"}


def scenario(loaded: Scenario) -> dict[str, Any]:
    return {
        "name": loaded.name,
        "description": loaded.description,
        "source": loaded.source,
        "document": dict(loaded.document),
    }


def scenarios(loaded: Iterable[Scenario]) -> dict[str, Any]:
    return {"items": [scenario(each) for each in loaded]}


def requests(entries: Iterable[Entry]) -> dict[str, Any]:
    items = [Journal.as_json(entry) for entry in entries]
    return {"count": len(items), "items": items}


def tenants(infos: Iterable[TenantInfo], max_tenants: int) -> dict[str, Any]:
    items = [{"name": info.name, "created": format_ms(info.created), "jobs": info.jobs} for info in infos]
    return {"count": len(items), "maxTenants": max_tenants, "items": items}
