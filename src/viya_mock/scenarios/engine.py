"""The loaded scenarios, in order: which script a job follows and which fault a request meets.

Order is load order (files in name order, documents in file order, then scenarios added at run time);
the first scenario whose match accepts a job decides its timeline, and the first fault that fires
decides a request's fate. Loading a scenario whose name is already loaded replaces it in place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from viya_mock.scenarios.model import ComputeScript, Fault, Scenario, Script


class ScenarioBook:
    def __init__(self, draw: Callable[[], float]) -> None:
        """`draw` gives uniform numbers in [0, 1) from the app's seeded source, for fault probabilities."""
        self._draw = draw
        self._lock = threading.Lock()
        self._scenarios: dict[str, Scenario] = {}
        self._calls: dict[tuple[str, int], int] = {}

    @property
    def scenarios(self) -> list[Scenario]:
        return list(self._scenarios.values())

    @property
    def has_faults(self) -> bool:
        """Cheap to ask on every request, so callers skip preparing a request nobody scripted to fail."""
        return any(scenario.faults for scenario in self._scenarios.values())

    def add(self, scenarios: Iterable[Scenario]) -> None:
        with self._lock:
            for scenario in scenarios:
                self._scenarios[scenario.name] = scenario
                self._forget_calls(scenario.name)

    def remove(self, name: str) -> bool:
        with self._lock:
            self._forget_calls(name)
            return self._scenarios.pop(name, None) is not None

    def replace_all(self, scenarios: Iterable[Scenario]) -> None:
        with self._lock:
            self._scenarios = {scenario.name: scenario for scenario in scenarios}
            self._calls.clear()

    def _forget_calls(self, name: str) -> None:
        for key in [key for key in self._calls if key[0] == name]:
            del self._calls[key]

    def script_for(self, request: Mapping[str, Any], submitter: str, headers: Mapping[str, str]) -> Script | None:
        for scenario in self._scenarios.values():
            if scenario.script is not None and scenario.match.matches(request, submitter, headers):
                return scenario.script
        return None

    def compute_script_for(self, code: str, variables: Mapping[str, str] | None = None) -> ComputeScript | None:
        """The first scenario with a `compute` section whose match takes the program's text and variables."""
        for scenario in self._scenarios.values():
            if scenario.compute is not None and scenario.match.matches_code(code, variables):
                return scenario.compute
        return None

    def fault_for(self, method: str, path: str, headers: Mapping[str, str]) -> tuple[str, Fault] | None:
        """The fault this call meets, if any; counting a call is part of deciding, so it happens under the lock.

        `headers` have lower-case names.
        """
        if not self._scenarios:
            return None
        with self._lock:
            for scenario in self._scenarios.values():
                for index, fault in enumerate(scenario.faults):
                    if fault.applies_to(method, path, headers) and self._fires(scenario.name, index, fault):
                        return scenario.name, fault
        return None

    def _fires(self, name: str, index: int, fault: Fault) -> bool:
        key = (name, index)
        call = self._calls.get(key, 0) + 1
        self._calls[key] = call
        if fault.first is not None and call > fault.first:
            return False
        if fault.every is not None and call % fault.every != 0:
            return False
        return fault.probability is None or self._draw() < fault.probability

    def calls(self) -> dict[tuple[str, int], int]:
        """How many calls each fault (scenario name, fault index) has counted, for the state file."""
        with self._lock:
            return dict(self._calls)

    def restore(self, scenarios: Iterable[Scenario], calls: Mapping[tuple[str, int], int]) -> None:
        """The book as saved: these scenarios in this order, and their faults' call counts."""
        with self._lock:
            self._scenarios = {scenario.name: scenario for scenario in scenarios}
            self._calls = {key: count for key, count in calls.items() if key[0] in self._scenarios}
