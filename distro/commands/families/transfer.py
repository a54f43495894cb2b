"""Provides `distro import families FILE.csv [--dry-run]`, `distro export families FILE.csv`,
`distro export family CODE FILE` (an access request) and `distro export stats FILE.csv`."""

from __future__ import annotations

import argparse
from collections import Counter
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, say, warn
from distro.commands.arguments import file_name, how_many
from distro.commands.files import export_whole, refuse_problems, run_import

if TYPE_CHECKING:
    from distro.domain.families.imports import ImportReport

SUMMARY_FROM = 20
"""Problems and changes above which counts by kind come first: thousands of lines scroll by."""


def add_import_kinds(kinds: Any, common: argparse.ArgumentParser) -> None:
    """Add `import families`."""
    families = kinds.add_parser(
        "families", parents=[common], help="families from CSV: all rows, or none if one is wrong"
    )
    families.add_argument(
        "file", type=file_name, metavar="FILE.csv", help="UTF-8 CSV, one row per member"
    )
    families.add_argument(
        "--dry-run",
        action="store_true",
        help="check every row, list every problem and every change, and write nothing",
    )
    families.set_defaults(run=import_families_command)


def add_export_kinds(kinds: Any, common: argparse.ArgumentParser) -> None:
    """Add `export families|family|stats`."""
    families = kinds.add_parser(
        "families", parents=[common], help="every family but merged ones, one row per member"
    )
    families.add_argument("file", type=file_name, metavar="FILE.csv", help="where to write the CSV")
    families.set_defaults(run=export_families_command)
    family = kinds.add_parser(
        "family", parents=[common], help="everything held about one family, as readable text"
    )
    family.add_argument("code")
    family.add_argument("file", type=file_name, metavar="FILE", help="where to write the report")
    family.set_defaults(run=export_family_command)
    stats = kinds.add_parser(
        "stats", parents=[common], help="counts of families and members, no personal data"
    )
    stats.add_argument("file", type=file_name, metavar="FILE.csv", help="where to write the CSV")
    stats.set_defaults(run=export_stats_command)


def import_families_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Import in one transaction; print every problem and exit 1 if there is any."""
    from distro.domain.families.imports import import_families

    return _report(run_import(import_families, args, context))


def _report(report: ImportReport) -> int:
    """Each family and its code, or every problem; every change the import made on its own
    either way; 0 only when every row was fine. Many lines start with counts by kind."""
    if len(report.problems) + len(report.changes) > SUMMARY_FROM:
        _summarise(report)
    for change in report.changes:
        say(str(change))
    if report.problems:
        return refuse_problems(report.problems, report.dry_run)
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


def _summarise(report: ImportReport) -> None:
    """How many problems in each column and changes of each kind, before the full list."""
    if report.problems:
        columns = Counter(problem.column or "whole row" for problem in report.problems)
        say(f"{how_many(len(report.problems), 'problem')}, by column: {_counts(columns)}")
    if report.changes:
        kinds = Counter(change.change for change in report.changes)
        say(f"{how_many(len(report.changes), 'cell')} changed on import: {_counts(kinds)}")


def _counts(counter: Counter[str]) -> str:
    return "; ".join(f"{kind} {count:,}" for kind, count in counter.most_common())


def export_families_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Write the CSV next to FILE first and move it into place, so no half file is left;
    a FILE that cannot be written is refused before the export is recorded."""
    from distro.domain.audit.disclosure import record_export
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.private_files import check_target
    from distro.domain.families.export import export_families

    actor = context.actor()  # signs in with its own transaction: not inside another
    check_target(args.file)
    with unit_of_work(context.engine) as session:
        what = f"all families to {args.file.resolve()}"
        record_export(session, what, actor=actor, now=context.clock())
    count = export_whole(args.file, context.engine, export_families)
    say(f"Exported {how_many(count, 'family', 'families')} to {args.file}.")
    warn(
        "this file holds personal data of people seeking protection: keep it on an encrypted "
        "disk, share it with nobody who does not need it, and delete it when done."
    )
    return 0


def export_family_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The access-request report: recorded in the family's history before the file is written."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.private_files import check_target, write_private_text
    from distro.domain.families.registry import find_family_by_code
    from distro.domain.privacy.subject_access import family_report

    actor = context.actor()  # signs in with its own transaction: not inside another
    check_target(args.file)
    with unit_of_work(context.engine) as session:
        family = find_family_by_code(session, args.code)
        assert family.id is not None
        report = family_report(
            session, family.id, actor=actor, now=context.clock(), to=str(args.file.resolve())
        )
    warn(
        f"{args.file} will hold everything about {family.code}: give it only to the family "
        "(or whom they name), and delete your copy when done."
    )
    write_private_text(args.file, lambda target: target.write(report))
    say(f"Wrote everything held about {family.code} to {args.file}.")
    return 0


def export_stats_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Counts only, small ones hidden, so any signed-in user may export them."""
    from distro.domain.core.db import reading
    from distro.domain.core.private_files import write_private_text
    from distro.domain.families.statistics import SMALL_CELL, statistics_rows, write_statistics

    context.actor()
    with reading(context.engine) as session:
        rows = statistics_rows(session, now=context.clock())
    write_private_text(args.file, lambda target: write_statistics(rows, target))
    say(f"Wrote {how_many(len(rows), 'count')} to {args.file} (under {SMALL_CELL} shown as <5).")
    return 0
