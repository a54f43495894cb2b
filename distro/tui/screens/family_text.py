"""Provides how a family reads on screen: the summary lines, ages and short labels, and the
counter's privacy mode, which every screen showing a family consults.

Privacy mode is on at every start of the app, not only on a new counter's first start: a
volunteer who switched it off for one family is never the reason the next morning's queue sees
full names. It is app state, not a stored setting, for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from rich.markup import escape as escape_for_table
from textual.markup import escape

from distro.domain.families.masks import mask_address, mask_claim_ref, mask_phone

if TYPE_CHECKING:
    from distro.domain.families.models import Member
    from distro.domain.families.registry import FamilyRecord

SEX_SHORT = {"female": "F", "male": "M", "other": "X", "unknown": "?"}


@dataclass
class Privacy:
    """Whether names, phones, claim references and addresses are masked, and which one family
    (if any) is shown in full because the volunteer revealed it."""

    on: bool = True
    revealed_family_id: int | None = None

    def masks(self, family_id: int | None) -> bool:
        """Whether this family's personal data is to be masked now."""
        return self.on and (family_id is None or family_id != self.revealed_family_id)

    def hide_again(self) -> None:
        """Mask the revealed family again (it left the screen, or the counter was locked)."""
        self.revealed_family_id = None

    def label(self) -> str:
        """The state as the header shows it."""
        return "privacy on" if self.on else "PRIVACY OFF"


@runtime_checkable
class ShowsFamilies(Protocol):
    """A screen that shows personal data and redraws it when privacy mode changes."""

    def redraw_privacy(self) -> None:
        """Draw what is on screen again, masked or not as the app's privacy now says."""


def cell(text: str) -> str:
    """Typed text as a table cell: tables read markup, and a name may hold [brackets]."""
    return escape_for_table(text)


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
