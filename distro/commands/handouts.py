"""Provides `distro handout`, `distro slip`, `distro slips collect|void|missing` and
`distro handouts progress|family`: the counter, the exit desk and a round's picture, for
scripts and for a counter whose screen is down.

Without --round, a command works in the round open today, and refuses to guess when there are
none or several. Slips print on the configured printer (DISTRO_SLIP_PRINTER); a printer that
fails never undoes a handout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, refuse, say, warn
from distro.commands.stock_input import clip
from distro.commands.transfer import how_many

if TYPE_CHECKING:
    from datetime import datetime

    from sqlmodel import Session

    from distro.domain.entitlement import Entitlement
    from distro.domain.handout_models import DistributionRound
    from distro.domain.slip_view import SlipView
    from distro.printing.slip import SlipLayout
    from distro.printing.slip_printers import SlipPrinter

LAYOUTS = ("receipt", "a6", "a4")
"""The --layout words: the values of `SlipLayout`, kept here so --help costs no import."""
FORMATS = ("pdf", "txt", "escpos")
ROUND_HELP = "the round's name (default: the one open today)"
MISSING_LIMIT = 500


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add handout, slip, slips and handouts."""
    handout = subparsers.add_parser(
        "handout",
        parents=[common],
        help="hand out a family's whole entitlement, as the counter does",
    )
    handout.add_argument("family_code", metavar="FAMILY_CODE")
    handout.add_argument("--round", metavar="NAME", help=ROUND_HELP)
    handout.add_argument("--proxy", default="", metavar="NAME", help="who collects for them")
    handout.add_argument("--relation", default="", metavar="REL", help="the proxy's relation")
    handout.add_argument("--note", default="", metavar="TEXT")
    handout.add_argument(
        "--override-reason", default="", metavar="TEXT", help="why a rule's no is overridden"
    )
    handout.add_argument("--print", action="store_true", help="print the slip afterwards")
    handout.set_defaults(run=handout_command)

    slip = subparsers.add_parser(
        "slip", parents=[common], help="print a slip again, show it, or save it"
    )
    slip.add_argument("code", metavar="CODE")
    slip.add_argument("-o", "--output", type=Path, metavar="FILE", help="write it to FILE")
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

    handouts = subparsers.add_parser(
        "handouts", parents=[common], help="a round's progress, a family's collections"
    )
    views = handouts.add_subparsers(dest="handouts_command", metavar="ACTION", required=True)
    progress = views.add_parser("progress", parents=[common], help="a round's totals so far")
    progress.add_argument("--round", metavar="NAME", help=ROUND_HELP)
    progress.set_defaults(run=progress_command)
    family = views.add_parser("family", parents=[common], help="a family's recent collections")
    family.add_argument("code", metavar="FAMILY_CODE")
    family.add_argument("--limit", type=int, default=20, metavar="N", help="newest N (20)")
    family.set_defaults(run=family_command)


def chosen_round(session: Session, name: str | None, now: datetime) -> DistributionRound:
    """The round called `name`, or else the one open today; refused when none or several are."""
    from distro.domain.clock import local_date
    from distro.domain.errors import Conflict, NotFound
    from distro.domain.rounds import open_rounds, round_named

    if name:
        return round_named(session, name)
    running = open_rounds(session, local_date(now))
    if len(running) == 1:
        return running[0]
    if running:
        names = ", ".join(distribution.name for distribution in running)
        raise Conflict(f"{len(running)} rounds are open today ({names}): choose with --round.")
    names = ", ".join(distribution.name for distribution in open_rounds(session)) or "none"
    raise NotFound(f"No round is open today; name one with --round. Open rounds: {names}.")


