"""Handlers for the dashboard's part of the admin document: its page and files, and the jobs it watches.

The files are read once, when the app is built, from the package (they ship in the wheel; no build step).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from starlette.responses import Response

from viya_mock.core.api.render import JSON, bytes_response, json_response
from viya_mock.core.domain.errors import NotFound
from viya_mock.core.domain.timestamps import format_ms
from viya_mock.jobexecution.api.jobs import jobs_page
from viya_mock.jobexecution.domain.history import INSTANTS
from viya_mock.jobexecution.services.jobs import JobService

ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
}


def load_assets() -> dict[str, bytes]:
    folder = resources.files("viya_mock.dashboard") / "static"
    return {name: (folder / name).read_bytes() for name in ASSETS}


class DashboardHandlers:
    def __init__(self, jobs: JobService, assets: dict[str, bytes], seed: int | None = None) -> None:
        self.jobs = jobs
        self.assets = assets
        # Generated jobs draw from the one random source; their fake names from Faker seeded with this.
        self.seed = seed

    async def getDashboard(self) -> Response:
        return self._asset("index.html")

    async def getDashboardAsset(self, asset: str) -> Response:
        return self._asset(asset)

    async def getAdminJobs(
        self, start: int, limit: int, filter_: str | None = None, sort_by: str | None = None
    ) -> Response:
        return jobs_page(self.jobs, start=start, limit=limit, filter_text=filter_, sort_by=sort_by, by_post=False)

    async def getAdminJobHistory(self, job_id: str) -> Response:
        return json_response(self._history(job_id), JSON)

    async def forceJobState(self, job_id: str, body: dict[str, Any]) -> Response:
        self.jobs.force_state(job_id, str(body["state"]), body.get("message"))
        return json_response(self._history(job_id), JSON)

    async def generateJobs(self, body: dict[str, Any]) -> Response:
        generated = self.jobs.generate(int(body["count"]), self.seed)
        return json_response({"generated": generated, "jobs": self.jobs.count()}, JSON, 201)

    def _history(self, job_id: str) -> dict[str, Any]:
        snapshot, changes, log = self.jobs.history(job_id)
        return {
            "id": snapshot.job.id,
            "state": snapshot.view.state.value,
            "changes": [
                {"at": format_ms(change.at), "cause": change.cause, "changes": _readable(change.changes)}
                for change in changes
            ],
            "log": log,
        }

    def _asset(self, name: str) -> Response:
        data = self.assets.get(name)
        if data is None:
            raise NotFound(f"The dashboard has no file {name}.")
        return bytes_response(data, ASSETS[name], headers={"Cache-Control": "no-cache"})


def _readable(changes: dict[str, Any]) -> dict[str, Any]:
    """Instants kept as epoch milliseconds shown as the timestamps the API writes."""
    return {k: format_ms(v) if k in INSTANTS and isinstance(v, int) else v for k, v in changes.items()}
