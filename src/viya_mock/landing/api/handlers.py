"""The landing page: HTML for a browser, JSON for anything else (`*/*` included)."""

from __future__ import annotations

import html

from starlette.responses import Response

from viya_mock.core.api.render import JSON, head_of, html_response, json_response, negotiate
from viya_mock.core.api.requests import accept, root_path
from viya_mock.landing.services.catalogue import Catalogue

HTML_TYPE = "text/html"


class LandingHandlers:
    def __init__(self, served: Catalogue) -> None:
        self.served = served

    async def getLanding(self) -> Response:
        root = root_path()
        if negotiate(accept(), (JSON, HTML_TYPE)) == HTML_TYPE:
            return html_response(_page(self.served, root))
        return json_response(_listing(self.served, root), JSON)

    async def headLanding(self) -> Response:
        return head_of(await self.getLanding())


def _listing(served: Catalogue, root: str) -> dict[str, object]:
    return {
        "name": "viya-mock",
        "version": served.version,
        "apis": [
            {
                "title": api.title,
                "root": root + api.root,
                "document": root + api.document,
                "ui": root + api.ui,
                "summary": api.summary,
            }
            for api in served.apis
        ],
        "health": root + served.health,
        "dashboard": root + served.dashboard,
    }


def _page(served: Catalogue, root: str) -> str:
    rows = "\n".join(
        f'<tr><th scope="row"><a href="{html.escape(root + api.ui)}">{html.escape(api.title)}</a></th>'
        f"<td><code>{html.escape(root + api.root)}</code></td>"
        f'<td><a href="{html.escape(root + api.document)}">openapi.json</a></td>'
        f"<td>{html.escape(api.summary)}</td></tr>"
        for api in served.apis
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f"<title>viya-mock {html.escape(served.version)}</title></head><body>\n"
        f"<h1>viya-mock {html.escape(served.version)}</h1>\n"
        "<p>A mock of SAS Viya's Job Execution API and the services its flows touch. Each API answers at its own "
        "root, as on Viya; its name opens its Swagger UI.</p>\n"
        '<table><thead><tr><th scope="col">API</th><th scope="col">Root</th><th scope="col">Document</th>'
        f'<th scope="col">What it is</th></tr></thead>\n<tbody>\n{rows}\n</tbody></table>\n'
        f'<p><a href="{html.escape(root + served.dashboard)}">The dashboard</a> (jobs, clock, scenarios, '
        f'requests) · <a href="{html.escape(root + served.health)}">Health</a></p>\n'
        "</body></html>\n"
    )
