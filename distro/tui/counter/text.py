"""Provides the counter's words: the family panel, the eligibility line, the round line and the
cells of the entitlement table, as Rich markup built from domain objects (no widgets here)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from rich.markup import escape

from distro.domain.core.moments import MomentStyle, moment_text
from distro.domain.core.words import how_many
from distro.domain.families.masks import mask_name

if TYPE_CHECKING:
    from distro.domain.distribution.entitlement import Entitlement
    from distro.domain.distribution.models import DistributionRound
    from distro.domain.distribution.reports import RoundProgress
    from distro.tui.counter.draft import DraftLine, HandoutDraft

ELIGIBLE = "[b]√ ELIGIBLE[/b]"
REFUSED = "[b reverse] × NOT ELIGIBLE [/]"
EMPTY = "[b reverse] × ELIGIBLE, BUT [/]"
"""The verdict reads without colour: a tick or a cross (both in the Linux console's fonts), and
a refusal in reverse video."""

DIETARY_LABELS = {
    "halal": "HALAL",
    "no_pork": "NO PORK",
    "vegetarian": "VEGETARIAN",
    "allergies": "ALLERGIES",
    "infant_formula": "infant formula",
}


def when(moment: datetime | None, zone: tzinfo) -> str:
    """A moment as the counter says it: "25 Nov 14:03" on the NGO's clock, or "never"."""
    if moment is None:
        return "never"
    return moment_text(moment, zone, MomentStyle.DAY_TIME)


def family_panel(entitlement: Entitlement, *, masked: bool) -> str:
    """Who is at the counter: code, head, household, diet and allergies, last visit."""
    name = mask_name(entitlement.head_name) if masked else entitlement.head_name
    merged = (
        f"  [dim](card {entitlement.scanned_code} was merged into this family)[/dim]"
        if entitlement.scanned_code != entitlement.family_code
        else ""
    )
    diet = " ".join(DIETARY_LABELS.get(need, need) for need in entitlement.dietary) or "no needs"
    allergies = (
        f"  [b reverse] ALLERGIES: {escape(entitlement.allergies)} [/]"
        if entitlement.allergies.strip()
        else ""
    )
    return (
        f"[b]{entitlement.family_code}  {escape(name)}[/b]  ·  "
        f"[b]Household {entitlement.household_size}[/b]: {escape(entitlement.household)}"
        f"{merged}\n"
        f"Diet: [b]{diet}[/b]{allergies}   "
        f"Last visit: {when(entitlement.last_visit, entitlement.zone)}"
    )


def eligibility_line(draft: HandoutDraft) -> tuple[str, bool]:
    """The big line: ELIGIBLE with what confirming gives, or NOT ELIGIBLE and why; and whether
    it is good news (for its colour)."""
    entitlement = draft.entitlement
    flag_text = "".join(f"\n[b]! {escape(flag)}[/b]" for flag in entitlement.warnings)
    if entitlement.blockers and not draft.override_reason:
        why = escape(" ".join(entitlement.blockers))
        keys = "Esc: next family. A coordinator may override (Ctrl+G)."
        return f"{REFUSED} {why} {keys}{flag_text}", False
    override = " (override: " + escape(draft.override_reason) + ")" if draft.override_reason else ""
    if draft.units == 0:
        return (
            f"{EMPTY}{override} none of it is on the shelf: "
            f"swap an item (Ctrl+T) or ask a coordinator.{flag_text}",
            False,
        )
    return (
        f"{ELIGIBLE}{override}  {draft.units} units in {len(draft.lines)} lines. "
        f"Ctrl+S confirms and prints the slip.{flag_text}",
        True,
    )


def handed_out_text(code: str, units: int, *, printed_to: str | None) -> str:
    """What the counter says after a handout, until the next family: the slip and its units,
    and whether the slip is printing or where it printed."""
    printing = f"Slip printed: {escape(printed_to)}" if printed_to else "Printing the slip ..."
    return (
        f"[b]Slip {code}: {units} units handed out.[/b] {printing}\n"
        "Next family: scan the card or type a name."
    )


def refusal_line(message: str, title: str) -> str:
    """The last refusal, kept under the basket until the next scan ("" for none): reversed, so
    it reads as a stop without colour."""
    if not message:
        return ""
    label = f" {escape(title)}: " if title else " "
    return f"[b reverse] ×{label}[/] {message}"


def line_cells(line: DraftLine) -> tuple[str, str, str, str, str]:
    """Item, Give, Rules, Shelf and Note cells of one entitlement line."""
    name = escape(line.given.name)
    note = ""
    if line.substituted:
        note = f"for {line.entitled.item.name}"
    elif line.entitled.replaces is not None:
        note = f"for {line.entitled.replaces.name}"
    if line.available < line.entitled.quantity:
        note = "SHORT " + note if line.available else "OUT OF STOCK " + note
    give = f"{line.quantity} {line.given.unit}"
    return name, give, str(line.entitled.quantity), str(line.available), escape(note.strip())


def extras_line(draft: HandoutDraft, *, masked: bool) -> str:
    """What was left out for the diet, the proxy collector (masked like the family in privacy
    mode) and the note, on one or two lines."""
    parts = [f"Left out: {escape(why)}" for why in draft.entitlement.left_out]
    if draft.proxy_name:
        relation = f" ({escape(draft.proxy_relation)})" if draft.proxy_relation else ""
        proxy = mask_name(draft.proxy_name) if masked else draft.proxy_name
        parts.append(f"Collected by {escape(proxy)}{relation}")
    if draft.note:
        parts.append(f"Note: {escape(draft.note)}")
    return "   ".join(parts)


def round_line(distribution: DistributionRound | None, progress: RoundProgress | None) -> str:
    """The round on top of the counter: its name and days, and the tally so far."""
    if distribution is None:
        return "[b]No round is open today.[/b] A coordinator sets one up: `distro rounds add`."
    days = f"{distribution.starts_on:%d %b} - {distribution.ends_on:%d %b}"
    closed = "  [b]CLOSED[/b]" if distribution.closed_at is not None else ""
    tally = ""
    if progress is not None:
        waiting = f", {progress.waiting_at_exit} at the exit" if distribution.two_step else ""
        unprinted = (
            f"  [b reverse] {how_many(progress.never_printed, 'slip')} never printed: Ctrl+R [/]"
            if progress.never_printed
            else ""
        )
        tally = (
            f"  ·  [b]{progress.families_served}[/b] families, "
            f"[b]{progress.units_given}[/b] units{waiting}{unprinted}"
        )
    return f"[b]{escape(distribution.name)}[/b] ({days}){closed}{tally}"
