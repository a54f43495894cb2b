"""Provides the counter's small dialogs: choosing one of a few things (a substitute) and naming
who collects for a family."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from distro.tui.base import UsesDistro
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter

PROXY_RELATIONS = (
    "spouse",
    "parent",
    "child",
    "sibling",
    "relative",
    "neighbour",
    "friend",
    "caseworker",
    "other",
)


class ChoiceModal(UsesDistro, ModalScreen[int | None]):
    """A short list: Up/Down and Enter choose, Esc chooses nothing; dismisses with the index."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Choose nothing", id="cancel-choice"),
    ]

    def __init__(self, question: str, options: list[str], explanation: str = "") -> None:
        super().__init__()
        self.question = question
        self.options = options
        self.explanation = explanation

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog"):
            yield Static(f"[b]{cell(self.question)}[/b]")
            if self.explanation:
                yield Static(cell(self.explanation))
            yield OptionList(*(Option(cell(text)) for text in self.options), id="choice-list")
            yield Static("Up/Down to walk, Enter to choose, Esc to cancel.")
        yield CounterFooter()

    def on_mount(self) -> None:
        self.query_one("#choice-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#choice-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Proxy:
    """Who collects for the family, and how they are related to it."""

    name: str
    relation: str


class ProxyModal(UsesDistro, ModalScreen[Proxy | None]):
    """Name and relation of the person collecting; an empty name clears the proxy."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Confirm", id="confirm-proxy"),
        Binding("escape", "cancel", "Cancel", id="cancel-proxy"),
    ]

    def __init__(self, current: Proxy) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog"):
            yield Static("[b]Who collects for the family?[/b]")
            yield Static("Their name as they say it; leave it empty if the family collects.")
            yield Input(value=self.current.name, placeholder="Name", id="proxy-name", max_length=80)
            relation = (
                self.current.relation if self.current.relation in PROXY_RELATIONS else "other"
            )
            yield Select(
                [(text, text) for text in PROXY_RELATIONS],
                value=relation,
                allow_blank=False,
                id="proxy-relation",
            )
            yield Label("", id="proxy-error", classes="field-error")
            yield Static("Enter or Ctrl+S: done.   Esc: leave it as it was.")
        yield CounterFooter()

    def on_mount(self) -> None:
        self.query_one("#proxy-name", Input).focus()

    @on(Input.Submitted, "#proxy-name")
    def _submitted(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        name = " ".join(self.query_one("#proxy-name", Input).value.split())
        relation = str(self.query_one("#proxy-relation", Select).value)
        self.dismiss(Proxy(name, relation if name else ""))

    def action_cancel(self) -> None:
        self.dismiss(None)
