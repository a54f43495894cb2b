"""Provides importing and exporting the item catalogue as a CSV file.

Columns: code, name, category, unit, pack_size, halal, contains_pork, vegetarian,
low_stock_threshold, barcodes (several separated by "|"); only name, category and unit are required.
A row whose code names an item, or whose name folds to an item's name, edits that item; any other
row adds one (keeping its code, if it has one). The file follows the families CSV's conventions
(`distro.domain.families.csv_format`): UTF-8 with a BOM, cells a spreadsheet would run as a formula
escaped with an apostrophe, rows numbered as a spreadsheet shows them. The file is one unit: every
row is checked, and the items are written only if no row has a problem."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from sqlmodel import Session, col, select

from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.csv_cells import BOM, choice, escape_cell
from distro.domain.core.csv_reading import Row, RowProblem, table_rows
from distro.domain.core.errors import CodeError, DomainError, InvalidInput
from distro.domain.core.inputs import validated
from distro.domain.stock.catalogue import (
    DIETARY_FLAGS,
    ITEM_FIELDS,
    ItemIn,
    add_item,
    item_snapshot,
    update_item,
)
from distro.domain.stock.item_lookup import fold_item_name, parse_item_code
from distro.domain.stock.models import Item, ItemBarcode, StockUnit

ITEM_COLUMNS = ("code", *ITEM_FIELDS, "barcodes")
REQUIRED_ITEM_COLUMNS = ("name", "category", "unit")
BARCODE_SEPARATOR = "|"
_YES = frozenset({"yes", "y", "true", "1", "x"})
_NO = frozenset({"no", "n", "false", "0", ""})
_UNITS = frozenset(unit.value for unit in StockUnit)


@dataclass(frozen=True)
class ImportedItem:
    """A row that passed: the item's code and what the import did to it."""

    row: int
    code: str
    name: str
    outcome: str
    """"added", "updated" or "unchanged"."""


@dataclass
class ItemImportReport:
    """What an import did: items written only if `written`, otherwise every problem."""

    items: list[ImportedItem]
    problems: list[RowProblem]
    dry_run: bool

    @property
    def written(self) -> bool:
        """True when the items are in the caller's transaction (no problem, no dry run)."""
        return not self.problems and not self.dry_run

    def count(self, outcome: str) -> int:
        """How many rows had `outcome` ("added", "updated", "unchanged")."""
        return sum(item.outcome == outcome for item in self.items)


@requires(Permission.MANAGE_CATALOGUE)
def import_items(
    session: Session, stream: TextIO, *, actor: Actor, now: datetime, dry_run: bool = False
) -> ItemImportReport:
    """Add or edit the items in `stream` (CSV text, BOM optional), all of them or none.

    Every row is applied in a savepoint of the caller's transaction, so clashes with the
    database (a name or barcode taken) are reported too; the savepoint is kept only if nothing
    is wrong and this is not a dry run."""
    rows, problems = table_rows(stream, ITEM_COLUMNS, REQUIRED_ITEM_COLUMNS, "items")
    if not rows:
        return ItemImportReport([], problems, dry_run)
    savepoint = session.begin_nested()
    try:
        items = _apply_all(session, rows, problems, actor=actor, now=now)
    except BaseException:
        savepoint.rollback()
        raise
    if problems or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return ItemImportReport(items, sorted(problems, key=lambda problem: problem.row), dry_run)


def export_items(session: Session, stream: TextIO) -> int:
    """Write the active items (retired ones stay in the database, which the ledger needs) in the
    format `import_items` reads; return how many. Open `stream` with newline="" and UTF-8."""
    items = session.exec(
        select(Item)
        .where(col(Item.retired_at).is_(None))
        .order_by(col(Item.category), col(Item.name_key))
    ).all()
    barcodes: dict[int, list[str]] = {}
    for row in session.exec(select(ItemBarcode).order_by(col(ItemBarcode.barcode))):
        barcodes.setdefault(row.item_id, []).append(row.barcode)
    stream.write(BOM)
    writer = csv.writer(stream)
    writer.writerow(ITEM_COLUMNS)
    for item in items:
        assert item.id is not None
        cells = _item_cells(item, barcodes.get(item.id, []))
        writer.writerow([escape_cell(cells[column]) for column in ITEM_COLUMNS])
    return len(items)


