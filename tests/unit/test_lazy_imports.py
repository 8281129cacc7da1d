"""Connexion imported without Starlette's test client, httpx or requests, which a server never calls; each
still works the first time something uses it, and later imports get the real modules."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    import viya_mock.tenants
    print(sorted(name for name in ("starlette.testclient", "httpx", "requests") if name in sys.modules))
    import connexion.apps.abstract as abstract, connexion.json_schema as schema, connexion.security as security
    from viya_mock.app import create_app
    client = create_app().test_client()          # Connexion's own test client: the deferred TestClient
    print(client.get("/jobExecution/").status_code)
    print(type(security.httpx.AsyncClient).__name__, callable(schema.requests.get))
    import requests, httpx, starlette.testclient  # imported afterwards: the real modules
    print(type(requests.Session()).__name__, hasattr(httpx, "__path__"), starlette.testclient.TestClient.__name__)
    """
)


def test_a_server_imports_none_of_them_and_each_works_when_used() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:4] == ["[]", "200", "type True", "Session True TestClient"]
