"""The state file (`--state-file`): restored at start, written on shutdown and every `--state-interval`.

One JSON object, marked so that nothing else is mistaken for it:

    {"format": "viya-mock-state", "version": 1, "tenants": {"": {...one container's state...}}}

Each entry of `tenants` is what `save_container` makes of one container and `restore_container` reads back:
the store (the admin API's store export, so one serialiser checks every item), the accounts, a virtual
clock's instant, the scenario book (scenarios added at run time included) with its faults' call counts, the
random source's state (so ids issued after a restart continue the sequence instead of repeating it), and a
signing key generated at run time (so tokens issued before the restart still verify). The default tenant
is the entry named ""; every named tenant (`/t/<name>`, `X-Viya-Mock-Tenant`) has its own entry, and is
built again at start to take it.

A file is written whole or not at all: a temporary file in the same folder, fsync, rename over the old one,
fsync of the folder. A file that cannot be read back is refused at start, before anything is written.
"""

from __future__ import annotations

import glob
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

from viya_mock.admin.services.snapshots import export_store, import_store
from viya_mock.clock import VirtualClock
from viya_mock.container import Container
from viya_mock.core.domain.errors import ViyaError
from viya_mock.core.domain.timestamps import MAX_INSTANT_MS, MIN_INSTANT_MS
from viya_mock.logon.domain.accounts import GRANTS, Client, User
from viya_mock.logon.services.keys import check_pem
from viya_mock.randomness import Randomness
from viya_mock.scenarios.loader import ScenarioError, load_text
from viya_mock.scenarios.model import Scenario

FORMAT = "viya-mock-state"
VERSION = 1
DEFAULT_TENANT = ""
# Containers (of JSON) down to this depth are written piece by piece; deeper values in one json.dumps call.
# The pieces let the event loop's thread run between them while a background write serialises a large store.
_STREAMED_LEVELS = 4


class StateError(Exception):
    """A state file that cannot be used; the message is one line saying why."""


# -- one container ------------------------------------------------------------------------------------


def save_container(container: Container) -> dict[str, Any]:
    """A container's state as JSON-ready data, taken under the store lock so jobs, ids and counters agree.

    It copies what can change and shares what is never changed in place (documents are replaced, not edited),
    so it is cheap enough for the event loop; serialising it is the writer's work.
    """
    store, clock = container.store, container.clock
    with store.lock:
        key = container.tokens.key.generated_pem()
        version, internal, gauss = container.randomness.random.getstate()
        return {
            "store": export_store(store),
            "accounts": {
                "users": [_user_out(user) for user in store.users.values()],
                "clients": [_client_out(client) for client in store.clients.values()],
            },
            "clock": (
                {"kind": "virtual", "epochMillis": clock.now()} if isinstance(clock, VirtualClock) else {"kind": "real"}
            ),
            "scenarios": [
                {"name": scenario.name, "source": scenario.source, "document": scenario.document}
                for scenario in container.scenarios.scenarios
            ],
            "faultCalls": [[name, index, count] for (name, index), count in container.scenarios.calls().items()],
            "random": {"version": version, "internal": list(internal), "gauss": gauss},
            "signingKey": key.decode("ascii") if key is not None else None,
        }


def restore_container(container: Container, data: Any) -> None:
    """Put a saved state into a container; StateError, and the container unchanged, if any part is unusable.

    A virtual clock is set to the saved instant (a real clock keeps real time); the saved scenario book
    replaces the one the command line loaded; a signing key given with `--signing-key` wins over a saved one.
    """
    data = _mapping(data, "the container's state")
    instant = _clock_in(_mapping(data.get("clock"), "clock"), container)
    scenarios = [_scenario_in(item, index) for index, item in enumerate(_list(data.get("scenarios"), "scenarios"))]
    calls = _calls_in(data.get("faultCalls", []))
    random_state = _random_in(data.get("random"))
    accounts = _mapping(data.get("accounts"), "accounts")
    users = [_user_in(item, index) for index, item in enumerate(_list(accounts.get("users"), "accounts.users"))]
    clients = [_client_in(item, index) for index, item in enumerate(_list(accounts.get("clients"), "accounts.clients"))]
    key = _key_in(data.get("signingKey")) if container.settings.signing_key is None else None
    store = container.store
    now = instant if instant is not None else container.clock.now()
    with store.lock:
        try:  # checks every item against the APIs' schemas, and replaces nothing unless all are good
            import_store(store, _mapping(data.get("store"), "store"), now, container.admin.schema_checks)
        except ViyaError as error:
            extra = "; ".join(detail[:200] for detail in error.details if detail not in error.message)
            raise StateError(f"store: {error.message}" + (f" ({extra})" if extra else "")) from error
        # The saved accounts replace the ones the fixtures seeded (an import keeps accounts as they are).
        store.users.clear()
        store.users.update((user.id, user) for user in users)
        store.clients.clear()
        store.clients.update((client.id, client) for client in clients)
        if key is not None:
            container.tokens.key.adopt(key)
        if instant is not None:
            assert isinstance(container.clock, VirtualClock)
            container.clock.set(instant)
        container.scenarios.restore(scenarios, calls)
        container.randomness.random.setstate(random_state)
    container.clock.changes.notify()


