"""SAS Logon's browser sessions: signing in with the form, the cookie's session, signing out, CSRF tokens.

Sessions live in the store (a reset signs everyone out), at most MAX_SESSIONS of them: signing in past that
forgets the session signed in longest ago. Each use moves a session's end on by its lifetime, as SAS Logon's
idle time-out does. Ids and tokens come from the one seeded random source.
"""

from __future__ import annotations

import hashlib
import hmac

from viya_mock.clock import Clock
from viya_mock.core.store.memory import Store
from viya_mock.logon.domain.oauth import secrets_match
from viya_mock.logon.domain.sessions import MAX_SESSIONS, SESSION_LIFETIME, BrowserSession
from viya_mock.randomness import Randomness


class BrowserSessions:
    def __init__(self, store: Store, clock: Clock, randomness: Randomness) -> None:
        self.store = store
        self.clock = clock
        self.randomness = randomness
        # Keys the CSRF tokens of requests that no session carries (`--csrf all`): one token per user.
        self._secret = randomness.uuid().encode()

    def new_token(self) -> str:
        return self.randomness.uuid().replace("-", "")

    def sign_in(self, username: str, password: str) -> BrowserSession | None:
        """A new session for the user, or None when the name or password is wrong."""
        user = self.store.users.get(username)
        if user is None or not secrets_match(password, user.password):
            return None
        now = self.clock.now()
        session = BrowserSession(self.new_token(), user.id, self.new_token(), now + SESSION_LIFETIME)
        with self.store.lock:
            sessions = self.store.browser_sessions
            while len(sessions) >= MAX_SESSIONS:
                del sessions[next(iter(sessions))]
            sessions[session.id] = session
        return session

    def find(self, session_id: str) -> BrowserSession | None:
        """The live session a cookie names (its end moved on), else None."""
        session = self.store.browser_sessions.get(session_id)
        if session is None:
            return None
        now = self.clock.now()
        if not session.live(now) or session.user not in self.store.users:
            self.store.browser_sessions.pop(session_id, None)
            return None
        session.expires = now + SESSION_LIFETIME
        return session

    def sign_out(self, session_id: str | None) -> None:
        if session_id is not None:
            self.store.browser_sessions.pop(session_id, None)

    def csrf_for_user(self, user: str) -> str:
        return hmac.new(self._secret, user.encode(), hashlib.sha256).hexdigest()[:32]
