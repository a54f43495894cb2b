"""Provides the registration dialog: head of household and family details, with the likely
duplicates shown while the name and phones are typed, and checked again before anything is
saved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.widgets import Input, Static

from distro.domain.core.errors import DomainError, InvalidInput
from distro.domain.core.inputs import validated
from distro.domain.families.duplicates import PossibleDuplicates, duplicates_while_typing
from distro.domain.families.registry import register_family
from distro.domain.families.schemas import FamilyIn
from distro.tui.base import reading, writing
from distro.tui.families.duplicates import (
    DuplicateChoice,
    DuplicatesModal,
    while_typing_text,
)
from distro.tui.widgets.fields import FAMILY_FIELDS, MEMBER_FIELDS
from distro.tui.widgets.form import FormFields
from distro.tui.widgets.form_modal import FormModal

if TYPE_CHECKING:
    from textual.timer import Timer

    from distro.domain.families.duplicates import DuplicateMatch

TYPING_PAUSE_SECONDS = 0.4
"""The duplicates are looked up once typing pauses this long, not at every key."""


class RegisterFamilyModal(FormModal[int]):
    """Dismisses with the new family's id; more members are added on the family screen."""

    form_title = "Register a family"

    def __init__(self) -> None:
        super().__init__()
        self.head = FormFields(MEMBER_FIELDS, {"relationship": "head"}, prefix="head")
        self.details = FormFields(FAMILY_FIELDS, prefix="family")

        self._lookup: Timer | None = None
        self._matches: list[DuplicateMatch] = []

    def field_groups(self) -> list[tuple[str, FormFields, str]]:
        return [
            ("Head of household", self.head, "members.0."),
            ("Household", self.details, ""),
        ]

    def on_mount(self) -> None:
        live = Static("", id="live-duplicates")
        live.display = False  # until a likely duplicate is typed
        self.query_one(".form-dialog").mount(live, before="#form-error")

    @on(Input.Changed, "#head-full_name, #family-phones")
    def _name_or_phone_typed(self) -> None:
        if self._lookup is not None:
            self._lookup.stop()
        self._lookup = self.set_timer(TYPING_PAUSE_SECONDS, self._look_up_duplicates)

    def _look_up_duplicates(self) -> None:
        name = self.head.values().get("full_name", "")
        self.look_up_duplicates(name, self.details.values().get("phones", []))

    @work(thread=True, exclusive=True, group="live-duplicates", exit_on_error=False)
    def look_up_duplicates(self, name: str, phones: list[str]) -> None:
        """Off the UI thread, so typing never waits for the database."""
        with reading(self.distro) as session:
            matches = duplicates_while_typing(session, name, phones)
        self.app.call_from_thread(self.show_duplicates, matches)

    def show_duplicates(self, matches: list[DuplicateMatch]) -> None:
        """The likely matches under the form (masked in privacy mode), or nothing."""
        self._matches = matches
        self.redraw_privacy()

    def redraw_privacy(self) -> None:
        """Privacy mode changed: the same matches, masked or not."""
        live = self.query_one("#live-duplicates", Static)
        live.update(while_typing_text(self._matches, masked=self.distro.privacy.on))
        live.display = bool(self._matches)

    def read_form(self) -> FamilyIn:
        """The form as a validated FamilyIn (InvalidInput lists what to fix)."""
        return validated(FamilyIn, {**self.details.values(), "members": [self.head.values()]})

    def submit(self) -> int:
        return self._register(self.read_form(), duplicate_reason="")

    def action_save(self) -> None:
        try:
            family_id = self.submit()
        except PossibleDuplicates as found:
            self.show_error("")
            self.app.push_screen(DuplicatesModal(found.matches), callback=self._duplicates_answered)
            return
        except InvalidInput as problems:
            self.show_problems(problems.problems)
            return
        except DomainError as refusal:
            self.show_error(str(refusal))
            return
        self.dismiss(family_id)

    def _duplicates_answered(self, choice: DuplicateChoice | None) -> None:
        if choice is None:
            return
        if choice.open_family_id is not None:
            self.dismiss(choice.open_family_id)
            return
        try:
            family_id = self._register(self.read_form(), duplicate_reason=choice.reason)
        except DomainError as refusal:
            self.show_error(str(refusal))
            return
        self.dismiss(family_id)

    def _register(self, data: FamilyIn, duplicate_reason: str) -> int:
        with writing(self.distro) as session:
            family = register_family(
                session,
                data,
                actor=self.distro.current_actor(),
                now=self.distro.clock(),
                duplicate_reason=duplicate_reason,
            )
        assert family.id is not None
        return family.id
