"""A folder of `.sas` programs served with `--programs`, through the web runner of a real `viya-mock serve`:
each file answers at its path, and editing it changes the next answer, without a restart."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.live import serving

pytestmark = pytest.mark.e2e

GREETING = 'data _null_; file _webout; put "<p>{text}, &who</p>"; run;\n'


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("webapp")
    (folder / "services").mkdir()
    (folder / "services" / "greet.sas").write_text(GREETING.format(text="Hello"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def url(programs: Path) -> Iterator[str]:
    with serving("--seed", "1", "--programs", f"/Public/app/webapp={programs}") as base:
        yield base


def run(url: str, program: str, **fields: str) -> httpx.Response:
    return httpx.get(f"{url}/SASJobExecution/", params={"_program": program, **fields}, timeout=30)


def test_a_program_answers_at_its_path_and_an_edit_changes_the_next_answer(url: str, programs: Path) -> None:
    first = run(url, "/Public/app/webapp/services/greet", who="Ada")
    assert first.status_code == 200 and "<p>Hello, Ada</p>" in first.text
    assert first.headers["content-type"] == "text/html; charset=utf-8"
    program = programs / "services" / "greet.sas"
    program.write_text(GREETING.format(text="Goodbye"), encoding="utf-8")
    status = program.stat()
    os.utime(program, ns=(status.st_atime_ns, status.st_mtime_ns + 2_000_000_000))  # a later mtime, whatever the clock
    second = run(url, "/Public/app/webapp/services/greet", who="Ada")
    assert "<p>Goodbye, Ada</p>" in second.text
    assert second.headers["x-sas-jobexec-id"] != first.headers["x-sas-jobexec-id"]


def test_a_new_file_is_served_and_a_removed_one_is_gone(url: str, programs: Path) -> None:
    extra = programs / "services" / "extra.sas"
    extra.write_text('data _null_; file _webout; put "extra"; run;', encoding="utf-8")
    assert run(url, "/Public/app/webapp/services/extra").text.strip() == "extra"
    extra.unlink()
    assert run(url, "/Public/app/webapp/services/extra").status_code == 404
