"""The journal keeps the newest entries, bounded both in number and in the bytes their strings hold."""

from __future__ import annotations

from viya_mock.journal import Entry, Journal, entry_size


def _entry(number: int, path_length: int = 20) -> Entry:
    path = f"/jobExecution/jobs/{number}/" + "x" * path_length
    return Entry("GET", path, "", 200, "2026-01-05T09:00:00.000Z", None, None, "sasdemo")


def test_the_count_limit_keeps_the_newest() -> None:
    journal = Journal(limit=3)
    for number in range(10):
        journal.record(_entry(number))
    assert [entry.path.split("/")[3] for entry in journal.find()] == ["7", "8", "9"]
    assert journal.size[0] == 3


def test_long_paths_are_bounded_by_bytes_not_only_by_count() -> None:
    journal = Journal(limit=1_000_000, max_bytes=100_000)
    for number in range(1000):
        journal.record(_entry(number, path_length=8000))
    count, held = journal.size
    assert held <= 100_000
    assert count == held // entry_size(_entry(0, 8000)) and count >= 10
    assert journal.find()[-1].path.startswith("/jobExecution/jobs/999/")
    journal.clear()
    assert journal.size == (0, 0)


def test_an_entry_larger_than_the_cap_is_still_kept_alone() -> None:
    journal = Journal(max_bytes=10)
    journal.record(_entry(1))
    journal.record(_entry(2))
    assert [entry.path.split("/")[3] for entry in journal.find()] == ["2"]
