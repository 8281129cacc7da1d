"""SAS Logon's pages for browsers: the sign-in form, what signing in and out answer.

The form is plain HTML in the shape SAS's clients scrape: @sasjs/adapter finds the `<form …action="…login…">`
on one line and reads each `<input type="hidden" name="…" value="…">` (name, one space, value) to send back
with the user name and password, and takes "You have signed in." in the answer as success.
"""

from __future__ import annotations

import html

LOGIN_CSRF_FIELD = "X-Uaa-Csrf"
# No favicon to fetch: a browser asking the mock for /favicon.ico would only meet a 401 or 404.
HEAD = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
    "<title>SAS Logon</title></head><body>\n"
)


def login_form(csrf: str, *, action: str, message: str | None = None) -> str:
    notice = f'<p class="error" role="alert">{html.escape(message)}</p>\n' if message else ""
    return (
        HEAD + "<h1>Sign in to SAS</h1>\n"
        f"{notice}"
        f'<form id="fm1" action="{html.escape(action)}" method="post">\n'
        f'<input type="hidden" name="{LOGIN_CSRF_FIELD}" value="{html.escape(csrf)}">\n'
        '<input type="hidden" name="_service" value="default">\n'
        '<label for="username">User ID</label> '
        '<input id="username" name="username" type="text" autocomplete="username">\n'
        '<label for="password">Password</label> <input id="password" name="password" type="password" '
        'autocomplete="current-password">\n'
        '<button type="submit" name="submit">Sign in</button>\n'
        "</form>\n</body></html>\n"
    )


def signed_in(user: str) -> str:
    return HEAD + f"<h1>You have signed in.</h1>\n<p>Signed in as {html.escape(user)}.</p>\n</body></html>\n"


def signed_out() -> str:
    return HEAD + '<h1>You have signed out.</h1>\n<p><a href="/SASLogon/login">Sign in again</a></p>\n</body></html>\n'
