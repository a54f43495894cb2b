"""Provides FormModal: a dialog of form fields that saves through a domain service.

The dialog stays open until the service accepts the input, so a refused save loses nothing:
problems appear beside their fields, other refusals above the buttons. Nor does Esc lose typed
work: a form changed since it opened asks before it closes, and tells Ctrl+Q what it holds
(`distro.tui.unsaved`).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from distro.domain.core.errors import DomainError, InvalidInput
from distro.tui.base import UsesDistro
from distro.tui.widgets.confirm import ConfirmModal
from distro.tui.widgets.footer import CounterFooter
from distro.tui.widgets.form import FormFields

ResultT = TypeVar("ResultT")


class FormModal(UsesDistro, ModalScreen[ResultT | None]):
    """Subclasses give `form_title`, `field_groups()` and `submit()`; Ctrl+S saves, Esc cancels.

    `form_title` also names the form when Ctrl+Q asks about typed work, possibly over the lock
    screen: keep people's names out of it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", tooltip="Check and save the form", id="save"),
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving", id="cancel"),
    ]
    form_title = "Form"

    def field_groups(self) -> list[tuple[str, FormFields, str]]:
        """(heading, fields, problem path prefix) for each group of fields."""
        raise NotImplementedError

    def submit(self) -> ResultT:
        """Validate and save; raise InvalidInput or DomainError to keep the dialog open."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        self._groups = self.field_groups()
        with Vertical(classes="form-dialog"):
            yield Static(
                f"[b]{self.form_title}[/b]   Ctrl+S save, Esc cancel", classes="form-title"
            )
            with VerticalScroll(classes="form-body", can_focus=False):
                for heading, fields, _path in self._groups:
                    if heading:
                        yield Static(f"[b]{heading}[/b]", classes="form-heading")
                    yield fields
            yield Label("", id="form-error", classes="field-error")
        yield CounterFooter()

    def on_mount(self) -> None:
        self._opened_with = self._state()
        self._groups[0][1].focus_first()

    def _state(self) -> list[dict[str, Any]]:
        return [fields.state() for _heading, fields, _path in self._groups]

    def changed(self) -> bool:
        """Whether any field holds something else than when the form opened."""
        return self.is_mounted and self._state() != self._opened_with

    def unsaved_work(self) -> str | None:
        """What closing the form now would lose (HoldsUnsavedWork), None when unchanged."""
        return f"what was typed in the form '{self.form_title}'" if self.changed() else None

    def action_cancel(self) -> None:
        """Close at once when nothing was changed; otherwise ask before throwing typing away."""
        if not self.changed():
            self.dismiss(None)
            return
        question = ConfirmModal(
            f"Discard what you typed in '{self.form_title}'?",
            "It is not saved. Esc takes you back to the form as you left it.",
        )
        self.app.push_screen(question, self._discard_answered)

    def _discard_answered(self, discard: bool | None) -> None:
        if discard:
            self.dismiss(None)

    def action_save(self) -> None:
        try:
            result = self.submit()
        except InvalidInput as problems:
            self.show_problems(problems.problems)
            return
        except DomainError as refusal:
            self.show_error(str(refusal))
            return
        self.dismiss(result)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Problems beside their fields; any left over above the buttons."""
        marked = [
            widget
            for _heading, fields, path in self._groups
            for widget in fields.show_problems(problems, path)
        ]
        if marked:
            marked[0].focus()
        summary = "Nothing was saved: correct the fields marked below." if marked else ""
        if len(marked) < len(problems):
            summary = "; ".join(f"{field}: {why}" for field, why in problems.items())
        self.show_error(summary)

    def show_error(self, message: str) -> None:
        """A refusal shown above the form's footer (a notice would cover the fields)."""
        self.query_one("#form-error", Label).update(message)
