"""Provides how a family reads on screen: the summary lines, ages and short labels."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual.markup import escape

from distro.domain.families.masks import mask_address, mask_claim_ref, mask_phone

if TYPE_CHECKING:
    from distro.domain.families.models import Member
    from distro.domain.families.registry import FamilyRecord

SEX_SHORT = {"female": "F", "male": "M", "other": "X", "unknown": "?"}


def age_text(member: Member, today: date) -> str:
    """Age in years, with ~ when the date of birth was estimated."""
    if member.birth_date is None:
        return "?"
    born = member.birth_date
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"~{years}" if member.birth_date_estimated else str(years)


def summary_text(record: FamilyRecord, *, masked: bool) -> str:
    """The household's own fields, a few lines, for the top of the screen."""
    from distro.domain.families.phones import display_phone

    family = record.family
    show_phone = mask_phone if masked else display_phone
    phones = ", ".join(show_phone(phone.number) for phone in record.phones) or "none"
    diet = family.dietary.replace("|", ", ").replace("_", " ") or "none"
    if family.allergies:
        diet += f" (allergies: {family.allergies})"
    consent = (
        f"{family.consent_date} by {family.consent_recorded_by} ({family.consent_purpose or '-'})"
        if family.consent_date
        else "not recorded"
    )
    status = family.status.replace("_", " ")
    heading = f"{status}  {family.district}  household of {record.household_size}"
    lines = [
        f"Phones: {phones}",
        f"Diet: {diet}",
        f"Consent: {consent}",
    ]
    if family.claim_ref or family.address:
        claim_ref = mask_claim_ref(family.claim_ref) if masked else family.claim_ref
        address = mask_address(family.address) if masked else family.address
        lines.append(f"Claim ref: {claim_ref or '-'}  Address: {address or '-'}")
    if family.notes:
        lines.append(f"Notes: {family.notes}")
    # Typed text may hold [brackets], which would otherwise be read as markup.
    return "\n".join([f"[b]{family.code}[/b]  {escape(heading)}", *map(escape, lines)])
