"""`viya-mock serve` options: each readable from its environment variable, the command line winning."""

from __future__ import annotations

from pathlib import Path

import pytest

from viya_mock.cli import _parser, settings_from
from viya_mock.core.domain.timestamps import parse_iso


def test_defaults_serve_the_bundled_fixtures_on_loopback_in_real_time() -> None:
    settings = settings_from(["serve"])
    assert (settings.host, settings.port, settings.virtual_start, settings.scenarios) == ("127.0.0.1", 8080, None, ())
    assert settings.fixtures is not None and (settings.fixtures / "jobs.yaml").exists()


def test_environment_variables_set_every_option(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "VIYA_MOCK_PORT": "9000",
        "VIYA_MOCK_CLOCK": "virtual",
        "VIYA_MOCK_START_TIME": "2026-01-01T00:00:00Z",
        "VIYA_MOCK_SEED": "4",
        "VIYA_MOCK_SCENARIOS": "scenarios:extra.yaml",
        "VIYA_MOCK_CORS_ORIGINS": "https://a.example,https://b.example",
        "VIYA_MOCK_JOB_DURATION": "2.5",
        "VIYA_MOCK_HEARTBEAT_GRACE": "1",
        "VIYA_MOCK_LATENCY": "0.2",
        "VIYA_MOCK_GENERATE": "30",
    }.items():
        monkeypatch.setenv(name, value)
    settings = settings_from(["serve"])
    assert settings.port == 9000 and settings.seed == 4 and settings.generate == 30
    assert settings.virtual_start == parse_iso("2026-01-01T00:00:00Z")
    assert settings.scenarios == (Path("scenarios"), Path("extra.yaml"))
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert (settings.job_duration, settings.heartbeat_grace, settings.latency) == (2_500, 1_000, 200)


def test_the_command_line_replaces_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIYA_MOCK_CORS_ORIGINS", "https://env.example")
    monkeypatch.setenv("VIYA_MOCK_SCENARIOS", "from-env.yaml")
    settings = settings_from(["serve", "--cors-origin", "https://cli.example", "--scenarios", "a.yaml", "b.yaml"])
    assert settings.cors_origins == ("https://cli.example",)
    assert settings.scenarios == (Path("a.yaml"), Path("b.yaml"))


def test_every_option_names_its_environment_variable_in_help() -> None:
    help_text = _parser()._subparsers._group_actions[0].choices["serve"].format_help()  # type: ignore[union-attr]
    for flag in ("--host", "--port", "--scenarios", "--clock", "--start-time", "--seed", "--generate", "--latency"):
        assert flag in help_text
    assert help_text.count("[VIYA_MOCK_") >= 13


def test_a_bad_start_time_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        settings_from(["serve", "--start-time", "soon"])
    assert "not an ISO 8601 instant" in capsys.readouterr().err


def test_max_file_size_from_the_option_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings_from(["serve"]).max_file_size == 100 * 1024 * 1024
    monkeypatch.setenv("VIYA_MOCK_MAX_FILE_SIZE", "2048")
    assert settings_from(["serve"]).max_file_size == 2048
    assert settings_from(["serve", "--max-file-size", "10"]).max_file_size == 10
    with pytest.raises(SystemExit):
        settings_from(["serve", "--max-file-size", "-1"])


def test_auth_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert (settings_from(["serve"]).auth, settings_from(["serve"]).token_lifetime) == ("optional", 43_200)
    monkeypatch.setenv("VIYA_MOCK_AUTH", "required")
    monkeypatch.setenv("VIYA_MOCK_TOKEN_LIFETIME", "7200")
    monkeypatch.setenv("VIYA_MOCK_SIGNING_KEY", str(tmp_path / "key.pem"))
    settings = settings_from(["serve"])
    assert (settings.auth, settings.token_lifetime, settings.signing_key) == ("required", 7200, tmp_path / "key.pem")
    assert settings_from(["serve", "--auth", "off"]).auth == "off"


