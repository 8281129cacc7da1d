"""The Compute service's own errors, with the codes a real Compute service answers with.

5837 (session not found) is answered on every route under a session that does not exist or was deleted,
5202 when a job request has no SAS code, 5033 when a state change has no If-Match. Where Compute was not
observed to send a code (a job that is not there, a cancel after the job ended), none is invented.
"""

from __future__ import annotations

from typing import ClassVar

from viya_mock.core.domain.errors import BadRequest, Conflict, NotFound, PreconditionRequired, ViyaError


class SessionNotFound(NotFound):
    status = 404
    error_code = 5837

    def __init__(self, session_id: str) -> None:
        super().__init__("Not Found", details=[f'A session with the ID "{session_id}" could not be found.'])


class ComputeJobNotFound(NotFound):
    status = 404
    error_code: ClassVar[int | None] = None

    def __init__(self, session_id: str, job_id: str) -> None:
        super().__init__(
            f'A job with the ID "{job_id}" could not be found in session "{session_id}".',
            details=[f"id: {job_id}"],
        )


class NoCode(BadRequest):
    status = 400
    error_code = 5202
    remediation = "Give the program in code (an array of lines or a string) or codeUri (a Files URI)."


class IfMatchRequired(PreconditionRequired):
    status = 428
    error_code = 5033

    def __init__(self) -> None:
        super().__init__("An If-Match header containing the current entity tag of this resource is required.")


class JobAlreadyEnded(Conflict):
    status = 409
    error_code: ClassVar[int | None] = None


class TooManySessions(ViyaError):
    status = 503
    error_code: ClassVar[int | None] = None
    remediation = "Delete sessions that are no longer needed, then create the session again."
