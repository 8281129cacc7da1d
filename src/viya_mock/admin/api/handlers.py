"""Handlers for the admin API (/__admin): the mock's control plane."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.admin.api import representation
from viya_mock.admin.services.admin import AdminService
from viya_mock.core.api.render import JSON, json_response, no_content
from viya_mock.core.api.requests import is_text_body, text_of


class AdminHandlers:
    def __init__(self, admin: AdminService) -> None:
        self.admin = admin

    async def getHealth(self) -> Response:
        return json_response(representation.HEALTHY, JSON)

    async def reset(self) -> Response:
        self.admin.reset()
        return no_content()

    async def getScenarios(self) -> Response:
        return json_response(representation.scenarios(self.admin.scenarios()), JSON)

    async def loadScenarios(self, body: Any) -> Response:
        text = text_of(body)
        document: str | dict[str, Any] = text if text is not None else body if isinstance(body, dict) else ""
        if is_text_body() and text is None:
            document = ""
        loaded = self.admin.load_scenarios(document)
        return json_response(representation.scenarios(loaded), JSON, 201)

    async def removeScenarios(self) -> Response:
        self.admin.remove_scenarios()
        return no_content()

    async def removeScenario(self, name: str) -> Response:
        self.admin.remove_scenario(name)
        return no_content()

    async def getScenarioSchema(self) -> Response:
        return json_response(self.admin.scenario_schema(), JSON)

    async def getClock(self) -> Response:
        return json_response(self.admin.clock_state(), JSON)

    async def setClock(self, body: dict[str, Any]) -> Response:
        return json_response(self.admin.set_clock(str(body["now"])), JSON)

    async def advanceClock(self, by: str) -> Response:
        return json_response(self.admin.advance_clock(by), JSON)

    async def getRequests(
        self, method: str | None = None, path: str | None = None, status: int | None = None, in_flight: bool = False
    ) -> Response:
        return json_response(representation.requests(self.admin.requests(method, path, status, in_flight)), JSON)

    async def clearRequests(self) -> Response:
        self.admin.journal.clear()
        return no_content()

    async def exportStore(self) -> Response:
        return json_response(self.admin.export(), JSON)

    async def importStore(self, body: dict[str, Any]) -> Response:
        self.admin.import_(body)
        return no_content()
