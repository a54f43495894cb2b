"""Provides the Families area: search as you type, open a family, register a new one."""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from distro.domain.core.codes import looks_like_code
from distro.domain.families.masks import mask_name
from distro.tui.base import UsesDistro, reading
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from textual.timer import Timer

    from distro.domain.core.access import Actor
    from distro.domain.families.search import FamilyHit

SCANNER_KEY_GAP_SECONDS = 0.03
"""Keys closer than this come from a scanner (or a paste), not from a person typing."""
STATUS_LABELS = {
    "active": "active",
    "suspended": "suspended",
    "left_hk": "left HK",
    "resettled": "resettled",
    "merged": "merged",
}


class FamiliesScreen(UsesDistro, Screen[None]):
    """Type a name, phone digits or a code; results appear while typing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+f",
            "focus_search",
            "Search",
            tooltip="Back to the search box",
            id="search",
            show=False,  # the box has the cursor anyway; the footer is short of room
        ),
        Binding(
            "ctrl+n", "register", "Register", tooltip="Register a new household", id="register"
        ),
        Binding("down", "focus_results", "Results", show=False, id="focus-results"),
    ]

    PALETTE_AREA = "families"
    PALETTE_HIDDEN = frozenset({"search", "focus-results"})

    def __init__(self) -> None:
        super().__init__(id="families-screen")
        self._hits: list[FamilyHit] = []
        self._drawn_masked = True
        self._searched_by: Actor | None = None
        self._last_change_at = 0.0
        self._held_search: Timer | None = None
        self._shown_query = ""
        self._open_when_shown: str | None = None
        """A query Enter was pressed on before its results were shown."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="Name, phone digits or family code (scan a card any time)",
            id="family-search",
            max_length=80,
        )
        yield Static("Type to search. Ctrl+N registers a new family.", id="search-status")
        table: DataTable[str] = DataTable(
            id="family-results", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield CounterFooter()

    def on_mount(self) -> None:
        table = self.query_one("#family-results", DataTable)
        table.add_column("Code", width=10)
        # The name takes what a wider terminal adds: the surname is what is checked.
        table.add_column("Head of household", width=max(30, self.app.size.width - 50))
        table.add_column("Size", width=4)
        table.add_column("District", width=14)
        table.add_column("Status", width=9)
        self.action_focus_search()

    def action_focus_search(self) -> None:
        self.query_one("#family-search", Input).focus()

    def on_screen_resume(self) -> None:
        """Back from a family: the next name typed replaces the last query, and a family
        revealed there is masked again. The family has been served, so this is also the moment
        to collect garbage, rather than in the middle of the next scan."""
        self.distro.privacy.hide_again()
        if self._searched_by != self.distro.actor:
            self._forget_search()  # the next volunteer does not see what the last one looked for
        elif self._drawn_masked != self.distro.privacy.on:
            self.redraw_privacy()
        search = self.query_one("#family-search", Input)
        search.focus()
        search.select_all()
        self.call_after_refresh(self._collect_garbage_if_idle)

    def _forget_search(self) -> None:
        self.query_one("#family-search", Input).value = ""
        self.show_hits("", [])

    def _collect_garbage_if_idle(self) -> None:
        # Not when a scan from the family screen came straight through to the next family.
        if self.is_current:
            gc.collect()

    def action_focus_results(self) -> None:
        """Down from the search box moves into the results, where Enter opens a family."""
        table = self.query_one("#family-results", DataTable)
        if table.row_count:
            table.focus()

    @on(Input.Changed, "#family-search")
    def _query_changed(self, event: Input.Changed) -> None:
        """Search at once for a person's keys; hold back during a scanner's burst, which would
        otherwise start a search per character while the scan is on its way."""
        now = time.monotonic()
        in_burst = now - self._last_change_at < SCANNER_KEY_GAP_SECONDS
        self._last_change_at = now
        if self._held_search is not None:
            self._held_search.stop()
            self._held_search = None
        if in_burst:
            query = event.value
            self._held_search = self.set_timer(
                SCANNER_KEY_GAP_SECONDS, lambda: self.run_search(query)
            )
        else:
            self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        """Query off the UI thread so typing never waits for the database."""
        from distro.domain.families.search import search_families

        with reading(self.distro) as session:
            hits = search_families(session, query)
        self.app.call_from_thread(self.show_hits, query, hits)

    def show_hits(self, query: str, hits: list[FamilyHit]) -> None:
        """Fill the results table (at most one page of rows, never the whole registry)."""
        self._searched_by = self.distro.actor
        self._hits, self._shown_query = hits, query
        self._draw_hits()
        if self._open_when_shown == query:
            self._open_when_shown = None
            self._open_highlighted()
        status = self.query_one("#search-status", Static)
        if not query.strip():
            status.update("Type to search. Ctrl+N registers a new family.")
        elif not hits and looks_like_code(query):
            status.update("That looks like a card code: press Enter to check it.")
        elif not hits:
            status.update(f"No family matches '{query.strip()}'. Ctrl+N registers a new family.")
        else:
            more = " (first 20; type more to narrow)" if len(hits) >= 20 else ""
            status.update(f"{len(hits)} found{more}. Enter opens the first, Down chooses.")

    def _draw_hits(self, row: int = 0) -> None:
        """The results, names masked in privacy mode (the search itself used the full names),
        with the cursor on `row`."""
        self._drawn_masked = masked = self.distro.privacy.on
        table = self.query_one("#family-results", DataTable)
        table.clear()
        for hit in self._hits:
            table.add_row(
                hit.code,
                cell(mask_name(hit.head_name) if masked else hit.head_name),
                str(hit.household_size),
                hit.district,
                STATUS_LABELS.get(hit.status, hit.status),
            )
        table.move_cursor(row=row)

    def redraw_privacy(self) -> None:
        """Privacy mode changed: the same results, masked or not."""
        self._draw_hits(self.query_one("#family-results", DataTable).cursor_row)

    @on(Input.Submitted, "#family-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if looks_like_code(event.value) or _typed_product_barcode(event.value):
            # Keep the typed code in the box, so one mistyped character is easy to correct.
            self.distro.handle_scan(event.value, clear_field=False)
            return
        if event.value == self._shown_query:
            self._open_highlighted()
        else:  # typed faster than the search: open when its results arrive
            self._open_when_shown = event.value

    def _open_highlighted(self) -> None:
        """Open the highlighted result (the first, unless Down moved the cursor)."""
        if self._hits:
            row = self.query_one("#family-results", DataTable).cursor_row
            self.distro.open_family(self._hits[min(max(row, 0), len(self._hits) - 1)].family_id)

    @on(DataTable.RowSelected, "#family-results")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        self.distro.open_family(self._hits[event.cursor_row].family_id)

    def action_register(self) -> None:
        from distro.tui.families.register import RegisterFamilyModal

        self.app.push_screen(RegisterFamilyModal(), callback=self._registered)

    def _registered(self, family_id: int | None) -> None:
        if family_id is not None:
            self.distro.open_family(family_id)


def _typed_product_barcode(typed: str) -> bool:
    """A product barcode typed from its label (12 or 13 digits, check digit right) opens its
    item like a scan. Eight digits are a phone number here, even when they would pass as an
    EAN-8: a scanner reaches the scan line without Enter in this box."""
    from distro.domain.stock.product_barcodes import is_valid_product_barcode

    digits = "".join(ch for ch in typed if ch.isdigit())
    return len(digits) >= 12 and is_valid_product_barcode(typed)
