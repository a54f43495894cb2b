"""`distro handout`, `distro slip`, `distro slips ...`, `distro handouts ...` and
`distro export handouts`: each change is checked in the database, each refusal exits 1 with
one plain line, and slips land in the DISTRO_SLIPS folder as the default printer's PDFs."""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from distro.commands.distribution.slips import LAYOUTS
from distro.domain.audit.models import AuditEvent
from distro.domain.core.clock import local_date, utc_now
from distro.domain.core.db import reading, unit_of_work
from distro.domain.distribution.models import Handout
from distro.domain.distribution.reports import COLUMNS
from distro.domain.distribution.rounds import RoundIn, create_round
from distro.domain.families.models import Family
from distro.domain.stock.models import StockLot
from distro.printing.slip import SlipLayout
from tests.builders.clock import HONG_KONG
from tests.builders.distribution import BASKET, Basket, stocked_basket
from tests.builders.families import ACTOR, register_into
from tests.commands.refusals import plain_refusal
from tests.printing.pdf_reading import decoded, page_text

ROUND = "Food parcel, week 48"
SLIP_CODE = re.compile(r"^H-\d{6}-\w$")

Distro = Callable[..., int]


@pytest.fixture(autouse=True)
def counter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Counter "Counter 3", slips as PDFs in `tmp_path/slips` (no terminal: see conftest.py)."""
    monkeypatch.setenv("DISTRO_SLIPS", str(tmp_path / "slips"))
    monkeypatch.setenv("DISTRO_COUNTER", "Counter 3")
    for variable in ("DISTRO_SLIP_PRINTER", "DISTRO_SLIP_LAYOUT", "DISTRO_ORGANISATION"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def basket(engine: Engine) -> Basket:
    """A one-step round open today on the real clock, which the commands use."""
    return stocked_basket(engine, utc_now())


@pytest.fixture
def family(engine: Engine) -> Family:
    """A mother of 36 and a baby of five months: eight units of the basket, whatever the day."""
    today = local_date(utc_now(), HONG_KONG)
    members = [
        {
            "full_name": "Amina Yusuf",
            "sex": "female",
            "birth_date": today - timedelta(days=36 * 365),
        },
        {"full_name": "Baby Yusuf", "sex": "male", "birth_date": today - timedelta(days=150)},
    ]
    return register_into(engine, utc_now(), members=members)


def handed_out(distro: Distro, capsys: pytest.CaptureFixture[str], *argv: str, **kw: str) -> str:
    """Run `distro handout ARGV`, check it succeeded, and return the slip code it printed."""
    assert distro("handout", *argv, **kw) == 0
    code = capsys.readouterr().out.strip()
    assert SLIP_CODE.match(code), code
    return code


def on_the_shelves(engine: Engine) -> int:
    with reading(engine) as session:
        return int(session.exec(select(func.sum(StockLot.on_hand))).one())


def test_a_handout_prints_only_the_slip_code_and_takes_the_stock(
    distro: Distro,
    engine: Engine,
    basket: Basket,
    family: Family,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert distro("handout", family.code, user="volunteer") == 0
    out, err = capsys.readouterr()
    code = out.strip()
    assert SLIP_CODE.match(code) and f"Slip {code}: 8 units" in err and "3 bag  Infant" in err
    assert on_the_shelves(engine) == 700 - 8
    with reading(engine) as session:
        handout = session.exec(select(Handout)).one()
    assert (handout.code, handout.counter, handout.actor) == (code, "Counter 3", "volunteer")


def test_a_second_handout_is_refused_with_the_first_slip_unless_a_coordinator_overrides(
    distro: Distro,
    engine: Engine,
    basket: Basket,
    family: Family,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = handed_out(distro, capsys, family.code)
    assert distro("handout", family.code, user="volunteer") == 1
    err = capsys.readouterr().err
    assert err.startswith("distro: Already collected") and first in err and "Counter 3" in err
    reason = ("--override-reason", "lost the first bag")
    assert distro("handout", family.code, *reason, user="volunteer") == 1
    assert "Ask a coordinator" in capsys.readouterr().err
    second = handed_out(
        distro, capsys, family.code, *reason, "--proxy", "Fatima", "--relation", "sister"
    )
    with reading(engine) as session:
        override = session.exec(select(Handout).where(Handout.code == second)).one()
    assert (override.override_reason, override.proxy_relation) == ("lost the first bag", "sister")
    assert on_the_shelves(engine) == 700 - 16


def test_without_round_the_one_open_today_is_used_and_several_are_refused_by_name(
    distro: Distro,
    engine: Engine,
    basket: Basket,
    family: Family,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert distro("handout", family.code, "--round", "No such round") == 1
    assert f"Open rounds: {ROUND}." in capsys.readouterr().err
    today = local_date(utc_now(), HONG_KONG)
    extra = RoundIn(name="Winter blankets", basket=BASKET, starts_on=today, ends_on=today)
    with unit_of_work(engine) as session:
        create_round(session, extra, actor=ACTOR, now=utc_now())
    assert distro("handout", family.code) == 1
    assert f"2 rounds are open today (Winter blankets, {ROUND})" in capsys.readouterr().err
    handed_out(distro, capsys, family.code, "--round", ROUND.upper())


def test_slip_to_a_pdf_file_decodes_and_the_text_says_reprint_the_second_time(
    distro: Distro,
    basket: Basket,
    family: Family,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = handed_out(distro, capsys, family.code)
    target = tmp_path / "slip.pdf"
    assert distro("slip", code, "-o", str(target), "--layout", "a6") == 0
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF") and decoded(pdf) == [code]
    assert "(REPRINT)" not in capsys.readouterr().out
    assert distro("slip", code, "--format", "txt") == 0
    text = capsys.readouterr().out
    assert "REPRINT" in text and "Amina Y." in text and "Yusuf" not in text


def test_print_puts_the_slip_in_the_slips_folder_and_a_printer_error_is_only_a_warning(
    distro: Distro,
    engine: Engine,
    basket: Basket,
    family: Family,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = handed_out(distro, capsys, family.code, "--print")
    printed = tmp_path / "slips" / f"{code}.pdf"
    assert "REPRINT" not in page_text(printed.read_bytes())
    assert distro("slip", code) == 0
    assert capsys.readouterr().out == f"Slip sent to {printed}.\n"
    assert "REPRINT" in page_text(printed.read_bytes())
    monkeypatch.setenv("DISTRO_SLIP_PRINTER", f"escpos:{tmp_path / 'no' / 'lp0'}")
    assert distro("slip", code) == 1
    assert "did not answer" in capsys.readouterr().err
    assert distro("slips", "void", code, "--reason", "test print") == 0
    capsys.readouterr()
    assert distro("handout", family.code, "--print") == 0
    out, err = capsys.readouterr()
    again = out.strip()
    assert f"the handout is saved, reprint the slip when it is back: distro slip {again}" in err
    with reading(engine) as session:
        assert session.exec(select(Handout).where(Handout.code == again)).one()


def test_void_returns_the_stock_and_the_family_may_collect_again(
    distro: Distro,
    engine: Engine,
    basket: Basket,
    family: Family,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = handed_out(distro, capsys, family.code)
    assert distro("slips", "void", code, "--reason", "bag torn", user="volunteer") == 1
    assert "may not void handout slips" in capsys.readouterr().err
    assert distro("slips", "void", code.lower(), "--reason", "bag torn") == 0
    assert capsys.readouterr().out == f"Voided slip {code}: 8 units back on the shelves.\n"
    assert on_the_shelves(engine) == 700
    handed_out(distro, capsys, family.code)


def test_the_exit_desk_collects_a_two_step_slip_once_and_missing_lists_the_rest(
    distro: Distro, engine: Engine, family: Family, capsys: pytest.CaptureFixture[str]
) -> None:
    stocked_basket(engine, utc_now(), two_step=True)
    code = handed_out(distro, capsys, family.code)
    assert distro("slips", "missing") == 0
    assert f"  {code}  {family.code}  2 people" in capsys.readouterr().out
    assert distro("handouts", "progress") == 0
    progress = capsys.readouterr().out
    assert "(two-step)" in progress and re.search(r"waiting at the exit +1\n", progress)
    assert distro("slips", "collect", code, "--round", ROUND, user="volunteer") == 0
    assert f"hand over the bag of {family.code} (2 people)" in capsys.readouterr().out
    assert distro("slips", "collect", code) == 1
    assert "already collected" in capsys.readouterr().err
    assert distro("slips", "missing") == 0
    assert "No slip of" in capsys.readouterr().out


def test_a_mistyped_slip_code_is_refused_in_plain_words(
    distro: Distro, basket: Basket, family: Family, capsys: pytest.CaptureFixture[str]
) -> None:
    code = handed_out(distro, capsys, family.code)
    typo = code[:-1] + ("A" if code[-1] != "A" else "B")
    for argv in (("slip", typo, "--format", "txt"), ("slips", "collect", typo)):
        assert distro(*argv) == 1
        out, err = capsys.readouterr()
        assert out == "" and err == (
            f"distro: {typo} looks mistyped: its last character does not match. "
            "Scan it again or check each character.\n"
        )
    assert distro("slip", family.code) == 1
    assert "is not a handout slip" in capsys.readouterr().err


def test_scan_describes_a_slip_and_the_family_lists_its_collections(
    distro: Distro, basket: Basket, family: Family, capsys: pytest.CaptureFixture[str]
) -> None:
    code = handed_out(distro, capsys, family.code)
    assert distro("scan", code) == 0
    described = capsys.readouterr().out
    assert described.startswith(f"slip {code}: {ROUND}, family {family.code}, handed out ")
    assert described.endswith("at Counter 3, collected\n")
    assert distro("handouts", "family", family.code) == 0
    assert re.search(rf"  {code}  +8 units  collected +  {ROUND}\n$", capsys.readouterr().out)


def test_export_handouts_writes_one_row_per_line_and_is_recorded(
    distro: Distro,
    engine: Engine,
    basket: Basket,
    family: Family,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = handed_out(distro, capsys, family.code)
    target = tmp_path / "handouts.csv"
    assert distro("export", "handouts", str(target), user="volunteer") == 1
    assert "may not export personal data" in capsys.readouterr().err
    assert distro("export", "handouts", str(target), "--round", ROUND) == 0
    assert capsys.readouterr().out == f"Exported 5 handout lines to {target}.\n"
    with target.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.DictReader(source))
    assert tuple(rows[0]) == COLUMNS and {row["slip_code"] for row in rows} == {code}
    assert sum(int(row["quantity"]) for row in rows) == 8
    with reading(engine) as session:
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "personal_data.export")
        ).all()
    assert event.summary == f"Exported the handouts of {ROUND} to {target.resolve()}"


def test_info_names_the_counter_the_printer_and_the_layout(
    distro: Distro,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DISTRO_SLIP_LAYOUT", "a6")
    assert distro("info") == 0
    out = capsys.readouterr().out
    assert "counter     Counter 3\n" in out and "slip layout a6\n" in out
    assert f"printer     PDF files in {tmp_path / 'slips'}\n" in out


def test_the_layout_words_are_the_slip_layouts() -> None:
    assert {layout.value for layout in SlipLayout} == set(LAYOUTS)


def test_a_paper_sheet_is_entered_at_the_time_written_on_it(
    engine: Engine,
    distro: Distro,
    basket: Basket,
    family: Family,
    capsys: pytest.CaptureFixture[str],
) -> None:
    earlier = (utc_now() - timedelta(hours=1)).astimezone(HONG_KONG)
    code = handed_out(distro, capsys, family.code, "--at", f"{earlier:%Y-%m-%d %H:%M}")
    with reading(engine) as session:
        handout = session.exec(select(Handout).where(Handout.code == code)).one()
    stored = handout.handed_out_at.replace(tzinfo=UTC).astimezone(HONG_KONG)
    assert f"{stored:%Y-%m-%d %H:%M}" == f"{earlier:%Y-%m-%d %H:%M}"
    assert distro("handout", family.code, "--at", "yesterday") == 1
    assert "'YYYY-MM-DD HH:MM'" in capsys.readouterr().err


def test_escpos_without_python_escpos_is_one_line_saying_what_to_install(
    distro: Distro,
    basket: Basket,
    family: Family,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = handed_out(distro, capsys, family.code)
    monkeypatch.setitem(sys.modules, "escpos", None)
    monkeypatch.setitem(sys.modules, "escpos.printer", None)
    install = "pip install 'distro[escpos]'"
    assert distro("slip", code, "--format", "escpos", "-o", str(tmp_path / "slip.bin")) == 1
    assert install in plain_refusal(capsys.readouterr().err)
    assert not (tmp_path / "slip.bin").exists()
    monkeypatch.setenv("DISTRO_SLIP_PRINTER", f"escpos:{tmp_path / 'lp0'}")
    assert distro("slip", code) == 1
    assert install in plain_refusal(capsys.readouterr().err)
    assert distro("info") == 0
    printer = f"ESC/POS printer at {tmp_path / 'lp0'}, which needs python-escpos: {install}"
    assert printer in capsys.readouterr().out
