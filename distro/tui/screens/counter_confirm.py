"""Provides ConfirmsHandout: Ctrl+S writes the handout in one transaction, the slip prints in
a worker, and Ctrl+R prints the last slip again.

A printer that is absent or out of paper never loses the handout: it is committed before the
slip is printed, and Ctrl+R prints it again (marked REPRINT) when the printer is back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Static

from distro.domain.core.errors import DomainError
from distro.tui.base import reading, writing
from distro.tui.screens.counter_actions import ShapesHandout

if TYPE_CHECKING:
    from distro.printing.slip_printers import SlipPrinter
    from distro.tui.counter_draft import HandoutDraft


class ConfirmsHandout(ShapesHandout):
    """Confirming, printing and reprinting at the counter."""

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's own name)
        super().__init__(id=id)
        self.last_handout_id: int | None = None
        self._printer: SlipPrinter | None = None

    def action_confirm(self) -> None:
        """Write the handout, its lines, stock movements and audit row in one transaction,
        then print its slip in a worker; a refusal writes nothing and says why."""
        from distro.domain.distribution.handouts import StockChanged, hand_out

        draft = self.draft
        if draft is None:
            return
        if draft.entitlement.blockers and not draft.override_reason:
            self.action_override()
            return
        try:
            with writing(self.distro) as session:
                done = hand_out(
                    session,
                    draft.request(),
                    actor=self.distro.current_actor(),
                    now=self.distro.clock(),
                    counter=self.distro.settings.counter,
                )
        except StockChanged as changed:
            self.refuse(changed, title="Nothing was handed out", timeout=15)
            self._reload(draft)
            return
        except DomainError as error:
            self.refuse(error, title="Nothing was handed out", timeout=12)
            return
        self.last_handout_id = done.handout_id
        self.handed_out(f"Slip {done.code}: {done.units} units handed out. Printing the slip ...")
        self.print_slip(done.handout_id)

    def handed_out(self, message: str) -> None:
        """After a confirmed handout: clear for the next family, keep the slip preview."""
        raise NotImplementedError

    def _reload(self, draft: HandoutDraft) -> None:
        """The entitlement again, as the shelves are now, keeping the proxy and the note."""
        from distro.domain.distribution.entitlement import family_entitlement
        from distro.tui.counter_draft import HandoutDraft

        if self.round is None:
            return
        with reading(self.distro) as session:
            fresh = family_entitlement(
                session, self.round, draft.entitlement.family_id, self.distro.clock()
            )
        again = HandoutDraft(fresh)
        again.proxy_name, again.proxy_relation = draft.proxy_name, draft.proxy_relation
        again.note, again.override_reason = draft.note, draft.override_reason
        self.show_draft(again)

    def action_reprint(self) -> None:
        """Print the last slip of this counter again, marked REPRINT."""
        if self.last_handout_id is None:
            self.notify("No slip printed at this counter yet; `distro slip CODE` reprints any.")
            return
        self.print_slip(self.last_handout_id)

    @work(thread=True, group="slips", exit_on_error=False)
    def print_slip(self, handout_id: int) -> None:
        """Render and print the slip off the UI thread; count the printing only once it
        printed, so a failed first print is not called a reprint."""
        from distro.domain.distribution.slips import mark_printed, slip_view
        from distro.printing.slip import PrinterError, slip_text

        with reading(self.distro) as session:
            view = slip_view(session, handout_id, self.distro.settings.organisation)
        self.app.call_from_thread(self._preview, slip_text(view))
        try:
            where = self._slip_printer().print_slip(view)
        except (PrinterError, ValueError) as error:
            self.app.call_from_thread(
                self.notify,
                f"{error} Ctrl+R reprints.",
                title="Slip not printed",
                severity="error",
                timeout=20,
            )
            return
        with writing(self.distro) as session:
            mark_printed(session, handout_id)
        self.app.call_from_thread(self.notify, f"Slip {view.code} printed: {where}")

    def _preview(self, text: str) -> None:
        self.query_one("#counter-slip", Static).update(text)

    def _slip_printer(self) -> SlipPrinter:
        """The printer the settings name, made once; PrinterError or ValueError when the
        setting is wrong (said at the first print, which stays on record to reprint)."""
        from distro.printing.slip import layout_named
        from distro.printing.slip_printers import slip_printer

        if self._printer is None:
            settings = self.distro.settings
            layout = layout_named(settings.slip_layout)
            self._printer = slip_printer(settings.slip_printer, settings.slips_dir, layout)
        return self._printer
