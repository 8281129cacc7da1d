"""Handlers for the dashboard's part of the admin document: its page and files, and the jobs it watches.

The files are read once, when the app is built, from the package (they ship in the wheel; no build step).
"""

from __future__ import annotations

from importlib import resources

from starlette.responses import Response

from viya_mock.core.api.render import bytes_response
from viya_mock.core.domain.errors import NotFound
from viya_mock.jobexecution.api.jobs import jobs_page
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
    def __init__(self, jobs: JobService, assets: dict[str, bytes]) -> None:
        self.jobs = jobs
        self.assets = assets

    async def getDashboard(self) -> Response:
        return self._asset("index.html")

    async def getDashboardAsset(self, asset: str) -> Response:
        return self._asset(asset)

    async def getAdminJobs(
        self, start: int, limit: int, filter_: str | None = None, sort_by: str | None = None
    ) -> Response:
        return jobs_page(self.jobs, start=start, limit=limit, filter_text=filter_, sort_by=sort_by, by_post=False)

    def _asset(self, name: str) -> Response:
        data = self.assets.get(name)
        if data is None:
            raise NotFound(f"The dashboard has no file {name}.")
        return bytes_response(data, ASSETS[name], headers={"Cache-Control": "no-cache"})
