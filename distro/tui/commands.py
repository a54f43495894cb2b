"""Provides the command palette's entries, titled `area: verb`."""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import SystemCommand
from textual.screen import Screen

from distro.tui.base import Distro
from distro.tui.screens.area import AREAS
from distro.tui.screens.counter import CounterScreen
from distro.tui.screens.families import FamiliesScreen
from distro.tui.screens.family import FamilyScreen
from distro.tui.screens.round_slips import RoundSlipsScreen
from distro.tui.screens.rounds import RoundsScreen
from distro.tui.screens.rules import RulesScreen, open_basket_rules
from distro.tui.screens.stock import StockScreen
from distro.tui.screens.stock_expiry import ExpiryScreen
from distro.tui.screens.stock_item import StockItemScreen

FAMILY_ACTIONS = (
    ("edit", "edit details", "Phones, district, diet, consent, notes"),
    ("add_member", "add member", "Add a person to this household"),
    ("remove_member", "remove member", "Take the highlighted member out"),
    ("status", "change status", "Suspend, reactivate, left Hong Kong, resettled"),
    ("history", "history", "Every change: who, when, before and after"),
    ("print_card", "print card", "Family card with barcode (PDF)"),
    ("merge", "merge duplicate", "Merge another record of this household into this one"),
    ("reveal", "reveal", "Show this family's names, phones, claim ref in full (recorded)"),
)

STOCK_ACTIONS = (
    ("receive", "receive", "A delivery or donation: items, quantities, expiry, location"),
    ("issue", "issue", "To a shelter or kitchen, first expiry first out"),
    ("adjust", "adjust", "Damaged, expired, lost, found, or a correction"),
    ("write_off", "write off expired", "Take every expired lot off the books"),
    ("count", "count", "Stock take: type what is on the shelf, see the variance, post"),
    ("expiry", "expiry list", "Lots expiring within 30 days, expired first"),
    ("sort", "sort", "Next order: name, on hand, days of stock, expiring, low"),
    ("category", "filter category", "Show one category, then the next, then all"),
)
ITEM_ACTIONS = (
    ("issue", "issue", "Issue this item to a shelter or kitchen"),
    ("adjust", "adjust", "Adjust this item (the highlighted lot, if the lots have the cursor)"),
    ("receive", "receive", "Receive a delivery of this item"),
    ("older", "older movements", "Read the next page of older movements"),
    ("write_off", "write off expired", "Take this item's expired lots off the books"),
    ("barcode", "attach barcode", "Make scanning a product barcode select this item"),
)

COUNTER_ACTIONS = (
    ("confirm", "confirm handout", "Hand out what is shown and print the slip (Ctrl+S)"),
    ("substitute", "swap item", "Give another item of the same kind instead (s)"),
    ("proxy", "proxy collector", "Someone collects for the family: name and relation (p)"),
    ("note", "note", "A note kept with this handout (n)"),
    ("override", "override", "Coordinator: hand out although a rule says no (o)"),
    ("next_family", "next family", "Clear the screen for the next family (Esc)"),
    ("reprint", "reprint slip", "Print the last slip again, marked REPRINT (Ctrl+R)"),
    ("pick_round", "choose round", "Every round: choose one, set up, close, rules (Ctrl+O)"),
)
ROUND_ACTIONS = (
    ("hand_out", "hand out in this round", "Back to the counter, in the highlighted round (Enter)"),
    ("new_round", "new round", "Set up a round: name, basket, days, who, two-step (a)"),
    ("close_round", "close round", "Stop handouts in the highlighted round (c)"),
    ("reopen_round", "reopen round", "Open the highlighted round again (o)"),
    ("missing", "who is missing", "Slips not collected at the exit; void one there (m)"),
    ("rules", "basket rules", "What the highlighted round's basket gives (b)"),
)
RULE_ACTIONS = (
    ("add_rule", "add rule", "A new rule at the end of this basket (a)"),
    ("edit_rule", "edit rule", "Change the highlighted rule (e, Enter)"),
    ("delete_rule", "delete rule", "Delete the highlighted rule (d)"),
)
SLIP_ACTIONS = (
    ("void", "void slip", "Coordinator: void it, its stock goes back on the shelf (v)"),
)


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
    if isinstance(screen, CounterScreen):
        yield from _counter_commands(screen)
    if isinstance(screen, FamiliesScreen):
        yield SystemCommand("families: register", "New household", screen.action_register)
    if isinstance(screen, FamilyScreen):
        for action, verb, help_text in FAMILY_ACTIONS:
            yield SystemCommand(f"family: {verb}", help_text, getattr(screen, f"action_{action}"))
    if isinstance(screen, StockScreen):
        for action, verb, help_text in STOCK_ACTIONS:
            yield SystemCommand(f"stock: {verb}", help_text, getattr(screen, f"action_{action}"))
    if isinstance(screen, StockItemScreen):
        for action, verb, help_text in ITEM_ACTIONS:
            yield SystemCommand(f"item: {verb}", help_text, getattr(screen, f"action_{action}"))
    for kind, prefix, actions in (
        (RoundsScreen, "rounds", ROUND_ACTIONS),
        (RulesScreen, "rules", RULE_ACTIONS),
        (RoundSlipsScreen, "slips", SLIP_ACTIONS),
    ):
        if isinstance(screen, kind):
            yield from _screen_commands(screen, prefix, actions)
    if isinstance(screen, ExpiryScreen):
        yield SystemCommand(
            "stock: write off expired",
            "Take every expired lot off the books",
            screen.action_write_off,
        )


def _screen_commands(
    screen: object, prefix: str, actions: tuple[tuple[str, str, str], ...]
) -> Iterator[SystemCommand]:
    for action, verb, help_text in actions:
        yield SystemCommand(f"{prefix}: {verb}", help_text, getattr(screen, f"action_{action}"))


def _counter_commands(screen: CounterScreen) -> Iterator[SystemCommand]:
    for action, verb, help_text in COUNTER_ACTIONS:
        yield SystemCommand(f"counter: {verb}", help_text, getattr(screen, f"action_{action}"))
    yield SystemCommand(
        "counter: one less", "Lower the highlighted line (-)", lambda: screen.action_change(-1)
    )
    yield SystemCommand(
        "counter: one more", "Raise it, up to the rules (+)", lambda: screen.action_change(1)
    )
    yield SystemCommand(
        "rules: edit basket rules",
        "The rules of this round's basket: add, edit, delete",
        lambda: open_basket_rules(screen.distro, screen.round),
    )
