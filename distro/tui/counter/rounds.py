"""Provides the Rounds screen (Ctrl+O at the counter): every round, newest first, with its
tally; choose the one the counter hands out in, set one up, close or reopen it, see who has not
collected at the exit, and open its basket's rules.

The rows are read in a worker each time the screen comes back (a round's tally is two grouped
queries, so fifty rounds take a moment on a long history).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.markup import escape

from distro.domain.core.access import Permission
from distro.domain.core.words import how_many
from distro.domain.distribution.models import Expected
from distro.domain.distribution.reports import round_progress
from distro.domain.distribution.rounds import all_rounds, round_list_size
from distro.tui.base import reading
from distro.tui.counter.round_form import RoundFormModal, close_after_asking, reopen
from distro.tui.counter.round_slips import RoundSlipsScreen
from distro.tui.counter.rules import RulesScreen
from distro.tui.stock.text import may_change
from distro.tui.widgets.list_screen import ListScreen

if TYPE_CHECKING:
    from distro.domain.distribution.models import DistributionRound
    from distro.domain.distribution.reports import RoundProgress

SHOWN = 50
"""Rounds listed: more than a year of weekly rounds."""


@dataclass(frozen=True)
class RoundRow:
    """A round and its tally; `listed` counts the families on a list round's list."""

    distribution: DistributionRound
    progress: RoundProgress
    listed: int | None

    @property
    def name(self) -> str:
        """The round's name."""
        return self.distribution.name


def days_text(distribution: DistributionRound) -> str:
    """A round's days in a short cell: "23-29 Nov", or "28/11-4/12" across two months."""
    start, end = distribution.starts_on, distribution.ends_on
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{end.day} {end:%b}"
    return f"{start.day}/{start.month}-{end.day}/{end.month}"


def round_detail(row: RoundRow) -> str:
    """The highlighted round in full: basket, dates, who, desks, tally and note."""
    distribution, progress = row.distribution, row.progress
    who = "every active family" if row.listed is None else f"a list of {row.listed} families"
    desks = (
        f"{progress.waiting_at_exit} slips waiting at the exit"
        if distribution.two_step
        else "handed over at the counter"
    )
    note = f"  Note: {escape(distribution.note)}" if distribution.note else ""
    unprinted = (
        f" [b]{how_many(progress.never_printed, 'slip')} never printed[/b] (Ctrl+R at the counter)."
        if progress.never_printed
        else ""
    )
    return (
        f"[b]{escape(distribution.name)}[/b]: basket {escape(distribution.basket)}, "
        f"{distribution.starts_on:%d %b %Y} to {distribution.ends_on:%d %b %Y}, for {who}, "
        f"{desks}.\n{progress.families_served} families served, {progress.units_given} units, "
        f"{progress.slips_voided} slips voided.{unprinted}{note}"
    )


class RoundsScreen(ListScreen["DistributionRound | None", RoundRow]):
    """Every round; dismisses with the open round the counter should hand out in."""

    COLUMNS = (
        ("Round", 21),
        ("Days", 11),
        ("Basket", 11),
        ("State", 6),
        ("2-step", 6),
        ("Served", 6),
        ("Exit", 4),
    )
    heading = "Rounds"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the counter", id="rounds-back"),
        Binding("a", "new_round", "New", tooltip="Set up a new round", id="new-round"),
        Binding("c", "close_round", "Close", tooltip="Stop handouts in it", id="close-round"),
        Binding("o", "reopen_round", "Reopen", tooltip="Open it again", id="reopen-round"),
        Binding("m", "missing", "Missing", tooltip="Slips not collected at the exit", id="missing"),
        Binding("b", "rules", "Rules", tooltip="What its basket gives", id="round-rules"),
    ]

    KEY_PERMISSIONS: ClassVar[dict[str, Permission]] = {
        "new_round": Permission.MANAGE_ROUNDS,
        "close_round": Permission.MANAGE_ROUNDS,
        "reopen_round": Permission.MANAGE_ROUNDS,
    }
    PALETTE_AREA = "rounds"
    PALETTE_TITLES: ClassVar[dict[str, str]] = {
        "new-round": "new round",
        "close-round": "close round",
        "reopen-round": "reopen round",
        "missing": "who is missing",
        "round-rules": "basket rules",
    }
    PALETTE_HIDDEN = frozenset({"rounds-back"})

    def __init__(self, current: int | None = None) -> None:
        super().__init__()
        self.current = current
        self.keep = current

    def read_rows(self) -> list[RoundRow]:
        rows = []
        with reading(self.distro) as session:
            for distribution in all_rounds(session, limit=SHOWN):
                assert distribution.id is not None
                listed = distribution.expected == Expected.LIST.value
                size = round_list_size(session, distribution.id) if listed else None
                rows.append(RoundRow(distribution, round_progress(session, distribution.id), size))
        return rows

    def cells(self, row: RoundRow) -> tuple[str, ...]:
        distribution, progress = row.distribution, row.progress
        return (
            row.name,
            days_text(distribution),
            distribution.basket,
            "closed" if distribution.closed_at else "open",
            "yes" if distribution.two_step else "-",
            str(progress.families_served),
            str(progress.waiting_at_exit) if distribution.two_step else "-",
        )

    def key(self, row: RoundRow) -> int:
        return row.progress.round_id

    def status(self) -> str:
        if not self.rows:
            return "No round is set up yet: A sets one up."
        current = next((row.name for row in self.rows if self.key(row) == self.current), "")
        where = f"The counter hands out in [b]{escape(current)}[/b]. " if current else ""
        return f"{where}Enter: hand out in the highlighted round instead."

    def detail(self, row: RoundRow) -> str:
        return round_detail(row)

    def choose(self) -> None:
        self.action_hand_out()

    def action_hand_out(self) -> None:
        """Back to the counter, handing out in the highlighted round (open ones only)."""
        row = self.highlighted
        if row is None:
            return
        if row.distribution.closed_at is not None:
            self.notify(
                f"{escape(row.name)} is closed: O reopens it, or choose an open round.",
                title="Rounds",
                severity="warning",
            )
            return
        self.dismiss(row.distribution)

    def action_new_round(self) -> None:
        """Set up a round (coordinators); it is open at once."""

        if may_change(self.distro, Permission.MANAGE_ROUNDS):
            self.app.push_screen(RoundFormModal(), self._created)

    def _created(self, distribution: DistributionRound | None) -> None:
        if distribution is not None:
            self.keep = distribution.id
            self._changed(f"{distribution.name} is set up and open.")

    def _changed(self, message: str | None) -> None:
        if message:
            self.notify(escape(message), title="Rounds")
        self.load()

    def action_close_round(self) -> None:
        """Stop handouts in the highlighted round, once the coordinator has confirmed."""

        row = self.highlighted
        if row is not None:
            close_after_asking(self.distro, row.distribution, self._changed)

    def action_reopen_round(self) -> None:
        """Open the highlighted round again, for a day added at the last minute."""

        row = self.highlighted
        if row is not None:
            reopen(self.distro, row.distribution, self._changed)

    def action_missing(self) -> None:
        """The highlighted round's slips not yet collected at the exit."""

        row = self.highlighted
        if row is None:
            return
        if not row.distribution.two_step:
            self.notify(
                f"{escape(row.name)} hands the bag over at the counter: nobody waits at the exit.",
                title="Rounds",
            )
            return
        self.app.push_screen(RoundSlipsScreen(self.key(row), row.name))

    def action_rules(self) -> None:
        """The rules of the highlighted round's basket."""

        row = self.highlighted
        if row is not None:
            self.app.push_screen(RulesScreen(row.distribution.basket))
