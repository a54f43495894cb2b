"""The catalogue as CSV: the starter catalogue imports cleanly, exports round-trip, a file is
imported whole or not at all, and every problem names its row."""

from __future__ import annotations

import io
from datetime import datetime
from importlib import resources

import pytest
from sqlalchemy import Engine
from sqlmodel import col, func, select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.csv_cells import BOM
from distro.domain.core.db import reading, unit_of_work
from distro.domain.stock.catalogue import attach_barcode
from distro.domain.stock.catalogue_csv import (
    ITEM_COLUMNS,
    ItemImportReport,
    export_items,
    import_items,
)
from distro.domain.stock.item_lookup import item_barcodes
from distro.domain.stock.models import Item
from tests.builders.families import ACTOR
from tests.builders.stock import EAN_13, OTHER_EAN_13, UPC_A, catalogue_item

HEADER = "name,category,unit,pack_size,halal,contains_pork,vegetarian,low_stock_threshold,barcodes"


def starter_catalogue() -> str:
    return resources.files("distro.data").joinpath("catalogue.csv").read_text(encoding="utf-8")


def run_import(
    engine: Engine, content: str, now: datetime, *, dry_run: bool = False
) -> ItemImportReport:
    with unit_of_work(engine) as session:
        return import_items(session, io.StringIO(content), actor=ACTOR, now=now, dry_run=dry_run)


def exported(engine: Engine) -> str:
    out = io.StringIO(newline="")
    with reading(engine) as session:
        export_items(session, out)
    return out.getvalue()


def item_count(engine: Engine) -> int:
    with reading(engine) as session:
        return session.exec(select(func.count()).select_from(Item)).one()


def audit_count(engine: Engine) -> int:
    with reading(engine) as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()


def problems(report: ItemImportReport) -> list[str]:
    return [str(problem) for problem in report.problems]


# --- the starter catalogue -------------------------------------------------------------------


def test_the_starter_catalogue_imports_cleanly(engine: Engine, now: datetime) -> None:
    rows = len(starter_catalogue().strip().splitlines()) - 1

    report = run_import(engine, starter_catalogue(), now)

    assert problems(report) == [] and report.written
    assert report.count("added") == rows == item_count(engine) >= 40
    with reading(engine) as session:
        categories = set(session.exec(select(Item.category)).all())
        pork = session.exec(select(Item).where(col(Item.contains_pork))).all()
    assert categories == {"food", "baby", "hygiene", "household"}
    assert all(not item.halal and not item.vegetarian for item in pork)


def test_the_starter_catalogue_twice_changes_nothing(engine: Engine, now: datetime) -> None:
    run_import(engine, starter_catalogue(), now)
    with unit_of_work(engine) as session:
        rice = session.exec(select(Item).where(Item.name == "Rice 5 kg")).one()
        attach_barcode(session, rice.id, EAN_13, actor=ACTOR, now=now)  # type: ignore[arg-type]
    audits = audit_count(engine)

    report = run_import(engine, starter_catalogue(), now)

    assert report.count("unchanged") == item_count(engine) and report.count("added") == 0
    assert audit_count(engine) == audits
    with reading(engine) as session:  # no barcodes column: attached barcodes stay
        assert item_barcodes(session, rice.id) == [EAN_13]  # type: ignore[arg-type]


# --- export and round trip -------------------------------------------------------------------


def test_export_writes_the_columns_escaped_with_a_bom(engine: Engine, now: datetime) -> None:
    catalogue_item(engine, now, "=HYPERLINK(evil)", pack_size="-5 kg", barcodes=[EAN_13, UPC_A])
    text = exported(engine)
    assert text.startswith(BOM + ",".join(ITEM_COLUMNS) + "\r\n")
    code = format_code(CodeKind.ITEM, 1)
    assert f"{code},'=HYPERLINK(evil),food,bag,'-5 kg,no,no,no,0,0{UPC_A}|{EAN_13}" in text


def test_export_then_import_round_trips(
    engine: Engine, other_engine: Engine, now: datetime
) -> None:
    run_import(engine, starter_catalogue(), now)
    catalogue_item(engine, now, "+Plus tea", halal=True, barcodes=[EAN_13, OTHER_EAN_13])
    catalogue_item(engine, now, "Luncheon meat 200 g", contains_pork=True, low_stock_threshold=3)
    first = exported(engine)

    assert run_import(engine, first, now).count("unchanged") == item_count(engine)
    report = run_import(other_engine, first, now)

    assert problems(report) == [] and report.count("added") == item_count(engine)
    assert exported(other_engine) == first  # same codes, names, flags and barcodes
    next_one = catalogue_item(other_engine, now, "Brand new item")
    assert next_one.code == format_code(CodeKind.ITEM, item_count(engine) + 1)


def test_retired_items_are_not_exported(engine: Engine, now: datetime) -> None:
    from distro.domain.stock.catalogue import retire_item

    kept, gone = catalogue_item(engine, now, "Rice 5 kg"), catalogue_item(engine, now, "Old soap")
    with unit_of_work(engine) as session:
        retire_item(session, gone.id, actor=ACTOR, now=now)  # type: ignore[arg-type]
    assert kept.name in exported(engine) and gone.name not in exported(engine)


# --- editing through a file ------------------------------------------------------------------


