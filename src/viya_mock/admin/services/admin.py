"""The control plane's use cases: reset, scenarios, the clock, the journal, export and import."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from viya_mock.admin.services.snapshots import SchemaCheck, export_store, import_store
from viya_mock.clock import Clock, VirtualClock
from viya_mock.core.domain.errors import BadRequest, Conflict, NotFound
from viya_mock.core.domain.timestamps import MAX_DURATION_TEXT, MAX_INSTANT_MS, MIN_INSTANT_MS, format_ms, parse_iso
from viya_mock.core.store.memory import Store
from viya_mock.journal import Entry, Journal
from viya_mock.scenarios.engine import ScenarioBook
from viya_mock.scenarios.loader import ScenarioError, duration_ms, load_text, schema
from viya_mock.scenarios.model import Scenario


class AdminService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        scenarios: ScenarioBook,
        journal: Journal,
        reset: Callable[[], None],
        schema_checks: Mapping[str, SchemaCheck] | None = None,
    ) -> None:
        self.store = store
        self.schema_checks = dict(schema_checks or {})
        self.clock = clock
        self.book = scenarios
        self.journal = journal
        self.reset = reset

    def scenarios(self) -> list[Scenario]:
        return self.book.scenarios

    def load_scenarios(self, body: str | Mapping[str, Any], source: str = "request body") -> list[Scenario]:
        """YAML text, or a scenario already parsed from JSON (JSON is YAML, so one loader checks both)."""
        text = body if isinstance(body, str) else json.dumps(body)
        try:
            loaded = load_text(text, source)
        except ScenarioError as error:
            raise BadRequest(f"The scenario is not valid: {error}", details=[str(error)]) from error
        if not loaded:
            raise BadRequest("The request body holds no scenario.")
        self.book.add(loaded)
        return self.book.scenarios

    @staticmethod
    def scenario_schema() -> dict[str, Any]:
        """The JSON Schema scenario files are validated against, for editors and for clients' own checks."""
        return schema()

    def remove_scenario(self, name: str) -> None:
        if not self.book.remove(name):
            raise NotFound(f"No scenario named {name} is loaded.")

    def remove_scenarios(self) -> None:
        self.book.replace_all([])

    def clock_state(self) -> dict[str, Any]:
        now = self.clock.now()
        kind = "virtual" if isinstance(self.clock, VirtualClock) else "real"
        return {"kind": kind, "now": format_ms(now), "epochMillis": now}

    def set_clock(self, text: str) -> dict[str, Any]:
        instant = parse_iso(text)
        if instant is None:
            raise BadRequest(f"'{text}' is not an ISO 8601 instant.")
        if not MIN_INSTANT_MS <= instant <= MAX_INSTANT_MS:
            raise BadRequest(f"'{text}' is outside the years 1 to 9999 a SAS timestamp can show.")
        self._virtual().set(instant)
        return self.clock_state()

    def advance_clock(self, by: str) -> dict[str, Any]:
        shown = by if len(by) <= 40 else f"{by[:40]}…"
        try:
            amount = duration_ms(float(by)) if by.replace(".", "", 1).isdigit() else duration_ms(by)
        except ValueError as error:
            if "out of range" in str(error):
                raise BadRequest(f"'{shown}' is out of range: advance by at most {MAX_DURATION_TEXT}.") from error
            raise BadRequest(f"'{shown}' is not a duration such as PT1H, or a number of seconds.") from error
        clock = self._virtual()
        if clock.now() + amount > MAX_INSTANT_MS:
            raise BadRequest(f"Advancing by '{shown}' would move the clock past {format_ms(MAX_INSTANT_MS)}.")
        clock.advance(amount)
        return self.clock_state()

    def requests(self, method: str | None, path: str | None, status: int | None, in_flight: bool) -> list[Entry]:
        """Requests that ended, or with `in_flight` those that have not (a hung poll, a slow upload)."""
        if in_flight:
            return [entry for entry in self.journal.in_flight(method, path) if status is None]
        return self.journal.find(method, path, status)

    def export(self) -> dict[str, Any]:
        return export_store(self.store)

    def import_(self, data: Mapping[str, Any]) -> None:
        import_store(self.store, data, self.clock.now(), self.schema_checks)
        self.clock.changes.notify()

    def _virtual(self) -> VirtualClock:
        if not isinstance(self.clock, VirtualClock):
            raise Conflict("The clock is real time; start the mock with --clock virtual to set or advance it.")
        return self.clock