def save_tenants(containers: Mapping[str, Container]) -> dict[str, Any]:
    return {name: save_container(container) for name, container in containers.items()}


def restore_tenants(tenants: Mapping[str, Any], container_for: Callable[[str], Container | None]) -> None:
    """Restore every tenant of a file; `container_for` gives the container for a name (None: none can be)."""
    for name, data in tenants.items():
        container = container_for(name)
        if container is None:
            raise StateError(
                f"it holds the tenant {name[:40]!r}, which this server has no place for (a name that is not a "
                "tenant name, or more tenants than --max-tenants)"
            )
        try:
            restore_container(container, data)
        except StateError as error:
            raise StateError(f"tenant {name[:40]!r}: {error}" if name else str(error)) from error


# -- the file -----------------------------------------------------------------------------------------


class StateFile:
    """One state file: read (or refused) at start, then written whole, newest snapshot last."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._written = -1  # the sequence number of the newest snapshot on disk

    def check_writable(self) -> None:
        folder = self.path.parent
        if not folder.is_dir():
            raise StateError(f"its folder {folder} does not exist")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StateError(f"its folder {folder} is not writable")
        if self.path.is_dir():
            raise StateError("it is a folder")

    def read(self) -> dict[str, Any] | None:
        """The tenants a file holds, or None when there is no file yet; StateError for anything else."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StateError(f"it cannot be read: {error.strerror}") from error
        return parse(raw)

    def write(self, tenants: Mapping[str, Any], sequence: int) -> bool:
        """Write a snapshot unless a newer one (higher `sequence`) is already on disk; True when written."""
        with self._lock:
            if sequence <= self._written:
                return False
            write_atomic(self.path, _chunks({"format": FORMAT, "version": VERSION, "tenants": tenants}, 0))
            self._written = sequence
            return True

    def remove_leftovers(self) -> None:
        """Temporary files a killed writer left behind (the file itself is never half-written)."""
        for leftover in self.path.parent.glob(f".{glob.escape(self.path.name)}.*.tmp"):
            with suppress(OSError):
                leftover.unlink()


