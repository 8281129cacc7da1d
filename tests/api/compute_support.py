"""What the Compute API tests share: the bundled contexts, making sessions and jobs, and scripted runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from starlette.testclient import TestClient

from viya_mock.container import Container
from viya_mock.sas.domain.run import Line, Output, Run, Session

JES_CONTEXT = "3f5bd0a2-6a6e-4a47-9d4e-1b2c3d4e5f60"
STUDIO_CONTEXT = "7c1e9f84-2d3b-4c5a-8e6f-0a1b2c3d4e5f"
JES_CONTEXT_NAME = "SAS Job Execution compute context"


def new_session(client: TestClient, body: Any = None) -> dict[str, Any]:
    response = client.post(f"/compute/contexts/{JES_CONTEXT}/sessions", json=body)
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()
    return session


def submit(client: TestClient, session_id: str, code: Any = "data _null_; run;", **extra: Any) -> dict[str, Any]:
    response = client.post(f"/compute/sessions/{session_id}/jobs", json={"code": code, **extra})
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


def scripted(
    log: Sequence[Line] = (),
    *,
    listing: Sequence[Line] = (),
    results: Sequence[Output] = (),
    webout: bytes | None = None,
    duration: int = 0,
    outcome: str = "completed",
    condition_code: int = 0,
) -> Callable[..., Run]:
    """An interpreter that writes what it is told (the real one is developed on its own), recording the calls."""

    def execute(code: Any, session: Session, *, job_id: str, variables: Any = None, **_: Any) -> Run:
        session.macros.update({name.upper(): value for name, value in (variables or {}).items()})
        return Run(
            log=list(log),
            listing=list(listing),
            results=list(results),
            webout=webout,
            condition_code=condition_code,
            outcome=outcome,  # type: ignore[arg-type]
            duration=duration,
        )

    return execute


@contextmanager
def interpreter(container: Container, execute: Callable[..., Run]) -> Iterator[None]:
    original = container.compute.execute
    container.compute.execute = execute
    try:
        yield
    finally:
        container.compute.execute = original
