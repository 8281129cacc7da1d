"""The seeded source of ids: version-4 UUIDs exactly as uuid.UUID would make them from the same draws."""

from __future__ import annotations

import random
import uuid

from viya_mock.randomness import Randomness


def test_ids_are_the_uuids_the_standard_library_makes_from_the_same_draws() -> None:
    ours, reference = Randomness(11), random.Random(11)
    for _ in range(2000):
        text = ours.uuid()
        assert text == str(uuid.UUID(int=reference.getrandbits(128), version=4))
        assert uuid.UUID(text).version == 4 and uuid.UUID(text).variant == uuid.RFC_4122


def test_a_seed_fixes_the_ids() -> None:
    assert [Randomness(3).uuid() for _ in range(2)] == [Randomness(3).uuid() for _ in range(2)]
    first = Randomness(3)
    assert first.uuid() != first.uuid()