def parse(raw: bytes) -> dict[str, Any]:
    """The tenants of a state file's bytes; StateError (one line) for anything that is not such a file."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as error:
        raise StateError(
            f"it is not valid JSON (truncated or corrupt?): {error.msg} at line {error.lineno} column {error.colno}"
        ) from error
    except UnicodeDecodeError as error:
        raise StateError("it is not UTF-8 text, so not a viya-mock state file") from error
    except RecursionError as error:
        raise StateError("it nests too deeply to be a viya-mock state file") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StateError(f'it is not a viya-mock state file (no "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise StateError(f"it has version {str(data.get('version'))[:20]}; this viya-mock reads version {VERSION}")
    tenants = data.get("tenants")
    if not isinstance(tenants, dict):
        raise StateError('it has no "tenants" object')
    return tenants


def write_atomic(path: Path, chunks: Iterator[str]) -> None:
    """Write a file whole or not at all: temporary file beside it, fsync, rename over it, fsync the folder.

    The temporary file is created readable by its owner only (the state holds passwords and a signing key).
    """
    folder = path.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            for chunk in chunks:
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    if hasattr(os, "O_DIRECTORY"):  # so the rename itself survives a power cut
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _chunks(value: Any, level: int) -> Iterator[str]:
    """JSON text in pieces: the outer objects and arrays item by item, each item in one json.dumps call."""
    if level >= _STREAMED_LEVELS or not isinstance(value, dict | list) or not value:
        # default=str: a scenario document is YAML, which may hold dates in free-form members.
        yield json.dumps(value, ensure_ascii=False, default=str)
        return
    if isinstance(value, dict):
        yield "{"
        for index, (name, item) in enumerate(value.items()):
            yield ("," if index else "") + json.dumps(str(name), ensure_ascii=False) + ":"
            yield from _chunks(item, level + 1)
        yield "}"
    else:
        yield "["
        for index, item in enumerate(value):
            if index:
                yield ","
            yield from _chunks(item, level + 1)
        yield "]"


# -- reading parts back -------------------------------------------------------------------------------


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise StateError(f"{what} must be an object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise StateError(f"{what} must be an array")
    return value


def _clock_in(data: Mapping[str, Any], container: Container) -> int | None:
    """The instant to set a virtual clock to; None for a real clock, or a file written on a real clock."""
    if data.get("kind") not in ("real", "virtual"):
        raise StateError("clock.kind must be real or virtual")
    if data["kind"] != "virtual" or not isinstance(container.clock, VirtualClock):
        return None
    instant = data.get("epochMillis")
    if isinstance(instant, bool) or not isinstance(instant, int) or not MIN_INSTANT_MS <= instant <= MAX_INSTANT_MS:
        raise StateError("clock.epochMillis must be epoch milliseconds between the years 1 and 9999")
    return instant


def _scenario_in(item: Any, index: int) -> Scenario:
    item = _mapping(item, f"scenarios[{index}]")
    document, source = item.get("document"), item.get("source", "state file")
    if not isinstance(document, Mapping) or not isinstance(source, str):
        raise StateError(f"scenarios[{index}] must have a document object and a source text")
    try:  # JSON is YAML: the scenario goes through the loader's checks again
        loaded = load_text(json.dumps(document), source)
    except (ScenarioError, TypeError, ValueError) as error:
        raise StateError(f"scenarios[{index}]: {error}") from error
    if len(loaded) != 1:
        raise StateError(f"scenarios[{index}] must hold one scenario")
    return loaded[0]


def _calls_in(value: Any) -> dict[tuple[str, int], int]:
    calls = {}
    for entry in _list(value, "faultCalls"):
        if not (
            isinstance(entry, list)
            and len(entry) == 3
            and isinstance(entry[0], str)
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in entry[1:])
        ):
            raise StateError("faultCalls must hold [scenario name, fault index, count] entries")
        calls[(entry[0], entry[1])] = entry[2]
    return calls


def _random_in(value: Any) -> tuple[Any, ...]:
    data = _mapping(value, "random")
    internal = data.get("internal")
    state = (data.get("version"), tuple(internal) if isinstance(internal, list) else internal, data.get("gauss"))
    try:
        Randomness(0).random.setstate(state)  # the check: a Mersenne Twister state, or an error
    except (TypeError, ValueError, OverflowError) as error:
        raise StateError(f"random is not a random generator's state: {error}") from error
    return state


def _key_in(value: Any) -> bytes | None:
    if value is None:
        return None
    try:
        pem: bytes = value.encode("ascii")
        check_pem(pem)
    except (AttributeError, UnicodeEncodeError, ValueError) as error:
        raise StateError(f"signingKey must be null or a PEM RSA private key ({error})") from error
    return pem


def _user_out(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "password": user.password,
        "name": user.name,
        "groups": list(user.groups),
        "email": user.email,
    }


def _client_out(client: Client) -> dict[str, Any]:
    return {
        "id": client.id,
        "secret": client.secret,
        "grants": sorted(client.grants),
        "redirectUri": client.redirect_uri,
        "authorities": list(client.authorities),
    }


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise StateError(f"{what} must be an array of texts")
    return tuple(value)


def _text(data: Mapping[str, Any], name: str, what: str, *, optional: bool = False) -> Any:
    value = data.get(name)
    if not isinstance(value, str) and not (optional and value is None):
        raise StateError(f"{what}.{name} must be a text")
    return value


def _user_in(item: Any, index: int) -> User:
    what = f"accounts.users[{index}]"
    data = _mapping(item, what)
    return User(
        id=_text(data, "id", what),
        password=_text(data, "password", what),
        name=_text(data, "name", what),
        groups=_strings(data.get("groups", []), f"{what}.groups"),
        email=_text(data, "email", what, optional=True),
    )


def _client_in(item: Any, index: int) -> Client:
    what = f"accounts.clients[{index}]"
    data = _mapping(item, what)
    grants = frozenset(_strings(data.get("grants", []), f"{what}.grants"))
    if not grants <= GRANTS:
        raise StateError(f"{what}.grants holds unknown grants")
    return Client(
        id=_text(data, "id", what),
        secret=_text(data, "secret", what),
        grants=grants,
        redirect_uri=_text(data, "redirectUri", what, optional=True),
        authorities=_strings(data.get("authorities", []), f"{what}.authorities"),
    )
