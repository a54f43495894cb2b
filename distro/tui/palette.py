"""Provides the command palette's entries, titled `area: verb`: the areas and the app's own
actions, then the keys of the screen the palette was opened on, read from its BINDINGS.

A screen names its area in `PALETTE_AREA`; a key's verb is its footer label in lower case,
unless `PALETTE_TITLES` (by binding id) words it the way the palette always has, and
`PALETTE_HIDDEN` leaves out the keys that only move the cursor or go back.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.actions import parse
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from distro.tui.base import Distro, UsesDistro
from distro.tui.counter.rounds import RoundsScreen
from distro.tui.counter.rules import open_basket_rules
from distro.tui.counter.screen import CounterScreen
from distro.tui.shell.area import AREAS


def palette_commands(app: Distro, screen: Screen[object]) -> Iterator[SystemCommand]:
    """Areas always; the actions of the screen the palette was opened on."""
    yield SystemCommand(
        "counter: hand out", "Scan a card, confirm, print", lambda: app.action_area("counter")
    )
    yield SystemCommand("families: search", "Find a family", lambda: app.action_area("families"))
    yield SystemCommand("stock: levels", "Stock of every item", lambda: app.action_area("stock"))
    for area in AREAS:
        yield SystemCommand(
            f"{area.mode}: open", area.purpose, lambda mode=area.mode: app.action_area(mode)
        )
    yield SystemCommand("volunteer: switch", "Hand the counter to someone else", app.action_sign_in)
    yield SystemCommand("app: lock", "Cover the screen until you sign in", app.action_lock)
    yield SystemCommand(
        "app: privacy mode on/off", "Mask or show names and phones", app.action_privacy
    )
    yield SystemCommand("audit: view log", "Who changed what, when", app.action_audit_log)
    yield SystemCommand("help: keys", "Every key on this screen", app.action_help)
    yield from key_commands(app, screen)
    yield from _keyless_commands(screen)


def key_commands(app: Distro, screen: Screen[object]) -> Iterator[SystemCommand]:
    """One entry per key the screen declares, but those it leaves out of the palette; the
    help line is the key's tooltip and the key itself."""
    if not isinstance(screen, UsesDistro) or screen.PALETTE_AREA is None:
        return
    area = screen.PALETTE_AREA
    for binding in screen.BINDINGS:
        if not isinstance(binding, Binding) or binding.id in screen.PALETTE_HIDDEN:
            continue
        verb = screen.PALETTE_TITLES.get(binding.id or "", binding.description.lower())
        _namespace, name, arguments = parse(binding.action)
        action = partial(getattr(screen, f"action_{name}"), *arguments)
        first_key = next(iter(Binding.make_bindings([binding])))
        help_text = f"{binding.tooltip or binding.description} ({app.get_key_display(first_key)})"
        yield SystemCommand(f"{area}: {verb}", help_text, action)


def _keyless_commands(screen: Screen[object]) -> Iterator[SystemCommand]:
    """Actions that have no key on their screen."""
    if isinstance(screen, CounterScreen):
        yield SystemCommand(
            "rules: edit basket rules",
            "The rules of this round's basket: add, edit, delete",
            lambda: open_basket_rules(screen.distro, screen.round),
        )
    if isinstance(screen, RoundsScreen):
        yield SystemCommand(
            "rounds: hand out in this round",
            "Back to the counter, in the highlighted round (Enter)",
            screen.action_hand_out,
        )
