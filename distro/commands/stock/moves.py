"""Provides `distro stock receive|issue|adjust|write-off-expired`: the movements of the ledger.

Each command signs in first, then runs in one unit of work, so a refusal half-way (not enough
stock, an unknown item on the fifth line of a delivery) leaves nothing written.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, refuse, say, warn
from distro.commands.arguments import ROW_ID, file_name, how_many, optional_day, whole_number
from distro.commands.stock.input import ADJUST_REASONS, SOURCES, Rows, read_rows

if TYPE_CHECKING:
    from sqlmodel import Session

    from distro.domain.stock.ledger import Taken
    from distro.domain.stock.models import Item
    from distro.domain.stock.receiving import ReceiptLineIn

LINE_COLUMNS = ("item", "quantity", "expiry", "location")
ITEM_HELP = "an item code, a product barcode or an unambiguous name"


def add_actions(actions: Any, common: argparse.ArgumentParser) -> None:
    """Add receive, issue, adjust and write-off-expired under `distro stock`."""
    receive = actions.add_parser(
        "receive",
        parents=[common],
        help="receive a delivery or donation: ITEM QTY, or --lines FILE.csv",
        description="Receive stock. One ITEM QTY is a receipt of one line; --lines reads a CSV "
        f"with columns {', '.join(LINE_COLUMNS)}: every line or none.",
    )
    receive.add_argument("item", nargs="?", metavar="ITEM", help=ITEM_HELP)
    receive.add_argument("quantity", nargs="?", metavar="QTY", help="units received")
    receive.add_argument(
        "--lines", type=file_name, metavar="FILE.csv", help="many lines, one receipt"
    )
    receive.add_argument("--expiry", metavar="YYYY-MM-DD", help="printed on the goods")
    receive.add_argument("--location", default="", metavar="TEXT", help="where they are stored")
    receive.add_argument("--source", default="", metavar="TEXT", help="who gave or sold them")
    receive.add_argument("--kind", choices=SOURCES, default=SOURCES[0], help="default: donor")
    receive.add_argument("--date", metavar="YYYY-MM-DD", help="day it arrived (default today)")
    receive.add_argument("--note", default="", metavar="TEXT")
    receive.set_defaults(run=receive_command)

    issue = actions.add_parser(
        "issue", parents=[common], help="issue stock to a shelter or kitchen, first expiry first"
    )
    issue.add_argument("item", metavar="ITEM", help=ITEM_HELP)
    issue.add_argument("quantity", metavar="QTY", help="units issued")
    issue.add_argument("--reason", required=True, help="who it goes to, or why")
    issue.set_defaults(run=issue_command)

    adjust = actions.add_parser(
        "adjust", parents=[common], help="correct the shelves by hand, with a reason"
    )
    adjust.add_argument("item", metavar="ITEM", help=ITEM_HELP)
    adjust.add_argument("quantity", metavar="QTY", help="signed: -3 takes three away, 5 adds five")
    adjust.add_argument("--reason", required=True, choices=ADJUST_REASONS)
    adjust.add_argument("--note", default="", help="what happened (required for a correction)")
    adjust.add_argument("--lot", type=ROW_ID, metavar="N", help="the lot to change")
    adjust.add_argument("--expiry", metavar="YYYY-MM-DD", help="of found stock (a new lot)")
    adjust.add_argument("--location", default="", help="of found stock (a new lot)")
    adjust.set_defaults(run=adjust_command)

    write_off = actions.add_parser(
        "write-off-expired", parents=[common], help="take every expired lot off the books"
    )
    write_off.add_argument("--item", metavar="ITEM", help="only this item's lots")
    write_off.set_defaults(run=write_off_command)


def receive_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Post one receipt: the line given as arguments, or every line of --lines FILE.csv."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.inputs import validated
    from distro.domain.core.zone import counter_today
    from distro.domain.stock.item_lookup import load_item
    from distro.domain.stock.receiving import ReceiptIn, receive_stock

    rows = _receipt_rows(args)
    typed_date = optional_day(args.date, "date")
    actor, now = context.actor(), context.clock()
    with unit_of_work(context.engine) as session:
        received_on = typed_date or counter_today(session, now)
        lines, problems = _receipt_lines(session, rows, numbered=args.lines is not None)
        if problems:
            for problem in problems:
                say(problem)
            return refuse(f"{how_many(len(problems), 'line')} cannot be received; nothing was.")
        receipt = validated(
            ReceiptIn,
            {
                "received_on": received_on,
                "source_kind": args.kind,
                "source": args.source,
                "note": args.note,
                "lines": lines,
            },
        )
        received = receive_stock(session, receipt, actor=actor, now=now)
        items = [load_item(session, line.item_id) for line in receipt.lines]
    source = f", from {receipt.source}" if receipt.source else ""
    say(f"Receipt {received.receipt_id} ({receipt.source_kind.value}{source}), {received_on}:")
    for lot_id, line, item in zip(received.lot_ids, receipt.lines, items, strict=True):
        expiry = f", expires {line.expiry}" if line.expiry else ", no expiry"
        where = f", at {line.location}" if line.location else ""
        say(f"  lot {lot_id}: {line.quantity} {item.unit} {_named(item)}{expiry}{where}")
    for warning in received.warnings:
        warn(warning)
    return 0


def _receipt_rows(args: argparse.Namespace) -> Rows:
    """The lines to receive as cells: from the file, or the arguments as one unnumbered row."""
    from distro.domain.core.errors import InvalidInput

    if args.lines is None:
        if args.item is None or args.quantity is None:
            raise InvalidInput({"receive": "give ITEM and QTY, or --lines FILE.csv"})
        cells = {"item": args.item, "quantity": args.quantity}
        return [(0, {**cells, "expiry": args.expiry or "", "location": args.location})]
    if args.item is not None or args.expiry is not None or args.location:
        raise InvalidInput(
            {
                "receive": "with --lines, the item, quantity, expiry and location of each line "
                "come from the file's columns"
            }
        )
    rows = read_rows(args.lines, required=("item", "quantity"), known=LINE_COLUMNS)
    if not rows:
        raise InvalidInput({"receive": f"{args.lines} has no lines under its header"})
    return rows


def _receipt_lines(
    session: Session, rows: Rows, *, numbered: bool
) -> tuple[list[ReceiptLineIn], list[str]]:
    """Each row as a receipt line, and what is wrong with the rows that are not one. Arguments
    typed on the command line fail at once; a file's rows are all checked, to fix in one go."""
    from distro.domain.core.errors import DomainError
    from distro.domain.core.inputs import validated
    from distro.domain.stock.item_lookup import find_item
    from distro.domain.stock.receiving import ReceiptLineIn

    lines: list[ReceiptLineIn] = []
    problems: list[str] = []
    for row, cells in rows:
        try:
            item = find_item(session, cells["item"])
            line = {
                "item_id": item.id,
                "quantity": whole_number(cells["quantity"]),
                "expiry": optional_day(cells["expiry"], "expiry"),
                "location": cells["location"],
            }
            lines.append(validated(ReceiptLineIn, line))
        except DomainError as error:
            if not numbered:
                raise
            problems.append(f"row {row}: {error}")
    return lines, problems


