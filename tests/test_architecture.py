"""The layering rules, enforced: the domain is pure, and only the composition root wires layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "src" / "viya_mock"

# layer → module prefixes it must not import
FORBIDDEN = {
    "domain": (
        "connexion",
        "starlette",
        "yaml",
        "faker",
        "isodate",
        "viya_mock.store",
        "viya_mock.services",
        "viya_mock.api",
        "viya_mock.clock",
        "viya_mock.app",
        "viya_mock.container",
    ),
    "store": ("connexion", "starlette", "viya_mock.services", "viya_mock.api", "viya_mock.app"),
    "services": ("connexion", "starlette", "viya_mock.api", "viya_mock.app", "viya_mock.container"),
    "api": ("viya_mock.store.memory", "viya_mock.container", "viya_mock.app"),
    "scenarios": ("connexion", "starlette", "viya_mock.services", "viya_mock.api", "viya_mock.store", "viya_mock.app"),
    "middleware": ("connexion", "viya_mock.services", "viya_mock.store", "viya_mock.container", "viya_mock.app"),
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    offences = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in sorted(imports_of(path))
        if name.startswith(FORBIDDEN[layer])
    ]
    assert offences == []
