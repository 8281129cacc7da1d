"""The one seeded source of randomness: ids, generated data and fault probabilities draw from it."""

from __future__ import annotations

import hashlib
import random
import uuid


def derived_seed(seed: int | None, name: str) -> int | None:
    """The seed of a tenant: fixed by the server's seed and the tenant's name, different for every name.

    With one seed for every tenant, two tenants would hand out the same ids in the same order, and a client
    that mixed up its base URL would still find "its" job. SHA-256 spreads neighbouring names apart; None
    (no --seed) stays None, so every tenant is random.
    """
    if seed is None:
        return None
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class Randomness:
    """A `random.Random` seeded once per container, so a seed fixes every id the mock hands out."""

    def __init__(self, seed: int | None) -> None:
        self.random = random.Random(seed)

    def reseed(self, seed: int | None) -> None:
        self.random.seed(seed)

    def uuid(self) -> str:
        """A version-4 UUID string (36 characters, as SAS clients require) from the seeded generator."""
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def probability(self, p: float) -> bool:
        return self.random.random() < p
