from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from viya_mock.sas.domain.run import Run, Session, execute

WORK = "/opt/sas/viya/config/var/tmp/compute/SAS_work1A2B00000001_sas-compute-server"


@pytest.fixture
def session() -> Session:
    return Session(id="3f1c-ses0000", user="sasdemo", work_path=WORK)


Runner = Callable[..., Run]


@pytest.fixture
def run(session: Session) -> Runner:
    """Runs code as a job of the one session of the test."""

    def runner(code: str | Sequence[str], **kwargs: object) -> Run:
        kwargs.setdefault("job_id", "job-1")
        return execute(code, session, **kwargs)  # type: ignore[arg-type]

    return runner


def normal(run_: Run) -> list[str]:
    """The log lines the program itself wrote (%put and put output)."""
    return [line.line for line in run_.log if line.type == "normal"]
