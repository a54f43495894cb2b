"""Provides the import and export of the tables that hold no family: `distro import items|rules
FILE.csv [--dry-run]`, `distro export items|rules|stock FILE.csv`, and `distro export handouts
FILE.csv [--round NAME]` (family codes, no names)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from distro.commands import CommandContext, say
from distro.commands.transfer import export_whole, how_many, refuse_problems, run_import

if TYPE_CHECKING:
    from sqlmodel import Session

    from distro.domain.distribution.basket_rules_csv import RuleImportReport
    from distro.domain.stock.catalogue_csv import ItemImportReport


def add_import_kinds(kinds: Any, common: argparse.ArgumentParser) -> None:
    """Add `import items` and `import rules`."""
    items = kinds.add_parser(
        "items", parents=[common], help="add or edit catalogue items: all rows, or none"
    )
    items.add_argument("file", type=Path, metavar="FILE.csv", help="UTF-8 CSV, one row per item")
    items.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
    items.set_defaults(run=import_items_command)
    rules = kinds.add_parser(
        "rules", parents=[common], help="replace the rules of the baskets a file names, or none"
    )
    rules.add_argument("file", type=Path, metavar="FILE.csv", help="UTF-8 CSV, one row per rule")
    rules.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
    rules.set_defaults(run=import_rules_command)


def add_export_kinds(kinds: Any, common: argparse.ArgumentParser) -> None:
    """Add `export items|stock|rules|handouts`."""
    for kind, handler, help_text in (
        ("items", export_items_command, "the catalogue, as `import items` reads it"),
        ("stock", export_stock_command, "every lot on the shelves, one row per lot"),
        ("rules", export_rules_command, "every basket's rules, as `import rules` reads them"),
    ):
        action = kinds.add_parser(kind, parents=[common], help=help_text)
        action.add_argument("file", type=Path, metavar="FILE.csv", help="where to write the CSV")
        action.set_defaults(run=handler)
    handouts = kinds.add_parser(
        "handouts", parents=[common], help="handout lines, one row each; family codes, no names"
    )
    handouts.add_argument("file", type=Path, metavar="FILE.csv", help="where to write the CSV")
    handouts.add_argument("--round", metavar="NAME", help="only this round (default: every one)")
    handouts.set_defaults(run=export_handouts_command)


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

    return _export_table(args, context, export_items, "item")


def import_rules_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Replace the baskets' rules in one transaction; print every problem and exit 1 if any."""
    from distro.domain.distribution.basket_rules_csv import import_rules

    return _rule_report(run_import(import_rules, args, context))


def _rule_report(report: RuleImportReport) -> int:
    """Each basket and what became of it, or every problem; 0 only when every row was fine."""
    if report.problems:
        return refuse_problems(report.problems, report.dry_run)
    for basket in report.baskets:
        say(f"  {basket.name}: {how_many(basket.rules, 'rule')}, {basket.outcome}")
    outcomes = ", ".join(
        f"{report.count(outcome)} {outcome}" for outcome in ("added", "replaced", "unchanged")
    )
    counted = f"{how_many(report.rule_count, 'rule')} in {how_many(len(report.baskets), 'basket')}"
    if report.dry_run:
        say(f"Dry run: {counted} ({outcomes}); nothing was written.")
    else:
        say(f"Imported {counted}: baskets {outcomes}.")
    return 0


def export_rules_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Every basket's rules, in the format `import rules` reads back."""
    from distro.domain.distribution.basket_rules_csv import export_rules

    return _export_table(args, context, export_rules, "rule")


def _export_table(
    args: argparse.Namespace,
    context: CommandContext,
    export: Callable[[Session, TextIO], int],
    noun: str,
) -> int:
    """Sign in, write the whole file, say how many rows; 1 if it could not be written."""
    context.actor()
    count = export_whole(args.file, context.engine, export)
    if count is None:
        return 1
    say(f"Exported {how_many(count, noun)} to {args.file}.")
    return 0


def export_stock_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Every lot with stock, one row each; items and shelves only, never a family."""
    from distro.domain.core.clock import local_date
    from distro.domain.stock.export import export_stock

    context.actor()
    today = local_date(context.clock())
    count = export_whole(
        args.file,
        context.engine,
        lambda session, target: export_stock(session, target, today=today),
    )
    if count is None:
        return 1
    say(f"Exported {how_many(count, 'lot')} on the shelves to {args.file}.")
    return 0


def export_handouts_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Handout lines of a round or of all: no names, but who collected when is still personal
    data, so the export is recorded first, like that of the families."""
    from distro.domain.audit.disclosure import record_export
    from distro.domain.core.db import unit_of_work
    from distro.domain.distribution.reports import export_handouts
    from distro.domain.distribution.rounds import round_named

    actor = context.actor()  # signs in with its own transaction: not inside another
    with unit_of_work(context.engine) as session:
        round_id = round_named(session, args.round).id if args.round else None
        what = f"the handouts of {args.round or 'every round'} to {args.file.name}"
        record_export(session, what, actor=actor, now=context.clock())
    count = export_whole(
        args.file,
        context.engine,
        lambda session, target: export_handouts(session, target, round_id=round_id),
    )
    if count is None:
        return 1
    say(f"Exported {how_many(count, 'handout line')} to {args.file}.")
    return 0
