"""Provides the help screen: every key of the screen it was opened from, and the app's."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from distro.tui.base import UsesDistro, may_use

SCAN_HELP = (
    "Scan a family card, a shelf label or a product's barcode from any screen: it opens the "
    "family or the item. Or type a code (like F-000123-R or S-000012-X) in the families "
    "search box and press Enter."
)


class HelpScreen(UsesDistro, ModalScreen[None]):
    """Lists keys, descriptions and tooltips; Esc or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1", "dismiss", "Close", id="close-help"),
    ]

    def __init__(self, origin: Screen[object]) -> None:
        super().__init__()
        self.origin = origin

    def compose(self) -> ComposeResult:
        yield Static("[b]Keys[/b]  (^ is Ctrl; Esc closes)", id="help-title")
        yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
        yield Static(SCAN_HELP, id="help-scan")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does", "Why")
        seen: set[str] = set()
        for _key, active in self.origin.active_bindings.items():
            binding = active.binding
            if not (binding.show or binding.tooltip) or not binding.description:
                continue
            if not may_use(self.distro, active.node, binding.action):
                continue
            if binding.description in seen:
                continue
            seen.add(binding.description)
            table.add_row(
                self.app.get_key_display(binding), binding.description, binding.tooltip or ""
            )
        table.focus()
