"""What the mock serves, listed once at start-up from the documents: each API's root, document and Swagger UI."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ServedApi:
    title: str
    root: str
    summary: str

    @property
    def document(self) -> str:
        return f"{self.root}/openapi.json"

    @property
    def ui(self) -> str:
        return f"{self.root}/ui/"


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: str
    apis: tuple[ServedApi, ...]
    health: str = "/__admin/health"
    dashboard: str = "/__admin/dashboard/"


def catalogue(documents: Iterable[Mapping[str, Any]], version: str) -> Catalogue:
    """The APIs in the order given; each summary is the first sentence of its document's description."""
    apis = []
    for document in documents:
        info = document.get("info", {})
        description = " ".join(str(info.get("description", "")).split())
        summary = description.split(". ")[0].rstrip(".") + "." if description else ""
        root = str(document["servers"][0]["url"]).rstrip("/")
        apis.append(ServedApi(str(info.get("title", root)), root, summary))
    return Catalogue(version, tuple(apis))
