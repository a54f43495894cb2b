"""Fixtures for the command tests: no terminal, and `distro ...` run on the test's database."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from tests.builders.cli import run_cli


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as a script would, with no terminal to confirm or to ask a PIN at."""
    monkeypatch.setattr("sys.stdin", io.StringIO())


@pytest.fixture
def db(engine: Engine) -> str:
    """The test database's file, as --db takes it."""
    return str(engine.url.database)


@pytest.fixture
def distro(db: str) -> Callable[..., int]:
    """`distro("rounds", "list")` runs `distro rounds list` on the test database, signed in as a
    coordinator (or `user=`)."""

    def run(*argv: str, user: str = "coordinator") -> int:
        return run_cli(*argv, "--db", db, user=user)

    return run
