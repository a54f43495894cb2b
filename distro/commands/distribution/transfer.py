"""Provides `distro import rules FILE.csv [--dry-run]`, `distro export rules FILE.csv` and
`distro export handouts FILE.csv [--round NAME]` (family codes, no names)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, say
from distro.commands.arguments import file_name, how_many
from distro.commands.files import export_table, export_whole, refuse_problems, run_import

if TYPE_CHECKING:
    from distro.domain.distribution.basket_rules_csv import RuleImportReport


def add_import_kinds(kinds: Any, common: argparse.ArgumentParser) -> None:
    """Add `import rules`."""
    rules = kinds.add_parser(
        "rules", parents=[common], help="replace the rules of the baskets a file names, or none"
    )
    rules.add_argument(
        "file", type=file_name, metavar="FILE.csv", help="UTF-8 CSV, one row per rule"
    )
    rules.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
    rules.set_defaults(run=import_rules_command)


def add_export_kinds(kinds: Any, common: argparse.ArgumentParser) -> None:
    """Add `export rules|handouts`."""
    rules = kinds.add_parser(
        "rules", parents=[common], help="every basket's rules, as `import rules` reads them"
    )
    rules.add_argument("file", type=file_name, metavar="FILE.csv", help="where to write the CSV")
    rules.set_defaults(run=export_rules_command)
    handouts = kinds.add_parser(
        "handouts", parents=[common], help="handout lines, one row each; family codes, no names"
    )
    handouts.add_argument("file", type=file_name, metavar="FILE.csv", help="where to write the CSV")
    handouts.add_argument("--round", metavar="NAME", help="only this round (default: every one)")
    handouts.set_defaults(run=export_handouts_command)


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

    return export_table(args, context, export_rules, "rule")


def export_handouts_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Handout lines of a round or of all: no names, but who collected when is still personal
    data, so the export is recorded first, like that of the families."""
    from distro.domain.audit.disclosure import record_export
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.private_files import check_target
    from distro.domain.distribution.reports import export_handouts
    from distro.domain.distribution.rounds import round_named

    actor = context.actor()  # signs in with its own transaction: not inside another
    check_target(args.file)  # refused before the export is recorded
    with unit_of_work(context.engine) as session:
        round_id = round_named(session, args.round).id if args.round else None
        what = f"the handouts of {args.round or 'every round'} to {args.file.resolve()}"
        record_export(session, what, actor=actor, now=context.clock())
    count = export_whole(
        args.file,
        context.engine,
        lambda session, target: export_handouts(session, target, round_id=round_id),
    )
    say(f"Exported {how_many(count, 'handout line')} to {args.file}.")
    return 0
