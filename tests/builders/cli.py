"""Runs the `distro` command in tests, signed in as one of the database's users."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pytest

from distro.cli import main
from distro.domain.core.access import Role
from distro.domain.core.db import make_engine, migrate, reading, unit_of_work
from distro.domain.users.accounts import add_first_admin, add_user, has_users
from tests.builders.clock import FIXED_NOW

CLI_PIN = "pin-for-tests-4821"
"""Every test user's PIN; the users are named after their roles."""


def add_role_users(database: str) -> None:
    """Give a database (path or URL) one user per role, named after the role, unless it has
    users already. A file that does not exist yet becomes a copy of a template that has them,
    instead of being migrated and staffed again for each test."""
    url = database if "://" in database else f"sqlite:///{database}"
    path = Path(url.removeprefix("sqlite:///"))
    if url.startswith("sqlite:///") and not path.exists():
        shutil.copyfile(_staffed_template(), path)
        path.chmod(0o600)  # as distro makes a database: others are told when it is not
    else:
        _staff(url)


@functools.cache
def _staffed_template() -> Path:
    """A migrated database with the role users, made once per test process (and removed when
    the process ends)."""
    folder = Path(tempfile.mkdtemp(prefix="distro-staffed-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    _staff(f"sqlite:///{folder / 'template.sqlite3'}")
    return folder / "template.sqlite3"


def _staff(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
        with reading(engine) as session:
            if has_users(session):
                return
        with unit_of_work(engine) as session:
            admin = add_first_admin(session, Role.ADMIN.value, CLI_PIN, now=FIXED_NOW)
            for role in (Role.COORDINATOR, Role.VOLUNTEER):
                add_user(session, role.value, role, CLI_PIN, actor=admin, now=FIXED_NOW)
    finally:
        engine.dispose()


def run_cli(*argv: str, user: str = Role.COORDINATOR.value, pin: str = CLI_PIN) -> int:
    """Run `distro ARGV` with DISTRO_USER and DISTRO_PIN set, after giving the database named
    by --db its users; returns the exit status."""
    if "--db" in argv:
        add_role_users(argv[argv.index("--db") + 1])
    environment = {"DISTRO_USER": user, "DISTRO_PIN": pin}
    umask = os.umask(0o022)  # main() sets its own; the test process gets its own back
    try:
        with mock.patch.dict("os.environ", environment), pytest.raises(SystemExit) as exit_info:
            main(list(argv))
    finally:
        os.umask(umask)
    return int(exit_info.value.code or 0)
