"""Provides ItemPickModal: choose an item from the catalogue by typing part of its name."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from distro.domain.stock.item_lookup import search_items
from distro.tui.base import UsesDistro, reading
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter

SHOWN = 8
"""Items listed at once; typing more of the name narrows them."""


class ItemPickModal(UsesDistro, ModalScreen[int | None]):
    """Type to narrow the list, Down to walk it, Enter to choose; dismisses with the item's id."""

    CSS_PATH = "../styles/stock.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Choose nothing", id="cancel-pick"),
        Binding("down", "focus_list", "List", show=False, id="pick-list"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog"):
            yield Static(f"[b]{self.question}[/b]")
            yield Static("Type part of its name; Down walks the list, Enter chooses, Esc cancels.")
            yield Input(
                placeholder="Part of the item's name, or its code",
                id="pick-search",
                max_length=80,
                classes="code-input",
            )
            yield OptionList(id="pick-results")
            yield Label("", id="pick-error", classes="field-error")
        yield CounterFooter()

    def on_mount(self) -> None:
        self.query_one("#pick-search", Input).focus()
        self._list("")

    @on(Input.Changed, "#pick-search")
    def _typed(self, event: Input.Changed) -> None:
        self._list(event.value)

    def _list(self, typed: str) -> None:
        """The items matching what is typed (a few indexed reads, at most SHOWN rows)."""

        with reading(self.distro) as session:
            items = search_items(session, typed, SHOWN)
        results = self.query_one("#pick-results", OptionList)
        results.clear_options()
        results.add_options(
            Option(f"{cell(item.name)}  ({item.code}, {item.unit})", id=str(item.id))
            for item in items
        )
        if items:
            results.highlighted = 0
        message = "" if items else "No item matches; type less of the name, or its code."
        self.query_one("#pick-error", Label).update(message)

    @on(Input.Submitted, "#pick-search")
    def _choose_highlighted(self) -> None:
        results = self.query_one("#pick-results", OptionList)
        if results.highlighted is not None:
            self._choose(results.get_option_at_index(results.highlighted))

    @on(OptionList.OptionSelected, "#pick-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option)

    def _choose(self, option: Option) -> None:
        assert option.id is not None
        self.dismiss(int(option.id))

    def action_focus_list(self) -> None:
        results = self.query_one("#pick-results", OptionList)
        if results.option_count:
            results.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
