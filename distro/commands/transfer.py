"""Provides `distro import families FILE.csv [--dry-run]`, `distro export families FILE.csv`,
`distro export family CODE FILE` (an access request) and `distro export stats FILE.csv`; for
stock, `distro import items FILE.csv [--dry-run]`, `distro export items FILE.csv` and
`distro export stock FILE.csv`; and `distro export handouts FILE.csv [--round NAME]`; for the
baskets, `distro import rules FILE.csv [--dry-run]` and `distro export rules FILE.csv`."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from distro.commands import CommandContext, refuse, say, warn

ReportT = TypeVar("ReportT")

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from distro.domain.basket_rules_csv import RuleImportReport
    from distro.domain.catalogue_csv import ItemImportReport
    from distro.domain.imports import ImportReport


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `import` and `export`, each with one action per kind of record."""
    importing = subparsers.add_parser("import", parents=[common], help="read records from CSV")
    kinds = importing.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    families = kinds.add_parser(
        "families", parents=[common], help="families from CSV: all rows, or none if one is wrong"
    )
    families.add_argument(
        "file", type=Path, metavar="FILE.csv", help="UTF-8 CSV, one row per member"
    )
    families.add_argument(
        "--dry-run", action="store_true", help="check every row and write nothing"
    )
    families.set_defaults(run=import_families_command)
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

    exporting = subparsers.add_parser("export", parents=[common], help="write records to CSV")
    kinds = exporting.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    families = kinds.add_parser(
        "families", parents=[common], help="every family but merged ones, one row per member"
    )
    families.add_argument("file", type=Path, metavar="FILE.csv", help="where to write the CSV")
    families.set_defaults(run=export_families_command)
    family = kinds.add_parser(
        "family", parents=[common], help="everything held about one family, as readable text"
    )
    family.add_argument("code")
    family.add_argument("file", type=Path, metavar="FILE", help="where to write the report")
    family.set_defaults(run=export_family_command)
    stats = kinds.add_parser(
        "stats", parents=[common], help="counts of families and members, no personal data"
    )
    stats.add_argument("file", type=Path, metavar="FILE.csv", help="where to write the CSV")
    stats.set_defaults(run=export_stats_command)
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


def import_families_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Import in one transaction; print every problem and exit 1 if there is any."""
    from distro.domain.imports import import_families

    return _report(_run_import(import_families, args, context))


def _run_import(
    importer: Callable[..., ReportT], args: argparse.Namespace, context: CommandContext
) -> ReportT:
    """Run one of the CSV importers on `args.file` in one transaction (a dry run rolls back
    inside the importer); a file that cannot be read is refused in plain words."""
    from distro.domain.db import unit_of_work
    from distro.domain.errors import DomainError

    actor, now = context.actor(), context.clock()
    try:
        with args.file.open(encoding="utf-8", newline="") as source:
            with unit_of_work(context.engine) as session:
                return importer(session, source, actor=actor, now=now, dry_run=args.dry_run)
    except OSError as error:
        raise DomainError(f"cannot read {args.file}: {error.strerror or error}.") from None


def _refuse_problems(problems: Sequence[object], dry_run: bool) -> int:
    """Every row's problem, then the one-line refusal: nothing of the file was imported."""
    for problem in problems:
        say(str(problem))
    dry = " (dry run)" if dry_run else ""
    return refuse(f"{how_many(len(problems), 'problem')}; nothing was imported{dry}.")


def _report(report: ImportReport) -> int:
    """Each family and its code, or every problem; 0 only when every row was fine."""
    if report.problems:
        return _refuse_problems(report.problems, report.dry_run)
    for family in report.families:
        say(f"  row {family.row}: {family.household} -> {family.code}, {family.members} members")
    counted = (
        f"{how_many(len(report.families), 'family', 'families')} "
        f"({how_many(report.member_count, 'member')})"
    )
    if report.dry_run:
        say(f"Dry run: {counted} would be imported; nothing was written.")
    else:
        say(f"Imported {counted}.")
    return 0


