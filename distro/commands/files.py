"""Provides what every import and export shares: reading a CSV file in one transaction, and
writing one from a read-only session (private, whole or not at all: see private_files)."""

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


def export_whole(path: Path, engine: Engine, export: Callable[[Session, TextIO], int]) -> int:
    """Run `export` (it writes rows and says how many) in one read-only session into `path`,
    a private file written whole or not at all (NotWritten says why)."""
    from distro.domain.core.db import reading
    from distro.domain.core.private_files import write_private_text

    written: list[int] = []

    def write(target: TextIO) -> None:
        with reading(engine) as session:
            written.append(export(session, target))

    write_private_text(path, write)
    return written[0]


def export_table(
    args: argparse.Namespace,
    context: CommandContext,
    export: Callable[[Session, TextIO], int],
    noun: str,
) -> int:
    """Sign in, write the whole file, say how many rows."""
    context.actor()
    count = export_whole(args.file, context.engine, export)
    say(f"Exported {how_many(count, noun)} to {args.file}.")
    return 0
