"""Provides ShapesHandout, the counter's keys that shape a handout before it is confirmed:
lower or raise a line, swap an item, name a proxy, add a note, and a coordinator's override.
Nothing here writes to the database; confirming is `counter_confirm`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import DataTable

from distro.domain.core.access import Permission
from distro.domain.core.clock import local_date
from distro.tui.base import DistroScreen, reading
from distro.tui.modals.ask import Answer, AskModal
from distro.tui.modals.counter_forms import ChoiceModal, Proxy, ProxyModal

if TYPE_CHECKING:
    from distro.domain.distribution.household_basket import ItemBrief
    from distro.domain.distribution.models import DistributionRound
    from distro.tui.counter_draft import HandoutDraft


class ShapesHandout(DistroScreen[None]):
    """The counter's keys; the screen that extends it draws (`redraw`, `show_draft`)."""

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's own name)
        super().__init__(id=id)
        self.round: DistributionRound | None = None
        self.draft: HandoutDraft | None = None

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
        from distro.domain.distribution.entitlement import usable_on_hand
        from distro.domain.distribution.handouts import substitutes_for

        if self.draft is None or not self.draft.lines:
            return
        row = self._row()
        entitled = self.draft.lines[row].entitled
        with reading(self.distro) as session:
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


def substitute_text(item: ItemBrief, on_shelf: int) -> str:
    """How a possible substitute is offered: its name and what is on the shelf."""
    return f"{item.name}  ({on_shelf} {item.unit} on the shelf)"
