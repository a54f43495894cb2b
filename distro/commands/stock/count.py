"""Provides `distro stock count-sheet` and `distro stock count`: the stock take on paper or in a
spreadsheet.

The sheet lists each lot with what the books say; the coordinator fills in `counted` (blank:
not counted). Reading it back shows the variance of every lot that differs and the net, and
posts only after a y/N confirmation at a terminal, or with --yes in a script.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from distro.commands import CommandContext, ask, refuse, say, warn
from distro.commands.arguments import clip, file_name, how_many, whole_number
from distro.commands.stock.input import CATEGORIES, Rows, read_rows

if TYPE_CHECKING:
    from datetime import tzinfo

    from distro.domain.stock.take import CountLine, Variance

SHEET_COLUMNS = ("lot", "item_code", "item", "unit", "expiry", "location", "on_hand", "counted")


def add_actions(actions: Any, common: argparse.ArgumentParser) -> None:
    """Add count-sheet and count under `distro stock`."""
    sheet = actions.add_parser(
        "count-sheet",
        parents=[common],
        help="write a count sheet: CSV to fill in, or PDF (FILE.pdf) to count on paper",
    )
    sheet.add_argument(
        "file", type=file_name, metavar="FILE", help="where to write it: FILE.csv or FILE.pdf"
    )
    sheet.add_argument(
        "--blind", action="store_true", help="leave the books' figures off (PDF only)"
    )
    scope = sheet.add_mutually_exclusive_group()
    scope.add_argument("--location", metavar="L", help="only the lots stored at L")
    scope.add_argument("--category", choices=CATEGORIES, help="only items of this category")
    sheet.set_defaults(run=count_sheet_command)
    count = actions.add_parser(
        "count", parents=[common], help="post a filled count sheet (shows the variance first)"
    )
    count.add_argument("file", type=file_name, metavar="FILE.csv", help="the filled count sheet")
    count.add_argument("--yes", action="store_true", help="post without asking")
    count.add_argument("--dry-run", action="store_true", help="show the variance, post nothing")
    count.set_defaults(run=count_command)


def count_sheet_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Write the lots with stock (in one location or category) as a sheet to count against."""
    from distro.domain.core.db import reading
    from distro.domain.core.private_files import write_private_text
    from distro.domain.core.zone import ngo_zone
    from distro.domain.stock.models import ItemCategory
    from distro.domain.stock.take import count_sheet

    context.actor()
    category = ItemCategory(args.category) if args.category else None
    with reading(context.engine) as session:
        lines = count_sheet(session, location=args.location, category=category)
        zone = ngo_zone(session)
    if not lines:
        say("No lot with stock matches; no sheet was written.")
        return 0
    if args.file.suffix.lower() == ".pdf":
        return _print_sheet(lines, zone, args, context)
    write_private_text(args.file, lambda target: write_sheet(lines, target))
    say(f"Wrote a count sheet of {how_many(len(lines), 'lot')} to {args.file}.")
    say(f"Fill in 'counted' (blank: not counted), then run: distro stock count {args.file}")
    return 0


def _print_sheet(
    lines: list[CountLine], zone: tzinfo, args: argparse.Namespace, context: CommandContext
) -> int:
    """The sheet as a PDF to walk the shelves with; the counts are typed in afterwards (in the
    app's stock take, or in a CSV sheet written for the same scope)."""
    from distro.domain.core.private_files import write_private_bytes
    from distro.printing.count_sheet import count_sheet_pdf

    scope = args.location or args.category or "all stock"
    pdf = count_sheet_pdf(
        lines, scope=scope, printed_at=context.clock(), zone=zone, blind=args.blind
    )
    write_private_bytes(args.file, pdf)
    say(f"Wrote a printable count sheet of {how_many(len(lines), 'lot')} to {args.file}.")
    return 0


def write_sheet(lines: list[CountLine], target: TextIO) -> None:
    """The sheet as CSV, UTF-8 with a BOM (so a spreadsheet opens it right), text escaped."""
    from distro.domain.core.csv_cells import BOM, escape_cell

    target.write(BOM)
    writer = csv.writer(target)
    writer.writerow(SHEET_COLUMNS)
    for line in lines:
        expiry = line.expiry.isoformat() if line.expiry else ""
        text = (line.item_code, line.item_name, line.unit, expiry, line.location)
        writer.writerow([line.lot_id, *(escape_cell(cell) for cell in text), line.on_hand, ""])


