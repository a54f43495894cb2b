"""Provides the registration dialog: head of household and family details, with a duplicate
check before anything is saved."""

from __future__ import annotations

from distro.domain.core.errors import DomainError, InvalidInput
from distro.domain.core.inputs import validated
from distro.domain.families.duplicates import PossibleDuplicates
from distro.domain.families.registry import register_family
from distro.domain.families.schemas import FamilyIn
from distro.tui.base import writing
from distro.tui.families.duplicates import DuplicateChoice, DuplicatesModal
from distro.tui.widgets.fields import FAMILY_FIELDS, MEMBER_FIELDS
from distro.tui.widgets.form import FormFields
from distro.tui.widgets.form_modal import FormModal


class RegisterFamilyModal(FormModal[int]):
    """Dismisses with the new family's id; more members are added on the family screen."""

    form_title = "Register a family"

    def __init__(self) -> None:
        super().__init__()
        self.head = FormFields(MEMBER_FIELDS, {"relationship": "head"}, prefix="head")
        self.details = FormFields(FAMILY_FIELDS, prefix="family")

    def field_groups(self) -> list[tuple[str, FormFields, str]]:
        return [
            ("Head of household", self.head, "members.0."),
            ("Household", self.details, ""),
        ]

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
