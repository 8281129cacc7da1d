"""A stateful mock of the SAS Viya Job Execution REST API, driven by its OpenAPI documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from viya_mock.app import create_app
    from viya_mock.settings import Settings

__all__ = ["Settings", "create_app"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Imported on first use so that `viya-mock --help` and the pytest plugin do not pay for Connexion.
    if name == "create_app":
        from viya_mock.app import create_app

        return create_app
    if name == "Settings":
        from viya_mock.settings import Settings

        return Settings
    raise AttributeError(name)
