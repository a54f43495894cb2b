"""Provides `distro import items FILE.csv [--dry-run]` and `distro export items|stock FILE.csv`:
the catalogue, and every lot on the shelves."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, say
from distro.commands.arguments import file_name, how_many
from distro.commands.files import export_table, export_whole, refuse_problems, run_import

if TYPE_CHECKING:
    from distro.domain.stock.catalogue_csv import ItemImportReport


def add_import_kinds(kinds: Any, common: argparse.ArgumentParser) -> None:
    """Add `import items`."""
    items = kinds.add_parser(
        "items", parents=[common], help="add or edit catalogue items: all rows, or none"
    )
    items.add_argument(
        "file", type=file_name, metavar="FILE.csv", help="UTF-8 CSV, one row per item"
    )
    items.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
    items.set_defaults(run=import_items_command)


def add_export_kinds(kinds: Any, common: argparse.ArgumentParser) -> None:
    """Add `export items|stock`."""
    for kind, handler, help_text in (
        ("items", export_items_command, "the catalogue, as `import items` reads it"),
        ("stock", export_stock_command, "every lot on the shelves, one row per lot"),
    ):
        action = kinds.add_parser(kind, parents=[common], help=help_text)
        action.add_argument(
            "file", type=file_name, metavar="FILE.csv", help="where to write the CSV"
        )
        action.set_defaults(run=handler)


def import_items_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Import the catalogue in one transaction; print every problem and exit 1 if any."""
    from distro.domain.stock.catalogue_csv import import_items

    return _item_report(run_import(import_items, args, context))


def _item_report(report: ItemImportReport) -> int:
    """Each item added or changed, or every problem; 0 only when every row was fine."""
    if report.problems:
        return refuse_problems(report.problems, report.dry_run)
    for item in report.items:
        if item.outcome != "unchanged":
            say(f"  row {item.row}: {item.outcome} {item.code} {item.name}")
    outcomes = ", ".join(
        f"{report.count(outcome)} {outcome}" for outcome in ("added", "updated", "unchanged")
    )
    if report.dry_run:
        say(f"Dry run: {how_many(len(report.items), 'item')} ({outcomes}); nothing was written.")
    else:
        say(f"Imported {how_many(len(report.items), 'item')}: {outcomes}.")
    return 0


def export_items_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The active items, in the format `import items` reads back."""
    from distro.domain.stock.catalogue_csv import export_items

    return export_table(args, context, export_items, "item")


def export_stock_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Every lot with stock, one row each; items and shelves only, never a family."""
    from distro.domain.core.zone import counter_today
    from distro.domain.stock.export import export_stock

    context.actor()
    now = context.clock()
    count = export_whole(
        args.file,
        context.engine,
        lambda session, target: export_stock(session, target, today=counter_today(session, now)),
    )
    say(f"Exported {how_many(count, 'lot')} on the shelves to {args.file}.")
    return 0
