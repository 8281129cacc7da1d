"""A scripted step of a job's life: what changes, how long after submission."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Step:
    """One scripted change, `after` milliseconds from submission.

    `changes` holds wire fields (state, stateDetails, results, error, logLocation). `heartbeats` False stops
    the provider's heartbeats, True starts them. `log_location` True asks for a generated Files URI.
    """

    after: int
    changes: Mapping[str, Any] = field(default_factory=dict)
    heartbeats: bool | None = None
    log_location: bool = False
    log: Sequence[Mapping[str, str]] = ()