def handout_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Record the family's whole entitlement in one unit of work, exactly as the counter's
    confirm does. Only the slip code goes to stdout, for scripts; the rest to stderr."""
    from distro.domain.db import unit_of_work
    from distro.domain.entitlement import entitlement_for_code
    from distro.domain.errors import InvalidInput
    from distro.domain.handouts import entitled_request, hand_out

    if args.relation and not args.proxy:
        raise InvalidInput({"relation": "is the proxy's: give --proxy NAME too"})
    actor, now = context.actor(), context.clock()
    with unit_of_work(context.engine) as session:
        distribution = chosen_round(session, args.round, now)
        entitlement = entitlement_for_code(session, distribution, args.family_code, now)
        request = entitled_request(
            entitlement,
            proxy_name=args.proxy,
            proxy_relation=args.relation,
            note=args.note,
            override_reason=args.override_reason,
        )
        done = hand_out(session, request, actor=actor, now=now, counter=context.settings.counter)
    say(done.code)
    _tell(f"Slip {done.code}: {how_many(done.units, 'unit')} for family {entitlement.family_code}")
    _tell_entitlement(entitlement)
    if args.print:
        _print_after_handout(context, done.code)
    return 0


def _tell(message: str) -> None:
    """A line for the person at the terminal that scripts reading stdout never see."""
    print(message, file=sys.stderr, flush=True)


def _tell_entitlement(entitlement: Entitlement) -> None:
    """What went out, what fell short of the rules, and what the volunteer must know."""
    for line in entitlement.lines:
        given = min(line.quantity, line.available)
        if given:
            _tell(f"  {given} {line.item.unit}  {line.item.name}")
        if given < line.quantity:
            warn(f"{line.item.name}: only {given} of {line.quantity} were on the shelf.")
    for reason in [*entitlement.left_out, *entitlement.warnings]:
        warn(reason)
    if entitlement.two_step:
        _tell("Two-step round: the family collects the bag at the exit with the slip.")


def _print_after_handout(context: CommandContext, code: str) -> None:
    """Print the new slip; a failure is only a warning, since the handout is saved."""
    from distro.printing.slip import PrinterError

    try:
        _tell(f"Slip printed: {_send_slip(context, code)}.")
    except PrinterError as error:
        warn(f"{str(error).removesuffix('.')}: distro slip {code}")


def _send_slip(context: CommandContext, code: str, layout: str | None = None) -> str:
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
    from distro.printing.slip import PrinterError, SlipLayout

    text = chosen or context.settings.slip_layout
    if text not in LAYOUTS:
        known = ", ".join(LAYOUTS)
        raise PrinterError(f"The slip layout {text!r} is not one we know: use {known}.")
    return SlipLayout(text)


def _slip(context: CommandContext, code: str) -> tuple[int, SlipView]:
    """The handout's id and its slip as it prints now: REPRINT once printed before."""
    from distro.domain.db import reading
    from distro.domain.slips import find_slip, slip_view

    with reading(context.engine) as session:
        handout = find_slip(session, code).handout
        assert handout.id is not None
        reprint = handout.printed_count > 0
        return handout.id, slip_view(
            session, handout.id, context.settings.organisation, reprint=reprint
        )


def _count_printing(context: CommandContext, handout_id: int) -> None:
    """Count a printing once it went out, as the counter screen does: a print that failed is
    not called a reprint the next time."""
    from distro.domain.db import unit_of_work
    from distro.domain.slips import mark_printed

    with unit_of_work(context.engine) as session:
        mark_printed(session, handout_id)


