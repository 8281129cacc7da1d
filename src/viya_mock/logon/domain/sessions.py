"""Browser sessions: who signed in through the SAS Logon pages, known by a cookie, with the session's CSRF token.

A web app in a browser signs in with the login form, not with tokens; SAS Logon answers with a session cookie
that every SAS service then accepts in place of a bearer token. Viya refuses a state-changing request made with
that cookie unless it carries the session's CSRF token, so each session has one.
"""

from __future__ import annotations

from dataclasses import dataclass

COOKIE = "SASLogon-session"
CSRF_HEADER = "X-CSRF-TOKEN"
# A session lasts as SAS Logon's does by default (its idle time-out is 30 minutes; the mock counts from sign-in
# and each use); at most this many are kept, the least recently signed in going first.
SESSION_LIFETIME = 30 * 60 * 1000
MAX_SESSIONS = 10_000


@dataclass(slots=True)
class BrowserSession:
    id: str
    user: str
    csrf_token: str
    expires: int

    def live(self, now: int) -> bool:
        return now < self.expires
