"""Provides HandoutShaping, the counter's keys that shape a handout before it is confirmed:
lower or raise a line, swap an item, name a proxy, add a note, and a coordinator's override.
Nothing here writes to the database; confirming is `counter/confirm.py`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from distro.domain.core.access import Permission
from distro.tui.base import reading
from distro.tui.counter.forms import ChoiceModal, Proxy, ProxyModal
from distro.tui.widgets.ask import Answer, AskModal

if TYPE_CHECKING:
    from distro.domain.distribution.household_basket import ItemBrief
    from distro.tui.counter.desk import CounterDesk


class HandoutShaping:
    """The counter's keys that change the draft on `desk`, and redraw it."""

    def __init__(self, desk: CounterDesk) -> None:
        self.desk = desk

    def change(self, step: int) -> None:
        """One more or one less of the line under the cursor."""
        desk = self.desk
        if desk.draft is None or not desk.draft.lines:
            return
        row = desk.line_row()
        refusal = desk.draft.change(row, step)
        desk.keep_refusal(escape(refusal or ""), "")
        desk.redraw(row)

    def substitute(self) -> None:
        """Offer items of the same category that fit the household's diet, with their stock."""
        from distro.domain.core.zone import counter_today
        from distro.domain.distribution.entitlement import usable_on_hand
        from distro.domain.distribution.handout_request import substitutes_for

        desk = self.desk
        draft = desk.draft
        if draft is None or not draft.lines:
            return
        row = desk.line_row()
        entitled = draft.lines[row].entitled
        with reading(desk.distro) as session:
            items = [entitled.item, *substitutes_for(session, entitled, draft.entitlement.dietary)]
            stock = usable_on_hand(
                session,
                [item.id for item in items],
                counter_today(session, desk.distro.clock()),
            )
        options = [substitute_text(item, stock.get(item.id, 0)) for item in items]

        def chosen(index: int | None) -> None:
            if index is not None and desk.draft is not None:
                item = items[index]
                desk.draft.substitute(row, item, stock.get(item.id, 0))
                desk.redraw(row)

        modal = ChoiceModal(f"Give instead of {entitled.item.name}", options)
        desk.distro.push_screen(modal, callback=chosen)

    def proxy(self) -> None:
        """Name who collects for the family (a neighbour, a caseworker)."""
        desk, draft = self.desk, self.desk.draft
        if draft is None:
            return

        def named(proxy: Proxy | None) -> None:
            if proxy is not None:
                draft.proxy_name, draft.proxy_relation = proxy.name, proxy.relation
                desk.redraw(desk.line_row())

        current = Proxy(draft.proxy_name, draft.proxy_relation)
        desk.distro.push_screen(ProxyModal(current), callback=named)

    def note(self) -> None:
        """A note kept with the handout (not printed on the slip)."""
        desk, draft = self.desk, self.desk.draft
        if draft is None:
            return

        def noted(answer: Answer | None) -> None:
            if answer is not None:
                draft.note = answer.reason
                desk.redraw(desk.line_row())

        explanation = "Kept with the handout, not printed on the slip. Empty clears it."
        modal = AskModal("Note on this handout", explanation, reason_required=False)
        desk.distro.push_screen(modal, callback=noted)

    def override(self) -> None:
        """A coordinator lets the family collect although a rule says no, with a reason."""
        desk, draft = self.desk, self.desk.draft
        if draft is None:
            return
        if not draft.entitlement.blockers:
            desk.distro.notify("The family is eligible; there is nothing to override.")
            return
        if not desk.distro.current_actor().may(Permission.OVERRIDE_HANDOUT):
            why = escape(" ".join(draft.entitlement.blockers))
            desk.keep_refusal(f"Only a coordinator may override: {why}", "")
            return

        def overridden(answer: Answer | None) -> None:
            if answer is not None:
                draft.override_reason = answer.reason
                desk.redraw(desk.line_row())

        why = " ".join(draft.entitlement.blockers)
        desk.distro.push_screen(AskModal("Hand out anyway?", why), callback=overridden)


def substitute_text(item: ItemBrief, on_shelf: int) -> str:
    """How a possible substitute is offered: its name and what is on the shelf."""
    return f"{item.name}  ({on_shelf} {item.unit} on the shelf)"
