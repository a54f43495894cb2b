"""Provides `distro handout` and `distro handouts progress|family`: the counter and a round's
picture, for scripts and for a counter whose screen is down (slips are `commands.slips`).

Without --round, a command works in the round open today, and refuses to guess when there are
none or several. A printer that fails never undoes a handout.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, say, warn
from distro.commands.arguments import ROWS, checked_as, clip, how_many
from distro.commands.distribution.rounds import ROUND_HELP, chosen_round
from distro.commands.distribution.slips import send_slip

if TYPE_CHECKING:
    from distro.domain.distribution.entitlement import Entitlement

HANDOUT_REQUEST = "distro.domain.distribution.handout_request:HandoutIn"
"""The model whose fields check the text options of `distro handout`."""


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add handout and handouts."""
    handout = subparsers.add_parser(
        "handout",
        parents=[common],
        help="hand out a family's whole entitlement, as the counter does",
    )
    handout.add_argument("family_code", metavar="FAMILY_CODE")
    handout.add_argument("--round", metavar="NAME", help=ROUND_HELP)
    for option, field, metavar, help_text in (
        ("--proxy", "proxy_name", "NAME", "who collects for them"),
        ("--relation", "proxy_relation", "REL", "the proxy's relation"),
        ("--note", "note", "TEXT", None),
        ("--override-reason", "override_reason", "TEXT", "why a rule's no is overridden"),
    ):
        checked = checked_as(HANDOUT_REQUEST, field)
        handout.add_argument(option, type=checked, default="", metavar=metavar, help=help_text)
    handout.add_argument(
        "--at",
        metavar="'YYYY-MM-DD HH:MM'",
        help="when the family collected (in the time zone `distro settings show` names), for a "
        "paper sheet kept in an outage",
    )
    handout.add_argument("--print", action="store_true", help="print the slip afterwards")
    handout.set_defaults(run=handout_command)

    handouts = subparsers.add_parser(
        "handouts", parents=[common], help="a round's progress, a family's collections"
    )
    views = handouts.add_subparsers(dest="handouts_command", metavar="ACTION", required=True)
    progress = views.add_parser("progress", parents=[common], help="a round's totals so far")
    progress.add_argument("--round", metavar="NAME", help=ROUND_HELP)
    progress.set_defaults(run=progress_command)
    family = views.add_parser("family", parents=[common], help="a family's recent collections")
    family.add_argument("code", metavar="FAMILY_CODE")
    family.add_argument("--limit", type=ROWS, default=20, metavar="N", help="newest N (20)")
    family.set_defaults(run=family_command)


def handout_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Record the family's whole entitlement in one unit of work, exactly as the counter's
    confirm does. Only the slip code goes to stdout, for scripts; the rest to stderr."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.errors import InvalidInput
    from distro.domain.core.zone import ngo_zone
    from distro.domain.distribution.entitlement import entitlement_for_code
    from distro.domain.distribution.handout_request import entitled_request
    from distro.domain.distribution.handouts import hand_out

    if args.relation and not args.proxy:
        raise InvalidInput({"relation": "is the proxy's: give --proxy NAME too"})
    actor, now = context.actor(), context.clock()
    with unit_of_work(context.engine) as session:
        at = _moment(args.at, ngo_zone(session)) if args.at else None
        distribution = chosen_round(session, args.round, at or now)
        entitlement = entitlement_for_code(session, distribution, args.family_code, at or now)
        request = entitled_request(
            entitlement,
            proxy_name=args.proxy,
            proxy_relation=args.relation,
            note=args.note,
            override_reason=args.override_reason,
            handed_out_at=at,
        )
        done = hand_out(session, request, actor=actor, now=now, counter=context.settings.counter)
    say(done.code)
    _tell(f"Slip {done.code}: {how_many(done.units, 'unit')} for family {entitlement.family_code}")
    _tell_entitlement(entitlement)
    if args.print:
        _print_after_handout(context, done.code)
    return 0


def _moment(text: str, zone: tzinfo) -> datetime:
    """--at as a date and time on the NGO's clock, or InvalidInput saying how to write it."""
    from distro.domain.core.errors import InvalidInput

    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    except ValueError:
        raise InvalidInput({"--at": f"write it as 'YYYY-MM-DD HH:MM', {zone} time"}) from None


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
    allergies = [f"Allergies: {entitlement.allergies}"] if entitlement.allergies else []
    for reason in [*entitlement.left_out, *allergies, *entitlement.warnings]:
        warn(reason)
    if entitlement.two_step:
        _tell("Two-step round: the family collects the bag at the exit with the slip.")


def _print_after_handout(context: CommandContext, code: str) -> None:
    """Print the new slip; a failure is only a warning, since the handout is saved."""
    from distro.printing.slip import PrinterError

    try:
        _tell(f"Slip printed: {send_slip(context, code)}.")
    except PrinterError as error:
        warn(f"{str(error).removesuffix('.')}: distro slip {code}")


def progress_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The round's families, slips, units and items so far."""
    from distro.domain.audit.head import chain_head
    from distro.domain.core.db import reading
    from distro.domain.core.moments import MomentStyle, moment_text
    from distro.domain.core.zone import ngo_zone
    from distro.domain.distribution.reports import round_progress
    from distro.domain.distribution.reprints import unprinted_slips

    context.actor()
    with reading(context.engine) as session:
        distribution = chosen_round(session, args.round, context.clock())
        assert distribution.id is not None
        progress = round_progress(session, distribution.id)
        unprinted = unprinted_slips(session, distribution.id)
        zone = ngo_zone(session)
        head = chain_head(session.connection())
    steps = "two-step" if progress.two_step else "one-step"
    say(f"{progress.round_name} ({steps})")
    say(f"  families served      {progress.families_served:>7}")
    say(f"  slips                {progress.slips:>7}  (and {progress.slips_voided} voided)")
    say(f"  units given          {progress.units_given:>7}")
    if progress.two_step:
        say(f"  waiting at the exit  {progress.waiting_at_exit:>7}")
    say(f"  slips never printed  {progress.never_printed:>7}")
    for slip in unprinted:
        at = moment_text(slip.handed_out_at, zone, MomentStyle.DAY_TIME)
        say(f"    {slip.code}  {slip.family_code}  {at}  {slip.counter}")
    if unprinted:
        say("  (`distro slip CODE` prints one)")
    for item in progress.items:
        say(f"  {item.code:<10} {clip(item.name, 30):<30} {item.units:>7} {item.unit}")
    say(f"  audit log head       {head.label}  (`distro db check --head` it later)")
    return 0


def family_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The family's collections, newest first, with those of cards merged into it."""
    from distro.domain.core.db import reading
    from distro.domain.core.moments import moment_text
    from distro.domain.core.zone import ngo_zone
    from distro.domain.distribution.reports import family_handouts
    from distro.domain.families.registry import find_family_by_code

    context.actor()
    with reading(context.engine) as session:
        family = find_family_by_code(session, args.code)
        assert family.id is not None
        collections = family_handouts(session, family.id, limit=max(1, args.limit))
        zone = ngo_zone(session)
    if not collections:
        say(f"{family.code} has not collected anything yet.")
        return 0
    for handout in collections:
        at = moment_text(handout.handed_out_at, zone)
        units = how_many(handout.units, "unit")
        state = f"{handout.state:<19}"
        say(f"{at}  {handout.code}  {units:>9}  {state}  {handout.round_name}")
    return 0
