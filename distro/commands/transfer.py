"""Provides `distro import families FILE.csv [--dry-run]` and `distro export families FILE.csv`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, refuse, say

if TYPE_CHECKING:
    from distro.domain.imports import ImportReport


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `import` and `export`, each with one action per kind of record (families for now)."""
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

    exporting = subparsers.add_parser("export", parents=[common], help="write records to CSV")
    kinds = exporting.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    families = kinds.add_parser(
        "families", parents=[common], help="every family but merged ones, one row per member"
    )
    families.add_argument("file", type=Path, metavar="FILE.csv", help="where to write the CSV")
    families.set_defaults(run=export_families_command)


def import_families_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Import in one transaction; print every problem and exit 1 if there is any."""
    from distro.domain.db import unit_of_work
    from distro.domain.imports import import_families

    try:
        with args.file.open(encoding="utf-8", newline="") as source:
            with unit_of_work(context.engine) as session:
                report = import_families(
                    session, source, actor=context.actor, now=context.clock(), dry_run=args.dry_run
                )
    except OSError as error:
        return refuse(f"cannot read {args.file}: {error.strerror or error}.")
    return _report(report)


def _report(report: ImportReport) -> int:
    """Each family and its code, or every problem; 0 only when every row was fine."""
    if report.problems:
        for problem in report.problems:
            say(str(problem))
        dry = " (dry run)" if report.dry_run else ""
        return refuse(f"{_count(len(report.problems), 'problem')}; nothing was imported{dry}.")
    for family in report.families:
        say(f"  row {family.row}: {family.household} -> {family.code}, {family.members} members")
    counted = (
        f"{_count(len(report.families), 'family', 'families')} "
        f"({_count(report.member_count, 'member')})"
    )
    if report.dry_run:
        say(f"Dry run: {counted} would be imported; nothing was written.")
    else:
        say(f"Imported {counted}.")
    return 0


def export_families_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Write the CSV next to FILE first and move it into place, so no half file is left."""
    from distro.domain.db import reading
    from distro.domain.exports import export_families

    partial = args.file.with_name(args.file.name + ".part")
    try:
        args.file.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("w", encoding="utf-8", newline="") as target:
            with reading(context.engine) as session:
                count = export_families(session, target)
        partial.replace(args.file)
    except OSError as error:
        return refuse(f"cannot write {args.file}: {error.strerror or error}.")
    finally:
        partial.unlink(missing_ok=True)
    say(f"Exported {_count(count, 'family', 'families')} to {args.file}.")
    return 0


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"
