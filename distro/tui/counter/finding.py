"""Provides FamilyFinding: how the counter finds the next family. A card scanned or typed, or a
name typed and one of the families found chosen with Up/Down and Enter; a product's barcode
typed by hand is routed like a scan. Whatever replaces a basket the volunteer changed asks
first (`unless_basket_edited`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.markup import escape

from distro.domain.core.codes import Code
from distro.domain.core.errors import DomainError
from distro.tui.base import reading
from distro.tui.scanning import looks_scannable
from distro.tui.widgets.confirm import ConfirmModal

if TYPE_CHECKING:
    from distro.domain.families.search import FamilyHit
    from distro.tui.counter.desk import CounterDesk

SEARCH_LIMIT = 12
"""Families a typed name lists at most: more means typing more of the name."""


class FamilyFinding:
    """Finding the next family for the counter `desk`; `hits` are the families a typed name
    found, while they are listed."""

    def __init__(self, desk: CounterDesk) -> None:
        self.desk = desk
        self.hits: list[FamilyHit] = []

    def typed(self, value: str) -> None:
        """Enter on the scan line: a code opens what it names, a name lists the families it
        finds, and an empty line chooses the family highlighted among those listed."""
        typed = value.strip()
        desk = self.desk
        if not typed:
            if desk.draft is None and self.hits:
                self.choose(desk.lines.cursor_row)
            return
        if looks_scannable(typed):  # a code or a product's barcode, typed by hand
            desk.scan_line.value = ""  # a refusal names it; the next code starts afresh
            desk.distro.handle_scan(typed, clear_field=False)
        else:
            self.unless_basket_edited(lambda: self._search(typed))

    def choose(self, row: int) -> None:
        """The family on row `row` of those listed."""
        if self.desk.draft is None and self.hits:
            self.show_family(self.hits[row].family_id)

    def show_card(self, code: Code) -> None:
        """A scanned or typed family card: its entitlement in the counter's round (asking
        first when the basket on screen was changed and not handed out)."""
        self.unless_basket_edited(lambda: self._show_entitlement(code))

    def show_family(self, family_id: int) -> None:
        """A family chosen from those listed: its entitlement in the counter's round."""
        self._show_entitlement(family_id)

    def unless_basket_edited(self, then: Callable[[], object]) -> None:
        """Do `then`, which drops the basket on screen: at once when it is as the rules made
        it, after asking when the volunteer changed it."""
        desk = self.desk
        draft = desk.draft
        if draft is None or not draft.edited:
            then()
            return

        def answered(drop: bool | None) -> None:
            if drop:
                then()
            else:
                desk.scan_line.value = ""

        question = f"Drop the changes to {draft.entitlement.family_code}'s basket?"
        details = (
            "You changed this basket and it is not handed out yet. Enter drops the changes; "
            "Esc keeps the basket on screen (Ctrl+S hands it out)."
        )
        desk.distro.push_screen(ConfirmModal(question, details), callback=answered)

    def _search(self, query: str) -> None:
        from distro.domain.families.search import search_families

        desk = self.desk
        desk.keep_refusal("", "")
        with reading(desk.distro) as session:
            self.hits = search_families(session, query, limit=SEARCH_LIMIT)
        if len(self.hits) == 1:
            self.show_family(self.hits[0].family_id)
            return
        desk.draft = None
        desk.scan_line.value = ""
        desk.lines.show_hits(self.hits, masked=desk.distro.privacy.on)
        desk.refresh_bindings()
        found = f"{len(self.hits)} found: Up/Down, then Enter to choose." if self.hits else ""
        desk.say(found or f"No family matches {escape(query)!r}.", "", "")

    def _show_entitlement(self, family: Code | int) -> None:
        from distro.domain.distribution.entitlement import entitlement_for_code, family_entitlement
        from distro.tui.counter.draft import HandoutDraft

        desk = self.desk
        desk.scan_line.value = ""
        if desk.round is None:
            desk.keep_refusal(
                "No round is open today: a coordinator sets one up (Ctrl+O, Rounds).", "Counter"
            )
            return
        now = desk.distro.clock()
        try:
            with reading(desk.distro) as session:
                entitlement = (
                    entitlement_for_code(session, desk.round, family, now)
                    if isinstance(family, Code)
                    else family_entitlement(session, desk.round, family, now)
                )
        except DomainError as error:
            desk.keep_refusal(escape(str(error)), "Counter")
            return
        desk.show_draft(HandoutDraft(entitlement))
