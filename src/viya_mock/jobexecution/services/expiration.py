"""expiresAfter: a W3C XML duration, counted from the job's end, after which the service deletes the job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import isodate

from viya_mock.core.domain.errors import InvalidJobRequest


def expires_after_ms(text: str, at: int) -> int:
    """Milliseconds the duration spans from instant `at` (months and years vary, so the start matters)."""
    try:
        duration = isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError, TypeError) as error:
        raise InvalidJobRequest(
            f"The expiresAfter value '{text}' is not a W3C XML duration such as PT1H or P1D.",
            details=[f"expiresAfter: {text}"],
        ) from error
    start = datetime.fromtimestamp(at / 1000, tz=UTC)
    try:
        delta = (start + duration) - start
    except (OverflowError, ValueError) as error:
        raise InvalidJobRequest(f"The expiresAfter value '{text}' is out of range.") from error
    if not isinstance(delta, timedelta) or delta < timedelta(0):
        raise InvalidJobRequest(f"The expiresAfter value '{text}' must be a positive duration.")
    return delta // timedelta(milliseconds=1)
