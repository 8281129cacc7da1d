"""The app-scoped container: clock, randomness, store and services, wired once per app.

Nothing lives in module globals. Handlers keep references to the services, so `reset()` refills the
same store from the fixtures and re-seeds the same random source instead of building new objects.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from viya_mock import documents
from viya_mock.admin.services.admin import AdminService
from viya_mock.clock import Clock, SystemClock, VirtualClock
from viya_mock.compute.services.compute import ComputeService
from viya_mock.core.store.memory import Store
from viya_mock.core.store.seeding import ACCOUNTS, seed, seed_accounts
from viya_mock.files.services.files import FileService
from viya_mock.folders.services.folders import FolderService
from viya_mock.folders.services.programs import ProgramFolders, parse_mount
from viya_mock.identities.services.identities import IdentityService
from viya_mock.jobdefinitions.services.definitions import JOB_DEFINITION, JobDefinitionService
from viya_mock.jobexecution.services.job_requests import JOB_REQUEST, JobRequestService
from viya_mock.jobexecution.services.jobs import JobService
from viya_mock.jobexecution.services.provider import Provider, default_steps
from viya_mock.journal import Journal
from viya_mock.logon.services.keys import SigningKey, check_pem
from viya_mock.logon.services.logon import LogonService
from viya_mock.logon.services.sessions import BrowserSessions
from viya_mock.logon.services.tokens import Tokens
from viya_mock.principal import CurrentUser
from viya_mock.randomness import Randomness
from viya_mock.release import MemoryRelease
from viya_mock.resources import bundled_fixtures
from viya_mock.sas.domain.run import execute
from viya_mock.scenarios.engine import ScenarioBook
from viya_mock.scenarios.loader import load_path
from viya_mock.scenarios.model import Script
from viya_mock.settings import Settings
from viya_mock.webrunner.services.runner import WebRunner

FAILURES_KEPT = 100


class Container:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock: Clock = (
            VirtualClock(settings.virtual_start) if settings.virtual_start is not None else SystemClock()
        )
        self.store = Store()
        self.randomness = Randomness(settings.seed)
        # The request's user (its token's, or the default one), read by services for audit fields.
        self.current_user = CurrentUser(settings.user)
        store, clock, randomness, user = self.store, self.clock, self.randomness, self.current_user
        self.job_definitions = JobDefinitionService(
            JOB_DEFINITION, lambda: store.job_definitions, store, clock, randomness, user
        )
        self.scenarios = ScenarioBook(draw=randomness.random.random)
        self.startup_scenarios = [scenario for path in settings.scenarios for scenario in load_path(path)]
        default_script = Script(steps=default_steps(settings.job_duration))
        book = self.scenarios
        # Compute reads a job's codeUri through the Files service, which is built below (it serves the logs
        # of Job Execution jobs, which run their programs through Compute).
        self.compute = ComputeService(
            store,
            clock,
            randomness,
            user=user,
            read_file=lambda uri: self.files.content(uri.rstrip("/").rsplit("/", 1)[-1], text=False).data,
            execute=execute,
            scripts=book.compute_script_for,
        )
        self.jobs = JobService(
            store,
            clock,
            randomness,
            self.job_definitions,
            Provider(randomness),
            lambda context: book.script_for(context.request, context.submitter, context.headers) or default_script,
            user=user,
            heartbeat_interval=settings.heartbeat_interval,
            heartbeat_grace=settings.heartbeat_grace,
            compute=self.compute,
        )
        self.job_requests = JobRequestService(
            JOB_REQUEST,
            lambda: store.job_requests,
            store,
            clock,
            randomness,
            user,
            definitions=self.job_definitions,
            jobs=self.jobs,
        )
        self.files = FileService(store, clock, randomness, self.jobs, user=user, max_file_size=settings.max_file_size)
        self.journal = Journal()
        pem = settings.signing_key.read_bytes() if settings.signing_key is not None else None
        if pem is not None:
            check_pem(pem)  # a key that cannot sign is refused at start-up, not at the first login
        self.tokens = Tokens(
            SigningKey(pem),
            clock,
            randomness,
            access_lifetime=settings.token_lifetime,
            refresh_lifetime=settings.refresh_lifetime,
        )
        self.logon = LogonService(store, clock, randomness, self.tokens)
        self.browser_sessions = BrowserSessions(store, clock, randomness)
        self.identities = IdentityService(store, self.current_user)
        # Programs served from folders of .sas files (--programs), looked at again before each folder answer.
        self.programs = ProgramFolders([parse_mount(spec) for spec in settings.programs], store, clock, user)
        self.folders = FolderService(store, self.programs.refresh)
        self.web_runner = WebRunner(
            self.jobs, self.job_definitions, self.folders, self.files, max_wait=settings.max_wait * 1000
        )
        # Exceptions the mock raised while answering (its own bugs), newest last, for the pytest plugin to raise.
        self.failures: deque[BaseException] = deque(maxlen=FAILURES_KEPT)
        # A store import is checked against the APIs' own schemas before anything is replaced.
        schema_checks = {
            "jobDefinition": documents.schema_check("job-definitions.yaml", "JobDefinition"),
            "jobRequest": documents.schema_check("job-execution.yaml", "JobRequest"),
            "job": documents.schema_check("job-execution.yaml", "Job"),
        }
        # Memory goes back to the system after many jobs are gone (release.py): checked by reset and the server.
        self.memory = MemoryRelease()
        self.admin = AdminService(store, clock, self.scenarios, self.journal, self.reset, schema_checks)
        self.reset()

    def accounts_file(self) -> Path:
        """The fixtures' users.yaml; a folder without one (or no fixtures at all) gets the bundled accounts,
        so that clients can always log on."""
        folder = self.settings.fixtures
        if folder is not None and (folder / ACCOUNTS).exists():
            return folder / ACCOUNTS
        return bundled_fixtures() / ACCOUNTS

    def reset(self) -> None:
        """Back to the fixtures and the scenarios given at start-up, with the random source re-seeded and a
        virtual clock back at its start, so that every test after a reset sees the same world."""
        with self.store.lock:
            self.store.clear()
            self.jobs.listings.clear()
            if self.settings.fixtures is not None:
                seed(self.store, self.settings.fixtures)
            seed_accounts(self.store, self.accounts_file())
            self.randomness.reseed(self.settings.seed)
            if self.settings.generate > 0:
                from viya_mock.jobexecution.services.generation import (
                    Generator,  # Faker is slow to import; only when asked
                )

                generator = Generator(self.randomness, self.settings.seed, self.settings.user)
                generator.fill(self.store, self.settings.generate, self.clock.now())
            self.programs.refresh()
            self.scenarios.replace_all(self.startup_scenarios)
            self.journal.clear()
            self.failures.clear()
            if isinstance(self.clock, VirtualClock) and self.settings.virtual_start is not None:
                self.clock.set(self.settings.virtual_start)
        self.release_memory()

    def release_memory(self) -> bool:
        """Give memory back if many jobs have gone since the last time (release.py); whether it did."""
        return self.memory.check(self.store.jobs_removed)
