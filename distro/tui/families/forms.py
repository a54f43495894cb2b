"""Provides the dialogs that edit a family's details and add or edit a member."""

from __future__ import annotations

from datetime import date
from typing import Any

from distro.domain.core.inputs import validated
from distro.domain.families.members import add_member, update_member
from distro.domain.families.models import Family, Member
from distro.domain.families.phones import display_phone
from distro.domain.families.registry import update_family
from distro.domain.families.schemas import FamilyDetails, MemberIn
from distro.tui.base import writing
from distro.tui.widgets.fields import FAMILY_FIELDS, MEMBER_FIELDS
from distro.tui.widgets.form import FormFields
from distro.tui.widgets.form_modal import FormModal


def family_values(family: Family, phones: list[str]) -> dict[str, Any]:
    """A family's stored fields shaped as the form shows them."""
    return {
        "district": family.district,
        "phones": [display_phone(number) for number in phones],
        "address": family.address,
        "claim_ref": family.claim_ref,
        "dietary": [need for need in family.dietary.split("|") if need],
        "allergies": family.allergies,
        "consent_date": family.consent_date.isoformat() if family.consent_date else "",
        "consent_purpose": family.consent_purpose,
        "notes": family.notes,
    }


def member_values(member: Member, today: date) -> dict[str, Any]:
    """A member's stored fields shaped as the form shows them."""
    estimated = member.birth_date_estimated and member.birth_date is not None
    return {
        "full_name": member.full_name,
        "aliases": [alias for alias in member.aliases.split("|") if alias],
        "sex": member.sex,
        "birth_date": "" if estimated or not member.birth_date else member.birth_date.isoformat(),
        "estimated_age": str(today.year - member.birth_date.year)
        if estimated and member.birth_date
        else "",
        "relationship": member.relationship,
        "nationality": member.nationality,
        "languages": [language for language in member.languages.split("|") if language],
        "school": member.school,
        "grade": member.grade,
    }


class EditFamilyModal(FormModal[bool]):
    """Edit district, phones, diet, consent and notes of one family."""

    form_title = "Edit family"

    def __init__(self, family: Family, phones: list[str]) -> None:
        super().__init__()
        assert family.id is not None
        self.family_id = family.id
        self.fields = FormFields(FAMILY_FIELDS, family_values(family, phones), prefix="family")

    def field_groups(self) -> list[tuple[str, FormFields, str]]:
        return [("", self.fields, "")]

    def submit(self) -> bool:
        details = validated(FamilyDetails, self.fields.values())
        with writing(self.distro) as session:
            update_family(
                session,
                self.family_id,
                details,
                actor=self.distro.current_actor(),
                now=self.distro.clock(),
            )
        return True


class MemberModal(FormModal[bool]):
    """Add a member to a family, or correct one (when `member` is given)."""

    def __init__(self, family_id: int, member: Member | None = None) -> None:
        super().__init__()
        self.family_id = family_id
        self.member_id = member.id if member else None
        self.form_title = "Edit a member" if member else "Add a member"
        values = (
            member_values(member, self.distro.clock().date())
            if member
            else {"relationship": "child"}
        )
        self.fields = FormFields(MEMBER_FIELDS, values, prefix="member")

    def field_groups(self) -> list[tuple[str, FormFields, str]]:
        return [("", self.fields, "member.")]

    def submit(self) -> bool:
        member_in = validated(MemberIn, self.fields.values())
        actor, now = self.distro.current_actor(), self.distro.clock()
        with writing(self.distro) as session:
            if self.member_id is None:
                add_member(session, self.family_id, member_in, actor=actor, now=now)
            else:
                update_member(
                    session,
                    self.member_id,
                    member_in,
                    actor=actor,
                    now=now,
                    family_id=self.family_id,
                )
        return True
