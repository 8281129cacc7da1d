"""Memory comes back once jobs are gone: no reference cycles per job, and a full collection after many left."""

from __future__ import annotations

import gc

from tests.conftest import PROC_PRINT_URI, START_MS
from viya_mock.container import Container
from viya_mock.release import MemoryRelease
from viya_mock.settings import Settings


def test_a_job_run_through_the_sas_simulation_leaves_no_cycle_behind() -> None:
    """Freed by reference counting the moment it is deleted, not at some later full collection."""
    container = Container(Settings(virtual_start=START_MS, seed=1))
    gc.collect()
    gc.disable()
    try:
        request = {"jobDefinitionUri": PROC_PRINT_URI, "arguments": {"AGE": "14"}}
        for _ in range(20):
            job = container.jobs.submit(request, submitter=None)
            assert job.job.log, "the job ran its program and wrote a log"
            container.jobs.delete(job.job.id)
        del job
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_collection_runs_only_after_enough_jobs_have_gone() -> None:
    release = MemoryRelease(after=100)
    assert not release.check(99)
    assert release.check(100)
    assert not release.check(150)
    assert release.check(200)


def test_the_store_counts_every_job_removed_deletes_and_resets_alike() -> None:
    container = Container(Settings(virtual_start=START_MS, seed=1))
    fixtures = len(container.store.jobs)
    before = container.store.jobs_removed
    job_id = container.jobs.submit({"jobDefinitionUri": PROC_PRINT_URI}, submitter=None).job.id
    container.jobs.delete(job_id)
    assert container.store.jobs_removed == before + 1
    container.jobs.submit({"jobDefinitionUri": PROC_PRINT_URI}, submitter=None)
    container.reset()
    assert container.store.jobs_removed == before + 1 + fixtures + 1


def test_a_reset_after_many_jobs_gives_memory_back() -> None:
    container = Container(Settings(virtual_start=START_MS, seed=1))
    container.memory.after = 30
    for _ in range(30):
        container.jobs.submit({"jobDefinitionUri": PROC_PRINT_URI}, submitter=None)
    releases = container.memory.releases
    container.reset()
    assert container.memory.releases == releases + 1
    container.reset()  # a few fixtures gone: not worth a pause
    assert container.memory.releases == releases + 1
