"""Provides ShapesHandout, the counter's actions: lower or raise a line, swap an item, name a
proxy, add a note, override, confirm (one transaction), print the slip in a worker, reprint,
choose the round, and take a slip scanned at the exit.

A printer that is absent or out of paper never loses the handout: it is committed before the
slip is printed, and Ctrl+R prints it again (marked REPRINT) when the printer is back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen
from textual.widgets import DataTable, Static

from distro.domain.access import Permission
from distro.tui.modals.ask import Answer, AskModal
from distro.tui.modals.confirm import ConfirmModal
from distro.tui.modals.counter_forms import ChoiceModal, Proxy, ProxyModal
from distro.tui.screens.counter_text import when

if TYPE_CHECKING:
    from distro.domain.entitlement import ItemBrief
    from distro.domain.handout_models import DistributionRound
    from distro.domain.slips import SlipState
    from distro.printing.slip_printers import SlipPrinter
    from distro.tui.app import DistroApp
    from distro.tui.counter_draft import HandoutDraft


class ShapesHandout(Screen[None]):
    """The counter's keys; the screen that extends it draws (`redraw`, `show_draft`)."""

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's own name)
        super().__init__(id=id)
        self.round: DistributionRound | None = None
        self.draft: HandoutDraft | None = None
        self.last_handout_id: int | None = None
        self._printer: SlipPrinter | None = None

    @property
    def distro(self) -> DistroApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def redraw(self, row: int = 0) -> None:
        """Draw the current draft again."""
        raise NotImplementedError

    def show_draft(self, draft: HandoutDraft, row: int = 0) -> None:
        """Show a family's entitlement as a new draft."""
        raise NotImplementedError

    def refresh_round(self) -> None:
        """Read the round again, and its tally."""
        raise NotImplementedError

    def _row(self) -> int:
        return self.query_one("#counter-lines", DataTable).cursor_row

    # Shaping -----------------------------------------------------------------------------

    def action_change(self, step: int) -> None:
        """One more or one less of the line under the cursor."""
        if self.draft is None or not self.draft.lines:
            return
        row = self._row()
        refusal = self.draft.change(row, step)
        if refusal:
            self.notify(refusal, severity="warning")
        self.redraw(row)

    def action_substitute(self) -> None:
        """Offer items of the same category that fit the household's diet, with their stock."""
        from distro.domain.clock import local_date
        from distro.domain.db import reading
        from distro.domain.entitlement import usable_on_hand
        from distro.domain.handouts import substitutes_for

        if self.draft is None or not self.draft.lines:
            return
        row = self._row()
        entitled = self.draft.lines[row].entitled
        with reading(self.distro.engine) as session:
            items = [
                entitled.item,
                *substitutes_for(session, entitled, self.draft.entitlement.dietary),
            ]
            stock = usable_on_hand(
                session, [item.id for item in items], local_date(self.distro.clock())
            )
        options = [substitute_text(item, stock.get(item.id, 0)) for item in items]

        def chosen(index: int | None) -> None:
            if index is not None and self.draft is not None:
                item = items[index]
                self.draft.substitute(row, item, stock.get(item.id, 0))
                self.redraw(row)

        self.app.push_screen(
            ChoiceModal(f"Give instead of {entitled.item.name}", options), callback=chosen
        )

    def action_proxy(self) -> None:
        """Name who collects for the family (a neighbour, a caseworker)."""
        draft = self.draft
        if draft is None:
            return

        def named(proxy: Proxy | None) -> None:
            if proxy is not None:
                draft.proxy_name, draft.proxy_relation = proxy.name, proxy.relation
                self.redraw(self._row())

        current = Proxy(draft.proxy_name, draft.proxy_relation)
        self.app.push_screen(ProxyModal(current), callback=named)

    def action_note(self) -> None:
        """A note kept with the handout (not printed on the slip)."""
        draft = self.draft
        if draft is None:
            return

        def noted(answer: Answer | None) -> None:
            if answer is not None:
                draft.note = answer.reason
                self.redraw(self._row())

        explanation = "Kept with the handout, not printed on the slip. Empty clears it."
        modal = AskModal("Note on this handout", explanation, reason_required=False)
        self.app.push_screen(modal, callback=noted)

    def action_override(self) -> None:
        """A coordinator lets the family collect although a rule says no, with a reason."""
        draft = self.draft
        if draft is None:
            return
        if not draft.entitlement.blockers:
            self.notify("The family is eligible; there is nothing to override.")
            return
        if not self.distro.current_actor().may(Permission.OVERRIDE_HANDOUT):
            self.notify(
                "Only a coordinator may override: " + " ".join(draft.entitlement.blockers),
                severity="warning",
                timeout=10,
            )
            return

        def overridden(answer: Answer | None) -> None:
            if answer is not None:
                draft.override_reason = answer.reason
                self.redraw(self._row())

        why = " ".join(draft.entitlement.blockers)
        self.app.push_screen(AskModal("Hand out anyway?", why), callback=overridden)

    # Confirming and printing -------------------------------------------------------------

    def action_confirm(self) -> None:
        """Write the handout, its lines, stock movements and audit row in one transaction,
        then print its slip in a worker; a refusal writes nothing and says why."""
        from distro.domain.db import unit_of_work
        from distro.domain.errors import DomainError
        from distro.domain.handouts import StockChanged, hand_out

        draft = self.draft
        if draft is None:
            return
        if draft.entitlement.blockers and not draft.override_reason:
            self.action_override()
            return
        try:
            with unit_of_work(self.distro.engine) as session:
                done = hand_out(
                    session,
                    draft.request(),
                    actor=self.distro.current_actor(),
                    now=self.distro.clock(),
                    counter=self.distro.settings.counter,
                )
        except StockChanged as changed:
            self.notify(str(changed), title="Nothing was handed out", severity="error", timeout=15)
            self._reload(draft)
            return
        except DomainError as error:
            self.notify(str(error), title="Nothing was handed out", severity="error", timeout=12)
            return
        self.last_handout_id = done.handout_id
        self.handed_out(f"Slip {done.code}: {done.units} units handed out. Printing the slip ...")
        self.print_slip(done.handout_id)

    def handed_out(self, message: str) -> None:
        """After a confirmed handout: clear for the next family, keep the slip preview."""
        raise NotImplementedError

    def _reload(self, draft: HandoutDraft) -> None:
        """The entitlement again, as the shelves are now, keeping the proxy and the note."""
        from distro.domain.db import reading
        from distro.domain.entitlement import family_entitlement
        from distro.tui.counter_draft import HandoutDraft

        if self.round is None:
            return
        with reading(self.distro.engine) as session:
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
        from distro.domain.db import reading, unit_of_work
        from distro.domain.slips import mark_printed, slip_view
        from distro.printing.slip import PrinterError, slip_text

        with reading(self.distro.engine) as session:
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
        with unit_of_work(self.distro.engine) as session:
            mark_printed(session, handout_id)
        self.app.call_from_thread(self.notify, f"Slip {view.code} printed: {where}")

    def _preview(self, text: str) -> None:
        self.query_one("#counter-slip", Static).update(text)

    def _slip_printer(self) -> SlipPrinter:
        from distro.printing.slip import SlipLayout
        from distro.printing.slip_printers import slip_printer

        if self._printer is None:
            settings = self.distro.settings
            layout = (
                SlipLayout(settings.slip_layout)
                if settings.slip_layout in set(SlipLayout)
                else SlipLayout.RECEIPT
            )
            self._printer = slip_printer(settings.slip_printer, settings.slips_dir, layout)
        return self._printer

    # Rounds and slips scanned at the exit -------------------------------------------------

    def action_pick_round(self) -> None:
        """Choose which open round this counter hands out in."""
        from distro.domain.db import reading
        from distro.domain.rounds import open_rounds

        with reading(self.distro.engine) as session:
            rounds = open_rounds(session)
        if not rounds:
            self.notify("No round is open: a coordinator sets one up with `distro rounds add`.")
            return
        options = [
            f"{r.name}  ({r.starts_on:%d %b} - {r.ends_on:%d %b}"
            + (", two-step)" if r.two_step else ")")
            for r in rounds
        ]

        def chosen(index: int | None) -> None:
            if index is not None:
                self.round = rounds[index]
                self.refresh_round()

        self.app.push_screen(ChoiceModal("Hand out in which round?", options), callback=chosen)

    def take_slip(self, code: str) -> None:
        """A slip scanned at the counter: at the exit of a two-step round, hand over its bag
        (Enter confirms); otherwise say where the slip stands."""
        from distro.domain.db import reading
        from distro.domain.errors import DomainError
        from distro.domain.slips import find_slip, why_not_collectable

        try:
            with reading(self.distro.engine) as session:
                slip = find_slip(session, code)
        except DomainError as error:
            self.notify(str(error), title="Slip", severity="error")
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
        from distro.domain.db import unit_of_work
        from distro.domain.errors import DomainError
        from distro.domain.slips import collect_slip

        try:
            with unit_of_work(self.distro.engine) as session:
                collect_slip(
                    session,
                    code,
                    actor=self.distro.current_actor(),
                    now=self.distro.clock(),
                    round_id=self.round.id if self.round else None,
                )
        except DomainError as error:
            self.notify(str(error), title="Slip", severity="error", timeout=12)
            return
        self.notify(f"Slip {code}: bag handed over.")
        self.refresh_round()


def _slip_words(slip: SlipState) -> str:
    handout = slip.handout
    return (
        f"Slip {handout.code}, {slip.round_name}, family {slip.family_code}: "
        f"handed out {when(handout.handed_out_at)} at counter {handout.counter}; {slip.state}."
    )


def substitute_text(item: ItemBrief, on_shelf: int) -> str:
    """How a possible substitute is offered: its name and what is on the shelf."""
    return f"{item.name}  ({on_shelf} {item.unit} on the shelf)"
