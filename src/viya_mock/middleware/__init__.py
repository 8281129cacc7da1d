"""ASGI middleware around the mocked APIs: the request journal and scripted faults."""

from starlette.types import Scope

ADMIN_PREFIX = "/__admin"


def route_path(scope: Scope) -> str:
    """The path below the app's root: what a request names inside its tenant.

    A tenant named by a prefix is served with `root_path` set to `/t/<name>` and the full path kept in `path`
    (the ASGI convention Starlette routes by), so `/t/alice/jobExecution/jobs` is `/jobExecution/jobs` here:
    the journal, scripted faults and the open paths of auth see the same paths in every tenant.
    """
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        return path[len(root) :] or "/"
    return path
