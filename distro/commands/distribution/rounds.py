"""Provides `distro rounds list|add|close|reopen|list-add`: setting up the distributions a
counter hands out in. NAME is a round's name as `rounds list` shows it (case and spacing do not
matter); the basket's rules (`distro rules`) decide what each family collects."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, say, warn
from distro.commands.arguments import clip, day, file_name, how_many

if TYPE_CHECKING:
    from datetime import datetime

    from sqlmodel import Session

    from distro.domain.distribution.models import DistributionRound
    from distro.domain.distribution.rounds import RoundIn

NAME_HELP = "the round's name, as `distro rounds list` shows it"
_OPTIONS = {"form": "dates", "starts_on": "--from", "ends_on": "--to", "basket": "--basket"}
"""The option a RoundIn problem is about; NAME and --note share their field's name."""


ROUND_HELP = "the round's name (default: the one open today)"


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `distro rounds` and its actions."""
    rounds = subparsers.add_parser(
        "rounds", parents=[common], help="set up, close and reopen distribution rounds"
    )
    actions = rounds.add_subparsers(dest="rounds_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common], help="the open rounds, newest first")
    listing.add_argument("--all", action="store_true", help="closed rounds too")
    listing.set_defaults(run=list_command)
    _add_add(actions, common)
    for verb, handler, help_text in (
        ("close", close_command, "stop handouts in a round"),
        ("reopen", reopen_command, "open a closed round again"),
    ):
        action = actions.add_parser(verb, parents=[common], help=help_text)
        action.add_argument("name", metavar="NAME", help=NAME_HELP)
        action.set_defaults(run=handler)
    list_add = actions.add_parser(
        "list-add", parents=[common], help="put families on a round that is for a list"
    )
    list_add.add_argument("name", metavar="NAME", help=NAME_HELP)
    list_add.add_argument("codes", nargs="*", metavar="FAMILY_CODE", help="family card codes")
    list_add.add_argument(
        "--file", type=file_name, metavar="CODES.txt", help="family card codes, one per line"
    )
    list_add.set_defaults(run=list_add_command)


def _add_add(actions: Any, common: argparse.ArgumentParser) -> None:
    add = actions.add_parser("add", parents=[common], help="set up a new round, open at once")
    add.add_argument("name", metavar="NAME", help='like "Food parcel, week 48"')
    add.add_argument("--basket", required=True, help="whose rules say what each family gets")
    add.add_argument("--from", dest="starts_on", required=True, metavar="YYYY-MM-DD")
    add.add_argument("--to", dest="ends_on", required=True, metavar="YYYY-MM-DD")
    add.add_argument(
        "--two-step", action="store_true", help="the slip is collected at a second desk"
    )
    add.add_argument(
        "--list", action="store_true", help="only for families put on its list (list-add)"
    )
    add.add_argument("--note", default="", metavar="TEXT")
    add.set_defaults(run=add_command)


def list_command(args: argparse.Namespace, context: CommandContext) -> int:
    """One line per round: name, basket, dates, open or closed, two-step, who is expected."""
    from distro.domain.core.db import reading
    from distro.domain.distribution.rounds import all_rounds, open_rounds

    context.actor()
    with reading(context.engine) as session:
        found = all_rounds(session) if args.all else open_rounds(session)
        lines = [_round_line(session, distribution) for distribution in found]
    if not lines:
        which = "set up" if args.all else "open (--all shows closed ones too)"
        say(f"No round is {which}; add one with `distro rounds add`.")
        return 0
    say(f"{'ROUND':<28}  {'BASKET':<16}  {'FROM':<10}  {'TO':<10}  {'STATE':<6}  EXPECTED")
    for line in lines:
        say(line)
    return 0


def _round_line(session: Session, distribution: DistributionRound) -> str:
    state = "closed" if distribution.closed_at else "open"
    dates = f"{distribution.starts_on}  {distribution.ends_on}"
    who = _expected(session, distribution)
    name, basket = clip(distribution.name, 28), clip(distribution.basket, 16)
    return f"{name:<28}  {basket:<16}  {dates}  {state:<6}  {who}"


def _expected(session: Session, distribution: DistributionRound) -> str:
    """Who the round is for, in words (every active family, or its list and how long it is),
    and whether slips are collected at a second desk."""
    from distro.domain.distribution.models import Expected
    from distro.domain.distribution.rounds import round_list_size

    two_step = ", two-step" if distribution.two_step else ""
    if distribution.expected != Expected.LIST.value:
        return "every active family" + two_step
    assert distribution.id is not None
    size = round_list_size(session, distribution.id)
    return f"a list of {how_many(size, 'family', 'families')}{two_step}"


def add_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Set up the round; its name must be new, and it is open from the moment it is added.
    A basket without rules is allowed (they may come next) but pointed out: it is often a typo."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.distribution.basket_views import baskets
    from distro.domain.distribution.rounds import create_round

    round_in = _round_in(args)
    actor = context.actor()
    with unit_of_work(context.engine) as session:
        distribution = create_round(session, round_in, actor=actor, now=context.clock())
        who, known = _expected(session, distribution), baskets(session)
    dates = f"{distribution.starts_on} to {distribution.ends_on}"
    say(f"Set up round {distribution.name}: basket {distribution.basket}, {dates}, for {who}.")
    if distribution.basket not in known:
        shown = ", ".join(known) or "none yet"
        warn(f"basket {distribution.basket!r} has no rules; baskets with rules: {shown}.")
    if args.list:
        say("Put families on its list with `distro rounds list-add NAME FAMILY_CODE...`.")
    return 0


def _round_in(args: argparse.Namespace) -> RoundIn:
    """The round as typed, checked; a problem names the option to change."""
    from distro.domain.core.errors import InvalidInput
    from distro.domain.core.inputs import validated
    from distro.domain.distribution.models import Expected
    from distro.domain.distribution.rounds import RoundIn

    typed = {
        "name": args.name,
        "basket": args.basket,
        "starts_on": day(args.starts_on, "--from"),
        "ends_on": day(args.ends_on, "--to"),
        "expected": Expected.LIST if args.list else Expected.ALL_ACTIVE,
        "two_step": args.two_step,
        "note": args.note,
    }
    try:
        return validated(RoundIn, typed)
    except InvalidInput as error:
        named = {_OPTIONS.get(field, field): why for field, why in error.problems.items()}
        raise InvalidInput(named) from None


def close_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Close the round: no more handouts in it; slips already printed can still be collected."""
    return _open_or_close(args, context, close=True)


