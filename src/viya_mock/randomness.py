"""The one seeded source of randomness: ids, generated data and fault probabilities draw from it."""

from __future__ import annotations

import random
import uuid


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
