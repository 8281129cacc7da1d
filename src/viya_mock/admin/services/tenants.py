"""The server's tenants as the admin API lists and deletes them (`/__admin/tenants`).

The tenants live above any one app (`viya_mock/tenants.py` builds an app per tenant), so the admin API
reaches them through a `TenantDirectory` it is given. An app built on its own (tests, embedding) is a
server with one tenant, the default one: `SingleTenant`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from viya_mock.core.domain.errors import BadRequest, NotFound

# The name of the tenant that requests without a prefix or header reach; `/t/default/…` reaches it too.
DEFAULT_NAME = "default"
# Names that fit a path segment and a header unescaped, and are never mistaken for an API root.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True, slots=True)
class TenantInfo:
    name: str
    created: int  # epoch milliseconds of real time: tenants' own clocks may be virtual and far apart
    jobs: int


class TenantDirectory(Protocol):
    max_tenants: int

    def describe(self) -> list[TenantInfo]:
        """Every tenant, the default one first, then by name."""
        ...

    def delete(self, name: str) -> None:
        """Forget a named tenant (its next request starts a new one); NotFound, or BadRequest for the default."""
        ...


def refuse_default(name: str) -> None:
    if name == DEFAULT_NAME:
        raise BadRequest(
            "The default tenant cannot be deleted; reset it with POST /__admin/reset.", details=[f"name: {name}"]
        )


def no_such_tenant(name: str) -> NotFound:
    return NotFound(f"No tenant named {name} exists.", details=[f"name: {name[:100]}"])


class SingleTenant:
    """The directory of an app that is served alone: its own tenant, the default one, and no other."""

    max_tenants = 0

    def __init__(self, jobs: Callable[[], int], created: int) -> None:
        self.jobs = jobs
        self.created = created

    def describe(self) -> list[TenantInfo]:
        return [TenantInfo(DEFAULT_NAME, self.created, self.jobs())]

    def delete(self, name: str) -> None:
        refuse_default(name)
        raise no_such_tenant(name)
