"""Provides how a family reads on screen: the summary lines, ages and short labels."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distro.domain.families import FamilyRecord
    from distro.domain.models import Member

SEX_SHORT = {"female": "F", "male": "M", "other": "X", "unknown": "?"}


def age_text(member: Member, today: date) -> str:
    """Age in years, with ~ when the date of birth was estimated."""
    if member.birth_date is None:
        return "?"
    born = member.birth_date
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"~{years}" if member.birth_date_estimated else str(years)


def summary_text(record: FamilyRecord) -> str:
    """The household's own fields, a few lines, for the top of the screen."""
    from distro.domain.phones import display_phone

    family = record.family
    phones = ", ".join(display_phone(phone.number) for phone in record.phones) or "none"
    diet = family.dietary.replace("|", ", ").replace("_", " ") or "none"
    if family.allergies:
        diet += f" (allergies: {family.allergies})"
    consent = (
        f"{family.consent_date} by {family.consent_recorded_by} ({family.consent_purpose or '-'})"
        if family.consent_date
        else "not recorded"
    )
    lines = [
        f"[b]{family.code}[/b]  {family.status.replace('_', ' ')}  {family.district}  "
        f"household of {record.household_size}",
        f"Phones: {phones}",
        f"Diet: {diet}",
        f"Consent: {consent}",
    ]
    if family.claim_ref or family.address:
        lines.append(f"Claim ref: {family.claim_ref or '-'}  Address: {family.address or '-'}")
    if family.notes:
        lines.append(f"Notes: {family.notes}")
    return "\n".join(lines)