def issue_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Issue first expiry first; NotEnoughStock says how many can be, and nothing is taken."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.stock.item_lookup import find_item
    from distro.domain.stock.ledger import issue_stock

    quantity = whole_number(args.quantity)
    actor = context.actor()
    with unit_of_work(context.engine) as session:
        item = find_item(session, args.item)
        assert item.id is not None
        taken = issue_stock(
            session, item.id, quantity, args.reason, actor=actor, now=context.clock()
        )
    say(f"Issued {quantity} {item.unit} of {_named(item)}: {_from_lots(taken)}.")
    return 0


def adjust_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Adjust by a signed quantity with a reason; from a lot, first expiry first, or a new lot."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.stock.adjusting import adjust_stock
    from distro.domain.stock.item_lookup import find_item
    from distro.domain.stock.models import AdjustReason

    quantity = whole_number(args.quantity)
    expiry = optional_day(args.expiry, "expiry")
    actor = context.actor()
    with unit_of_work(context.engine) as session:
        item = find_item(session, args.item)
        assert item.id is not None
        taken = adjust_stock(
            session,
            item.id,
            quantity,
            AdjustReason(args.reason),
            args.note,
            lot_id=args.lot,
            expiry=expiry,
            location=args.location,
            actor=actor,
            now=context.clock(),
        )
    change = f"{quantity:+d} {item.unit} ({args.reason})"
    say(f"Adjusted {_named(item)} by {change}: {_from_lots(taken)}.")
    return 0


def write_off_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Write off every expired lot still on the shelves (of one item with --item)."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.stock.adjusting import write_off_expired
    from distro.domain.stock.item_lookup import find_item, load_item

    actor = context.actor()
    with unit_of_work(context.engine) as session:
        item_id = find_item(session, args.item).id if args.item else None
        taken = write_off_expired(session, actor=actor, now=context.clock(), item_id=item_id)
        items = {part.item_id: load_item(session, part.item_id) for part in taken}
    if not taken:
        say("No expired stock is on the books; nothing was written off.")
        return 0
    for part in taken:
        item = items[part.item_id]
        units = f"{-part.quantity} {item.unit}"
        say(f"  lot {part.lot_id}: {units} {_named(item)}, expired {part.expiry}")
    total = -sum(part.quantity for part in taken)
    say(f"Wrote off {how_many(len(taken), 'expired lot')} ({how_many(total, 'unit')}).")
    return 0


def _named(item: Item) -> str:
    return f"{item.name} ({item.code})"


def _from_lots(taken: list[Taken]) -> str:
    """Where the units came from (or went), lot by lot, as issuing took them."""
    parts = []
    for part in taken:
        expiry = f"expires {part.expiry}" if part.expiry else "no expiry"
        way = "to" if part.quantity > 0 else "from"
        parts.append(f"{abs(part.quantity)} {way} lot {part.lot_id} ({expiry})")
    return ", ".join(parts)
