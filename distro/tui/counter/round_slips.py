"""Provides "who is missing": a two-step round's slips whose bag was not collected at the exit,
the longest wait first, and voiding one (its stock goes back on the shelf)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.markup import escape

from distro.domain.core.access import Permission
from distro.domain.core.errors import DomainError
from distro.domain.core.zone import ngo_zone
from distro.domain.distribution.reports import uncollected_slips
from distro.domain.distribution.slips import void_slip
from distro.tui.base import reading, writing
from distro.tui.counter.text import when
from distro.tui.stock.text import may_change
from distro.tui.widgets.ask import Answer, AskModal
from distro.tui.widgets.list_screen import ListScreen

if TYPE_CHECKING:
    from datetime import tzinfo

    from distro.domain.distribution.reports import UncollectedSlip

SHOWN = 500
"""Slips listed at once: more than a hall holds."""


class RoundSlipsScreen(ListScreen[None, "UncollectedSlip"]):
    """The bags waiting at the exit: who to look for in the hall, or whose slip to void."""

    COLUMNS = (
        ("Slip", 12),
        ("Family", 12),
        ("Size", 4),
        ("Handed out", 12),
        ("Counter", 16),
    )
    heading = "Missing"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the rounds", id="slips-back"),
        Binding(
            "v",
            "void",
            "Void",
            tooltip="Coordinator: void the slip, its stock goes back on the shelf",
            id="void-slip",
        ),
    ]

    KEY_PERMISSIONS: ClassVar[dict[str, Permission]] = {"void": Permission.VOID_SLIPS}
    PALETTE_AREA = "slips"
    PALETTE_TITLES: ClassVar[dict[str, str]] = {
        "void-slip": "void slip",
    }
    PALETTE_HIDDEN = frozenset({"slips-back"})

    zone: tzinfo
    """The NGO's clock, read with the rows."""

    def __init__(self, round_id: int, round_name: str) -> None:
        super().__init__()
        self.round_id = round_id
        self.round_name = round_name

    def read_rows(self) -> list[UncollectedSlip]:
        with reading(self.distro) as session:
            self.zone = ngo_zone(session)
            return uncollected_slips(session, self.round_id, limit=SHOWN)

    def cells(self, row: UncollectedSlip) -> tuple[str, ...]:
        return (
            row.code,
            row.family_code,
            str(row.household_size),
            when(row.handed_out_at, self.zone),
            row.counter,
        )

    def key(self, row: UncollectedSlip) -> object:
        return row.code

    def status(self) -> str:
        count = f"{len(self.rows)}{'+' if len(self.rows) >= SHOWN else ''}"
        if not self.rows:
            return f"[b]{escape(self.round_name)}[/b]: no slip is waiting at the exit."
        return (
            f"[b]{count}[/b] slips of [b]{escape(self.round_name)}[/b] waiting at the exit, "
            "the longest wait first."
        )

    def detail(self, row: UncollectedSlip) -> str:
        return (
            f"Look for family [b]{row.family_code}[/b] (household of {row.household_size}), slip "
            f"{row.code}.\nV voids the slip if they will not come back: its stock goes back "
            "on the shelf."
        )

    def action_void(self) -> None:
        """Ask why, then void the highlighted slip (coordinators)."""
        slip = self.highlighted
        if slip is None or not may_change(self.distro, Permission.VOID_SLIPS):
            return
        explanation = (
            f"Family {slip.family_code} has not collected the bag of slip {slip.code}. Voiding "
            "puts its stock back on the shelf, and the family may collect again in this round."
        )
        self.app.push_screen(
            AskModal(f"Void slip {slip.code}?", explanation),
            lambda answer: self._void(slip.code, answer) if answer else None,
        )

    def _void(self, code: str, answer: Answer) -> None:
        try:
            with writing(self.distro) as session:
                units = void_slip(
                    session,
                    code,
                    answer.reason,
                    actor=self.distro.current_actor(),
                    now=self.distro.clock(),
                )
        except DomainError as refusal:
            self.refuse(refusal, title="Slip", timeout=8)
            return
        self.notify(f"Slip {code} voided: {units} units are back on the shelf.", title="Slip")
        self.load()
