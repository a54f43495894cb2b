"""Provides `distro demo`: the app on a separate database of fictional families.

The demo never touches the real database: main() sees `demo_mode` and points the settings at
the demo file (or at --db), whatever DISTRO_DB says.
"""

from __future__ import annotations

import argparse
from typing import Any

from distro.commands import CommandContext, say
from distro.settings import describe_url


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the demo command."""
    demo = subparsers.add_parser(
        "demo",
        parents=[common],
        help="try distro on fictional families (separate demo database)",
        description="Opens the app on a demo database of fictional families, "
        "created on first use. Your real database is not touched.",
    )
    demo.add_argument(
        "--no-open", action="store_true", help="create the demo database but do not open the app"
    )
    demo.add_argument(
        "--families",
        type=_positive,
        default=None,
        metavar="N",
        help="how many families a new demo database gets (default: 300)",
    )
    demo.set_defaults(run=run_demo, demo_mode=True, creates_database=True)


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def run_demo(args: argparse.Namespace, context: CommandContext) -> int:
    """Fill the demo database if it has no families yet, say where it is, and open the app."""
    from distro.domain.core.db import reading, unit_of_work
    from distro.domain.demo import DEMO_FAMILIES, create_demo
    from distro.domain.families.search import count_families

    with reading(context.engine) as session:
        families = count_families(session)
    if families == 0:
        say("Creating the demo database with fictional families ...")
        with unit_of_work(context.engine) as session:
            create_demo(
                session,
                now=context.clock(),
                count=args.families or DEMO_FAMILIES,
            )
        with reading(context.engine) as session:
            families = count_families(session)
    else:
        _add_missing_demo_users(context)
        _add_missing_demo_stock(context)
        _add_missing_demo_handouts(context)
        if args.families:
            say(f"The demo database already has families; --families {args.families} is ignored.")
    say(f"Demo database: {_where(context.settings.database_url)} ({families} fictional families)")
    if args.no_open:
        return 0
    return context.open_app(context.engine)


def _add_missing_demo_users(context: CommandContext) -> None:
    """A demo database made before sign-in existed gets its demo users, so its sign-in screen
    still matches what it says (users volunteer, coordinator, admin with PIN 1234)."""
    from distro.domain.core.db import reading, unit_of_work
    from distro.domain.demo.registry import create_demo_users
    from distro.domain.users.accounts import has_users

    with reading(context.engine) as session:
        if has_users(session):
            return
    with unit_of_work(context.engine) as session:
        create_demo_users(session, now=context.clock())


def _add_missing_demo_stock(context: CommandContext) -> None:
    """A demo database made before stock existed gets the demo's catalogue and months of stock
    movements, so its Stock area has something to show."""
    from distro.domain.core.db import reading, unit_of_work
    from distro.domain.demo import DEMO_SEED, create_demo_stock, needs_demo_stock

    with reading(context.engine) as session:
        if not needs_demo_stock(session):
            return
    say("Adding the demo stock: the starter catalogue and months of deliveries ...")
    with unit_of_work(context.engine) as session:
        create_demo_stock(session, now=context.clock(), seed=DEMO_SEED)


def _add_missing_demo_handouts(context: CommandContext) -> None:
    """A demo database made before the counter existed gets the starter basket rules and its
    rounds, so its Counter has a round to hand out in."""
    from distro.domain.core.db import reading, unit_of_work
    from distro.domain.demo import DEMO_SEED, create_demo_handouts, needs_demo_handouts

    with reading(context.engine) as session:
        if not needs_demo_handouts(session):
            return
    say("Adding the demo counter: basket rules, last week's round and this week's ...")
    with unit_of_work(context.engine) as session:
        create_demo_handouts(session, now=context.clock(), seed=DEMO_SEED)


def _where(url: str) -> str:
    """The file path of an SQLite database, else the URL without its password."""
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else describe_url(url)
