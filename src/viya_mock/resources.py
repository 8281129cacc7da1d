"""Find the documents and data the mock ships, whether installed as a wheel or run from a checkout.

The top-level `openapi/` and `fixtures/` folders are the sources of truth. A wheel carries copies under
`viya_mock/_data/`; an editable install or a checkout reads the folders at the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"viya-mock cannot find its {name!r} folder (looked in {packaged} and {checkout})")


def openapi_dir() -> Path:
    return _data_dir("openapi")


def bundled_fixtures() -> Path:
    return _data_dir("fixtures") / "default"
