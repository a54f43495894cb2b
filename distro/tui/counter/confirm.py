"""Provides HandoutConfirming: Ctrl+S writes the handout in one transaction, the slip prints in
a worker, and Ctrl+R prints the last slip again.

A printer that is absent or out of paper never loses the handout: it is committed before the
slip is printed, and Ctrl+R prints it again (marked REPRINT) when the printer is back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from distro.domain.core.errors import DomainError
from distro.tui.base import reading, refuse, writing

if TYPE_CHECKING:
    from distro.printing.slip_printers import SlipPrinter
    from distro.tui.counter.desk import CounterDesk
    from distro.tui.counter.draft import HandoutDraft


class HandoutConfirming:
    """Confirming, printing and reprinting at the counter `desk`."""

    def __init__(self, desk: CounterDesk, ask_override: Callable[[], None]) -> None:
        self.desk = desk
        self.ask_override = ask_override
        self.last_handout_id: int | None = None
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
        self.last_handout_id = done.handout_id
        desk.handed_out(f"Slip {done.code}: {done.units} units handed out. Printing the slip ...")
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
        """Print the last slip of this counter again, marked REPRINT."""
        if self.last_handout_id is None:
            self.desk.distro.notify(
                "No slip printed at this counter yet; `distro slip CODE` reprints any."
            )
            return
        self.print_slip(self.last_handout_id)

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
            app.call_from_thread(
                app.notify,
                f"{error} Ctrl+R reprints.",
                title="Slip not printed",
                severity="error",
                timeout=20,
            )
            return
        with writing(app) as session:
            mark_printed(session, handout_id)
        app.call_from_thread(app.notify, f"Slip {view.code} printed: {where}")

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
