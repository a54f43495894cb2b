"""Provides `distro slip CODE` (show, save or print any slip; REPRINT once printed before) and
`distro slips collect|void|missing`: the exit desk of a two-step round, for scripts and for a
counter whose screen is down. Slips print on the configured printer (DISTRO_SLIP_PRINTER).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, refuse, say
from distro.commands.arguments import file_name, how_many
from distro.commands.distribution.rounds import ROUND_HELP, chosen_round

if TYPE_CHECKING:
    from distro.domain.distribution.slip_view import SlipView
    from distro.printing.slip import SlipLayout
    from distro.printing.slip_printers import SlipPrinter

LAYOUTS = ("receipt", "a6", "a4")
"""The --layout words: the values of `SlipLayout`, kept here so --help costs no import."""
FORMATS = ("pdf", "txt", "escpos")
MISSING_LIMIT = 500


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add slip and slips."""
    slip = subparsers.add_parser(
        "slip", parents=[common], help="print a slip again, show it, or save it"
    )
    slip.add_argument("code", metavar="CODE")
    slip.add_argument("-o", "--output", type=file_name, metavar="FILE", help="write it to FILE")
    slip.add_argument(
        "--format", choices=FORMATS, help="without -o: txt shows it here, else it is printed"
    )
    slip.add_argument("--layout", choices=LAYOUTS, help="paper of a PDF (default: setting)")
    slip.set_defaults(run=slip_command)

    slips = subparsers.add_parser(
        "slips", parents=[common], help="the exit desk: collect, void, who is missing"
    )
    actions = slips.add_subparsers(dest="slips_command", metavar="ACTION", required=True)
    collect = actions.add_parser("collect", parents=[common], help="hand over a slip's bag")
    collect.add_argument("code", metavar="CODE")
    collect.add_argument("--round", metavar="NAME", help="refuse slips of other rounds")
    collect.set_defaults(run=collect_command)
    void = actions.add_parser(
        "void", parents=[common], help="void a slip whose bag is back on the shelves"
    )
    void.add_argument("code", metavar="CODE")
    void.add_argument("--reason", required=True, metavar="TEXT")
    void.set_defaults(run=void_command)
    missing = actions.add_parser("missing", parents=[common], help="bags not yet collected")
    missing.add_argument("--round", metavar="NAME", help=ROUND_HELP)
    missing.set_defaults(run=missing_command)


def send_slip(context: CommandContext, code: str, layout: str | None = None) -> str:
    """Print the slip on the configured printer; return where it went. PrinterError when the
    printer setting is wrong or the printer fails."""
    printer = _configured_printer(context, layout)
    handout_id, slip = _slip(context, code)
    where = printer.print_slip(slip)
    _count_printing(context, handout_id)
    return where


def _configured_printer(context: CommandContext, layout: str | None) -> SlipPrinter:
    from distro.printing.slip import PrinterError
    from distro.printing.slip_printers import slip_printer

    settings = context.settings
    try:
        return slip_printer(settings.slip_printer, settings.slips_dir, _layout(context, layout))
    except ValueError as error:
        raise PrinterError(f"{error} (DISTRO_SLIP_PRINTER)") from None


def _layout(context: CommandContext, chosen: str | None) -> SlipLayout:
    """The --layout word, or the setting's, as a `SlipLayout`; PrinterError if unknown."""
    from distro.printing.slip import layout_named

    return layout_named(chosen or context.settings.slip_layout)


def _slip(context: CommandContext, code: str) -> tuple[int, SlipView]:
    """The handout's id and its slip as it prints now: REPRINT once printed before."""
    from distro.domain.core.db import reading
    from distro.domain.distribution.slips import find_slip, slip_view

    with reading(context.engine) as session:
        handout = find_slip(session, code).handout
        assert handout.id is not None
        return handout.id, slip_view(session, handout.id, context.settings.organisation)


