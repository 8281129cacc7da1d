"""Handlers for the admin API (/__admin): the mock's control plane."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.api.render import JSON, json_response, no_content
from viya_mock.api.requests import is_text_body, text_of
from viya_mock.journal import Journal
from viya_mock.scenarios.loader import schema
from viya_mock.scenarios.model import Scenario
from viya_mock.services.admin import AdminService


def _scenario_json(scenario: Scenario) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "description": scenario.description,
        "source": scenario.source,
        "document": dict(scenario.document),
    }


def _scenarios(scenarios: list[Scenario], status: int = 200) -> Response:
    return json_response({"items": [_scenario_json(s) for s in scenarios]}, JSON, status)


class AdminHandlers:
    def __init__(self, admin: AdminService) -> None:
        self.admin = admin

    async def getHealth(self) -> Response:
        return json_response({"status": "ok"}, JSON)

    async def reset(self) -> Response:
        self.admin.reset()
        return no_content()

    async def getScenarios(self) -> Response:
        return _scenarios(self.admin.scenarios())

    async def loadScenarios(self, body: Any) -> Response:
        text = text_of(body)
        document: str | dict[str, Any] = text if text is not None else body if isinstance(body, dict) else ""
        if is_text_body() and text is None:
            document = ""
        loaded = self.admin.load_scenarios(document)
        return _scenarios(loaded, 201)

    async def removeScenarios(self) -> Response:
        self.admin.remove_scenarios()
        return no_content()

    async def removeScenario(self, name: str) -> Response:
        self.admin.remove_scenario(name)
        return no_content()

    async def getScenarioSchema(self) -> Response:
        return json_response(schema(), JSON)

    async def getClock(self) -> Response:
        return json_response(self.admin.clock_state(), JSON)

    async def setClock(self, body: dict[str, Any]) -> Response:
        return json_response(self.admin.set_clock(str(body["now"])), JSON)

    async def advanceClock(self, by: str) -> Response:
        return json_response(self.admin.advance_clock(by), JSON)

    async def getRequests(
        self, method: str | None = None, path: str | None = None, status: int | None = None
    ) -> Response:
        items = [Journal.as_json(entry) for entry in self.admin.requests(method, path, status)]
        return json_response({"count": len(items), "items": items}, JSON)

    async def clearRequests(self) -> Response:
        self.admin.journal.clear()
        return no_content()

    async def exportStore(self) -> Response:
        return json_response(self.admin.export(), JSON)

    async def importStore(self, body: dict[str, Any]) -> Response:
        self.admin.import_(body)
        return no_content()
