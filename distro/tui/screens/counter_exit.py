"""Provides TakesSlips: choosing the round a counter hands out in (the Rounds screen), and a
slip scanned at the counter, whose bag a two-step round's exit desk hands over on Enter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from distro.domain.core.errors import DomainError
from distro.domain.distribution.slip_view import at_counter
from distro.tui.base import reading, writing
from distro.tui.modals.confirm import ConfirmModal
from distro.tui.screens.counter_confirm import ConfirmsHandout
from distro.tui.screens.counter_text import when

if TYPE_CHECKING:
    from distro.domain.distribution.models import DistributionRound
    from distro.domain.distribution.slips import SlipState


class TakesSlips(ConfirmsHandout):
    """The round's choice and the exit desk."""

    def action_pick_round(self) -> None:
        """Every round: choose the open one this counter hands out in, or look after them."""
        from distro.tui.screens.rounds import RoundsScreen

        def chosen(distribution: DistributionRound | None) -> None:
            if distribution is not None:
                self.round = distribution
                self.refresh_round()

        current = self.round.id if self.round is not None else None
        self.app.push_screen(RoundsScreen(current), callback=chosen)

    def take_slip(self, code: str) -> None:
        """A slip scanned at the counter: at the exit of a two-step round, hand over its bag
        (Enter confirms); otherwise say where the slip stands."""
        from distro.domain.distribution.slips import find_slip, why_not_collectable

        try:
            with reading(self.distro) as session:
                slip = find_slip(session, code)
        except DomainError as error:
            self.refuse(error, title="Slip")
            return
        refusal = why_not_collectable(slip, self.round.id if self.round else None)
        if refusal is not None:
            self.notify(refusal, title="Slip", severity="error", timeout=12)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._collect(slip.handout.code)

        question = f"Hand over the bag of slip {slip.handout.code}?"
        self.app.push_screen(ConfirmModal(question, _slip_words(slip)), callback=confirmed)

    def _collect(self, code: str) -> None:
        from distro.domain.distribution.slips import collect_slip

        try:
            with writing(self.distro) as session:
                collect_slip(
                    session,
                    code,
                    actor=self.distro.current_actor(),
                    now=self.distro.clock(),
                    round_id=self.round.id if self.round else None,
                )
        except DomainError as error:
            self.refuse(error, title="Slip", timeout=12)
            return
        self.notify(f"Slip {code}: bag handed over.")
        self.refresh_round()


def _slip_words(slip: SlipState) -> str:
    handout = slip.handout
    return (
        f"Slip {handout.code}, {slip.round_name}, family {slip.family_code}: "
        f"handed out {when(handout.handed_out_at)} {at_counter(handout.counter)}; {slip.state}."
    )
