"""Who the current request is made by: one request-scoped value, set by the auth middleware.

Services name the user in audit fields (`createdBy`, `modifiedBy`) by calling a `Callable[[], str]`; the
container hands them `CurrentUser()`, so the user never travels through handlers. Outside a request (a
reset, an admin call, a timeline step) it is the default user.
"""

from __future__ import annotations

from contextvars import ContextVar, Token

_current: ContextVar[str | None] = ContextVar("viya_mock_user", default=None)


class CurrentUser:
    def __init__(self, default: str) -> None:
        self.default = default

    def __call__(self) -> str:
        return _current.get() or self.default

    @staticmethod
    def bind(name: str) -> Token[str | None]:
        return _current.set(name)

    @staticmethod
    def unbind(token: Token[str | None]) -> None:
        _current.reset(token)
