"""`distro families erase`: the family's slip and card files leave the slips folder (another
family's stay), and the output lists every export, card, access report and backup made while
the family was in the database, each with its date and file."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from distro.domain.core.clock import utc_now
from distro.domain.families.models import Family
from tests.builders.distribution import stocked_basket
from tests.builders.families import register_into

Distro = Callable[..., int]
STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d"


@pytest.fixture(autouse=True)
def slips(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: Engine) -> Path:
    """Slips as PDFs in `tmp_path/slips`, and a round open today to hand out in."""
    monkeypatch.setenv("DISTRO_SLIPS", str(tmp_path / "slips"))
    monkeypatch.delenv("DISTRO_SLIP_PRINTER", raising=False)
    stocked_basket(engine, utc_now())
    return tmp_path / "slips"


def slip_of(distro: Distro, capsys: pytest.CaptureFixture[str], family: Family) -> str:
    """Hand out to the family with the slip printed into the slips folder; its code."""
    assert distro("handout", family.code, "--print") == 0
    return capsys.readouterr().out.strip()


def erase(distro: Distro, family: Family) -> int:
    return distro("families", "erase", family.code, "--reason", "asked to be forgotten", "--yes")


def test_erase_removes_the_familys_slips_and_lists_the_copies_made_before(
    distro: Distro,
    engine: Engine,
    slips: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    family = register_into(engine, utc_now(), "Amina Yusuf")
    other = register_into(engine, utc_now(), "Grace Mensah")
    slip, kept = slip_of(distro, capsys, family), slip_of(distro, capsys, other)
    assert {path.name for path in slips.iterdir()} == {f"{slip}.pdf", f"{kept}.pdf"}
    export, card, report = tmp_path / "all.csv", tmp_path / "card.pdf", tmp_path / "ar.txt"
    other_card, backup = tmp_path / "other-card.pdf", tmp_path / "backup.sqlite3"
    assert distro("export", "families", str(export)) == 0
    assert distro("card", family.code, "-o", str(card)) == 0
    assert distro("card", other.code, "-o", str(other_card)) == 0
    assert distro("export", "family", family.code, str(report)) == 0
    assert distro("db", "backup", str(backup), user="admin") == 0
    capsys.readouterr()

    assert erase(distro, family) == 0

    out = capsys.readouterr().out
    assert [path.name for path in slips.iterdir()] == [f"{kept}.pdf"]
    assert f"Removed 1 file of its slips and cards from {slips}." in out
    assert "(1 export, 1 card, 1 access report and 1 backup)" in out
    listed = [line for line in out.splitlines() if re.match(rf"  {STAMP}  ", line)]
    assert [line.split("  ", 2)[2] for line in listed] == [
        f"Exported all families to {export.resolve()}",
        f"Printed the family card of {family.code} to {card.resolve()}",
        f"Exported everything held about {family.code} (access request) to {report.resolve()}",
        f"Backup made at {backup.resolve()} (not encrypted), read back and sound",
    ]
    assert str(other_card) not in out


def test_a_slip_file_that_cannot_be_removed_is_one_warning_and_the_erase_stands(
    distro: Distro,
    engine: Engine,
    slips: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    family = register_into(engine, utc_now(), "Amina Yusuf")
    slip = slip_of(distro, capsys, family)
    (slips / f"{slip}.pdf").unlink()
    (slips / f"{slip}.pdf").mkdir()  # stands in for a file the user may not delete

    assert erase(distro, family) == 0

    out, err = capsys.readouterr()
    assert f"{family.code} is erased" in out
    [warning] = err.splitlines()
    assert warning.startswith(f"distro: warning: could not remove {slips / f'{slip}.pdf'}: ")
    assert warning.endswith("; delete it by hand.")
    assert distro("families", "show", family.code) == 1


def test_anonymise_removes_the_slips_too_which_carry_a_first_name(
    distro: Distro,
    engine: Engine,
    slips: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    family = register_into(engine, utc_now(), "Amina Yusuf")
    slip = slip_of(distro, capsys, family)
    assert (slips / f"{slip}.pdf").exists()

    assert distro("families", "anonymise", family.code, "--reason", "no contact") == 0

    assert f"Removed 1 file of its slips and cards from {slips}." in capsys.readouterr().out
    assert not any(slips.iterdir())
    assert distro("slip", slip, "--format", "txt") == 0  # the handout stays, for the statistics
