"""Provides AskModal: a small dialog asking for a reason, and optionally a choice or a code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from distro.tui.base import UsesDistro
from distro.tui.widgets.footer import CounterFooter


@dataclass(frozen=True)
class Answer:
    """What the person chose, typed and why."""

    reason: str
    choice: str = ""
    code: str = ""


class AskModal(UsesDistro, ModalScreen[Answer | None]):
    """Enter (or Ctrl+S) confirms, Esc cancels; the reason is kept in the history."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Confirm", id="confirm"),
        Binding("escape", "cancel", "Cancel", id="cancel-ask"),
    ]

    def __init__(
        self,
        title: str,
        explanation: str,
        *,
        choices: tuple[tuple[str, str], ...] = (),
        code_prompt: str = "",
        reason_required: bool = True,
    ) -> None:
        super().__init__()
        self.heading = title
        self.explanation = explanation
        self.choices = choices
        self.code_prompt = code_prompt
        self.reason_required = reason_required

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog ask-dialog"):
            yield Static(f"[b]{self.heading}[/b]")
            yield Static(self.explanation)
            if self.choices:
                yield Select(
                    [(label, value) for value, label in self.choices],
                    allow_blank=False,
                    id="ask-choice",
                )
            if self.code_prompt:
                yield Input(
                    placeholder=self.code_prompt, id="ask-code", max_length=40, classes="code-input"
                )
            reason_hint = "Reason (kept in the history)" + (
                "" if self.reason_required else ", optional"
            )
            yield Input(placeholder=reason_hint, id="ask-reason", max_length=300)
            yield Label("", id="ask-error", classes="field-error")
        yield CounterFooter()

    def on_mount(self) -> None:
        self.query("Select, Input").first().focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        reason = self.query_one("#ask-reason", Input).value.strip()
        code = self.query_one("#ask-code", Input).value.strip() if self.code_prompt else ""
        if self.code_prompt and not code:
            self._complain("Type or scan the code first.")
            return
        if self.reason_required and not reason:
            self._complain("Type a reason first: it is kept in the family's history.")
            return
        choice = str(self.query_one("#ask-choice", Select).value) if self.choices else ""
        self.dismiss(Answer(reason=reason, choice=choice, code=code))

    def _complain(self, message: str) -> None:
        self.query_one("#ask-error", Label).update(message)

    def action_cancel(self) -> None:
        self.dismiss(None)
