"""Which fields of a collection's resources can be filtered and sorted by: one table per collection.

A filter and a sortBy name fields the same way, so both are checked against the same table and an unknown
field is the same 400 in either. A public name may stand for another place in the representation: jobs have
no `name` member, but SAS documents `startsWith(name, 'myJob')` on jobs, so `name` reads `jobRequest.name`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class QueryFields:
    """`names` are fields at their own path; `aliases` map a public name to another path; under each of
    `maps` (an object such as `jobRequest.arguments`) any key is a field too. Frozen and hashable, so
    compiled filters can be cached per table."""

    noun: str
    names: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()
    maps: tuple[str, ...] = ()
    _paths: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        paths = {name: tuple(name.split(".")) for name in self.names}
        paths.update((alias, tuple(target.split("."))) for alias, target in self.aliases)
        self._paths.update(paths)

    def path(self, name: str) -> tuple[str, ...] | None:
        """The path in the representation that a field name reads, or None when it is not queryable."""
        found = self._paths.get(name)
        if found is not None:
            return found
        for prefix in self.maps:
            if name.startswith(prefix + ".") and len(name) > len(prefix) + 1:
                return tuple(prefix.split(".")) + (name[len(prefix) + 1 :],)
        return None

    def listing(self) -> str:
        """The fields, for an error message that tells the client what it could have used."""
        return ", ".join([*sorted(self._paths), *(f"{prefix}.<key>" for prefix in self.maps)])
