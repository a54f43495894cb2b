"""Provides the family screen's keys, and how the command palette words them."""

from __future__ import annotations

from textual.binding import Binding, BindingType

FAMILY_BINDINGS: list[BindingType] = [
    # Esc, Remove, Merge and Erase are left out of the footer (F1 and the palette list them), so
    # that Reveal and the app's Help and Lock fit at 80 columns.
    Binding("escape", "back", "Back", tooltip="Back to search", id="back", show=False),
    Binding("e", "edit", "Edit", tooltip="Phones, district, diet, consent, notes", id="edit"),
    Binding("a", "add_member", "Add", tooltip="Add a member: a person joins", id="add-member"),
    Binding(
        "r",
        "remove_member",
        "Remove",
        tooltip="Remove the highlighted member",
        id="remove-member",
        show=False,
    ),
    Binding("s", "status", "Status", tooltip="Suspend, reactivate, left HK", id="status"),
    Binding(
        "h",
        "history",
        "History",
        tooltip="Every change: who, when, before, after",
        id="history",
    ),
    Binding(
        "p", "print_card", "Card", tooltip="Print the family card with barcode", id="print-card"
    ),
    Binding(
        "g",
        "merge",
        "Merge",
        tooltip="Merge a duplicate record into this one",
        id="merge",
        show=False,
    ),
    Binding(
        "x",
        "erase",
        "Erase",
        tooltip="Erase this family for good (asks for its code again)",
        id="erase",
        show=False,
    ),
    Binding(
        "v",
        "reveal",
        "Reveal",
        tooltip="Show this family's names, phones, claim ref in full (recorded)",
        id="reveal",
    ),
]

FAMILY_PALETTE_TITLES = {
    "edit": "edit details",
    "add-member": "add member",
    "remove-member": "remove member",
    "status": "change status",
    "print-card": "print card",
    "merge": "merge duplicate",
    "erase": "erase for good",
}
"""The family screen's keys as the command palette words them (`family: VERB`), by binding id."""
