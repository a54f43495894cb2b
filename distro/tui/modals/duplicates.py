"""Provides the dialog shown when a new family looks like one already registered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from distro.domain.duplicates import DuplicateMatch
from distro.tui.widgets.footer import CounterFooter


@dataclass(frozen=True)
class DuplicateChoice:
    """Either open an existing family, or register anyway for the reason given."""

    open_family_id: int | None = None
    reason: str = ""


class DuplicatesModal(ModalScreen[DuplicateChoice | None]):
    """Lists likely matches; Enter opens one, or type a reason and press Ctrl+R to go on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "register_anyway", "Register anyway", id="register-anyway"),
        Binding("escape", "back", "Back to the form", id="back"),
    ]

    def __init__(self, matches: list[DuplicateMatch]) -> None:
        super().__init__()
        self.matches = matches

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog"):
            yield Static("[b]This family may already be registered[/b]")
            yield Static("Enter opens the highlighted family instead of registering a new one.")
            yield OptionList(
                *[
                    Option(
                        f"{match.code}  {match.household}\n  " + "; ".join(match.reasons),
                        id=str(match.family_id),
                    )
                    for match in self.matches
                ],
                id="duplicate-matches",
            )
            yield Static("Not the same household? Say why, then Ctrl+R registers it anyway:")
            yield Input(placeholder="e.g. same name, different person", id="duplicate-reason")
            yield Label("", id="duplicate-error", classes="field-error")
        yield CounterFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _open_match(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self.dismiss(DuplicateChoice(open_family_id=int(event.option.id)))

    @on(Input.Submitted, "#duplicate-reason")
    def _reason_submitted(self) -> None:
        self.action_register_anyway()

    def action_register_anyway(self) -> None:
        reason = self.query_one("#duplicate-reason", Input).value.strip()
        if not reason:
            self.query_one("#duplicate-error", Label).update(
                "Type the reason first: it is kept in the family's history."
            )
            self.query_one("#duplicate-reason", Input).focus()
            return
        self.dismiss(DuplicateChoice(reason=reason))

    def action_back(self) -> None:
        self.dismiss(None)