def slip_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Show the slip as text, write it to -o FILE, or print it on the configured printer."""
    from distro.printing.slip import PrinterError

    context.actor()
    text_file = args.output is not None and args.output.suffix.lower() == ".txt"
    chosen = args.format or ("txt" if text_file else "pdf")
    try:
        if args.output is None and chosen != "txt":
            say(f"Slip sent to {_send_slip(context, args.code, args.layout)}.")
            return 0
        layout = _layout(context, args.layout)
    except PrinterError as error:
        return refuse(str(error))
    handout_id, slip = _slip(context, args.code)
    data = _slip_bytes(slip, chosen, layout)
    if args.output is None:
        sys.stdout.write(data.decode())
    else:
        try:
            args.output.write_bytes(data)
        except OSError as error:
            return refuse(f"cannot write {args.output}: {error.strerror or error}.")
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
    from distro.domain.db import unit_of_work
    from distro.domain.rounds import round_named
    from distro.domain.slips import collect_slip

    actor, now = context.actor(), context.clock()
    with unit_of_work(context.engine) as session:
        round_id = round_named(session, args.round).id if args.round else None
        slip = collect_slip(session, args.code, actor=actor, now=now, round_id=round_id)
    size = how_many(slip.handout.household_size, "person", "people")
    say(f"Slip {slip.handout.code} collected: hand over the bag of {slip.family_code} ({size}).")
    return 0


def void_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Void a slip and put its units back on their lots; the family may then collect again."""
    from distro.domain.codes import parse_scan
    from distro.domain.db import unit_of_work
    from distro.domain.slips import void_slip

    actor, now = context.actor(), context.clock()
    with unit_of_work(context.engine) as session:
        returned = void_slip(session, args.code, args.reason, actor=actor, now=now)
    code = parse_scan(args.code).text
    say(f"Voided slip {code}: {how_many(returned, 'unit')} back on the shelves.")
    return 0


def missing_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The round's slips not collected at the exit nor voided, longest wait first."""
    from distro.domain.audit_log import on_clock
    from distro.domain.clock import HONG_KONG
    from distro.domain.db import reading
    from distro.domain.handout_reports import uncollected_slips

    context.actor()
    with reading(context.engine) as session:
        distribution = chosen_round(session, args.round, context.clock())
        assert distribution.id is not None
        missing = uncollected_slips(session, distribution.id, limit=MISSING_LIMIT)
    if not distribution.two_step:
        say(f"{distribution.name} is one-step: bags go out at the counter, none wait at the exit.")
        return 0
    if not missing:
        say(f"No slip of {distribution.name} is waiting at the exit.")
        return 0
    say(f"{how_many(len(missing), 'slip')} of {distribution.name} waiting at the exit:")
    for slip in missing:
        at = on_clock(slip.handed_out_at, HONG_KONG)
        size = how_many(slip.household_size, "person", "people")
        say(f"  {slip.code}  {slip.family_code}  {size:<10}  {at:%d %b %H:%M}  {slip.counter}")
    if len(missing) == MISSING_LIMIT:
        say(f"Only the {MISSING_LIMIT} longest waits are shown.")
    return 0


def progress_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The round's families, slips, units and items so far."""
    from distro.domain.db import reading
    from distro.domain.handout_reports import round_progress

    context.actor()
    with reading(context.engine) as session:
        distribution = chosen_round(session, args.round, context.clock())
        assert distribution.id is not None
        progress = round_progress(session, distribution.id)
    steps = "two-step" if progress.two_step else "one-step"
    say(f"{progress.round_name} ({steps})")
    say(f"  families served      {progress.families_served:>7}")
    say(f"  slips                {progress.slips:>7}  (and {progress.slips_voided} voided)")
    say(f"  units given          {progress.units_given:>7}")
    if progress.two_step:
        say(f"  waiting at the exit  {progress.waiting_at_exit:>7}")
    for item in progress.items:
        say(f"  {item.code:<10} {clip(item.name, 30):<30} {item.units:>7} {item.unit}")
    return 0


def family_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The family's collections, newest first, with those of cards merged into it."""
    from distro.domain.audit_log import on_clock
    from distro.domain.clock import HONG_KONG
    from distro.domain.db import reading
    from distro.domain.families import find_family_by_code
    from distro.domain.handout_reports import family_handouts

    context.actor()
    with reading(context.engine) as session:
        family = find_family_by_code(session, args.code)
        assert family.id is not None
        collections = family_handouts(session, family.id, limit=max(1, args.limit))
    if not collections:
        say(f"{family.code} has not collected anything yet.")
        return 0
    for handout in collections:
        at = on_clock(handout.handed_out_at, HONG_KONG)
        units = how_many(handout.units, "unit")
        state = f"{handout.state:<19}"
        say(f"{at:%Y-%m-%d %H:%M}  {handout.code}  {units:>9}  {state}  {handout.round_name}")
    return 0
