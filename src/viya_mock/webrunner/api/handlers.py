"""Handlers for the web runner document: fields from the query and the form, the answer as the program wrote it.

The runner's parameters are free-form (every field is a macro variable), so they are read from the query
string and the body as sent, repeated names and order kept, rather than as declared parameters; the body
reaches the handler unparsed (`files.api.uploads`), which is also how uploaded files keep their bytes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from connexion.context import scope
from starlette.responses import Response

from viya_mock.core.api.render import bytes_response
from viya_mock.core.domain.errors import BadRequest
from viya_mock.files.api.uploads import is_multipart, parse_multipart, upload
from viya_mock.webrunner.domain.parameters import MAX_FIELDS, UploadedFile, runner_request
from viya_mock.webrunner.services.runner import RunnerAnswer, WebRunner

URLENCODED = "application/x-www-form-urlencoded"


class WebRunnerHandlers:
    def __init__(self, runner: WebRunner) -> None:
        self.runner = runner

    async def runProgram(self, **_: Any) -> Response:
        return _answer(await self.runner.run(runner_request(_query())))

    async def runProgramWithForm(self, **_: Any) -> Response:
        fields = _query()
        sent = upload()
        uploads: list[UploadedFile] = []
        content_type = sent.content_type or ""
        if is_multipart(content_type):
            for part in parse_multipart(sent.body, content_type):
                if part.filename is not None:
                    field = part.field_name or "file"
                    uploads.append(UploadedFile(field, part.filename, part.content_type, part.content))
                elif part.field_name:
                    fields.append((part.field_name, part.content.decode("utf-8", "replace")))
        elif content_type.lower().startswith(URLENCODED):
            fields += _pairs(sent.body.decode("utf-8", "replace"))
        return _answer(await self.runner.run(runner_request(fields, uploads)))


def _query() -> list[tuple[str, str]]:
    return _pairs(scope.get("query_string", b"").decode("latin-1"))


def _pairs(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError as error:
        raise BadRequest(f"The request has more than {MAX_FIELDS} fields.") from error


def _answer(answer: RunnerAnswer) -> Response:
    headers = {"X-Sas-Jobexec-Id": answer.job_id}
    if answer.error is not None:
        headers["X-Sas-Jobexec-Error"] = _header_text(answer.error)
    return bytes_response(answer.body, answer.media_type, answer.status, headers)


def _header_text(text: str) -> str:
    """A message as a header value: one line of printable ASCII, at most 1,000 characters."""
    return "".join(c if " " <= c <= "~" else " " for c in text)[:1000]
