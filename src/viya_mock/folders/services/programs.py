"""Programs served from folders of `.sas` files on disk (`--programs`): each file a job definition in a folder.

A file `DIR/common/sendTables.sas` mounted at `/Public/app/demo` becomes the Compute job definition
"sendTables" (its code the file's text) in the folder `/Public/app/demo/common`, with ids derived from its
path, so a restart or a reset gives it the same URI. The files are looked at again (one `stat` each) before the
Folders service and the web runner answer, so an edited, added or removed program is what the next request
sees, without a restart; a reset puts them back after the fixtures.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from viya_mock.clock import Clock
from viya_mock.core.domain.resource import Resource
from viya_mock.core.domain.timestamps import format_ms
from viya_mock.core.store.memory import Store
from viya_mock.folders.domain.tree import NAMESPACE, normal_path
from viya_mock.jobdefinitions.domain.definition import DEFINITION_URI_PREFIX

# The most programs one server loads from disk, and the largest program it reads (bounded memory).
MAX_PROGRAMS = 10_000
MAX_PROGRAM_BYTES = 4 * 1024 * 1024
DEFINITION_VERSION = 2


@dataclass(frozen=True, slots=True)
class Mount:
    """A folder on disk and the folder path it is served at."""

    folder_path: str
    directory: Path


def parse_mount(text: str) -> Mount:
    """`DIR` (served at `/Public/app/<DIR's name>`) or `/Folder/Path=DIR`."""
    folder, equals, directory = text.partition("=")
    if equals and folder.startswith("/"):
        return Mount(normal_path(folder), Path(directory))
    path = Path(text)
    return Mount(f"/Public/app/{path.resolve().name}", path)


@dataclass(frozen=True, slots=True)
class _Seen:
    stamp: tuple[int, int]
    definition_id: str
    folder_path: str


class ProgramFolders:
    def __init__(self, mounts: Sequence[Mount], store: Store, clock: Clock, user: Callable[[], str]) -> None:
        self.mounts = tuple(mounts)
        self.store = store
        self.clock = clock
        self.user = user
        self._seen: dict[Path, _Seen] = {}
        self._generation = -1

    def refresh(self) -> None:
        """Bring the definitions and folder members up to date with the files (all of them after a reset)."""
        if not self.mounts:
            return
        with self.store.lock:
            if self._generation != self.store.generation:
                self._seen.clear()
                self._generation = self.store.generation
            found: set[Path] = set()
            for mount in self.mounts:
                for file, folder_path in self._programs(mount):
                    found.add(file)
                    self._load(file, folder_path)
            for gone in [file for file in self._seen if file not in found]:
                seen = self._seen.pop(gone)
                self.store.job_definitions.pop(seen.definition_id, None)
                self.store.folders.remove(seen.folder_path, DEFINITION_URI_PREFIX + seen.definition_id)

    def _programs(self, mount: Mount) -> list[tuple[Path, str]]:
        programs: list[tuple[Path, str]] = []
        if not mount.directory.is_dir():
            return programs
        for root, directories, files in os.walk(mount.directory):
            directories[:] = sorted(name for name in directories if not name.startswith("."))
            relative = Path(root).relative_to(mount.directory).parts
            folder_path = normal_path("/".join((mount.folder_path, *relative)))
            for name in sorted(files):
                if name.lower().endswith(".sas") and len(programs) < MAX_PROGRAMS:
                    programs.append((Path(root) / name, folder_path))
        return programs

    def _load(self, file: Path, folder_path: str) -> None:
        try:
            status = file.stat()
        except OSError:
            return
        stamp = (status.st_mtime_ns, status.st_size)
        seen = self._seen.get(file)
        if seen is not None and seen.stamp == stamp and seen.definition_id in self.store.job_definitions:
            return
        try:
            with file.open("rb") as handle:
                code = handle.read(MAX_PROGRAM_BYTES).decode("utf-8", "replace")
        except OSError:
            return
        name = file.name[: -len(".sas")]
        definition_id = str(uuid.uuid5(NAMESPACE, f"program:{folder_path}/{name}"))
        now = self.clock.now()
        user = self.user()
        existing = self.store.job_definitions.get(definition_id)
        created = existing.doc if existing is not None else {"creationTimeStamp": format_ms(now), "createdBy": user}
        doc: dict[str, Any] = {
            "creationTimeStamp": created["creationTimeStamp"],
            "modifiedTimeStamp": format_ms(now),
            "createdBy": created["createdBy"],
            "modifiedBy": user,
            "version": DEFINITION_VERSION,
            "id": definition_id,
            "name": name,
            "description": f"{folder_path}/{name}, from {file.name}",
            "type": "Compute",
            "parameters": [],
            "code": code,
            "properties": [],
        }
        revision = existing.revision + 1 if existing is not None else 0
        self.store.job_definitions[definition_id] = Resource(definition_id, doc, now, revision)
        self.store.folders.add(
            folder_path,
            name=name,
            uri=DEFINITION_URI_PREFIX + definition_id,
            content_type="jobDefinition",
            at=now,
            by=user,
        )
        self._seen[file] = _Seen(stamp, definition_id, folder_path)