def reopen_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Open a closed round again."""
    return _open_or_close(args, context, close=False)


def _open_or_close(args: argparse.Namespace, context: CommandContext, *, close: bool) -> int:
    from distro.domain.audit.head import current_head
    from distro.domain.core.db import unit_of_work
    from distro.domain.distribution.rounds import close_round, reopen_round, round_named

    change = close_round if close else reopen_round
    actor = context.actor()
    with unit_of_work(context.engine) as session:
        distribution = round_named(session, args.name)
        assert distribution.id is not None
        change(session, distribution.id, actor=actor, now=context.clock())
    if close:
        say(f"Closed round {distribution.name}; no more handouts in it.")
        head = current_head(context.engine)
        say(f"Audit log head: {head.label} (write it on the round's report, for db check --head).")
    else:
        say(f"Round {distribution.name} is open again.")
    return 0


def list_add_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Put the families on the round's list: every code is checked before any is added."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.distribution.rounds import add_to_round_list, round_list_size, round_named

    codes = _family_codes(args.codes, args.file)
    actor = context.actor()
    with unit_of_work(context.engine) as session:
        distribution = round_named(session, args.name)
        assert distribution.id is not None
        added = add_to_round_list(session, distribution.id, codes, actor=actor, now=context.clock())
        listed = round_list_size(session, distribution.id)
    families = how_many(added, "family", "families")
    say(f"Added {families} to the list of round {distribution.name}; it holds {listed} now.")
    return 0


def _family_codes(typed: list[str], path: Path | None) -> list[str]:
    """The codes typed, then those of the file (one per line; blank lines and # notes skipped)."""
    from distro.domain.core.errors import DomainError, InvalidInput

    codes = list(typed)
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except OSError as error:
            raise DomainError(f"cannot read {path}: {error.strerror or error}.") from None
        except UnicodeDecodeError:
            raise DomainError(f"{path} is not UTF-8 text; save it as UTF-8.") from None
        uncommented = (line.split("#")[0].strip() for line in lines)
        codes += [code for code in uncommented if code]
    if not codes:
        raise InvalidInput({"list-add": "give the families' card codes, or --file CODES.txt"})
    return codes


def chosen_round(session: Session, name: str | None, now: datetime) -> DistributionRound:
    """The round called `name`, or else the one open today; refused when none or several are."""
    from distro.domain.core.errors import Conflict, NotFound
    from distro.domain.core.zone import counter_today
    from distro.domain.distribution.rounds import open_rounds, round_named

    if name:
        return round_named(session, name)
    running = open_rounds(session, counter_today(session, now))
    if len(running) == 1:
        return running[0]
    if running:
        names = ", ".join(distribution.name for distribution in running)
        raise Conflict(f"{len(running)} rounds are open today ({names}): choose with --round.")
    names = ", ".join(distribution.name for distribution in open_rounds(session)) or "none"
    raise NotFound(f"No round is open today; name one with --round. Open rounds: {names}.")
