"""Provides choosing the round a counter hands out in (the Rounds screen), and ExitDesk: a slip
scanned at the counter, whose bag a two-step round's exit desk hands over on Enter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from distro.domain.core.codes import Code
from distro.domain.core.errors import DomainError
from distro.domain.distribution.slip_view import at_counter
from distro.tui.base import reading, refuse, writing
from distro.tui.counter.text import when
from distro.tui.widgets.confirm import ConfirmModal

if TYPE_CHECKING:
    from datetime import tzinfo

    from distro.domain.distribution.models import DistributionRound
    from distro.domain.distribution.slips import SlipState
    from distro.tui.counter.desk import CounterDesk


def choose_round(desk: CounterDesk) -> None:
    """Every round: choose the open one this counter hands out in, or look after them."""
    from distro.tui.counter.rounds import RoundsScreen

    def chosen(distribution: DistributionRound | None) -> None:
        if distribution is not None:
            desk.round = distribution
            desk.refresh_round()

    current = desk.round.id if desk.round is not None else None
    desk.distro.push_screen(RoundsScreen(current), callback=chosen)


class ExitDesk:
    """Slips scanned at the counter `desk`."""

    def __init__(self, desk: CounterDesk) -> None:
        self.desk = desk

    def take_slip(self, code: Code) -> None:
        """A slip scanned at the counter: at the exit of a two-step round, hand over its bag
        (Enter confirms); otherwise say where the slip stands."""
        from distro.domain.core.zone import ngo_zone
        from distro.domain.distribution.slips import find_slip, why_not_collectable

        app = self.desk.distro
        try:
            with reading(app) as session:
                slip = find_slip(session, code)
                zone = ngo_zone(session)
        except DomainError as error:
            refuse(app, error, title="Slip")
            return
        refusal = why_not_collectable(slip, zone, self._round_id())
        if refusal is not None:
            self.desk.keep_refusal(f"{escape(refusal)} Ctrl+R prints it again.", "Slip")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._collect(slip.handout.code)

        question = f"Hand over the bag of slip {slip.handout.code}?"
        app.push_screen(ConfirmModal(question, _slip_words(slip, zone)), callback=confirmed)

    def _round_id(self) -> int | None:
        return self.desk.round.id if self.desk.round else None

    def _collect(self, code: str) -> None:
        from distro.domain.distribution.slips import collect_slip

        app = self.desk.distro
        try:
            with writing(app) as session:
                collect_slip(
                    session,
                    code,
                    actor=app.current_actor(),
                    now=app.clock(),
                    round_id=self._round_id(),
                )
        except DomainError as error:
            refuse(app, error, title="Slip", timeout=12)
            return
        app.notify(f"Slip {code}: bag handed over.")
        self.desk.refresh_round()


def _slip_words(slip: SlipState, zone: tzinfo) -> str:
    handout = slip.handout
    return (
        f"Slip {handout.code}, {slip.round_name}, family {slip.family_code}: "
        f"handed out {when(handout.handed_out_at, zone)} {at_counter(handout.counter)}; "
        f"{slip.state}."
    )