def _count_printing(context: CommandContext, handout_id: int) -> None:
    """Count a printing once it went out, as the counter screen does: a print that failed is
    not called a reprint the next time."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.distribution.slips import mark_printed

    with unit_of_work(context.engine) as session:
        mark_printed(session, handout_id)


def slip_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Show the slip as text, write it to -o FILE, or print it on the configured printer; a
    printer or layout that cannot be used (python-escpos missing ...) is one plain line."""
    from distro.printing.slip import PrinterError

    context.actor()
    try:
        return _put_slip(args, context)
    except PrinterError as error:
        return refuse(str(error))


def _put_slip(args: argparse.Namespace, context: CommandContext) -> int:
    from distro.domain.core.private_files import write_private_bytes

    text_file = args.output is not None and args.output.suffix.lower() == ".txt"
    chosen = args.format or ("txt" if text_file else "pdf")
    if args.output is None and chosen != "txt":
        say(f"Slip sent to {send_slip(context, args.code, args.layout)}.")
        return 0
    layout = _layout(context, args.layout)
    handout_id, slip = _slip(context, args.code)
    data = _slip_bytes(slip, chosen, layout)
    if args.output is None:
        sys.stdout.write(data.decode())
    else:
        write_private_bytes(args.output, data)
        say(f"Wrote slip {slip.code}{' (REPRINT)' if slip.reprint else ''} to {args.output}.")
    _count_printing(context, handout_id)
    return 0


def _slip_bytes(slip: SlipView, chosen: str, layout: SlipLayout) -> bytes:
    from distro.printing.slip import slip_text
    from distro.printing.slip_escpos import slip_escpos
    from distro.printing.slip_pdf import slip_pdf

    if chosen == "txt":
        return slip_text(slip).encode()
    return slip_escpos(slip) if chosen == "escpos" else slip_pdf(slip, layout)


def collect_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The exit desk hands over a two-step slip's bag, once."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.distribution.rounds import round_named
    from distro.domain.distribution.slips import collect_slip

    actor, now = context.actor(), context.clock()
    with unit_of_work(context.engine) as session:
        round_id = round_named(session, args.round).id if args.round else None
        slip = collect_slip(session, args.code, actor=actor, now=now, round_id=round_id)
    size = how_many(slip.handout.household_size, "person", "people")
    say(f"Slip {slip.handout.code} collected: hand over the bag of {slip.family_code} ({size}).")
    return 0


def void_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Void a slip and put its units back on their lots; the family may then collect again."""
    from distro.domain.core.codes import parse_scan
    from distro.domain.core.db import unit_of_work
    from distro.domain.distribution.slips import void_slip

    actor, now = context.actor(), context.clock()
    with unit_of_work(context.engine) as session:
        returned = void_slip(session, args.code, args.reason, actor=actor, now=now)
    code = parse_scan(args.code).text
    say(f"Voided slip {code}: {how_many(returned, 'unit')} back on the shelves.")
    return 0


def missing_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The round's slips not collected at the exit nor voided, longest wait first."""
    from distro.domain.core.db import reading
    from distro.domain.core.moments import MomentStyle, moment_text
    from distro.domain.core.zone import ngo_zone
    from distro.domain.distribution.reports import uncollected_slips

    context.actor()
    with reading(context.engine) as session:
        distribution = chosen_round(session, args.round, context.clock())
        assert distribution.id is not None
        missing = uncollected_slips(session, distribution.id, limit=MISSING_LIMIT)
        zone = ngo_zone(session)
    if not distribution.two_step:
        say(f"{distribution.name} is one-step: bags go out at the counter, none wait at the exit.")
        return 0
    if not missing:
        say(f"No slip of {distribution.name} is waiting at the exit.")
        return 0
    say(f"{how_many(len(missing), 'slip')} of {distribution.name} waiting at the exit:")
    for slip in missing:
        at = moment_text(slip.handed_out_at, zone, MomentStyle.DAY_TIME)
        size = how_many(slip.household_size, "person", "people")
        say(f"  {slip.code}  {slip.family_code}  {size:<10}  {at}  {slip.counter}")
    if len(missing) == MISSING_LIMIT:
        say(f"Only the {MISSING_LIMIT} longest waits are shown.")
    return 0
