"""The SAS wire conventions every API shares: links, collections, errors, media types and the responses.

This module is the only one that builds Response objects or serialises bodies; each service package's
`api/representation.py` maps its own resources to SAS representations with these primitives.

Links carry both `href` and `uri` because SAS's own clients disagree on which one they read. Media types
in links have no `+json` suffix (as the service writes them); the Content-Type of responses has it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

import orjson
from starlette.responses import Response

from viya_mock.core.domain.errors import ViyaError
from viya_mock.core.domain.limits import MAX_MESSAGE, excerpt
from viya_mock.core.domain.resource import Resource
from viya_mock.core.domain.timestamps import http_date
from viya_mock.core.query.paging import Page

COLLECTION = "application/vnd.sas.collection"
SUMMARY = "application/vnd.sas.summary"
SELECTION = "application/vnd.sas.selection"
ERROR = "application/vnd.sas.error"
API = "application/vnd.sas.api"
TEXT = "text/plain"
JSON = "application/json"

DEFAULT_LIMIT = 10

T = TypeVar("T")


def link(
    method: str,
    rel: str,
    uri: str,
    type_: str | None = None,
    *,
    item_type: str | None = None,
    response_type: str | None = None,
    response_item_type: str | None = None,
) -> dict[str, str]:
    out = {"method": method, "rel": rel, "href": uri, "uri": uri}
    for key, value in (
        ("type", type_),
        ("itemType", item_type),
        ("responseType", response_type),
        ("responseItemType", response_item_type),
    ):
        if value is not None:
            out[key] = value
    return out


def dumps(body: Any) -> bytes:
    """Compact UTF-8 JSON: orjson, or Python's encoder for what orjson refuses (integers beyond 64 bits)."""
    try:
        return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(body: Any, media_type: str, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(content=dumps(body), status_code=status, media_type=media_type, headers=headers)


def text_response(text: str, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(content=text.encode(), status_code=status, media_type=TEXT, headers=headers)


def bytes_response(
    data: bytes, media_type: str, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Stored bytes under their stored media type, exactly (no charset added to text types)."""
    return Response(content=data, status_code=status, headers={**(headers or {}), "Content-Type": media_type})


def not_modified() -> Response:
    """304: nothing changed while a long poll waited; no body and no ETag, as Compute answers."""
    return Response(status_code=304)


def no_content(headers: Mapping[str, str] | None = None) -> Response:
    return Response(status_code=204, headers=headers)


def head_of(response: Response) -> Response:
    """What HEAD answers: the GET's status and headers (Content-Length included), no body."""
    head = Response(status_code=response.status_code)
    head.raw_headers = list(response.raw_headers)
    head.body = b""
    return head


# -- content negotiation ------------------------------------------------------------------------------

_negotiated: dict[tuple[str, tuple[str, ...]], str] = {}


def negotiate(accept: str | None, offered: Sequence[str]) -> str:
    """The first offered type the Accept header names, else the first offered one.

    Real SAS services answer JSON to `*/*`, to axios' `application/json, text/plain, */*` and to lists that
    mix plain JSON with vendor types; only an explicit vendor type or `application/json` changes the choice.
    Answers are cached per header value, since clients repeat the same header on every call.
    """
    if not accept:
        return offered[0]
    key = (accept, tuple(offered))
    chosen = _negotiated.get(key)
    if chosen is None:
        chosen = offered[0]
        for part in accept.split(","):
            media = part.split(";", 1)[0].strip().lower()
            if media in offered:
                chosen = media
                break
        if len(_negotiated) < 1024:
            _negotiated[key] = chosen
    return chosen


def summary_body(resource: Resource, media_type: str, links: list[dict[str, str]]) -> dict[str, Any]:
    doc = resource.doc
    summary: dict[str, Any] = {"id": resource.id, "type": media_type}
    for name in ("name", "description", "createdBy", "creationTimeStamp", "modifiedBy", "modifiedTimeStamp"):
        if doc.get(name) is not None:
            summary[name] = doc[name]
    summary["links"] = [entry for entry in links if entry["rel"] in {"self", "alternate"}]
    summary["version"] = 2
    return summary


def resource_headers(resource: Resource) -> dict[str, str]:
    return {"ETag": resource.etag, "Last-Modified": http_date(resource.modified)}


# -- collections -----------------------------------------------------------------------------------------


def _query(start: int, limit: int, sort_by: str | None, filter_text: str | None) -> str:
    parts = []
    if filter_text:
        parts.append("filter=" + quote(filter_text, safe="(),:'"))
    if sort_by:
        parts.append("sortBy=" + quote(sort_by, safe=",:"))
    parts.append(f"start={start}")
    parts.append(f"limit={limit}")
    return "?" + "&".join(parts)


def paging_links(
    page: Page[Any],
    uri: str,
    make: Callable[[str, str], dict[str, str]],
    *,
    sort_by: str | None,
    filter_text: str | None,
    bare_default: bool = False,
) -> list[dict[str, str]]:
    """self, first, prev, next, last: first/prev omitted on the first page, next/last on the last one.

    `make(rel, href)` builds each link, so GET collections and POST-filter collections share the paging.
    With `bare_default` the first page at the default limit has no query, as the POST-filter sample shows.
    """
    start, limit, count = page.start, page.limit, page.count

    def at(offset: int) -> str:
        if bare_default and offset == 0 and limit == DEFAULT_LIMIT and not sort_by:
            return uri
        return uri + _query(offset, limit, sort_by, filter_text)

    out = [make("self", at(start))]
    step = max(limit, 1)
    if start > 0:
        out += [make("first", at(0)), make("prev", at(max(start - step, 0)))]
    if start + step < count:
        out += [make("next", at(start + step)), make("last", at((count - 1) // step * step))]
    return out


def collection_body(
    name: str, accept: str, page: Page[Any], items: Iterable[Any], links: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "links": links,
        "name": name,
        "accept": accept,
        "start": page.start,
        "count": page.count,
        "items": list(items),
        "limit": page.limit,
        "version": 2,
    }


def collection_response(body: Mapping[str, Any], accept: str | None, status: int = 200) -> Response:
    return json_response(body, negotiate(accept, (f"{COLLECTION}+json", JSON)), status)


def items_body(items: Sequence[Any]) -> dict[str, Any]:
    """The collection a selection operation answers with: items 1-to-1 with the selection's resources."""
    return {"links": [], "name": "items", "start": 0, "count": len(items), "items": list(items), "version": 2}


# -- errors --------------------------------------------------------------------------------------------


def error_body(
    status: int,
    message: str,
    *,
    error_code: int | None = None,
    details: Sequence[str] = (),
    remediation: str | None = None,
) -> dict[str, Any]:
    """A SAS error; the message and each detail are cut to MAX_MESSAGE characters, since they may quote input."""
    body: dict[str, Any] = {"httpStatusCode": status}
    if error_code is not None:
        body["errorCode"] = error_code
    body["message"] = excerpt(message, MAX_MESSAGE)
    body["details"] = [excerpt(detail, MAX_MESSAGE) for detail in details]
    if remediation:
        body["remediation"] = remediation
    body["errors"] = []
    body["links"] = []
    body["version"] = 2
    return body


def viya_error_body(error: ViyaError, path: str | None = None) -> dict[str, Any]:
    details = [*error.details, *([f"path: {path}"] if path else [])]
    return error_body(
        error.status, error.message, error_code=error.error_code, details=details, remediation=error.remediation
    )


def error_response(body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> Response:
    return json_response(body, f"{ERROR}+json", int(body["httpStatusCode"]), headers)


# -- the collections and their links, described once -----------------------------------------------------


def get_link(type_: str, item_type: str) -> Callable[[str, str], dict[str, str]]:
    return lambda rel, href: link("GET", rel, href, type_, item_type=item_type)


def post_filter_link(item_type: str) -> Callable[[str, str], dict[str, str]]:
    return lambda rel, href: link("POST", rel, href, TEXT, response_type=COLLECTION, response_item_type=item_type)


def resources_collection(
    page: Page[T],
    *,
    name: str,
    uri: str,
    item_type: str,
    body: Callable[[T], dict[str, Any]],
    up: str,
    sort_by: str | None,
    filter_text: str | None,
    extra: Sequence[dict[str, str]],
) -> dict[str, Any]:
    make = get_link(COLLECTION, item_type)
    links = [
        make("collection", uri),
        *paging_links(page, uri, make, sort_by=sort_by, filter_text=filter_text),
        link("GET", "up", up, API),
        *extra,
    ]
    return collection_body(name, item_type, page, (body(item) for item in page.items), links)


def api_root(links: list[dict[str, str]], accept: str | None) -> Response:
    """An API's root (application/vnd.sas.api): the links clients such as restaf discover collections by."""
    return json_response({"version": 1, "links": links}, negotiate(accept, (f"{API}+json", JSON)))


def redirect(location: str, status: int = 302) -> Response:
    return Response(status_code=status, headers={"Location": location})


HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Cookie:
    """A cookie to set (`value` None: to clear). `cross_site` is SameSite=None; Secure, else SameSite=Lax."""

    name: str
    value: str | None
    cross_site: bool
    http_only: bool = True


def html_response(text: str, status: int = 200, cookies: Sequence[Cookie] = ()) -> Response:
    response = Response(content=text.encode(), status_code=status, media_type=HTML)
    for cookie in cookies:
        response.set_cookie(
            cookie.name,
            cookie.value or "",
            max_age=None if cookie.value is not None else 0,
            path="/",
            httponly=cookie.http_only,
            secure=cookie.cross_site,
            samesite="none" if cookie.cross_site else "lax",
        )
    return response
