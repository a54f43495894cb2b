"""The `distro stock` commands, `distro import|export items` and `distro export stock`: each
mutation is checked in the database, each refusal exits non-zero with one plain line and
leaves the ledger as it was."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

from distro.cli import build_parser
from distro.commands.stock.input import ADJUST_REASONS, CATEGORIES, SOURCES, UNITS
from distro.commands.stock.items import DIETARY
from distro.commands.stock.reports import LEVEL_SORTS
from distro.domain.core.clock import local_date, utc_now
from distro.domain.core.db import reading
from distro.domain.stock.catalogue import DIETARY_FLAGS
from distro.domain.stock.levels import LevelSort
from distro.domain.stock.models import (
    AdjustReason,
    Item,
    ItemBarcode,
    ItemCategory,
    StockCount,
    StockLot,
    StockMovement,
    StockReceipt,
    StockSource,
    StockUnit,
)
from tests.builders.cli import run_cli
from tests.builders.clock import HONG_KONG
from tests.commands.refusals import plain_refusal
from tests.printing.pdf_reading import decoded, page_text

CATALOGUE = Path(str(resources.files("distro.data").joinpath("catalogue.csv")))
EAN_13 = "4006381333931"
UNKNOWN_EAN_13 = "5901234123457"

Stock = Callable[..., int]


@pytest.fixture
def stock(db: str) -> Stock:
    """`stock("receive", "Rice", "5")` runs `distro stock receive Rice 5` on the test database,
    signed in as a coordinator (or `user=`)."""

    def run(*argv: str, user: str = "coordinator") -> int:
        return run_cli("stock", *argv, "--db", db, user=user)

    return run


@pytest.fixture
def rice(stock: Stock, capsys: pytest.CaptureFixture[str]) -> str:
    """An item "Rice 5 kg" in bags, halal, low below 10, with a product barcode; its code."""
    status = stock(
        "item", "add", "Rice 5 kg", "--category", "food", "--unit", "bag", "--pack-size", "5 kg",
        "--halal", "--threshold", "10", "--barcode", EAN_13,
    )  # fmt: skip
    assert status == 0
    out = capsys.readouterr().out
    return out.split()[1]


def today() -> date:
    return local_date(utc_now(), HONG_KONG)


def in_days(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


def on_hand(engine: Engine, code: str) -> int:
    with reading(engine) as session:
        total = session.exec(
            select(func.coalesce(func.sum(StockLot.on_hand), 0))
            .join(Item, col(Item.id) == col(StockLot.item_id))
            .where(Item.code == code)
        ).one()
    return int(total)


def movements(engine: Engine) -> list[StockMovement]:
    with reading(engine) as session:
        return list(session.exec(select(StockMovement).order_by(col(StockMovement.id))).all())


def test_choices_offered_match_the_domain() -> None:
    assert CATEGORIES == tuple(ItemCategory)
    assert UNITS == tuple(StockUnit)
    assert SOURCES == tuple(StockSource)
    assert ADJUST_REASONS == tuple(AdjustReason)
    assert set(LEVEL_SORTS.values()) == set(LevelSort.__members__)
    assert DIETARY == DIETARY_FLAGS


def test_building_the_parser_does_not_load_the_database_layer() -> None:
    import subprocess
    import sys

    code = "import sys, distro.cli; distro.cli.build_parser(); print('sqlalchemy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
    args = build_parser().parse_args(["stock", "adjust", "Rice", "-3", "--reason", "lost"])
    assert (args.item, args.quantity) == ("Rice", "-3")


def test_receive_then_levels_json_shows_it(
    stock: Stock, engine: Engine, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    expiry = in_days(200)
    status = stock(
        "receive", "rice 5", "24", "--expiry", expiry, "--source", "Caritas",
        "--kind", "purchase", "--location", "Shelf A", "--note", "pallet 3",
    )  # fmt: skip
    assert status == 0
    assert f"24 bag Rice 5 kg ({rice}), expires {expiry}, at Shelf A" in capsys.readouterr().out
    with reading(engine) as session:
        [receipt] = session.exec(select(StockReceipt)).all()
        [lot] = session.exec(select(StockLot)).all()
    assert (receipt.source_kind, receipt.source, receipt.note) == (
        "purchase",
        "Caritas",
        "pallet 3",
    )
    assert (lot.on_hand, lot.expiry, lot.location) == (24, date.fromisoformat(expiry), "Shelf A")
    assert lot.received_on == today()

    assert stock("levels", "--json") == 0
    [level] = json.loads(capsys.readouterr().out)
    assert level["code"] == rice
    assert (level["on_hand"], level["threshold"], level["below_threshold"]) == (24, 10, False)
    assert (level["next_expiry"], level["expiring_soon"]) == (expiry, 0)  # not within 30 days
    assert list(level) == [
        "code", "name", "category", "unit", "pack_size", "on_hand", "expired_on_hand",
        "expiring_soon", "next_expiry", "threshold", "below_threshold", "daily_rate",
        "days_of_stock",
    ]  # fmt: skip


def test_an_expired_delivery_is_received_with_a_warning(
    stock: Stock, engine: Engine, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stock("receive", rice, "5", "--expiry", in_days(-3)) == 0
    assert "has passed" in capsys.readouterr().err
    assert on_hand(engine, rice) == 5


def test_issuing_more_than_on_hand_is_refused_and_changes_nothing(
    stock: Stock, engine: Engine, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stock("receive", rice, "10")
    before = movements(engine)
    capsys.readouterr()
    assert stock("issue", "Rice 5 kg", "11", "--reason", "shelter") == 1
    message = plain_refusal(capsys.readouterr().err)
    assert message == "Only 10 bag of Rice 5 kg can be taken, not 11; nothing was taken."
    assert movements(engine) == before
    assert on_hand(engine, rice) == 10


def test_issue_takes_first_expiry_first(
    stock: Stock, engine: Engine, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stock("receive", rice, "10", "--expiry", in_days(90))
    stock("receive", rice, "10", "--expiry", in_days(10))
    capsys.readouterr()
    assert stock("issue", EAN_13, "12", "--reason", "community kitchen") == 0
    assert "Issued 12 bag of Rice 5 kg" in capsys.readouterr().out
    with reading(engine) as session:
        lots = session.exec(select(StockLot).order_by(col(StockLot.expiry))).all()
    assert [lot.on_hand for lot in lots] == [0, 8]
    issued = [m for m in movements(engine) if m.kind == "issue"]
    assert {m.reason for m in issued} == {"community kitchen"}
    assert sum(m.quantity for m in issued) == -12


def test_adjust_takes_a_negative_quantity(
    stock: Stock, engine: Engine, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stock("receive", rice, "10")
    assert stock("adjust", rice, "-3", "--reason", "damaged", "--note", "wet") == 0
    assert "by -3 bag (damaged)" in capsys.readouterr().out
    last = movements(engine)[-1]
    assert (last.kind, last.quantity, last.reason) == ("adjust", -3, "damaged: wet")
    assert on_hand(engine, rice) == 7


def test_found_stock_is_a_new_lot(stock: Stock, engine: Engine, rice: str) -> None:
    expiry = in_days(50)
    status = stock(
        "adjust", rice, "4", "--reason", "found", "--expiry", expiry, "--location", "Back room"
    )
    assert status == 0
    with reading(engine) as session:
        [lot] = session.exec(select(StockLot)).all()
    assert (lot.on_hand, lot.expiry, lot.location) == (4, date.fromisoformat(expiry), "Back room")


def test_a_quantity_that_is_not_a_number_is_refused_plainly(
    stock: Stock, engine: Engine, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stock("adjust", rice, "-2.5", "--reason", "lost") == 1
    assert "'-2.5' is not a whole number" in plain_refusal(capsys.readouterr().err)
    assert movements(engine) == []


def test_an_ambiguous_name_is_refused_with_the_candidates(
    stock: Stock, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    for size in ("M", "L"):
        stock("item", "add", f"Diapers size {size}", "--category", "baby", "--unit", "pack")
    capsys.readouterr()
    assert stock("receive", "diapers", "5") == 1
    message = plain_refusal(capsys.readouterr().err)
    assert "'diapers' matches several items" in message
    assert "Diapers size L (S-" in message and "Diapers size M (S-" in message
    assert movements(engine) == []


def test_an_unknown_product_barcode_says_how_to_attach_it(
    stock: Stock, engine: Engine, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stock("receive", UNKNOWN_EAN_13, "5") == 1
    message = plain_refusal(capsys.readouterr().err)
    assert f"Product barcode {UNKNOWN_EAN_13} belongs to no item yet" in message
    assert f"distro stock barcode ITEM {UNKNOWN_EAN_13}" in message
    assert stock("barcode", rice, UNKNOWN_EAN_13) == 0
    assert stock("receive", UNKNOWN_EAN_13, "5") == 0
    assert on_hand(engine, rice) == 5
    assert stock("barcode", rice, UNKNOWN_EAN_13, "--remove") == 0
    with reading(engine) as session:
        assert session.exec(select(ItemBarcode.barcode)).all() == [EAN_13]


def test_a_volunteer_may_not_move_stock(
    stock: Stock, engine: Engine, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stock("receive", rice, "5", user="volunteer") == 1
    message = plain_refusal(capsys.readouterr().err)
    assert message.startswith("volunteer is signed in as volunteer and may not receive stock")
    assert movements(engine) == []
    with reading(engine) as session:
        assert session.exec(select(StockReceipt)).all() == []


def test_receive_lines_is_all_or_nothing(
    stock: Stock, engine: Engine, rice: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stock("item", "add", "Soap bar", "--category", "hygiene", "--unit", "piece")
    lines = tmp_path / "delivery.csv"
    lines.write_text(
        f"item,quantity,expiry,location\n{rice},20,{in_days(100)},Shelf A\nNo such thing,3,,\n"
        "Soap bar,many,,\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert stock("receive", "--lines", str(lines)) == 1
    out, err = capsys.readouterr()
    assert "row 3: No item matches 'No such thing'." in out
    assert "row 4: quantity: 'many' is not a whole number" in out
    assert plain_refusal(err) == "2 lines cannot be received; nothing was."
    assert movements(engine) == []

    lines.write_text(
        f"\ufeffItem,Quantity,Expiry,Location\n{rice},20,{in_days(100)},Shelf A\nSoap bar,48,,\n",
        encoding="utf-8",
    )
    assert stock("receive", "--lines", str(lines), "--source", "Rotary") == 0
    with reading(engine) as session:
        [receipt] = session.exec(select(StockReceipt)).all()
        lots = session.exec(select(StockLot).order_by(col(StockLot.id))).all()
    assert receipt.source == "Rotary"
    assert [(lot.receipt_id, lot.on_hand) for lot in lots] == [(receipt.id, 20), (receipt.id, 48)]


def test_write_off_expired(
    stock: Stock, engine: Engine, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stock("receive", rice, "6", "--expiry", in_days(-2))
    stock("receive", rice, "4", "--expiry", in_days(20))
    capsys.readouterr()
    assert stock("expiring") == 0
    out = capsys.readouterr().out
    assert "expired 2 d ago" in out and "in 20 days" in out
    assert stock("write-off-expired", "--item", "rice") == 0
    assert "Wrote off 1 expired lot (6 units)." in capsys.readouterr().out
    assert on_hand(engine, rice) == 4
    assert movements(engine)[-1].kind == "expire"


def test_levels_table_fits_80_columns(
    stock: Stock, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    long_name = "Infant formula stage 1 from birth 800 g tin"
    stock("item", "add", long_name, "--category", "baby", "--unit", "can", "--threshold", "5")
    stock("receive", rice, "12", "--expiry", in_days(7))
    capsys.readouterr()
    assert stock("levels", "--sort", "low") == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) < 80 for line in lines)
    assert lines[1].startswith("S-") and "Infant formula" in lines[1] and lines[1].endswith("LOW")
    assert lines[2].startswith(rice) and lines[2].split()[-2:] == ["12", "-"]  # soon, days
    assert stock("levels", "--low", "--category", "food") == 0
    assert capsys.readouterr().out == "No item of category food is below its threshold.\n"


def test_lots_and_history(stock: Stock, rice: str, capsys: pytest.CaptureFixture[str]) -> None:
    stock("receive", rice, "10", "--source", "Caritas")
    stock("issue", rice, "4", "--reason", "shelter")
    capsys.readouterr()
    assert stock("lots", rice) == 0
    out = capsys.readouterr().out
    assert "6 bag usable" in out and "6 of 10" in out and "donor: Caritas" in out
    assert stock("history", "Rice 5 kg", "--limit", "1") == 0
    [heading, line] = capsys.readouterr().out.splitlines()
    assert "issue" in line and "-4" in line and "shelter" in line


def test_count_sheet_round_trip(
    stock: Stock, engine: Engine, rice: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stock("receive", rice, "10", "--location", "Shelf A")
    stock("receive", rice, "5", "--location", "Shelf B")
    sheet = tmp_path / "count.csv"
    assert stock("count-sheet", str(sheet), "--location", "Shelf A") == 0
    with sheet.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.DictReader(source))
    assert [(row["item_code"], row["on_hand"], row["counted"]) for row in rows] == [
        (rice, "10", "")
    ]
    rows[0]["counted"] = "7"
    with sheet.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    capsys.readouterr()

    assert stock("count", str(sheet)) == 1
    out, err = capsys.readouterr()
    assert "books    10  counted     7      -3" in out and "net -3 units" in out
    assert "add --yes" in plain_refusal(err)
    assert on_hand(engine, rice) == 15

    assert stock("count", str(sheet), "--yes") == 0
    assert "Posted stock take" in capsys.readouterr().out
    assert on_hand(engine, rice) == 12
    last = movements(engine)[-1]
    assert (last.kind, last.quantity) == ("count", -3)
    with reading(engine) as session:
        [taken] = session.exec(select(StockCount)).all()
    assert (taken.scope, taken.lots_counted, taken.net_difference) == ("location Shelf A", 1, -3)


def test_count_asks_at_a_terminal(
    stock: Stock,
    engine: Engine,
    rice: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stock("receive", rice, "10")
    sheet = tmp_path / "count.csv"
    stock("count-sheet", str(sheet))
    text = sheet.read_text(encoding="utf-8-sig").replace(",10,\n", ",10,9\n")
    sheet.write_text(text, encoding="utf-8")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    capsys.readouterr()
    assert stock("count", str(sheet)) == 1
    assert plain_refusal(capsys.readouterr().err) == "the count was not posted."
    assert on_hand(engine, rice) == 10
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert stock("count", str(sheet)) == 0
    assert on_hand(engine, rice) == 9


def test_item_edit_retire_and_reactivate(
    stock: Stock, engine: Engine, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stock("item", "edit", rice, "--no-halal", "--vegetarian", "--threshold", "3") == 0
    with reading(engine) as session:
        item = session.exec(select(Item).where(Item.code == rice)).one()
    assert (item.halal, item.vegetarian, item.low_stock_threshold, item.unit) == (
        False, True, 3, "bag"
    )  # fmt: skip
    stock("receive", rice, "1")
    capsys.readouterr()
    assert stock("item", "retire", rice) == 1
    assert "still has 1 bag on hand" in plain_refusal(capsys.readouterr().err)
    stock("adjust", rice, "-1", "--reason", "lost")
    assert stock("item", "retire", rice, "--reason", "no longer donated") == 0
    capsys.readouterr()
    assert stock("items") == 0
    assert rice not in capsys.readouterr().out
    assert stock("items", "--all") == 0
    assert "retired" in capsys.readouterr().out
    assert stock("item", "reactivate", rice) == 0
    with reading(engine) as session:
        assert session.exec(select(Item.retired_at).where(Item.code == rice)).one() is None


def test_import_and_export_items_round_trip(
    db: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("import", "items", str(CATALOGUE), "--dry-run", "--db", db) == 0
    assert "nothing was written" in capsys.readouterr().out
    with reading(engine) as session:
        assert session.exec(select(func.count()).select_from(Item)).one() == 0

    assert run_cli("import", "items", str(CATALOGUE), "--db", db) == 0
    with reading(engine) as session:
        names = set(session.exec(select(Item.name)).all())
    with CATALOGUE.open(encoding="utf-8-sig", newline="") as source:
        shipped = [row["name"] for row in csv.DictReader(source)]
    assert names == set(shipped)

    exported = tmp_path / "items.csv"
    assert run_cli("export", "items", str(exported), "--db", db) == 0
    assert f"Exported {len(shipped)} items" in capsys.readouterr().out
    assert run_cli("import", "items", str(exported), "--db", db) == 0
    assert f"0 added, 0 updated, {len(shipped)} unchanged" in capsys.readouterr().out


def test_import_items_with_a_bad_row_imports_nothing(
    db: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "items.csv"
    bad.write_text("name,category,unit\nRice,food,bag\nSoap,food,barrel\n", encoding="utf-8")
    assert run_cli("import", "items", str(bad), "--db", db) == 1
    out, err = capsys.readouterr()
    assert "row 3, unit:" in out
    assert plain_refusal(err) == "1 problem; nothing was imported."
    with reading(engine) as session:
        assert session.exec(select(Item)).all() == []


def test_export_stock_writes_a_row_per_lot(
    db: str, stock: Stock, rice: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stock("receive", rice, "10", "--expiry", in_days(30), "--location", "Shelf A")
    stock("receive", rice, "3")
    target = tmp_path / "out" / "stock.csv"
    capsys.readouterr()
    assert run_cli("export", "stock", str(target), "--db", db) == 0
    assert "Exported 2 lots" in capsys.readouterr().out
    with target.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.DictReader(source))
    assert [(row["item_code"], row["on_hand"], row["days_to_expiry"]) for row in rows] == [
        (rice, "10", "30"),
        (rice, "3", ""),
    ]


def test_scan_describes_an_item(
    db: str, stock: Stock, rice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stock("receive", rice, "7")
    capsys.readouterr()
    for scanned in (rice, EAN_13):
        assert run_cli("scan", scanned, "--db", db) == 0
        assert capsys.readouterr().out.strip() == f"item {rice}: Rice 5 kg, 7 bag on hand"


def test_shelf_labels_carry_barcodes_that_scan_back_to_the_item(
    stock: Stock, rice: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = tmp_path / "labels.pdf"
    assert stock("labels", str(labels)) == 0
    assert "Wrote 1 shelf label" in capsys.readouterr().out
    assert decoded(labels.read_bytes()) == [rice]
    assert stock("labels", str(labels), "--skip", "24") == 1
    assert "--skip must be between 0 and 23" in plain_refusal(capsys.readouterr().err)


def test_a_printed_count_sheet_lists_the_lots_of_its_scope(
    stock: Stock, rice: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stock("receive", rice, "10", "--location", "Shelf A")
    sheet = tmp_path / "count.pdf"
    assert stock("count-sheet", str(sheet), "--location", "Shelf A", "--blind") == 0
    assert "printable count sheet of 1 lot" in capsys.readouterr().out
    text = " ".join(page_text(sheet.read_bytes()))
    assert rice in text and "Shelf A" in text


@pytest.mark.parametrize(
    ("argv", "needed"),
    [
        ([], False),
        (["--db", "x.sqlite3"], False),
        (["--user", "kit", "--db", "x.sqlite3"], False),
        (["--version"], False),
        (["--db", "x.sqlite3", "demo"], True),
        (["--help"], True),
    ],
)
def test_only_a_command_or_help_needs_the_commands_parsers(argv: list[str], needed: bool) -> None:
    from distro.cli import names_a_command

    assert names_a_command(argv) is needed


def test_opening_the_app_parses_the_global_options_alone() -> None:
    args = build_parser(with_commands=False).parse_args(["--db", "x.sqlite3", "--user", "kit"])
    assert (args.db, args.user, args.command) == ("x.sqlite3", "kit", None)
