"""Identities: the caller (the token's user) and the users SAS Logon knows, with their groups."""

from __future__ import annotations

from collections.abc import Callable

from viya_mock.core.domain.errors import NotFound
from viya_mock.core.query.paging import Page
from viya_mock.core.store.memory import Store
from viya_mock.logon.domain.accounts import User


class IdentityService:
    def __init__(self, store: Store, current_user: Callable[[], str]) -> None:
        self.store = store
        self.current_user = current_user

    def user(self, user_id: str) -> User:
        """A user by id; `@currentUser` is whoever the request's token names (or the default user)."""
        name = self.current_user() if user_id == "@currentUser" else user_id
        user = self.store.users.get(name)
        if user is None:
            raise NotFound(f"No user exists with the ID {name}.", details=[f"id: {name}"])
        return user

    def memberships(self, user_id: str, start: int, limit: int) -> tuple[User, Page[str]]:
        """The groups a user is a direct member of, in the order users.yaml lists them."""
        user = self.user(user_id)
        groups = list(user.groups)
        return user, Page(items=groups[start : start + limit], start=start, limit=limit, count=len(groups))
