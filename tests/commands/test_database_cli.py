"""`distro info` and `distro db check` say which database they read, and no command that only
reads makes a database that was not there."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.builders.cli import run_cli
from tests.commands.refusals import plain_refusal

READ_ONLY = (
    ("db", "check"),
    ("stock", "levels"),
    ("export", "stats", "stats.csv"),
    ("handouts", "progress"),
)


@pytest.fixture
def missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database path nobody created, named by DISTRO_DB as an unset-up counter would."""
    path = tmp_path / "nowhere" / "distro.sqlite3"
    monkeypatch.setenv("DISTRO_DB", str(path))
    monkeypatch.chdir(tmp_path)
    return path


@pytest.mark.parametrize("argv", READ_ONLY, ids=" ".join)
def test_a_command_that_reads_refuses_a_missing_database_instead_of_creating_it(
    argv: tuple[str, ...], missing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(*argv) == 1
    refusal = plain_refusal(capsys.readouterr().err)
    assert refusal.startswith(f"there is no distro database at {missing}")
    assert "--db" in refusal and "DISTRO_DB" in refusal
    assert not missing.exists() and not missing.parent.exists()


def test_info_says_the_database_does_not_exist_yet_and_leaves_it_so(
    missing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("info") == 0
    out = capsys.readouterr().out
    assert f"database    sqlite:///{missing}" in out
    assert f"schema      not read: there is no distro database at {missing}" in out
    assert not missing.parent.exists()


def test_db_check_refuses_a_file_that_holds_no_distro_database(
    missing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing.parent.mkdir()
    missing.touch()
    assert run_cli("db", "check") == 1
    assert plain_refusal(capsys.readouterr().err).startswith(
        f"there is no distro database at {missing}"
    )


def test_db_check_names_the_database_it_checked(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("db", "check", "--db", db) == 0
    assert capsys.readouterr().out.startswith(f"Checked {db}: it is sound")


def test_db_upgrade_creates_a_new_database(
    missing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("db", "upgrade") == 0
    assert missing.exists()
    assert "schema" in capsys.readouterr().out


def test_a_database_driver_not_installed_is_one_line_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.setenv("DISTRO_DB", "postgresql+psycopg://distro:secret@db.local/distro")
    assert run_cli("db", "check") == 1
    refusal = plain_refusal(capsys.readouterr().err)
    assert "driver psycopg is not installed" in refusal and "(pip install psycopg)" in refusal
    assert "secret" not in refusal
    assert run_cli("info") == 0
    assert "schema      not read: the database driver psycopg" in capsys.readouterr().out
