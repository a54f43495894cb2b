"""Bad input never shows a traceback: options too long or too large are refused by argparse
naming the option and what to type, a database from a newer distro or of an unknown kind is
one plain line, and anything nobody foresaw is one line naming only the error's type."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from distro.domain.core.clock import local_date, utc_now
from distro.domain.core.db import SCHEMA_HEAD, reading
from distro.domain.distribution.models import Handout
from distro.domain.families.models import Family
from tests.builders.cli import run_cli
from tests.builders.clock import HONG_KONG
from tests.builders.distribution import stocked_basket
from tests.builders.families import register_into
from tests.commands.refusals import plain_refusal

Distro = Callable[..., int]


def usage_error(err: str) -> str:
    """The one error line argparse prints under its usage, without the command's name."""
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert len(errors) == 1, err
    return errors[0].split(": error: ", 1)[1]


@pytest.fixture
def family(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Family:
    """A family of one, in a round open today whose basket is stocked."""
    monkeypatch.setenv("DISTRO_SLIPS", str(tmp_path / "slips"))
    stocked_basket(engine, utc_now())
    born = local_date(utc_now(), HONG_KONG).replace(year=1990)
    return register_into(engine, utc_now(), members=[{"full_name": "Amina", "birth_date": born}])


@pytest.mark.parametrize(
    ("option", "limit"),
    [("--note", 250), ("--proxy", 80), ("--relation", 40), ("--override-reason", 250)],
)
def test_a_handout_option_too_long_is_refused_naming_it_and_nothing_is_handed_out(
    distro: Distro,
    engine: Engine,
    family: Family,
    option: str,
    limit: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    proxy = () if option == "--proxy" else ("--proxy", "Fatima")
    assert distro("handout", family.code, *proxy, option, "x" * 10_000) == 2
    assert usage_error(capsys.readouterr().err) == (
        f"argument {option}: is too long (at most {limit} characters)"
    )
    with reading(engine) as session:
        assert session.exec(select(func.count()).select_from(Handout)).one() == 0


@pytest.mark.parametrize(
    "argv",
    [
        ("audit", "--before", "99999999999999999999"),
        ("audit", "--limit", "99999999999999999999"),
        ("handouts", "family", "F-000001-0", "--limit", "99999999999999999999"),
        ("families", "search", "Amina", "--limit", "99999999999999999999"),
        ("families", "retention", "--limit", "99999999999999999999"),
        ("stock", "history", "Rice", "--limit", "99999999999999999999"),
        ("stock", "expiring", "--days", "99999999999999999999"),
        ("stock", "adjust", "Rice", "1", "--reason", "found", "--lot", "99999999999999999999"),
        ("families", "retention", "--limit=--"),
    ],
    ids=" ".join,
)
def test_a_number_out_of_bounds_is_refused_naming_the_option(
    distro: Distro, argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert distro(*argv, user="admin") == 2
    option = [word for word in argv if word.startswith("--")][-1].split("=")[0]
    assert usage_error(capsys.readouterr().err).startswith(f"argument {option}: ")


def test_a_database_from_a_newer_distro_is_refused_and_left_as_it_was(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_future'")
    monkeypatch.setenv("DISTRO_DB", db)  # not --db: the test's users are not added to it
    assert run_cli("db", "check") == 1
    assert plain_refusal(capsys.readouterr().err) == (
        "this database was made by a newer distro (schema 0099_future); this distro knows up "
        f"to {SCHEMA_HEAD}: update distro."
    )
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0099_future",)
        ]


@pytest.mark.parametrize("url", ["foo://bar", "mysql://host/distro", "://"])
def test_a_database_url_of_an_unknown_kind_names_the_kinds_distro_knows(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISTRO_DB", url)
    assert run_cli("db", "check") == 1
    refusal = plain_refusal(capsys.readouterr().err)
    assert "as a database: give --db a SQLite file path" in refusal
    assert "postgresql+psycopg://" in refusal


def failing_listing(*_: object) -> int:
    raise ValueError("Amina Yusuf, 5 Nathan Road")


def test_an_unforeseen_error_is_one_line_naming_only_its_type(
    distro: Distro, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("distro.commands.distribution.rounds.list_command", failing_listing)
    monkeypatch.delenv("DISTRO_DEBUG", raising=False)
    assert distro("rounds", "list") == 1
    refusal = plain_refusal(capsys.readouterr().err)
    assert refusal == (
        "something went wrong that distro did not expect (ValueError); nothing half-done was "
        "saved. Run with DISTRO_DEBUG=1 to see the details."
    )


def test_distro_debug_shows_the_unforeseen_error_whole(
    distro: Distro, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("distro.commands.distribution.rounds.list_command", failing_listing)
    monkeypatch.setenv("DISTRO_DEBUG", "1")
    with pytest.raises(ValueError, match="Amina Yusuf"):
        distro("rounds", "list")
