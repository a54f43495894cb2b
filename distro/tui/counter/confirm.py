"""Provides HandoutConfirming: Ctrl+S writes the handout in one transaction, the slip prints in
a worker, and Ctrl+R prints a slip again: the family's on screen, a scanned slip's, or one of
the round's that never printed.

A printer that is absent or out of paper never loses the handout: it is committed before the
slip is printed, and Ctrl+R prints it again (marked REPRINT) when the printer is back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from functools import partial
from typing import TYPE_CHECKING

from rich.markup import escape

from distro.domain.core.errors import DomainError
from distro.tui.base import reading, refuse, writing
from distro.tui.counter.forms import ChoiceModal
from distro.tui.counter.text import when

if TYPE_CHECKING:
    from distro.domain.distribution.reprints import SlipToReprint
    from distro.printing.slip_printers import SlipPrinter
    from distro.tui.counter.desk import CounterDesk
    from distro.tui.counter.draft import HandoutDraft


class HandoutConfirming:
    """Confirming, printing and reprinting at the counter `desk`."""

    def __init__(self, desk: CounterDesk, ask_override: Callable[[], None]) -> None:
        self.desk = desk
        self.ask_override = ask_override
        self.slip_on_screen: str | None = None
        """A slip scanned at the counter, which Ctrl+R prints again while no family is shown."""
        self._printer: SlipPrinter | None = None

    def confirm(self) -> None:
        """Write the handout, its lines, stock movements and audit row in one transaction,
        then print its slip in a worker; a refusal writes nothing and says why."""
        from distro.domain.distribution.handouts import StockChanged, hand_out

        desk, draft = self.desk, self.desk.draft
        if draft is None:
            return
        if draft.entitlement.blockers and not draft.override_reason:
            self.ask_override()
            return
        app = desk.distro
        try:
            with writing(app) as session:
                done = hand_out(
                    session,
                    draft.request(),
                    actor=app.current_actor(),
                    now=app.clock(),
                    counter=app.settings.counter,
                )
        except StockChanged as changed:
            refuse(app, changed, title="Nothing was handed out", timeout=15)
            self._reload(draft)
            return
        except DomainError as error:
            refuse(app, error, title="Nothing was handed out", timeout=12)
            return
        desk.handed_out(done.code, done.units)
        self.print_slip(done.handout_id)

    def _reload(self, draft: HandoutDraft) -> None:
        """The entitlement again, as the shelves are now, keeping the proxy and the note."""
        from distro.domain.distribution.entitlement import family_entitlement
        from distro.tui.counter.draft import HandoutDraft

        desk = self.desk
        if desk.round is None:
            return
        with reading(desk.distro) as session:
            fresh = family_entitlement(
                session, desk.round, draft.entitlement.family_id, desk.distro.clock()
            )
        again = HandoutDraft(fresh)
        again.proxy_name, again.proxy_relation = draft.proxy_name, draft.proxy_relation
        again.note, again.override_reason = draft.note, draft.override_reason
        desk.show_draft(again)

    def reprint(self) -> None:
        """Ctrl+R: the slip of the family on screen when it collected in this round, or of
        the slip just scanned; otherwise a choice of the round's slips never printed and this
        counter's latest."""
        desk = self.desk
        draft = desk.draft
        if draft is not None and draft.entitlement.previous is not None:
            self.reprint_code(draft.entitlement.previous.code)
        elif draft is None and self.slip_on_screen is not None:
            self.reprint_code(self.slip_on_screen)
        else:
            self._choose_slip()

    def reprint_code(self, code: str) -> None:
        """Print the slip `code` again (marked REPRINT once it has printed before)."""
        from distro.domain.distribution.slips import find_slip

        app = self.desk.distro
        try:
            with reading(app) as session:
                handout_id = find_slip(session, code).handout.id
        except DomainError as error:
            self.desk.keep_refusal(escape(str(error)), "Reprint")
            return
        assert handout_id is not None
        self.print_slip(handout_id)

    def _choose_slip(self) -> None:
        from distro.domain.core.zone import ngo_zone
        from distro.domain.distribution.reprints import slips_to_reprint

        desk, app = self.desk, self.desk.distro
        if desk.round is None or desk.round.id is None:
            desk.keep_refusal("No round is open: there is no slip to print again.", "Reprint")
            return
        with reading(app) as session:
            slips = slips_to_reprint(session, desk.round.id, app.settings.counter)
            zone = ngo_zone(session)
        if not slips:
            desk.keep_refusal(
                "No slip of this round is waiting to print, and none printed at this counter "
                "yet: scan the family's card or the slip, then Ctrl+R.",
                "Reprint",
            )
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.print_slip(slips[index].handout_id)

        explanation = "Slips that never printed come first. Or scan the family's card or slip."
        choices = [reprint_text(slip, zone) for slip in slips]
        modal = ChoiceModal("Print which slip again?", choices, explanation)
        app.push_screen(modal, callback=chosen)

    def print_slip(self, handout_id: int) -> None:
        """Print the slip in a worker: rendering and the printer may take a while."""
        work = partial(self._print_slip, handout_id)
        self.desk.run_worker(work, thread=True, group="slips", exit_on_error=False)

    def _print_slip(self, handout_id: int) -> None:
        """Render and print the slip off the UI thread; count the printing only once it
        printed, so a failed first print is not called a reprint."""
        from distro.domain.distribution.slips import mark_printed, slip_view
        from distro.printing.slip import PrinterError, slip_text

        app = self.desk.distro
        with reading(app) as session:
            view = slip_view(session, handout_id, app.settings.organisation)
        app.call_from_thread(self.desk.preview_slip, slip_text(view))
        try:
            where = self._slip_printer().print_slip(view)
        except (PrinterError, ValueError) as error:
            why = escape(f"{str(error).rstrip('.')}. Ctrl+R prints it again.")
            app.call_from_thread(self.desk.keep_refusal, why, f"Slip {view.code} not printed")
            app.call_from_thread(self.desk.refresh_round)  # its tally counts slips not printed
            return
        with writing(app) as session:
            mark_printed(session, handout_id)
        app.call_from_thread(self.desk.slip_printed, view.code, where)

    def _slip_printer(self) -> SlipPrinter:
        """The printer the settings name, made once; PrinterError or ValueError when the
        setting is wrong (said at the first print, which stays on record to reprint)."""
        from distro.printing.slip import layout_named
        from distro.printing.slip_printers import slip_printer

        if self._printer is None:
            settings = self.desk.distro.settings
            layout = layout_named(settings.slip_layout)
            self._printer = slip_printer(settings.slip_printer, settings.slips_dir, layout)
        return self._printer


def reprint_text(slip: SlipToReprint, zone: tzinfo) -> str:
    """One slip as Ctrl+R offers it: code, family, when and where, and whether it printed."""
    printed = "" if slip.printed else "  NEVER PRINTED"
    at = when(slip.handed_out_at, zone)
    return f"{slip.code}  {slip.family_code}  {at}  {slip.counter}{printed}"
