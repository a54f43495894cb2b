"""Provides `distro import families FILE.csv [--dry-run]`, `distro export families FILE.csv`,
`distro export family CODE FILE` (an access request) and `distro export stats FILE.csv`, and
what every import and export shares (the catalogue, rules, stock and handouts kinds are in
`transfer_tables`)."""

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

    from distro.domain.families.imports import ImportReport


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `import` and `export`, each with one action per kind of record."""
    from distro.commands import transfer_tables  # it builds on this module's helpers

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
    transfer_tables.add_import_kinds(kinds, common)

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
    transfer_tables.add_export_kinds(kinds, common)


def import_families_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Import in one transaction; print every problem and exit 1 if there is any."""
    from distro.domain.families.imports import import_families

    return _report(run_import(import_families, args, context))


def run_import(
    importer: Callable[..., ReportT], args: argparse.Namespace, context: CommandContext
) -> ReportT:
    """Run one of the CSV importers on `args.file` in one transaction (a dry run rolls back
    inside the importer); a file that cannot be read is refused in plain words."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.errors import DomainError

    actor, now = context.actor(), context.clock()
    try:
        with args.file.open(encoding="utf-8", newline="") as source:
            with unit_of_work(context.engine) as session:
                return importer(session, source, actor=actor, now=now, dry_run=args.dry_run)
    except OSError as error:
        raise DomainError(f"cannot read {args.file}: {error.strerror or error}.") from None


def refuse_problems(problems: Sequence[object], dry_run: bool) -> int:
    """Every row's problem, then the one-line refusal: nothing of the file was imported."""
    for problem in problems:
        say(str(problem))
    dry = " (dry run)" if dry_run else ""
    return refuse(f"{how_many(len(problems), 'problem')}; nothing was imported{dry}.")


def _report(report: ImportReport) -> int:
    """Each family and its code, or every problem; 0 only when every row was fine."""
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


def export_families_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Write the CSV next to FILE first and move it into place, so no half file is left."""
    from distro.domain.audit.disclosure import record_export
    from distro.domain.core.db import unit_of_work
    from distro.domain.families.export import export_families

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
    from distro.domain.core.db import unit_of_work
    from distro.domain.families.registry import find_family_by_code
    from distro.domain.privacy.subject_access import family_report

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
    from distro.domain.core.db import reading
    from distro.domain.families.statistics import SMALL_CELL, statistics_rows, write_statistics

    context.actor()
    with reading(context.engine) as session:
        rows = statistics_rows(session, now=context.clock())
    if not write_whole(args.file, lambda target: write_statistics(rows, target)):
        return 1
    say(f"Wrote {how_many(len(rows), 'count')} to {args.file} (under {SMALL_CELL} shown as <5).")
    return 0


def export_whole(
    path: Path, engine: Engine, export: Callable[[Session, TextIO], int]
) -> int | None:
    """Run `export` (it writes rows and says how many) in one read-only session into `path`,
    written whole; None (after saying why) if the file could not be written."""
    from distro.domain.core.db import reading

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
