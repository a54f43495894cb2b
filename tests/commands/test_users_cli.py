"""The `distro users` and `distro settings` commands: who may add and change users, and that a
PIN is never printed."""

from __future__ import annotations

import os
import re
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from distro.cli import main
from distro.domain.audit.models import AuditEvent
from distro.domain.core.db import make_engine, migrate, reading
from distro.domain.core.errors import SignInFailed
from distro.domain.users.models import AppUser
from distro.domain.users.sign_in import sign_in
from tests.builders.cli import CLI_PIN, run_cli
from tests.builders.clock import FIXED_NOW
from tests.builders.users import add_user_with_old_pin

NEW_PIN = "fresh-pin-7302"


def run_bare(*argv: str, pin: str = NEW_PIN) -> int:
    """Run `distro ARGV` with no user named: only DISTRO_PIN set, as for the first admin."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DISTRO_USER", "DISTRO_NEW_PIN")
    }
    environment["DISTRO_PIN"] = pin
    with (
        mock.patch.dict("os.environ", environment, clear=True),
        pytest.raises(SystemExit) as info,
    ):
        main(list(argv))
    return int(info.value.code or 0)


def run_with_new_pin(*argv: str, user: str = "admin") -> int:
    """Run `distro ARGV` signed in as `user`, with DISTRO_NEW_PIN set for the user it changes."""
    with mock.patch.dict("os.environ", {"DISTRO_NEW_PIN": NEW_PIN}):
        return run_cli(*argv, user=user)


def signs_in(engine: Engine, name: str, pin: str) -> bool:
    try:
        sign_in(engine, name, pin, now=FIXED_NOW)
    except SignInFailed:
        return False
    return True


def assert_no_pin(text: str) -> None:
    assert CLI_PIN not in text and NEW_PIN not in text


def test_first_admin_needs_no_credentials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "new.sqlite3")
    assert run_bare("users", "add", "Amina", "--role", "admin", "--db", path) == 0
    out, err = capsys.readouterr()
    assert "Amina" in out and "first admin" in out
    assert_no_pin(out + err)
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    assert signs_in(engine, "Amina", NEW_PIN)
    engine.dispose()


def test_first_user_must_be_an_admin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "new.sqlite3")
    assert run_bare("users", "add", "Amina", "--role", "volunteer", "--db", path) == 1
    assert "must be an admin" in capsys.readouterr().err


def test_once_users_exist_adding_needs_an_admin_signed_in(
    db: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli("users", "list", "--db", db)  # gives the database its users
    capsys.readouterr()
    assert run_bare("users", "add", "Bo", "--role", "admin", "--db", db) == 1
    assert "DISTRO_USER" in capsys.readouterr().err
    assert not signs_in(engine, "Bo", NEW_PIN)


def test_volunteer_may_not_add_users(
    db: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run_with_new_pin("users", "add", "Bo", "--role", "admin", "--db", db, user="volunteer")
    assert status == 1
    assert "may not manage users" in capsys.readouterr().err
    with reading(engine) as session:
        assert session.exec(select(AppUser).where(AppUser.name == "Bo")).first() is None


def test_admin_adds_a_user_whose_pin_comes_from_the_environment(
    db: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_with_new_pin("users", "add", "Bo", "--role", "volunteer", "--db", db) == 0
    out, err = capsys.readouterr()
    assert "Added Bo as volunteer" in out
    assert_no_pin(out + err)
    assert signs_in(engine, "Bo", NEW_PIN)


def test_a_new_pin_must_be_given_somewhere(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("users", "add", "Bo", "--role", "volunteer", "--db", db, user="admin") == 1
    assert "DISTRO_NEW_PIN" in capsys.readouterr().err


def test_reset_pin(db: str, engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_with_new_pin("users", "reset-pin", "volunteer", "--db", db) == 0
    out, err = capsys.readouterr()
    assert "new PIN" in out
    assert_no_pin(out + err)
    assert signs_in(engine, "volunteer", NEW_PIN)
    assert not signs_in(engine, "volunteer", CLI_PIN)


def test_disable_then_enable(db: str, engine: Engine) -> None:
    assert run_cli("users", "disable", "volunteer", "--db", db, user="admin") == 0
    assert not signs_in(engine, "volunteer", CLI_PIN)
    assert run_cli("users", "enable", "volunteer", "--db", db, user="admin") == 0
    assert signs_in(engine, "volunteer", CLI_PIN)


def test_coordinator_may_not_disable(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("users", "disable", "volunteer", "--db", db) == 1
    assert "may not manage users" in capsys.readouterr().err


def test_change_role_and_list(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("users", "role", "volunteer", "coordinator", "--db", db, user="admin") == 0
    capsys.readouterr()
    assert run_cli("users", "list", "--db", db) == 0
    out, err = capsys.readouterr()
    lines = {line.split()[0]: line.split()[1:3] for line in out.splitlines()}
    assert lines["volunteer"] == ["coordinator", "enabled"]
    assert lines["admin"] == ["admin", "enabled"]
    assert_no_pin(out + err)


def test_volunteer_may_not_list_users(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("users", "list", "--db", db, user="volunteer") == 1
    assert "may not view the audit log" in capsys.readouterr().err


def test_no_pin_in_the_audit_log(db: str, engine: Engine) -> None:
    run_with_new_pin("users", "add", "Bo", "--role", "volunteer", "--db", db)
    run_with_new_pin("users", "reset-pin", "Bo", "--db", db)
    with reading(engine) as session:
        events = session.exec(select(AuditEvent)).all()
    assert {"user.add", "user.reset_pin"} <= {event.action for event in events}
    for event in events:
        assert_no_pin(f"{event.summary} {event.before} {event.after} {event.reason}")


def test_settings_show_and_set(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("settings", "set", "lock_minutes", "9", "--db", db, user="admin") == 0
    capsys.readouterr()
    assert run_cli("settings", "show", "--db", db) == 0
    out = capsys.readouterr().out
    assert any(line.split()[:2] == ["lock_minutes", "9"] for line in out.splitlines())


def test_settings_refused_for_coordinators_and_unknown_keys(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("settings", "set", "lock_minutes", "9", "--db", db) == 1
    assert "may not change settings" in capsys.readouterr().err
    assert run_cli("settings", "set", "colour", "9", "--db", db, user="admin") == 1
    assert "no setting called colour" in capsys.readouterr().err
    assert run_cli("settings", "set", "lock_minutes", "999", "--db", db, user="admin") == 1
    assert "from 1 to 60" in capsys.readouterr().err


def test_settings_set_the_time_zone_by_its_iana_name(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("settings", "show", "--db", db) == 0
    assert any(
        line.split()[:2] == ["time_zone", "Asia/Hong_Kong"]
        for line in capsys.readouterr().out.splitlines()
    )
    assert run_cli("settings", "set", "time_zone", "Hong Kong", "--db", db, user="admin") == 1
    assert "not a time zone name; use one like Asia/Hong_Kong" in capsys.readouterr().err
    assert run_cli("settings", "set", "lock_minutes", "nine", "--db", db, user="admin") == 1
    assert "must be a whole number" in capsys.readouterr().err
    assert run_cli("settings", "set", "time_zone", "Europe/London", "--db", db, user="admin") == 0
    assert "time_zone is now Europe/London" in capsys.readouterr().out
    assert run_cli("settings", "show", "--db", db) == 0
    assert any(
        line.split()[:2] == ["time_zone", "Europe/London"]
        for line in capsys.readouterr().out.splitlines()
    )


@pytest.mark.parametrize("weak", ["121212", "password", "qwerty", "19900101"])
def test_a_guessable_new_pin_is_refused_in_one_plain_line(
    db: str, engine: Engine, capsys: pytest.CaptureFixture[str], weak: str
) -> None:
    with mock.patch.dict("os.environ", {"DISTRO_NEW_PIN": weak}):
        assert run_cli("users", "add", "Bo", "--role", "volunteer", "--db", db, user="admin") == 1
        assert run_cli("users", "reset-pin", "volunteer", "--db", db, user="admin") == 1
    err = capsys.readouterr().err
    assert err.count("that PIN is too easy to guess") == 2 and "Traceback" not in err
    assert not signs_in(engine, "Bo", weak) and not signs_in(engine, "volunteer", weak)


def test_a_wrong_name_and_a_wrong_pin_read_the_same_at_the_command_line(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    told = {}
    for user, pin in (("volunteer", "wrong-pin-4410"), ("voluntear", CLI_PIN)):
        for _try in range(5):
            assert run_cli("users", "list", "--db", db, user=user, pin=pin) == 1
        told[user] = re.sub(r"\d+ seconds", "N seconds", capsys.readouterr().err).splitlines()
    assert told["volunteer"] == told["voluntear"]  # the wait counts down on the real clock
    assert "distro: Too many wrong tries; wait" in told["volunteer"][-1]
    assert not any("volunte" in line for line in told["volunteer"])


def test_an_old_guessable_pin_still_signs_in_with_a_warning(
    db: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli("users", "list", "--db", db)  # gives the database its users
    add_user_with_old_pin(engine, "Old Hand", "123123", FIXED_NOW)
    capsys.readouterr()
    assert run_cli("users", "list", "--db", db, user="Old Hand", pin="123123") == 0
    out, err = capsys.readouterr()
    assert "Old Hand" in out
    assert "warning: Your PIN is too easy to guess" in err and "ask an admin" in err