def export_families_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Write the CSV next to FILE first and move it into place, so no half file is left."""
    from distro.domain.db import unit_of_work
    from distro.domain.disclosure import record_export
    from distro.domain.exports import export_families

    actor = context.actor()  # signs in with its own transaction: not inside another
    with unit_of_work(context.engine) as session:
        what = f"all families to {args.file.name}"
        record_export(session, what, actor=actor, now=context.clock())
    count = export_whole(args.file, context.engine, export_families)
    if count is None:
        return 1
    say(f"Exported {how_many(count, 'family', 'families')} to {args.file}.")
    warn(
        "this file holds personal data of people seeking protection: keep it on an encrypted "
        "disk, share it with nobody who does not need it, and delete it when done."
    )
    return 0


def export_family_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The access-request report: recorded in the family's history before the file is written."""
    from distro.domain.db import unit_of_work
    from distro.domain.families import find_family_by_code
    from distro.domain.subject_access import family_report

    actor = context.actor()  # signs in with its own transaction: not inside another
    with unit_of_work(context.engine) as session:
        family = find_family_by_code(session, args.code)
        assert family.id is not None
        report = family_report(session, family.id, actor=actor, now=context.clock())
    warn(
        f"{args.file} will hold everything about {family.code}: give it only to the family "
        "(or whom they name), and delete your copy when done."
    )
    if not write_whole(args.file, lambda target: target.write(report)):
        return 1
    say(f"Wrote everything held about {family.code} to {args.file}.")
    return 0


def export_stats_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Counts only, small ones hidden, so any signed-in user may export them."""
    from distro.domain.db import reading
    from distro.domain.statistics import SMALL_CELL, statistics_rows, write_statistics

    context.actor()
    with reading(context.engine) as session:
        rows = statistics_rows(session, now=context.clock())
    if not write_whole(args.file, lambda target: write_statistics(rows, target)):
        return 1
    say(f"Wrote {how_many(len(rows), 'count')} to {args.file} (under {SMALL_CELL} shown as <5).")
    return 0


def import_items_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Import the catalogue in one transaction; print every problem and exit 1 if any."""
    from distro.domain.catalogue_csv import import_items

    return _item_report(_run_import(import_items, args, context))


def _item_report(report: ItemImportReport) -> int:
    """Each item added or changed, or every problem; 0 only when every row was fine."""
    if report.problems:
        return _refuse_problems(report.problems, report.dry_run)
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
    from distro.domain.catalogue_csv import export_items

    context.actor()
    count = export_whole(args.file, context.engine, export_items)
    if count is None:
        return 1
    say(f"Exported {how_many(count, 'item')} to {args.file}.")
    return 0


def import_rules_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Replace the baskets' rules in one transaction; print every problem and exit 1 if any."""
    from distro.domain.basket_rules_csv import import_rules

    return _rule_report(_run_import(import_rules, args, context))


def _rule_report(report: RuleImportReport) -> int:
    """Each basket and what became of it, or every problem; 0 only when every row was fine."""
    if report.problems:
        return _refuse_problems(report.problems, report.dry_run)
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
    from distro.domain.basket_rules_csv import export_rules

    context.actor()
    count = export_whole(args.file, context.engine, export_rules)
    if count is None:
        return 1
    say(f"Exported {how_many(count, 'rule')} to {args.file}.")
    return 0


def export_stock_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Every lot with stock, one row each; items and shelves only, never a family."""
    from distro.domain.clock import local_date
    from distro.domain.stock_export import export_stock

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
    from distro.domain.db import unit_of_work
    from distro.domain.disclosure import record_export
    from distro.domain.handout_reports import export_handouts
    from distro.domain.rounds import round_named

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


def export_whole(
    path: Path, engine: Engine, export: Callable[[Session, TextIO], int]
) -> int | None:
    """Run `export` (it writes rows and says how many) in one read-only session into `path`,
    written whole; None (after saying why) if the file could not be written."""
    from distro.domain.db import reading

    written: list[int] = []

    def write(target: TextIO) -> None:
        with reading(engine) as session:
            written.append(export(session, target))

    return written[0] if write_whole(path, write) else None


def write_whole(path: Path, write: Callable[[TextIO], object]) -> bool:
    """Write next to `path` first and move it into place, so no half file is left; False
    (after saying why) if the file could not be written."""
    partial = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("w", encoding="utf-8", newline="") as target:
            write(target)
        partial.replace(path)
    except OSError as error:
        refuse(f"cannot write {path}: {error.strerror or error}.")
        return False
    finally:
        partial.unlink(missing_ok=True)
    return True


def how_many(number: int, one: str, many: str = "") -> str:
    """ "3 families", "1 family": the number and the noun that goes with it."""
    return f"{number} {one if number == 1 else many or one + 's'}"
