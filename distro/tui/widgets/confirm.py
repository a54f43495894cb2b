"""Provides ConfirmModal: one question, Enter to go ahead, Esc to stop."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from distro.tui.base import UsesDistro
from distro.tui.widgets.footer import CounterFooter


class ConfirmModal(UsesDistro, ModalScreen[bool]):
    """For changes that cannot be undone: says exactly what will happen before it does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "answer(True)", "Yes, go ahead", id="confirm-yes"),
        Binding("escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, question: str, details: str, *, screen_id: str | None = None) -> None:
        super().__init__(id=screen_id)
        self.question = question
        self.details = details

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog"):
            yield Static(f"[b]{self.question}[/b]")
            yield Static(self.details)
            yield Static("Enter: yes, go ahead.   Esc: no, change nothing.")
        yield CounterFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