@pytest.mark.parametrize("argv", [["--auth", "sometimes"], ["--token-lifetime", "0"], ["--token-lifetime", "x"]])
def test_bad_auth_options_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        settings_from(["serve", *argv])
    assert argv[0] in capsys.readouterr().err


def test_a_signing_key_that_cannot_sign_stops_the_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from viya_mock.cli import main

    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    assert main(["serve", "--signing-key", str(bad)]) == 2
    assert "signing key" in capsys.readouterr().err
    assert main(["serve", "--signing-key", str(tmp_path / "missing.pem")]) == 2


def test_the_admin_guard_options(monkeypatch: pytest.MonkeyPatch) -> None:
    served = settings_from(["serve"])
    assert (served.allowed_hosts, served.admin_token) == ((), None)  # testserver is for in-process apps only
    monkeypatch.setenv("VIYA_MOCK_ALLOWED_HOSTS", "mock.ci,.example.org")
    monkeypatch.setenv("VIYA_MOCK_ADMIN_TOKEN", "from-env")
    settings = settings_from(["serve"])
    assert (settings.allowed_hosts, settings.admin_token) == (("mock.ci", ".example.org"), "from-env")
    given = settings_from(["serve", "--allowed-host", "a", "b", "--admin-token", "cli"])
    assert (given.allowed_hosts, given.admin_token) == (("a", "b"), "cli")


def test_off_loopback_the_start_up_warns_and_prints_a_generated_token_only(capsys: pytest.CaptureFixture[str]) -> None:
    from viya_mock.cli import _warn_off_loopback
    from viya_mock.settings import Settings

    _warn_off_loopback(Settings(host="0.0.0.0", port=9000), "generated-token")
    printed = capsys.readouterr().err
    assert "warning: listening on 0.0.0.0:9000" in printed and "admin token: generated-token" in printed
    _warn_off_loopback(Settings(host="0.0.0.0", admin_token="chosen"), "chosen")
    printed = capsys.readouterr().err
    assert "warning" in printed and "chosen" not in printed and "--admin-token" in printed
    _warn_off_loopback(Settings(host="127.0.0.1", admin_token="chosen"), "chosen")
    assert capsys.readouterr().err == ""


def test_state_file_and_shutdown_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    defaults = settings_from(["serve"])
    assert (defaults.state_file, defaults.state_interval, defaults.shutdown_grace) == (None, 10_000, 5_000)
    monkeypatch.setenv("VIYA_MOCK_STATE_FILE", str(tmp_path / "state.json"))
    monkeypatch.setenv("VIYA_MOCK_STATE_INTERVAL", "0")
    monkeypatch.setenv("VIYA_MOCK_SHUTDOWN_GRACE", "1.5")
    settings = settings_from(["serve"])
    assert (settings.state_file, settings.state_interval, settings.shutdown_grace) == (tmp_path / "state.json", 0, 1500)
    assert settings_from(["serve", "--state-interval", "2.5", "--shutdown-grace", "0"]).state_interval == 2_500


@pytest.mark.parametrize("argv", [["--state-interval", "-1"], ["--shutdown-grace", "nan"], ["--shutdown-grace", "x"]])
def test_bad_durations_for_the_lifecycle_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        settings_from(["serve", *argv])
    assert "not a number of seconds from 0 to 86400" in capsys.readouterr().err


def test_a_state_file_in_a_missing_folder_stops_the_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from viya_mock.cli import main

    assert main(["serve", "--no-fixtures", "--state-file", str(tmp_path / "gone" / "state.json")]) == 2
    assert f"the state file {tmp_path / 'gone' / 'state.json'} cannot be used: its folder" in capsys.readouterr().err


def test_max_tenants_from_the_option_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings_from(["serve"]).max_tenants == 64
    monkeypatch.setenv("VIYA_MOCK_MAX_TENANTS", "3")
    assert settings_from(["serve"]).max_tenants == 3
    assert settings_from(["serve", "--max-tenants", "0"]).max_tenants == 0


def test_a_negative_max_tenants_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        settings_from(["serve", "--max-tenants", "-1"])
    assert "not a whole number of 0 or more" in capsys.readouterr().err
