"""The layering rules, enforced as allowlists: each layer of each service package names what it may import.

Every SAS service is a package (`viya_mock/jobexecution/`, `viya_mock/files/`, …) with up to three layers,
`api/` (HTTP: handlers and representations), `services/` (use cases) and `domain/` (rules, no I/O), over the
shared `viya_mock/core/` whose `query/` and `store/` layers are used by every package. Anything a layer does
not list here is forbidden, so a new dependency is a decision made in this file, not an accident.
"""

from __future__ import annotations

import ast
import sys
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "src" / "viya_mock"
STDLIB = sys.stdlib_module_names

DOMAIN = ("viya_mock.*.domain", "viya_mock.*.domain.*")
QUERY = ("viya_mock.core.query", "viya_mock.core.query.*")
# layer → (project modules it may import, third-party distributions it may import); stdlib is always allowed.
ALLOWED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "domain": (DOMAIN, ()),
    # sortedcontainers: a kept query's matches in order (core/query/kept.py).
    "query": ((*DOMAIN, *QUERY), ("sortedcontainers",)),
    "store": ((*DOMAIN, *QUERY, "viya_mock.core.store.*"), ("yaml",)),
    "services": (
        (
            *DOMAIN,
            *QUERY,
            "viya_mock.*.services.*",
            "viya_mock.core.store.*",
            "viya_mock.scenarios.*",
            "viya_mock.clock",
            "viya_mock.randomness",
            "viya_mock.journal",
        ),
        # jwt and cryptography: SAS Logon signs and checks its tokens (logon/services).
        ("isodate", "yaml", "faker", "jwt", "cryptography"),
    ),
    "api": (
        (
            *DOMAIN,
            *QUERY,
            "viya_mock.*.api",
            "viya_mock.*.api.*",
            "viya_mock.*.services.*",
            "viya_mock.journal",
            "viya_mock.scenarios.model",
        ),
        # orjson: the one serialiser (core/api/render.py) encodes with it; jsonschema_rs: core/api/compiled.py.
        ("connexion", "starlette", "jsonschema", "multipart", "python_multipart", "orjson", "jsonschema_rs"),
    ),
    "scenarios": ((*DOMAIN, "viya_mock.scenarios.*"), ("yaml", "jsonschema", "isodate")),
    "middleware": (
        (
            "viya_mock.middleware",
            "viya_mock.middleware.*",
            "viya_mock.scenarios.model",
            "viya_mock.clock",
            "viya_mock.journal",
            "viya_mock.core.api.render",
            # The request limits raise the typed errors (408, 413, 431) that the app's handlers render.
            "viya_mock.core.domain.errors",
            "viya_mock.core.domain.limits",
        ),
        ("starlette",),
    ),
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def layer_folders() -> list[tuple[str, Path]]:
    """Every folder that is a layer: the layers of each package, and the shared scenarios and middleware."""
    folders = [(layer, PACKAGE / layer) for layer in ("scenarios", "middleware")]
    for package in sorted(PACKAGE.iterdir()):
        for layer in ("api", "services", "domain", "query", "store"):
            if (package / layer).is_dir():
                folders.append((layer, package / layer))
    return folders


def offences(layer: str, folder: Path) -> list[str]:
    project, third_party = ALLOWED[layer]
    found = []
    for path in sorted(folder.rglob("*.py")):
        for name in sorted(imports_of(path)):
            top = name.split(".")[0]
            if top == "__future__" or top in STDLIB:
                continue
            if top == "viya_mock":
                allowed = any(fnmatchcase(name, pattern) for pattern in project)
            else:
                allowed = top in third_party
            if not allowed:
                found.append(f"{path.relative_to(folder.parent.parent)} imports {name}")
    return found


@pytest.mark.parametrize(("layer", "folder"), layer_folders(), ids=lambda value: str(value).split("viya_mock/")[-1])
def test_each_layer_imports_only_what_it_may(layer: str, folder: Path) -> None:
    assert offences(layer, folder) == []


def test_every_service_package_has_its_layers_in_folders() -> None:
    """A service is a package with api/ and services/; modules beside them would escape the rules above."""
    for package in PACKAGE.iterdir():
        if (package / "api").is_dir():
            loose = sorted(p.name for p in package.glob("*.py") if p.name != "__init__.py")
            assert loose == [], f"{package.name} has modules outside its layers: {loose}"


def test_the_rules_catch_a_forbidden_import(tmp_path: Path) -> None:
    domain = tmp_path / "domain"
    domain.mkdir()
    (domain / "bad.py").write_text("import connexion\nfrom viya_mock.core.store.memory import Store\n")
    assert len(offences("domain", domain)) == 2
