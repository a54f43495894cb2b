"""Provides what every import and export shares: reading a CSV file in one transaction, and
writing a file whole or not at all (next to its place first, then moved there)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from distro.commands import CommandContext, refuse, say
from distro.commands.arguments import how_many

ReportT = TypeVar("ReportT")

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session


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


def export_table(
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
