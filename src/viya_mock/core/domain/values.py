"""JSON values as the text a SAS macro variable or job argument holds."""

from __future__ import annotations


def as_text(value: object) -> str:
    """Strings as they are; booleans as JavaScript writes them (@sasjs/adapter sends `true`), numbers as written,
    null as the empty string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)