def _item_cells(item: Item, barcodes: list[str]) -> dict[str, str]:
    return {
        "code": item.code,
        "name": item.name,
        "category": item.category,
        "unit": item.unit,
        "pack_size": item.pack_size,
        **{flag: "yes" if getattr(item, flag) else "no" for flag in DIETARY_FLAGS},
        "low_stock_threshold": str(item.low_stock_threshold),
        "barcodes": BARCODE_SEPARATOR.join(barcodes),
    }


def _apply_all(
    session: Session, rows: list[Row], problems: list[RowProblem], *, actor: Actor, now: datetime
) -> list[ImportedItem]:
    """Apply each row in its own savepoint, so a refused one leaves no trace and the rest are
    still checked against the database."""
    applied: list[ImportedItem] = []
    first_row: dict[int, int] = {}
    for row, cells in rows:
        try:
            with session.begin_nested():
                data = _item_in(cells)
                existing = _existing_item(session, cells.get("code", ""), data.name)
                if existing is not None and existing.id in first_row:
                    other = first_row[existing.id]
                    raise DomainError(f"this is the same item as row {other}; keep one of them")
                item, outcome = _apply(session, data, existing, cells, actor=actor, now=now)
        except InvalidInput as error:
            problems += [
                RowProblem(row, _column(path), why) for path, why in error.problems.items()
            ]
            continue
        except DomainError as error:
            problems.append(RowProblem(row, "", str(error)))
            continue
        assert item.id is not None
        first_row[item.id] = row
        applied.append(ImportedItem(row, item.code, item.name, outcome))
    return applied


def _apply(
    session: Session,
    data: ItemIn,
    existing: Item | None,
    cells: dict[str, str],
    *,
    actor: Actor,
    now: datetime,
) -> tuple[Item, str]:
    if existing is None:
        code = cells.get("code") or None
        return add_item(session, data, actor=actor, now=now, code=code), "added"
    assert existing.id is not None
    before = item_snapshot(session, existing)
    item = update_item(session, existing.id, data, actor=actor, now=now)
    return item, "unchanged" if item_snapshot(session, item) == before else "updated"


def _existing_item(session: Session, code_text: str, name: str) -> Item | None:
    """The item a row edits: the one its code names, else the one its name folds to."""
    named = session.exec(select(Item).where(Item.name_key == fold_item_name(name))).first()
    if not code_text:
        return named
    try:
        code = parse_item_code(code_text)
    except CodeError as error:
        raise InvalidInput({"code": str(error)}) from None
    coded = session.exec(select(Item).where(Item.code == code.text)).first()
    if coded is None and named is not None:
        message = f"{named.name} is already in the catalogue as {named.code}; use that code"
        raise InvalidInput({"code": message + " or leave code empty"})
    return coded


def _item_in(cells: dict[str, str]) -> ItemIn:
    """The row as ItemIn; flags read yes/no, units forgive a plural ("bags")."""
    problems: dict[str, str] = {}
    data: dict[str, Any] = {
        column: cells[column]
        for column in ("name", "pack_size", "low_stock_threshold")
        if cells.get(column)
    }
    for column in ("category", "unit"):
        if cells.get(column):
            data[column] = choice(cells[column])
    if data.get("unit", "").endswith("s") and data["unit"] not in _UNITS:
        data["unit"] = data["unit"][:-1]
    for flag in DIETARY_FLAGS:
        answer = choice(cells.get(flag, ""))
        if answer not in _YES | _NO:
            problems[flag] = "must be yes or no (empty means no)"
        data[flag] = answer in _YES
    if "barcodes" in cells:
        parts = (part.strip() for part in cells["barcodes"].split(BARCODE_SEPARATOR))
        data["barcodes"] = [part for part in parts if part]
    try:
        item_in = validated(ItemIn, data)
    except InvalidInput as error:
        raise InvalidInput({**problems, **error.problems}) from None
    if problems:
        raise InvalidInput(problems)
    return item_in


def _column(path: str) -> str:
    """The column a schema problem belongs to ("barcodes.2" -> barcodes; "form" -> none)."""
    column = path.split(".")[0]
    return column if column in ITEM_COLUMNS else ""
