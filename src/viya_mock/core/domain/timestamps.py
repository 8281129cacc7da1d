"""SAS timestamp text (yyyy-MM-ddTHH:mm:ss.SSSZ) and HTTP dates, to and from epoch milliseconds."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

_SAS_TIMESTAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# The longest duration the mock accepts anywhere (expiresAfter, scenario steps and latencies, clock advances):
# 100 years of 365.25 days. Longer ones are refused with a 400 rather than overflowing date arithmetic.
MAX_DURATION_MS = 36_525 * 86_400_000
MAX_DURATION_TEXT = "100 years"
# The last instant a SAS timestamp can show (9999-12-31T23:59:59.999Z), and the first (0001-01-01T00:00:00.000Z).
MAX_INSTANT_MS = 253_402_300_799_999
MIN_INSTANT_MS = -62_135_596_800_000


def format_ms(ms: int) -> str:
    """The exact SAS form, always with three-digit milliseconds, so the text sorts chronologically."""
    moment = _EPOCH + timedelta(milliseconds=ms)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{moment.microsecond // 1000:03d}Z"
    )


def parse_sas(text: str) -> int | None:
    """Milliseconds for text in exactly the SAS form, or None: the service rejects anything looser."""
    match = _SAS_TIMESTAMP.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, millis = (int(part) for part in match.groups())
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    return int((moment - _EPOCH).total_seconds()) * 1000 + millis


def parse_iso(text: str) -> int | None:
    """Lenient ISO 8601 for fixtures and options, where a human may omit milliseconds or the zone."""
    exact = parse_sas(text)
    if exact is not None:
        return exact
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def http_date(ms: int) -> str:
    """RFC 7231 date for Last-Modified; it has whole seconds only."""
    return format_datetime(datetime.fromtimestamp(ms // 1000, tz=UTC), usegmt=True)


def parse_http_date(text: str) -> int | None:
    """An HTTP date in ms, or None for anything that is not one (a year too large for a date included)."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp()) * 1000
