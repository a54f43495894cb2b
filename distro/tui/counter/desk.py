"""Provides CounterDesk: what the counter's helpers (finding, shaping, confirming, the exit
desk) use of the Counter screen, so each is a small object the screen owns rather than a base
class."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from distro.tui.base import RunsWorkers

if TYPE_CHECKING:
    from textual.widgets import Input

    from distro.domain.distribution.models import DistributionRound
    from distro.tui.base import Distro
    from distro.tui.counter.draft import HandoutDraft
    from distro.tui.counter.lines import LinesTable


class CounterDesk(RunsWorkers, Protocol):
    """The Counter screen as its helpers see it: the round, the draft, and how to draw."""

    round: DistributionRound | None
    draft: HandoutDraft | None

    @property
    def distro(self) -> Distro:
        """The app."""

    @property
    def scan_line(self) -> Input:
        """Where every printable key goes while the counter is shown."""

    @property
    def lines(self) -> LinesTable:
        """The basket's lines, or the families a typed name found."""

    def say(self, family: str, eligibility: str, extras: str) -> None:
        """Show the lines above and below the basket."""

    def refresh_bindings(self) -> None:
        """Show again which keys do something now."""

    def line_row(self) -> int:
        """The row of the line under the cursor."""

    def redraw(self, row: int = 0) -> None:
        """Draw the current draft again."""

    def show_draft(self, draft: HandoutDraft, row: int = 0) -> None:
        """Show a family's entitlement as a new draft."""

    def refresh_round(self) -> None:
        """Read the round again, and its tally."""

    def handed_out(self, code: str, units: int) -> None:
        """After a confirmed handout: clear for the next family, keep the slip preview."""

    def keep_refusal(self, message: str, title: str) -> None:
        """Keep a refusal (Rich markup) on screen until the next scan ("" clears it)."""

    def slip_printed(self, code: str, where: str) -> None:
        """Say that slip `code` printed, and where."""

    def preview_slip(self, text: str) -> None:
        """Show the slip as text under the lines."""
