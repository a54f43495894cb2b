"""Provides the Counter area: scan or find a family, see at once what it may collect, shape the
handout, confirm with Ctrl+S, and the slip prints while the next family is scanned.

Reading the entitlement and writing the handout run on the UI thread: each is a handful of
indexed statements (a few milliseconds), and a hop to a worker and back would cost the queue
more. Printing, which may wait on a device, runs in a worker (`counter/confirm.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from distro.domain.core.codes import Code, looks_like_code
from distro.domain.core.errors import DomainError
from distro.domain.families.masks import mask_name
from distro.tui.base import UsesDistro, reading
from distro.tui.counter.actions import HandoutShaping
from distro.tui.counter.confirm import HandoutConfirming
from distro.tui.counter.exit import ExitDesk, choose_round
from distro.tui.counter.keys import COUNTER_BINDINGS, COUNTER_PALETTE_TITLES, LINE_KEYS
from distro.tui.counter.text import (
    eligibility_line,
    extras_line,
    family_panel,
    line_cells,
    round_line,
)
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from distro.domain.distribution.models import DistributionRound
    from distro.domain.distribution.reports import RoundProgress
    from distro.domain.families.search import FamilyHit
    from distro.tui.counter.draft import HandoutDraft


class CounterScreen(UsesDistro, Screen[None]):
    """One family at a time: its entitlement, then its slip; the round's tally on top."""

    CSS_PATH = "../styles/counter.tcss"

    BINDINGS: ClassVar[list[BindingType]] = COUNTER_BINDINGS
    PALETTE_AREA = "counter"
    PALETTE_TITLES = COUNTER_PALETTE_TITLES
    PALETTE_HIDDEN = frozenset({"counter-search-key", "counter-list"})

    def __init__(self) -> None:
        super().__init__(id="counter-screen")
        self.round: DistributionRound | None = None
        self.draft: HandoutDraft | None = None
        self._hits: list[FamilyHit] = []
        self.shaping = HandoutShaping(self)
        self.confirming = HandoutConfirming(self, ask_override=self.shaping.override)
        self.exit_desk = ExitDesk(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="counter-round")
        yield Input(
            placeholder="Scan a card, or type a name or code and Enter",
            id="counter-search",
            max_length=80,
        )
        yield Static("", id="counter-family")
        yield Static("", id="counter-eligibility")
        table: DataTable[str] = DataTable(id="counter-lines", cursor_type="row")
        yield table
        yield Static("", id="counter-extras")
        yield Static("", id="counter-slip")
        yield CounterFooter()

    def on_mount(self) -> None:
        self._show_nothing()

    def on_screen_resume(self) -> None:
        """Coming back to the counter: the round may have been set up or closed meanwhile, and
        another volunteer may have signed in (who must not see the last family)."""
        self.refresh_round()

    def refresh_round(self) -> None:
        """Read the round this counter hands out in now; its tally follows from a worker."""
        from distro.domain.distribution.rounds import current_round, get_round

        with reading(self.distro) as session:
            chosen = self.round.id if self.round is not None else None
            if chosen is None:
                self.round = current_round(session, self.distro.clock())
            else:
                self.round = get_round(session, chosen)
        self.query_one("#counter-round", Static).update(round_line(self.round, None))
        if self.round is not None and self.round.id is not None:
            self.count_round(self.round.id)

    @work(thread=True, exclusive=True, group="tally", exit_on_error=False)
    def count_round(self, round_id: int) -> None:
        """The round's tally, off the UI thread: it sums every line of the round, which on a
        big round takes longer than the queue should wait for the next family."""
        from distro.domain.distribution.reports import round_progress

        with reading(self.distro) as session:
            progress = round_progress(session, round_id)
        self.app.call_from_thread(self._show_tally, round_id, progress)

    def _show_tally(self, round_id: int, progress: RoundProgress) -> None:
        if self.round is not None and self.round.id == round_id:
            self.query_one("#counter-round", Static).update(round_line(self.round, progress))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Line keys only while a family is shown; hidden otherwise, so the footer keeps room
        for the app's own keys at 80 columns."""
        if action in LINE_KEYS:
            return self.draft is not None
        return True

    # The keys: each is one of the helpers' ------------------------------------------------

    def action_change(self, step: int) -> None:
        self.shaping.change(step)

    def action_substitute(self) -> None:
        self.shaping.substitute()

    def action_proxy(self) -> None:
        self.shaping.proxy()

    def action_note(self) -> None:
        self.shaping.note()

    def action_override(self) -> None:
        self.shaping.override()

    def action_confirm(self) -> None:
        self.confirming.confirm()

    def action_reprint(self) -> None:
        self.confirming.reprint()

    def take_slip(self, code: Code) -> None:
        """A slip scanned at the counter: the exit desk hands over its bag."""
        self.exit_desk.take_slip(code)

    def action_pick_round(self) -> None:
        """Every round: choose the open one this counter hands out in, or look after them."""
        choose_round(self)

    # Finding the family ------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#counter-search", Input).focus()

    def action_focus_list(self) -> None:
        table = self.query_one("#counter-lines", DataTable)
        if table.row_count:
            table.focus()

    @on(Input.Submitted, "#counter-search")
    def _typed(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            return
        if looks_like_code(typed):
            self.distro.handle_scan(typed, clear_field=False)
        else:
            self._search(typed)

    def _search(self, query: str) -> None:
        from distro.domain.families.search import search_families

        with reading(self.distro) as session:
            self._hits = search_families(session, query, limit=12)
        if len(self._hits) == 1:
            self.show_family(self._hits[0].family_id)
            return
        self.draft = None
        self.refresh_bindings()
        masked = self.distro.privacy.on
        table = self._fresh_table(("Code", 10), ("Head of household", 30), ("Size", 4))
        for hit in self._hits:
            name = mask_name(hit.head_name) if masked else hit.head_name
            table.add_row(hit.code, cell(name), str(hit.household_size))
        found = f"{len(self._hits)} found: Down, then Enter to choose." if self._hits else ""
        self._say(found or f"No family matches {cell(query)!r}.", "", "")
        if self._hits:
            table.focus()

    @on(DataTable.RowSelected, "#counter-lines")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if self.draft is None and self._hits:
            self.show_family(self._hits[event.cursor_row].family_id)

    def show_card(self, code: Code) -> None:
        """A scanned or typed family card: its entitlement in the counter's round."""
        self._show_entitlement(code)

    def show_family(self, family_id: int) -> None:
        """A family chosen from the search: its entitlement in the counter's round."""
        self._show_entitlement(family_id)

    def _show_entitlement(self, family: Code | int) -> None:
        from distro.domain.distribution.entitlement import entitlement_for_code, family_entitlement
        from distro.tui.counter.draft import HandoutDraft

        if self.round is None:
            self.notify(
                "No round is open today: a coordinator sets one up (`distro rounds add`).",
                severity="error",
            )
            return
        now = self.distro.clock()
        try:
            with reading(self.distro) as session:
                entitlement = (
                    entitlement_for_code(session, self.round, family, now)
                    if isinstance(family, Code)
                    else family_entitlement(session, self.round, family, now)
                )
        except DomainError as error:
            self.refuse(error, title="Counter")
            return
        self.show_draft(HandoutDraft(entitlement))

    # Drawing -----------------------------------------------------------------------------

    def show_draft(self, draft: HandoutDraft, row: int = 0) -> None:
        """Draw the family, its eligibility and its lines; the lines take the keys."""
        self.draft = draft
        self.refresh_bindings()
        self._hits = []
        self.query_one("#counter-slip", Static).update("")
        self.query_one("#counter-search", Input).value = ""
        self.redraw(row)
        self.query_one("#counter-lines", DataTable).focus()

    def redraw(self, row: int = 0) -> None:
        """Draw the current draft again (after a change, or privacy switched)."""
        draft = self.draft
        if draft is None:
            return
        table = self._fresh_table(
            ("Item", 29), ("Give", 9), ("Rules", 5), ("Shelf", 5), ("Note", 23)
        )
        for line in draft.lines:
            table.add_row(*(cell(text) for text in line_cells(line)))
        table.move_cursor(row=row)
        text, good = eligibility_line(draft)
        masked = self.distro.privacy.on
        panel = family_panel(draft.entitlement, masked=masked)
        self._say(panel, text, extras_line(draft, masked=masked))
        eligibility = self.query_one("#counter-eligibility", Static)
        eligibility.set_class(good, "-eligible")
        eligibility.set_class(not good, "-refused")

    def redraw_privacy(self) -> None:
        """Privacy mode changed: the same family, masked or not."""
        self.redraw(self.query_one("#counter-lines", DataTable).cursor_row)

    def line_row(self) -> int:
        """The row of the line under the cursor."""
        return self.query_one("#counter-lines", DataTable).cursor_row

    def preview_slip(self, text: str) -> None:
        """Show the slip as text under the lines."""
        self.query_one("#counter-slip", Static).update(text)

    def _fresh_table(self, *columns: tuple[str, int]) -> DataTable[str]:
        table = self.query_one("#counter-lines", DataTable)
        table.clear(columns=True)
        for title, width in columns:
            table.add_column(title, width=width)
        table.display = bool(columns)  # no table at all leaves the room to the slip preview
        return table

    def _say(self, family: str, eligibility: str, extras: str) -> None:
        self.query_one("#counter-family", Static).update(family)
        self.query_one("#counter-eligibility", Static).update(eligibility)
        self.query_one("#counter-extras", Static).update(extras)

    def _show_nothing(self, message: str = "") -> None:
        self.draft = None
        self.refresh_bindings()
        self._hits = []
        self._fresh_table()
        self._say(message or "Scan the family's card, or type a name and Enter.", "", "")
        self.query_one("#counter-eligibility", Static).remove_class("-eligible", "-refused")
        self.query_one("#counter-search", Input).value = ""
        self.action_focus_search()

    def action_next_family(self) -> None:
        """Clear the family (nothing is written) and wait for the next card."""
        self.query_one("#counter-slip", Static).update("")
        self._show_nothing()

    def handed_out(self, message: str) -> None:
        """After a confirmed handout: the tally grows, the screen waits for the next family,
        and the slip's preview stays until then."""
        self._show_nothing(f"[b]{message}[/b]\nNext family: scan the card or type a name.")
        self.refresh_round()
