"""The OpenAPI documents, read once and made self-contained.

The documents share schemas through references such as `components/links.yaml#/components/schemas/Link`.
Handed over as files, Connexion re-reads the shared document for every such reference with PyYAML's pure
Python loader, which was most of the mock's start-up time. Here each file is parsed once (with the C
loader when PyYAML has it) and every cross-file reference is bundled: the referenced component, and
whatever it references in turn, is copied into the referring document's own components. The served
`openapi.json` of each API is then complete on its own, which Swagger UI and other tools also need.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from connexion.json_schema import Draft4ResponseValidator
from connexion.spec import OpenAPISpecification
from jsonschema import Draft4Validator
from jsonschema.exceptions import best_match

from viya_mock.core.api.compiled import accepts, compiled
from viya_mock.resources import openapi_dir

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _parsed(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=_LOADER)  # noqa: S506 - a safe loader, picked for speed
    return document


def _node(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.strip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


class _Bundler:
    def __init__(self, folder: Path, document: dict[str, Any]) -> None:
        self.folder = folder
        self.document = document
        self.components: dict[str, dict[str, Any]] = document.setdefault("components", {})

    def bundle(self) -> dict[str, Any]:
        self._inline_placeholders()
        self._walk(self.document, None)
        return self.document

    def _inline_placeholders(self) -> None:
        """A component of this document that is only a reference to a shared one of the same kind (such as
        `securitySchemes: {bearerAuth: {$ref: components/security.yaml#/...}}`) becomes that component."""
        for section in self.components.values():
            for name, value in list(section.items()):
                reference = value.get("$ref") if isinstance(value, dict) else None
                if not isinstance(reference, str) or reference.startswith("#"):
                    continue
                file, _, pointer = reference.partition("#")
                origin = self.folder / file
                component = copy.deepcopy(_node(_parsed(origin), pointer))
                section[name] = component
                self._walk(component, origin)

    def _walk(self, node: Any, source: Path | None) -> None:
        """Rewrite references in `node`; `source` is the file a copied component came from (None: this one)."""
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str):
                node["$ref"] = self._localise(reference, source)
            for value in list(node.values()):
                self._walk(value, source)
        elif isinstance(node, list):
            for value in node:
                self._walk(value, source)

    def _localise(self, reference: str, source: Path | None) -> str:
        file, _, pointer = reference.partition("#")
        # A file part is relative to the file holding the reference: this document's folder, or the file a
        # copied component came from (so components/errors.yaml can say `links.yaml#/components/...`).
        origin = (self.folder if source is None else source.parent) / file if file else source
        if origin is None:
            return reference  # a reference within this document stays as it is
        parts = pointer.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "components":
            raise ValueError(f"cannot bundle reference {reference!r}: only components can be shared")
        _, kind, name = parts
        local = f"#/components/{kind}/{name}"
        section = self.components.setdefault(kind, {})
        if name in section:
            return local
        component = copy.deepcopy(_node(_parsed(origin), pointer))
        section[name] = component
        self._walk(component, origin)
        return local


@cache
def _bundled(name: str) -> dict[str, Any]:
    folder = openapi_dir()
    return _Bundler(folder, copy.deepcopy(_parsed(folder / name))).bundle()


def document(name: str) -> dict[str, Any]:
    """A self-contained copy of the named document (callers may keep it: Connexion changes nothing in it)."""
    return copy.deepcopy(_bundled(name))


def configured(document: dict[str, Any], values: Mapping[str, int]) -> dict[str, Any]:
    """Write settings into a document: a parameter marked `x-maximum-from: <setting>` gets that setting's value
    as its schema's `maximum`, so validation, Swagger UI and fuzzers all see the limit in force."""
    for item in document.get("paths", {}).values():
        for operation in (item, *(op for op in item.values() if isinstance(op, dict))):
            for parameter in operation.get("parameters", ()) if isinstance(operation, dict) else ():
                setting = parameter.get("x-maximum-from") if isinstance(parameter, dict) else None
                if setting is not None:
                    parameter["schema"]["maximum"] = values[setting]
    return document


def paths(name: str) -> list[tuple[str, list[str]]]:
    """Every path template of a document, with its server root, and the methods it defines."""
    spec = _bundled(name)
    root = spec["servers"][0]["url"].rstrip("/")
    methods = {"get", "put", "post", "delete", "head", "patch", "options"}
    return [(root + template, [m for m in item if m in methods]) for template, item in spec["paths"].items()]


def schema_check(name: str, schema: str) -> Callable[[Any], str | None]:
    """A check of a value against a schema of a document's components, as response validation checks a body
    (OpenAPI's `nullable` understood): None when it conforms, else what is wrong and where."""

    @cache
    def validators() -> tuple[Any, Any]:  # built at the first check, so that start-up does not pay for them
        whole = {"$ref": f"#/components/schemas/{schema}", "components": _bundled(name)["components"]}
        return compiled(whole, response=True), Draft4ResponseValidator(
            whole, format_checker=Draft4Validator.FORMAT_CHECKER
        )

    def check(value: Any) -> str | None:
        fast, python = validators()
        if accepts(fast, value):
            return None
        error = best_match(python.iter_errors(value))
        if error is None:
            return None
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
        return f"{schema}{where}: {error.message}"

    return check


# -- Connexion's own check of the documents -----------------------------------------------------------

_trusted = threading.local()
_connexion_check = OpenAPISpecification._validate_spec.__func__


def _validate_unless_trusted(cls: type, spec: Any) -> None:
    if not getattr(_trusted, "on", False):
        _connexion_check(cls, spec)


OpenAPISpecification._validate_spec = classmethod(_validate_unless_trusted)


@contextlib.contextmanager
def checked_already() -> Iterator[None]:
    """Within it, in this thread only, Connexion does not validate a document against the OpenAPI schema.

    The bundled documents are validated by openapi-spec-validator in the test suite (tests/contract); Connexion
    validated them again at every start and for every tenant, about a fifth of a second each time. Any other
    document, and these ones in any other thread or outside the block, is validated as Connexion does.
    """
    _trusted.on = True
    try:
        yield
    finally:
        _trusted.on = False
