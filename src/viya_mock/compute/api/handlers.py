"""Handlers for the Compute API: parse, call the Compute service, render."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.compute.api import representation as rep
from viya_mock.compute.services.compute import ComputeService, lines_text
from viya_mock.core.api import render
from viya_mock.core.api.render import COLLECTION, JSON, TEXT, bytes_response, no_content, not_modified, text_response
from viya_mock.core.api.requests import accept, header, while_connected


def _state(state: str, etag: str) -> Response:
    """The state as bare `text/plain` with no line end (clients compare the body with `running`)."""
    return bytes_response(state.encode(), TEXT, headers={"ETag": etag})


def _wants_text() -> bool:
    return render.negotiate(accept(), (f"{COLLECTION}+json", JSON, TEXT)) == TEXT


class ComputeHandlers:
    def __init__(self, compute: ComputeService) -> None:
        self.compute = compute

    async def getComputeApi(self) -> Response:
        return render.api_root(rep.ROOT_LINKS, accept())

    # -- contexts ------------------------------------------------------------------------------------

    async def getContexts(
        self, start: int, limit: int, filter_: str | None = None, sort_by: str | None = None
    ) -> Response:
        page = self.compute.contexts(start=start, limit=limit, filter_text=filter_, sort_text=sort_by)
        full = rep.full_items(header("accept-item"), rep.CONTEXT)
        body = rep.contexts_collection(page, full=full, sort_by=sort_by, filter_text=filter_)
        return rep.collection_response(body, accept())

    async def getContext(self, context_id: str) -> Response:
        return rep.context_response(self.compute.context(context_id), accept())

    # -- sessions ------------------------------------------------------------------------------------

    async def createSession(self, context_id: str, body: Any = None) -> Response:
        snapshot = self.compute.create_session(context_id, body if isinstance(body, dict) else None)
        return rep.session_response(snapshot, accept(), status=201)

    async def getSessions(
        self, start: int, limit: int, filter_: str | None = None, sort_by: str | None = None
    ) -> Response:
        page = self.compute.sessions(start=start, limit=limit, filter_text=filter_, sort_text=sort_by)
        full = rep.full_items(header("accept-item"), rep.SESSION)
        body = rep.sessions_collection(page, full=full, sort_by=sort_by, filter_text=filter_)
        return rep.collection_response(body, accept())

    async def getSession(self, session_id: str) -> Response:
        return rep.session_response(self.compute.get_session(session_id), accept())

    async def deleteSession(self, session_id: str) -> Response:
        self.compute.delete_session(session_id)
        return no_content()

    async def getSessionState(self, session_id: str, wait: int | None = None) -> Response:
        work = self.compute.wait_session_state(session_id, header("if-none-match"), (wait or 0) * 1000)
        polled = await while_connected(work)
        snapshot, changed = polled if polled is not None else (self.compute.get_session(session_id), True)
        if not changed:
            return not_modified()
        return _state(snapshot.state, snapshot.session.etag())

    async def updateSessionState(self, session_id: str, value: str, body: Any = None) -> Response:
        snapshot = self.compute.set_session_state(session_id, value, header("if-match"))
        return _state(value if value == "deleted" else snapshot.state, snapshot.session.etag())

    async def getSessionLog(
        self, session_id: str, start: int, limit: int, type_: str | None = None, timeout: int | None = None
    ) -> Response:
        return await self._lines(session_id, None, False, start, limit, type_, timeout)

    async def getSessionListing(
        self, session_id: str, start: int, limit: int, type_: str | None = None, timeout: int | None = None
    ) -> Response:
        return await self._lines(session_id, None, True, start, limit, type_, timeout)

    async def getSessionResults(
        self, session_id: str, start: int, limit: int, include_types: str | None = None
    ) -> Response:
        items = self.compute.results(session_id, None, include_types=include_types)
        uri = f"{rep.session_uri(session_id)}/results"
        body = rep.results_collection(session_id, items, uri=uri, start=start, limit=limit)
        return rep.collection_response(body, accept())

    async def getResultContent(self, session_id: str, result_id: str, name: str) -> Response:
        output = self.compute.result(session_id, result_id, name)
        return bytes_response(output.content.encode(), output.media_type)

    async def getVariables(
        self, session_id: str, start: int, limit: int, filter_: str | None = None, sort_by: str | None = None
    ) -> Response:
        page = self.compute.variables_page(session_id, start=start, limit=limit, filter_text=filter_, sort_text=sort_by)
        body = rep.variables_collection(session_id, page, sort_by=sort_by, filter_text=filter_)
        return rep.collection_response(body, accept())

    async def getVariable(self, session_id: str, variable_name: str) -> Response:
        return rep.variable_response(session_id, self.compute.variable(session_id, variable_name), accept())

    async def getWeboutContent(self, session_id: str) -> Response:
        return bytes_response(self.compute.webout(session_id), TEXT)

    # -- jobs ----------------------------------------------------------------------------------------

    async def createComputeJob(self, session_id: str, body: dict[str, Any]) -> Response:
        return rep.job_response(self.compute.submit(session_id, body), accept(), status=201)

    async def getComputeJobs(
        self, session_id: str, start: int, limit: int, filter_: str | None = None, sort_by: str | None = None
    ) -> Response:
        page = self.compute.jobs(session_id, start=start, limit=limit, filter_text=filter_, sort_text=sort_by)
        body = rep.jobs_collection(session_id, page, sort_by=sort_by, filter_text=filter_)
        return rep.collection_response(body, accept())

    async def getComputeJob(self, session_id: str, job_id: str) -> Response:
        return rep.job_response(self.compute.get_job(session_id, job_id), accept())

    async def deleteComputeJob(self, session_id: str, job_id: str) -> Response:
        self.compute.delete_job(session_id, job_id)
        return no_content()

    async def getComputeJobState(self, session_id: str, job_id: str, wait: int | None = None) -> Response:
        work = self.compute.wait_job_state(session_id, job_id, header("if-none-match"), (wait or 0) * 1000)
        polled = await while_connected(work)
        snapshot, changed = polled if polled is not None else (self.compute.get_job(session_id, job_id), True)
        if not changed:
            return not_modified()
        return _state(snapshot.state, snapshot.etag)

    async def updateComputeJobState(self, session_id: str, job_id: str, value: str, body: Any = None) -> Response:
        snapshot = self.compute.set_job_state(session_id, job_id, value, header("if-match"))
        return _state(value if value == "deleted" else snapshot.state, snapshot.etag)

    async def getComputeJobLog(
        self, session_id: str, job_id: str, start: int, limit: int, type_: str | None = None, timeout: int | None = None
    ) -> Response:
        return await self._lines(session_id, job_id, False, start, limit, type_, timeout)

    async def getComputeJobListing(
        self, session_id: str, job_id: str, start: int, limit: int, type_: str | None = None, timeout: int | None = None
    ) -> Response:
        return await self._lines(session_id, job_id, True, start, limit, type_, timeout)

    async def getComputeJobLogContent(
        self, session_id: str, job_id: str, start: int = 0, limit: int | None = None
    ) -> Response:
        return await self._text(session_id, job_id, False, start, limit)

    async def getComputeJobListingContent(
        self, session_id: str, job_id: str, start: int = 0, limit: int | None = None
    ) -> Response:
        return await self._text(session_id, job_id, True, start, limit)

    async def getComputeJobResults(
        self, session_id: str, job_id: str, start: int, limit: int, include_types: str | None = None
    ) -> Response:
        items = self.compute.results(session_id, job_id, include_types=include_types)
        uri = f"{rep.job_uri(session_id, job_id)}/results"
        body = rep.results_collection(session_id, items, uri=uri, start=start, limit=limit)
        return rep.collection_response(body, accept())

    # -- shared --------------------------------------------------------------------------------------

    async def _lines(
        self,
        session_id: str,
        job_id: str | None,
        listing: bool,
        start: int,
        limit: int,
        types: str | None,
        timeout: int | None,
    ) -> Response:
        """A page of lines; `Accept: text/plain` is the whole text instead, whatever the query says."""
        if _wants_text():
            return await self._text(session_id, job_id, listing, 0, None, types)
        work = self.compute.lines(
            session_id, job_id, listing=listing, start=start, limit=limit, types=types, timeout=(timeout or 0) * 1000
        )
        lines = await while_connected(work)
        if lines is None:  # the client went away; nobody reads this
            lines = await self.compute.lines(
                session_id, job_id, listing=listing, start=start, limit=limit, types=types, timeout=0
            )
        kind = "listing" if listing else "log"
        if job_id is None:
            uri, name = f"{rep.session_uri(session_id)}/{kind}", f"Session {kind.title()}"
        else:
            uri, name = f"{rep.job_uri(session_id, job_id)}/{kind}", f"Job {kind.title()}"
        return rep.collection_response(rep.lines_collection(lines, name=name, uri=uri), accept())

    async def _text(
        self,
        session_id: str,
        job_id: str | None,
        listing: bool,
        start: int,
        limit: int | None,
        types: str | None = None,
    ) -> Response:
        everything = 2**31 - 1
        lines = await self.compute.lines(
            session_id,
            job_id,
            listing=listing,
            start=start,
            limit=everything if limit is None else limit,
            types=types,
            timeout=0,
        )
        return text_response(lines_text(lines.page.items))
