"""Provides the dialog shown when a new family looks like one already registered.

The matches are other families, so in privacy mode their names and phones are masked here too;
the volunteer judges a match by first name, size, district and the last digits of a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from distro.domain.families.duplicates import DuplicateMatch
from distro.domain.families.masks import mask_name, mask_phone
from distro.tui.base import UsesDistro
from distro.tui.widgets.footer import CounterFooter

SAME_PHONE = "same phone "
"""How find_duplicates starts a reason about a phone; a reason about a name ends ": NAME"."""


def masked_household(household: str) -> str:
    """ "Head Name, 3 members, District" with the head's name masked (a name may hold commas,
    so the two known parts are split off from the right)."""
    parts = household.rsplit(", ", 2)
    return ", ".join([mask_name(parts[0]), *parts[1:]]) if len(parts) == 3 else household


def masked_reason(reason: str) -> str:
    """A reason with the other family's phone or name in it masked."""
    if reason.startswith(SAME_PHONE):
        return SAME_PHONE + mask_phone(reason.removeprefix(SAME_PHONE))
    if ": " in reason:
        why, name = reason.rsplit(": ", 1)
        return f"{why}: {mask_name(name)}"
    return reason


def match_parts(match: DuplicateMatch, *, masked: bool) -> tuple[str, str]:
    """The household, and why it may be the same family, masked or not."""
    if not masked:
        return match.household, "; ".join(match.reasons)
    reasons = "; ".join(masked_reason(reason) for reason in match.reasons)
    return masked_household(match.household), reasons


def match_text(match: DuplicateMatch, *, masked: bool) -> str:
    """Two lines: the code and household, then why it may be the same family."""
    household, reasons = match_parts(match, masked=masked)
    return f"{match.code}  {household}\n  {reasons}"


def while_typing_text(matches: list[DuplicateMatch], *, masked: bool) -> str:
    """The likely matches of a registration being typed, one line each (markup escaped)."""
    if not matches:
        return ""
    lines = ["[b]Already registered?[/b] Ctrl+S asks before saving a likely duplicate:"]
    for match in matches:
        household, reasons = match_parts(match, masked=masked)
        lines.append(escape(f"  {match.code}  {household} ({reasons})"))
    return "\n".join(lines)


@dataclass(frozen=True)
class DuplicateChoice:
    """Either open an existing family, or register anyway for the reason given."""

    open_family_id: int | None = None
    reason: str = ""


class DuplicatesModal(UsesDistro, ModalScreen[DuplicateChoice | None]):
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
            yield OptionList(*self._options(), id="duplicate-matches")
            yield Static("Not the same household? Say why, then Ctrl+R registers it anyway:")
            yield Input(placeholder="e.g. same name, different person", id="duplicate-reason")
            yield Label("", id="duplicate-error", classes="field-error")
        yield CounterFooter()

    def _options(self) -> list[Option]:
        masked = self.distro.privacy.on
        return [
            Option(match_text(match, masked=masked), id=str(match.family_id))
            for match in self.matches
        ]

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def redraw_privacy(self) -> None:
        """Privacy mode changed: the same matches, masked or not."""
        matches = self.query_one(OptionList)
        highlighted = matches.highlighted
        matches.clear_options()
        matches.add_options(self._options())
        matches.highlighted = highlighted

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
