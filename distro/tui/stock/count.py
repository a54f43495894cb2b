"""Provides the start of a stock take: choose what to count (everything, a category or a
storage location), then its count sheet opens (count_sheet.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from distro.domain.core.access import Permission
from distro.domain.stock.lists import locations
from distro.domain.stock.models import ItemCategory
from distro.domain.stock.take import count_sheet
from distro.tui.base import Distro, UsesDistro, reading
from distro.tui.stock.count_sheet import CountScope, CountSheetModal
from distro.tui.stock.text import may_change
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter


def start_count(app: Distro, done: Callable[[str | None], None]) -> None:
    """Ask what to count, then open its count sheet; `done` hears what was posted."""

    if not may_change(app, Permission.ADJUST_STOCK):
        return
    with reading(app) as session:
        shelves = locations(session)
    categories = [category.value for category in ItemCategory]
    app.push_screen(
        CountScopeModal(categories, shelves),
        lambda scope: _open_sheet(app, scope, done) if scope else None,
    )


def _open_sheet(app: Distro, scope: CountScope, done: Callable[[str | None], None]) -> None:
    category = ItemCategory(scope.category) if scope.category else None
    with reading(app) as session:
        lines = count_sheet(session, location=scope.location, category=category)
    if not lines:
        app.notify(f"Nothing is in stock in {scope.label}: nothing to count.", title="Count")
        return
    app.push_screen(CountSheetModal(scope, lines), done)


class CountScopeModal(UsesDistro, ModalScreen[CountScope | None]):
    """Everything, a category or a storage location in use; Enter chooses."""

    CSS_PATH = "../styles/stock.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", tooltip="Count nothing", id="cancel-scope"),
    ]

    def __init__(self, categories: list[str], locations: list[str]) -> None:
        super().__init__()
        self.scopes = [
            CountScope("everything"),
            *(CountScope(f"category {name}", category=name) for name in categories),
            *(CountScope(f"location {name}", location=name) for name in locations),
        ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog"):
            yield Static("[b]Stock take: what will you count?[/b]  Enter chooses, Esc cancels")
            yield OptionList(
                *(Option(cell(scope.label[0].upper() + scope.label[1:])) for scope in self.scopes),
                id="count-scopes",
            )
        yield CounterFooter()

    @on(OptionList.OptionSelected, "#count-scopes")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.scopes[event.option_index])
