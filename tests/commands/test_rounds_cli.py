"""The `distro rounds` and `distro rules` commands, and `distro import|export rules`: each change
is checked in the database, each refusal exits non-zero with one plain line and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, func, select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.db import reading
from distro.domain.distribution.models import BasketRule, DistributionRound, RoundFamily
from tests.builders.families import register_into
from tests.commands.refusals import plain_refusal

DATA = resources.files("distro.data")
CATALOGUE = Path(str(DATA.joinpath("catalogue.csv")))
STARTER_RULES = Path(str(DATA.joinpath("basket_rules.csv")))
WEEK = ("--from", "2026-11-23", "--to", "2026-11-29")

Distro = Callable[..., int]


@pytest.fixture
def starter_rules(distro: Distro, capsys: pytest.CaptureFixture[str]) -> None:
    """The starter catalogue and basket rules, imported as a new installation would."""
    assert distro("import", "items", str(CATALOGUE)) == 0
    assert distro("import", "rules", str(STARTER_RULES)) == 0
    capsys.readouterr()


def rounds(engine: Engine) -> dict[str, DistributionRound]:
    with reading(engine) as session:
        return {found.name: found for found in session.exec(select(DistributionRound)).all()}


def count(engine: Engine, table: type[BasketRule] | type[RoundFamily]) -> int:
    with reading(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def audit_actions(engine: Engine, prefix: str) -> list[str]:
    with reading(engine) as session:
        query = select(AuditEvent.action).where(col(AuditEvent.action).startswith(prefix))
        return list(session.exec(query.order_by(col(AuditEvent.id))).all())


# --- rounds ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("starter_rules")
def test_a_round_is_added_listed_closed_and_reopened(
    distro: Distro, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert distro("rounds", "add", "Food parcel, week 48", "--basket", "food parcel", *WEEK) == 0
    assert capsys.readouterr().out == (
        "Set up round Food parcel, week 48: basket food parcel, 2026-11-23 to 2026-11-29, "
        "for every active family.\n"
    )
    assert distro("rounds", "list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].split() == ["ROUND", "BASKET", "FROM", "TO", "STATE", "EXPECTED"]
    assert listed[1].endswith("2026-11-23  2026-11-29  open    every active family")

    assert distro("rounds", "close", "food parcel,  WEEK 48") == 0
    assert rounds(engine)["Food parcel, week 48"].closed_at is not None
    assert distro("rounds", "list") == 0
    assert "No round is open (--all shows closed ones too)" in capsys.readouterr().out
    assert distro("rounds", "list", "--all") == 0
    assert "closed  every active family" in capsys.readouterr().out

    assert distro("rounds", "reopen", "Food parcel, week 48") == 0
    assert rounds(engine)["Food parcel, week 48"].closed_at is None
    assert audit_actions(engine, "round.") == ["round.create", "round.close", "round.reopen"]


def test_a_list_round_takes_codes_typed_and_from_a_file(
    distro: Distro,
    engine: Engine,
    now: datetime,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    amina, omar, li = (register_into(engine, now, name) for name in ("Amina", "Omar", "Li Na"))
    codes = tmp_path / "codes.txt"
    codes.write_text(
        f"# invited by the school\n{omar.code}\n\n{li.code}  # new\n", encoding="utf-8"
    )
    assert distro("rounds", "add", "Winter", "--basket", "hygiene kit", *WEEK, "--list") == 0
    out = capsys.readouterr()
    assert "for a list of 0 families" in out.out and "rounds list-add" in out.out
    assert "basket 'hygiene kit' has no rules; baskets with rules: none yet" in out.err

    assert distro("rounds", "list-add", "Winter", amina.code, omar.code) == 0
    assert distro("rounds", "list-add", "Winter", "--file", str(codes)) == 0

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Added 2 families to the list of round Winter; it holds 2 now.",
        "Added 1 family to the list of round Winter; it holds 3 now.",
    ]
    assert count(engine, RoundFamily) == 3
    assert distro("rounds", "list") == 0
    assert "a list of 3 families" in capsys.readouterr().out


ADD_BACKWARDS = ("--basket", "b", "--from", "2026-11-29", "--to", "2026-11-23")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("add", "Late", "--basket", "b", "--from", "2026-11-31", "--to", "2026-12-01"),
            "--from: '2026-11-31' is not a date: type it as YYYY-MM-DD, like 2027-03-31",
        ),
        (("add", "Backwards", *ADD_BACKWARDS), "dates: the last day is before the first day"),
        (
            ("add", "everyone", "--basket", "b", *WEEK),
            "name: there is already a round called 'everyone'",
        ),
        (("close", "Nobody"), "There is no round called 'Nobody'. Open rounds: Everyone."),
        (("reopen", "Everyone"), "Round Everyone is open already."),
        (
            ("list-add", "Everyone", "{family}"),
            "Round Everyone is for every active family; it has no list.",
        ),
        (("list-add", "Everyone"), "list-add: give the families' card codes, or --file CODES.txt"),
    ],
)
def test_refusals_are_one_plain_line_and_change_nothing(
    distro: Distro,
    engine: Engine,
    now: datetime,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    family = register_into(engine, now, "Amina")
    assert distro("rounds", "add", "Everyone", "--basket", "food parcel", *WEEK) == 0
    capsys.readouterr()

    assert distro("rounds", *(word.format(family=family.code) for word in argv)) == 1

    assert plain_refusal(capsys.readouterr().err) == message
    assert list(rounds(engine)) == ["Everyone"] and count(engine, RoundFamily) == 0


def test_a_volunteer_may_list_rounds_but_not_set_them_up(
    distro: Distro, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert distro("rounds", "list", user="volunteer") == 0
    assert "No round is open" in capsys.readouterr().out
    assert distro("rounds", "add", "Mine", "--basket", "food parcel", *WEEK, user="volunteer") == 1
    assert "may not set up rounds and basket rules" in plain_refusal(capsys.readouterr().err)
    assert rounds(engine) == {}


# --- rules -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("starter_rules")
def test_rules_are_listed_with_who_gets_them(
    distro: Distro, capsys: pytest.CaptureFixture[str]
) -> None:
    assert distro("rules", "baskets", user="volunteer") == 0
    assert capsys.readouterr().out == "food parcel: 29 rules\nhygiene kit: 7 rules\n"

    assert distro("rules", "list", "Food  Parcel") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "food parcel (29 rules):"
    assert out[1] == "    1. 1 x Rice 5 kg for households of up to 2"
    assert (
        "   10. 1 x Luncheon meat (pork) 340 g for households of up to 4; Halal chicken canned "
        "340 g when the diet rules it out (chicken for halal and no-pork homes)"
    ) in out
    assert "    1. 1 x Soap bar for each member" not in out  # the hygiene kit's

    assert distro("rules", "list") == 0
    assert "hygiene kit (7 rules):" in capsys.readouterr().out


def test_an_unknown_basket_is_refused_with_the_known_ones(
    distro: Distro, capsys: pytest.CaptureFixture[str]
) -> None:
    assert distro("rules", "list") == 0 and distro("rules", "baskets") == 0
    assert (
        capsys.readouterr().out.splitlines()
        == ["No basket has rules yet; `distro import rules FILE.csv` adds them."] * 2
    )
    assert distro("rules", "list", "food parcle") == 1
    message = "Basket 'food parcle' has no rules. Baskets with rules: none yet."
    assert plain_refusal(capsys.readouterr().err) == message


@pytest.mark.usefixtures("starter_rules")
def test_rules_export_and_import_round_trip(
    distro: Distro, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "rules.csv"
    assert distro("export", "rules", str(exported)) == 0
    assert exported.read_text(encoding="utf-8-sig") == STARTER_RULES.read_text(encoding="utf-8")
    assert distro("import", "rules", str(exported)) == 0

    assert capsys.readouterr().out.splitlines()[-3:] == [
        "  food parcel: 29 rules, unchanged",
        "  hygiene kit: 7 rules, unchanged",
        "Imported 36 rules in 2 baskets: baskets 0 added, 0 replaced, 2 unchanged.",
    ]
    assert audit_actions(engine, "rules.") == ["rules.import"]


@pytest.mark.usefixtures("starter_rules")
def test_a_rules_file_with_a_problem_or_a_dry_run_writes_nothing(
    distro: Distro, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = tmp_path / "rules.csv"
    changed.write_text(
        "basket,item,quantity,age_under\nfood parcel,Rice 5 kg,1,\nfood parcel,Coffee,1,6 weeks\n",
        encoding="utf-8",
    )
    assert distro("import", "rules", str(changed)) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "row 3, item: No item matches 'Coffee'.",
        "row 3, age_under: write an age as years (12) or months (6m)",
    ]
    assert plain_refusal(captured.err) == "2 problems; nothing was imported."

    changed.write_text("basket,item,quantity\nfood parcel,Rice 5 kg,1\n", encoding="utf-8")
    assert distro("import", "rules", str(changed), "--dry-run") == 0
    assert capsys.readouterr().out.splitlines() == [
        "  food parcel: 1 rule, replaced",
        "Dry run: 1 rule in 1 basket (0 added, 1 replaced, 0 unchanged); nothing was written.",
    ]
    assert count(engine, BasketRule) == 36 and audit_actions(engine, "rules.") == ["rules.import"]
