"""Provides the Counter's keys: each has an id, a tooltip, a footer label and a palette title."""

from __future__ import annotations

from textual.binding import Binding, BindingType

LINE_KEYS = ("change", "substitute", "proxy", "note", "override", "confirm")
"""Actions that need a family on the counter."""

COUNTER_BINDINGS: list[BindingType] = [
    Binding("ctrl+s", "confirm", "Confirm", tooltip="Hand out and print the slip", id="hand"),
    Binding("minus", "change(-1)", "Less", tooltip="One less of this item", id="less"),
    Binding(
        "plus,equals_sign", "change(1)", "More", tooltip="One more, up to the rules", id="more"
    ),
    Binding("s", "substitute", "Swap", tooltip="Another item of the same kind", id="swap"),
    Binding("p", "proxy", "Proxy", tooltip="Someone collects for the family", id="proxy"),
    Binding("n", "note", "Note", tooltip="A note kept with the handout", id="note", show=False),
    Binding(
        "o",
        "override",
        "Override",
        tooltip="Coordinator: hand out although a rule says no",
        id="override",
        show=False,
    ),
    Binding("escape", "next_family", "Next", tooltip="Clear for the next family", id="next"),
    Binding(
        "ctrl+r",
        "reprint",
        "Reprint",
        tooltip="Print the last slip again",
        id="reprint",
        show=False,
    ),
    Binding(
        "ctrl+o",
        "pick_round",
        "Rounds",
        tooltip="Choose the round, set one up, close it, who is missing, basket rules",
        id="pick-round",
        show=False,
    ),
    Binding("ctrl+f", "focus_search", "Search", show=False, id="counter-search-key"),
    Binding("down", "focus_list", "List", show=False, id="counter-list"),
]

COUNTER_PALETTE_TITLES = {
    "hand": "confirm handout",
    "less": "one less",
    "more": "one more",
    "swap": "swap item",
    "proxy": "proxy collector",
    "next": "next family",
    "reprint": "reprint slip",
    "pick-round": "choose round",
}
"""The counter's keys as the command palette words them (`counter: VERB`), by binding id."""