def count_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Show the variance of the counted lots; post it when confirmed (or --yes)."""
    from distro.domain.core.access import Permission, require
    from distro.domain.core.db import reading, unit_of_work
    from distro.domain.stock.take import count_variances, post_count

    counted, printed = read_counts(args.file)
    actor = context.actor()
    if not args.dry_run:
        require(actor, Permission.ADJUST_STOCK)  # refuse before showing and asking
    with reading(context.engine) as session:
        variances = count_variances(session, counted)
    _show(variances, printed)
    if args.dry_run:
        say("Dry run: nothing was posted.")
        return 0
    if not args.yes and not sys.stdin.isatty():
        return refuse("the count was not posted: add --yes to post it without a terminal.")
    if not args.yes and not _confirmed():
        return refuse("the count was not posted.")
    with unit_of_work(context.engine) as session:
        _refuse_if_changed(variances, count_variances(session, counted))
        stock_count = post_count(
            session, counted, _scope(variances, args.file), actor=actor, now=context.clock()
        )
    say(
        f"Posted stock take {stock_count.id}: {how_many(stock_count.lots_counted, 'lot')} "
        f"counted, net {stock_count.net_difference:+d} units."
    )
    return 0


def read_counts(path: Path) -> tuple[dict[int, int], dict[int, int]]:
    """From a filled sheet: lot -> counted (blank rows are not counted), and lot -> what the
    sheet said the books held when it was written. Every wrong row is reported in one go."""
    from distro.domain.core.errors import DomainError, InvalidInput

    rows: Rows = read_rows(path, required=("lot", "counted"), known=SHEET_COLUMNS)
    counted: dict[int, int] = {}
    printed: dict[int, int] = {}
    problems: list[str] = []
    for row, cells in rows:
        if not cells["counted"]:
            continue
        try:
            lot = whole_number(cells["lot"], "lot")
            if lot in counted:
                raise InvalidInput({"lot": f"lot {lot} is counted twice; keep one row"})
            counted[lot] = whole_number(cells["counted"], "counted")
            if cells["on_hand"]:
                printed[lot] = whole_number(cells["on_hand"], "on_hand")
        except DomainError as error:
            problems.append(f"row {row}: {error}")
    if problems:
        for problem in problems:
            say(problem)
        raise DomainError(f"{how_many(len(problems), 'row')} of {path} cannot be read; fix them.")
    if not counted:
        raise DomainError(f"{path} has no counted quantity: fill in the 'counted' column.")
    return counted, printed


def _show(variances: list[Variance], printed: dict[int, int]) -> None:
    """Each lot whose count differs from the books, and the net; a warning for every lot whose
    books moved since the sheet was written (a handout meanwhile)."""
    for variance in variances:
        line = variance.line
        sheet = printed.get(line.lot_id)
        if sheet is not None and sheet != line.on_hand:
            warn(
                f"lot {line.lot_id} ({line.item_name}) had {sheet} on the sheet and has "
                f"{line.on_hand} on the books now: stock moved since the sheet was written."
            )
    differing = [variance for variance in variances if variance.difference]
    for variance in differing:
        line = variance.line
        expiry = f"exp {line.expiry.isoformat()}" if line.expiry else "no expiry"
        say(
            f"lot {line.lot_id:<6} {line.item_code}  {clip(line.item_name, 22):<22}  {expiry:<14}  "
            f"books {line.on_hand:>5}  counted {variance.counted:>5}  {variance.difference:>+6}"
        )
    net = sum(variance.difference for variance in differing)
    say(
        f"{how_many(len(variances), 'lot')} counted, {len(differing)} with a difference, "
        f"net {net:+d} units."
    )


def _confirmed() -> bool:
    answer = ask("Post these counts to the books? [y/N] ", secret=False)
    return answer.strip().lower() in ("y", "yes")


def _refuse_if_changed(shown: list[Variance], now: list[Variance]) -> None:
    """Refuse when the books moved between showing the variance and posting it, so what is
    posted is exactly what the coordinator confirmed."""
    from distro.domain.core.errors import Conflict

    if [(v.line.lot_id, v.line.on_hand) for v in shown] != [
        (v.line.lot_id, v.line.on_hand) for v in now
    ]:
        raise Conflict("stock moved while you were confirming; nothing was posted. Run it again.")


def _scope(variances: list[Variance], path: Path) -> str:
    """What was counted, for the stock take's record: one location, or the sheet's name."""
    places = {variance.line.location for variance in variances}
    if len(places) == 1 and "" not in places:
        return f"location {places.pop()}"
    return path.name
