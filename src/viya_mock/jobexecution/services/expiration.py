"""expiresAfter: a W3C XML duration, counted from the job's end, after which the service deletes the job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import isodate

from viya_mock.core.domain.errors import InvalidJobRequest
from viya_mock.core.domain.limits import excerpt
from viya_mock.core.domain.timestamps import MAX_DURATION_MS, MAX_DURATION_TEXT


def _out_of_range(text: str, why: str = f"it must be at most {MAX_DURATION_TEXT}") -> InvalidJobRequest:
    shown = excerpt(text)
    return InvalidJobRequest(
        f"The expiresAfter value '{shown}' is out of range: {why}.", details=[f"expiresAfter: {shown}"]
    )


def expires_after_ms(text: str, at: int) -> int:
    """Milliseconds the duration spans from instant `at` (months and years vary, so the start matters)."""
    try:
        duration = isodate.parse_duration(text)
    except OverflowError as error:  # a component too large for a timedelta
        raise _out_of_range(text) from error
    except (isodate.ISO8601Error, ValueError, TypeError) as error:
        raise InvalidJobRequest(
            f"The expiresAfter value '{excerpt(text)}' is not a W3C XML duration such as PT1H or P1D.",
            details=[f"expiresAfter: {excerpt(text)}"],
        ) from error
    start = datetime.fromtimestamp(at / 1000, tz=UTC)
    try:
        delta = (start + duration) - start
    except (OverflowError, ValueError) as error:
        raise _out_of_range(text, "from now it ends after the year 9999") from error
    if not isinstance(delta, timedelta) or delta < timedelta(0):
        raise InvalidJobRequest(f"The expiresAfter value '{excerpt(text)}' must be a positive duration.")
    milliseconds = delta // timedelta(milliseconds=1)
    if milliseconds > MAX_DURATION_MS:
        raise _out_of_range(text)
    return milliseconds
