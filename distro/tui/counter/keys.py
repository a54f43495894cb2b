"""Provides the Counter's keys: each has an id, a tooltip, a footer label and a palette title.

While a family is shown the scan line keeps the focus, so letters, digits and `-` always go to
it: the next card, a slip or a name typed by hand never changes the basket on screen. The keys
that shape the basket are ones neither a scanner nor a name produces: arrows and Ctrl+letter.
Left and Right change a line only while the scan line is empty; with text in it they move its
cursor as anywhere else.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

LINE_KEYS = ("change", "substitute", "proxy", "note", "override", "confirm")
"""Actions that need a family on the counter."""

COUNTER_BINDINGS: list[BindingType] = [
    Binding("ctrl+s", "confirm", "Confirm", tooltip="Hand out and print the slip", id="hand"),
    Binding(
        "left",
        "change(-1)",
        "Less",
        tooltip="One less of this item",
        id="less",
        key_display="←",
        priority=True,
    ),
    Binding(
        "right",
        "change(1)",
        "More",
        tooltip="One more, up to the rules",
        id="more",
        key_display="→",
        priority=True,
    ),
    Binding("ctrl+t", "substitute", "Swap", tooltip="Another item of the same kind", id="swap"),
    Binding("ctrl+b", "proxy", "Proxy", tooltip="Someone collects for the family", id="proxy"),
    Binding("ctrl+n", "note", "Note", tooltip="A note kept with the handout", id="note"),
    Binding(
        "ctrl+g",
        "override",
        "Override",
        tooltip="Coordinator: hand out although a rule says no",
        id="override",
    ),
    Binding(
        "escape",
        "next_family",
        "Next",
        tooltip="Clear for the next family",
        id="next",
        key_display="Esc",
    ),
    Binding(
        "ctrl+r",
        "reprint",
        "Reprint",
        tooltip="Print a slip again: this family's, a scanned slip's, or one never printed",
        id="reprint",
    ),
    Binding(
        "ctrl+o",
        "pick_round",
        "Rounds",
        tooltip="Choose the round, set one up, close it, who is missing, basket rules",
        id="pick-round",
        show=False,
    ),
    Binding("up", "line(-1)", "Line up", show=False, id="counter-line-up"),
    Binding("down", "line(1)", "Line down", show=False, id="counter-line-down"),
]

COUNTER_PALETTE_TITLES = {
    "hand": "confirm handout",
    "less": "one less",
    "more": "one more",
    "swap": "swap item",
    "proxy": "proxy collector",
    "note": "note on the handout",
    "override": "override a rule",
    "next": "next family",
    "reprint": "reprint slip",
    "pick-round": "choose round",
}
"""The counter's keys as the command palette words them (`counter: VERB`), by binding id."""
