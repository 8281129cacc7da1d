"""The one seeded source of randomness: ids, generated data and fault probabilities draw from it."""

from __future__ import annotations

import hashlib
import random


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


_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_VERSION_4 = (0x4000 << 64) | (0x8000 << 48)


class Randomness:
    """A `random.Random` seeded once per container, so a seed fixes every id the mock hands out."""

    def __init__(self, seed: int | None) -> None:
        self.random = random.Random(seed)

    def reseed(self, seed: int | None) -> None:
        self.random.seed(seed)

    def uuid(self) -> str:
        """A version-4 UUID string (36 characters, as SAS clients require) from the seeded generator."""
        # What uuid.UUID(int=…, version=4) gives, without building the object: the version and variant bits
        # set on the drawn 128 bits, formatted 8-4-4-4-12.
        bits = self.random.getrandbits(128) & _CLEAR | _VERSION_4
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def probability(self, p: float) -> bool:
        return self.random.random() < p
