"""Provides `distro rules list [BASKET]` and `distro rules baskets`: what each basket gives,
as the counter will hand it out. Rules are changed in the app's Rules screen, or for a whole
basket at once with `distro import rules FILE.csv` (`distro export rules` writes that file)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, say
from distro.commands.arguments import how_many

if TYPE_CHECKING:
    from distro.domain.distribution.basket_views import RuleView

NO_RULES = "No basket has rules yet; `distro import rules FILE.csv` adds them."


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `distro rules` and its actions."""
    rules = subparsers.add_parser(
        "rules", parents=[common], help="what each basket gives: its rules, in order"
    )
    actions = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common], help="a basket's rules (or all)")
    listing.add_argument("basket", nargs="?", metavar="BASKET", help="default: every basket")
    listing.set_defaults(run=list_command)
    names = actions.add_parser("baskets", parents=[common], help="every basket, with its rules")
    names.set_defaults(run=baskets_command)


def list_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Each basket asked for, then one line per rule: quantity, item, who gets it."""
    from distro.domain.core.db import reading
    from distro.domain.core.errors import NotFound
    from distro.domain.distribution.basket_views import basket_rules, baskets

    context.actor()
    with reading(context.engine) as session:
        known = baskets(session)
        names = [_known_name(args.basket, known)] if args.basket else known
        listed = {name: basket_rules(session, name) for name in names}
    if not any(listed.values()):
        if args.basket:
            shown = ", ".join(known) or "none yet"
            raise NotFound(f"Basket {args.basket!r} has no rules. Baskets with rules: {shown}.")
        say(NO_RULES)
    for name, rules in listed.items():
        say(f"{name} ({how_many(len(rules), 'rule')}):")
        for rule in rules:
            say(f"  {rule.position:>3}. {describe(rule)}")
    return 0


def baskets_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Every basket that has rules, with how many."""
    from distro.domain.core.db import reading
    from distro.domain.distribution.basket_views import basket_rules, baskets

    context.actor()
    with reading(context.engine) as session:
        counts = {name: len(basket_rules(session, name)) for name in baskets(session)}
    if not counts:
        say(NO_RULES)
    for name, count in counts.items():
        say(f"{name}: {how_many(count, 'rule')}")
    return 0


def describe(rule: RuleView) -> str:
    """A rule in one line: "2 x Rice 5 kg for households of 3-5", its substitute and note."""
    line = f"{rule.quantity} x {rule.item_name} for {rule.who}"
    if rule.substitute_name:
        line += f"; {rule.substitute_name} when the diet rules it out"
    return line + (f" ({rule.note})" if rule.note else "")


def _known_name(typed: str, known: list[str]) -> str:
    """The basket `typed` means, whatever its case and spacing."""
    wanted = " ".join(typed.split()).casefold()
    return next((name for name in known if name.casefold() == wanted), typed)
