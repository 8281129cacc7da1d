"""Typed errors, each carrying the HTTP status and SAS error code the real service answers with.

    ViyaError
    ├── BadRequest (400)
    │   ├── InvalidFilter (400, 1104)       filter expression that cannot be parsed
    │   ├── InvalidSort (400)               sortBy that cannot be parsed (a bad direction, an empty key)
    │   ├── UnknownField (400)              filter or sortBy naming a field the collection has no query on
    │   ├── InvalidJobRequest (400)         submit that cannot run: no definition, missing required argument …
    │   ├── IdMismatch (400)                body id differs from the path id
    │   ├── InvalidSelection (400)          a selection that is not of type uri
    │   ├── MalformedTimestamp (400, 31504) expiration timestamp not in yyyy-MM-ddTHH:mm:ss.SSSZ
    │   ├── StateMissing (400, 31505)       PUT state with neither a value parameter nor a body
    │   └── UnknownState (400, 31506)       PUT state with a value that is not a job state
    ├── NotFound (404)
    ├── JobEnded (405, 31501)               the job has already ended and can no longer be updated
    ├── Conflict (409)
    │   ├── IllegalTransition (409)         a state change the job's lifecycle does not allow
    │   └── JobNotCompleted (409, 31503)    expiration set before the job has ended
    ├── RequestTimeout (408)                a request head or body that did not arrive in time
    ├── PreconditionFailed (412)
    ├── PayloadTooLarge (413)               a body over --max-body, or a file over --max-file-size
    ├── UriTooLong (414)                    a request target (path and query) over the mock's limit
    ├── RangeNotSatisfiable (416)           a byte range outside a file's content
    ├── PreconditionRequired (428)
    ├── TooManyTenants (429)                a request for a new tenant once --max-tenants are there
    └── HeadersTooLarge (431)               too many request headers, or too many bytes of them

Codes 1104 and 31501–31506 are the real service's. Where SAS documents no code, `error_code` is None and
the body carries none: the mock does not invent codes a client might come to depend on. Every class
states its own status and code (checked by a test), so none inherits one by accident.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar


class ViyaError(Exception):
    status: ClassVar[int] = 500
    error_code: ClassVar[int | None] = None
    remediation: ClassVar[str | None] = None

    def __init__(self, message: str, *, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)


class BadRequest(ViyaError):
    status = 400
    error_code: ClassVar[int | None] = None


class InvalidFilter(BadRequest):
    status = 400
    error_code = 1104
    remediation = "Correct the filter or sortBy expression and try again."


class InvalidJobRequest(BadRequest):
    status = 400
    error_code: ClassVar[int | None] = None
    remediation = "Correct the job request and submit it again."


class IdMismatch(BadRequest):
    status = 400
    error_code: ClassVar[int | None] = None


class InvalidSelection(BadRequest):
    status = 400
    error_code: ClassVar[int | None] = None


class MalformedTimestamp(BadRequest):
    status = 400
    error_code = 31504
    remediation = "Use the format yyyy-MM-ddTHH:mm:ss.SSSZ, for example 2023-04-07T23:59:31.570Z."


class StateMissing(BadRequest):
    status = 400
    error_code = 31505
    remediation = "Give the new state in the value query parameter or in the body."


class UnknownState(BadRequest):
    status = 400
    error_code = 31506
    remediation = "Use one of: pending, running, canceled, completed, failed, timedOut."


class NotFound(ViyaError):
    status = 404
    error_code: ClassVar[int | None] = None


class JobEnded(ViyaError):
    status = 405
    error_code = 31501


class Conflict(ViyaError):
    status = 409
    error_code: ClassVar[int | None] = None


class IllegalTransition(Conflict):
    status = 409
    error_code: ClassVar[int | None] = None


class JobNotCompleted(Conflict):
    status = 409
    error_code = 31503


class PreconditionFailed(ViyaError):
    status = 412
    error_code: ClassVar[int | None] = None
    remediation = "Get the resource again and retry with its current ETag."


class PreconditionRequired(ViyaError):
    status = 428
    error_code: ClassVar[int | None] = None
    remediation = "Send If-Match with the resource's ETag, or If-Unmodified-Since with its Last-Modified."


class InvalidSort(BadRequest):
    status = 400
    error_code: ClassVar[int | None] = None
    remediation = "Sort by a supported field, as field:ascending or field:descending."


class UnknownField(BadRequest):
    status = 400
    error_code: ClassVar[int | None] = None
    remediation = "Filter and sort by one of the fields the error lists."


class PayloadTooLarge(ViyaError):
    status = 413
    error_code: ClassVar[int | None] = None


class RangeNotSatisfiable(ViyaError):
    status = 416
    error_code: ClassVar[int | None] = None


class RequestTimeout(ViyaError):
    status = 408
    error_code: ClassVar[int | None] = None


class UriTooLong(ViyaError):
    status = 414
    error_code: ClassVar[int | None] = None


class TooManyTenants(ViyaError):
    status = 429
    error_code: ClassVar[int | None] = None


class HeadersTooLarge(ViyaError):
    status = 431
    error_code: ClassVar[int | None] = None
