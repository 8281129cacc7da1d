"""Content-Disposition values: the file name a client gives an upload.

Clients send `attachment; filename="x.csv"`, RFC 5987/2231 `filename*=UTF-8''na%C3%AFve.csv`, or raw UTF-8
bytes inside the quotes (which arrive as Latin-1 text, as HTTP headers do). Anything that cannot be read
gives no name rather than an error, and the service makes one up.
"""

from __future__ import annotations

from email.message import Message


def _repaired(text: str) -> str:
    """Raw UTF-8 bytes in a header arrive decoded as Latin-1; undo that where it is what happened."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def filename_of(disposition: str | None) -> str | None:
    """The filename parameter (filename* preferred), or None when there is none that can be read."""
    if not disposition or not disposition.strip():
        return None
    message = Message()
    try:
        message["content-disposition"] = disposition
        name = message.get_filename()
    except (ValueError, LookupError, UnicodeError, TypeError, IndexError):
        return None
    if not name:
        return None
    name = _repaired(name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    # Control characters cannot be part of a name a client can send back in a header or a filter.
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f")
    return name or None


def param_of(disposition: str | None, param: str) -> str | None:
    """Another parameter of a multipart part's Content-Disposition (such as `name`)."""
    if not disposition:
        return None
    message = Message()
    try:
        message["content-disposition"] = disposition
        value = message.get_param(param, header="content-disposition")
    except (ValueError, LookupError, UnicodeError, TypeError, IndexError):
        return None
    if isinstance(value, tuple):  # an RFC 2231 value: (charset, language, text)
        charset, _, text = value
        try:
            return text.encode("latin-1").decode(charset or "utf-8")
        except (LookupError, UnicodeError):
            return text
    return _repaired(value) if isinstance(value, str) else None