def test_a_row_with_a_known_code_or_name_edits_that_item(engine: Engine, now: datetime) -> None:
    rice = catalogue_item(engine, now, "Rice 5 kg", barcodes=[EAN_13])
    flour = catalogue_item(engine, now, "Flour 1 kg")
    content = (
        "code,name,category,unit,low_stock_threshold,barcodes\n"
        f"{rice.code},Rice 5 kg bag,food,bags,25,\n"
        ",FLOUR 1kg,food,Bag,9,\n"
        ",Sugar 1 kg,food,bag,5,\n"
    )
    report = run_import(engine, content, now)

    assert problems(report) == []
    outcomes = [(item.row, item.code, item.outcome) for item in report.items]
    sugar = format_code(CodeKind.ITEM, 3)
    assert outcomes == [(2, rice.code, "updated"), (3, flour.code, "updated"), (4, sugar, "added")]
    with reading(engine) as session:
        edited = session.get(Item, rice.id)
        assert edited is not None and (edited.name, edited.low_stock_threshold) == (
            "Rice 5 kg bag",
            25,
        )
        assert item_barcodes(session, rice.id) == []  # type: ignore[arg-type]  # emptied cell


def test_a_new_code_in_the_file_is_kept_and_never_handed_out(engine: Engine, now: datetime) -> None:
    kept = format_code(CodeKind.ITEM, 40)
    report = run_import(engine, f"code,name,category,unit\n{kept},Rice 5 kg,food,bag\n", now)
    assert [item.code for item in report.items] == [kept]
    assert catalogue_item(engine, now, "Flour 1 kg").code == format_code(CodeKind.ITEM, 41)


def test_a_dry_run_reports_and_writes_nothing(engine: Engine, now: datetime) -> None:
    report = run_import(engine, starter_catalogue(), now, dry_run=True)
    assert report.count("added") > 40 and not report.written and report.problems == []
    assert item_count(engine) == 0 and audit_count(engine) == 0


def test_a_bom_and_forgiving_column_names_and_values_are_read(
    engine: Engine, now: datetime
) -> None:
    content = BOM + "Name,Category,Unit,Halal,Vegetarian\nDates 500 g,FOOD,Packs,Yes,TRUE\n"
    report = run_import(engine, content, now)
    assert problems(report) == []
    with reading(engine) as session:
        dates = session.exec(select(Item)).one()
    assert (dates.unit, dates.halal, dates.vegetarian, dates.contains_pork) == (
        "pack",
        True,
        True,
        False,
    )


# --- refusals --------------------------------------------------------------------------------


def test_one_bad_row_means_no_row_is_written(engine: Engine, now: datetime) -> None:
    content = (
        f"{HEADER}\nRice 5 kg,food,bag,,,,,,\nFlour 1 kg,food,crate,,,,,,\nSugar,food,bag,,,,,,\n"
    )
    report = run_import(engine, content, now)

    assert not report.written
    assert [(problem.row, problem.column) for problem in report.problems] == [(3, "unit")]
    assert item_count(engine) == 0 and audit_count(engine) == 0


def test_every_problem_is_reported_with_its_row(engine: Engine, now: datetime) -> None:
    rice = catalogue_item(engine, now, "Rice 5 kg", barcodes=[EAN_13])
    family_code = format_code(CodeKind.FAMILY, 1)
    content = "\n".join(
        [
            HEADER + ",code",
            ",toys,bag,,,,,,,",
            "Pork buns,food,bag,,yes,yes,,,,",
            "Tea,food,pack,,maybe,,,,,",
            "Oil,food,bottle,,,,,-3,,",
            "Flour,food,bag,,,,,,4006381333932,",
            "Sugar,food,bag,,,,,,4006381333931,",
            "Salt,food,bag,,,,,,,",
            "salt,food,pack,,,,,,,",
            f"Soap,hygiene,piece,,,,,,,{family_code}",
            f"rice 5kg,food,bag,,,,,,,{format_code(CodeKind.ITEM, 9)}",
        ]
    )
    report = run_import(engine, content, now)

    assert problems(report) == [
        "row 2, name: is required",
        "row 2, category: must be one of: 'food', 'baby', 'hygiene', 'household' or 'other'",
        "row 3: an item that contains pork cannot be halal",
        "row 4, halal: must be yes or no (empty means no)",
        "row 5, low_stock_threshold: must be at least 0",
        "row 6, barcodes: 4006381333932 looks mistyped: its last digit (the check digit) does "
        "not match. Scan the product again or check each digit.",
        f"row 7: Barcode {EAN_13} already belongs to Rice 5 kg ({rice.code}); "
        "detach it from that item first.",
        "row 9: this is the same item as row 8; keep one of them",
        f"row 10, code: {family_code} is not an item code (those start with {CodeKind.ITEM}).",
        f"row 11, code: Rice 5 kg is already in the catalogue as {rice.code}; "
        "use that code or leave code empty",
    ]
    assert item_count(engine) == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", ["file: is empty; its first row must name the columns"]),
        ("name,category,unit\n\n", ["file: has no items under the header row"]),
        (
            "name;category;unit\nRice;food;bag\n",
            [
                "row 1: unknown column 'name;category;unit'; columns must be separated by commas",
                "row 1: required column 'name' is missing",
                "row 1: required column 'category' is missing",
                "row 1: required column 'unit' is missing",
                "row 1: the columns distro reads are: " + ", ".join(ITEM_COLUMNS),
            ],
        ),
        (
            "name,category,unit,unit,colour\nRice,food,bag,bag,red\n",
            [
                "row 1: column 'unit' appears twice",
                "row 1: unknown column 'colour'",
                "row 1: the columns distro reads are: " + ", ".join(ITEM_COLUMNS),
            ],
        ),
        (
            "name,category,unit\nRice,food,bag,extra\n",
            ["row 2: has a value in column 4, which has no name"],
        ),
    ],
)
def test_the_shape_of_the_file_is_checked(
    engine: Engine, now: datetime, content: str, expected: list[str]
) -> None:
    report = run_import(engine, content, now)
    assert problems(report) == expected
    assert item_count(engine) == 0
