"""Provides LinesTable: the counter's one table, holding the basket's lines or the families a
typed name found.

It never takes the focus: the scan line keeps it, and Up and Down move this table's cursor.
Its Item and Note columns share what the terminal's width leaves, so at 80 columns the note
("SHORT", "for Rice 5 kg") is still read, and a wider terminal shows longer item names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.message import Message
from textual.widgets import DataTable

from distro.domain.families.masks import mask_name
from distro.tui.counter.text import line_cells
from distro.tui.widgets.cells import cell

if TYPE_CHECKING:
    from distro.domain.families.search import FamilyHit
    from distro.tui.counter.draft import HandoutDraft

CHROME = 2 + 2
"""Columns the table itself takes: its vertical scrollbar and the screen's padding."""
PADDING = 2
"""Columns each table column takes beside its text."""
GIVE, RULES, SHELF = 9, 5, 5
BASKET_COLUMNS = 5
"""Item, Give, Rules, Shelf and Note."""
NOTE_SHARE = 0.4
"""The Note column's share of what the fixed columns leave."""


class LinesTable(DataTable[str]):
    """The basket's lines, or the families found; the cursor row is what the keys change."""

    can_focus = False

    class FitChanged(Message):
        """The table's height or scroll changed: how many rows it hides may have too."""

    def __init__(self) -> None:
        super().__init__(id="counter-lines", cursor_type="row")

    def on_resize(self, _event: events.Resize) -> None:
        self.post_message(self.FitChanged())

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.post_message(self.FitChanged())

    def show_draft(self, draft: HandoutDraft, row: int) -> None:
        """The basket: item, what is given, what the rules give, the shelf, and a note."""
        room = self._room(BASKET_COLUMNS) - GIVE - RULES - SHELF
        note = max(12, int(room * NOTE_SHARE))
        self._fresh(("Item", room - note), ("Give", GIVE), ("Rules", RULES), ("Shelf", SHELF))
        self.add_column("Note", width=note)
        for line in draft.lines:
            self.add_row(*(cell(text) for text in line_cells(line)))
        self.move_cursor(row=row)

    def cut_note(self) -> str:
        """The highlighted line's item and note (markup) when the Note column is too narrow to
        show the note whole, so the line under the basket can; "" when it shows whole."""
        if self.row_count == 0 or len(self.columns) != BASKET_COLUMNS:
            return ""
        note_column = list(self.columns.values())[-1]
        row = self.get_row_at(self.cursor_row)
        item, note = str(row[0]), str(row[-1])
        return f"[b]{item}:[/b] {note}" if len(note) > note_column.width else ""

    def show_hits(self, hits: list[FamilyHit], *, masked: bool) -> None:
        """The families a typed name found, to choose one with Up/Down and Enter."""
        self._fresh(("Code", 10), ("Head of household", self._room(3) - 10 - 4), ("Size", 4))
        for hit in hits:
            name = mask_name(hit.head_name) if masked else hit.head_name
            self.add_row(hit.code, cell(name), str(hit.household_size))

    def show_nothing(self) -> None:
        """No table at all, which leaves the room to the slip preview."""
        self._fresh()

    def step(self, rows: int) -> None:
        """Move the cursor `rows` up (negative) or down."""
        self.move_cursor(row=max(0, min(self.row_count - 1, self.cursor_row + rows)))

    def rows_below(self) -> int:
        """How many rows are below what the table shows now (0 once it is drawn whole)."""
        shown = self.scrollable_content_region.height - self.header_height
        if shown <= 0:
            return 0
        return max(0, self.row_count - round(self.scroll_y) - shown)

    def _room(self, columns: int) -> int:
        """Text columns left for `columns` columns at the terminal's width."""
        return self.app.size.width - CHROME - PADDING * columns

    def _fresh(self, *columns: tuple[str, int]) -> None:
        self.clear(columns=True)
        for title, width in columns:
            self.add_column(title, width=width)
        self.display = bool(columns)
