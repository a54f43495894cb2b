"""Provides ListScreen: a table read in a worker, a status line above it and the highlighted
row in full below it; the screens of rounds, missing slips and basket rules are built on it."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from distro.tui.base import UsesDistro
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter

ResultT = TypeVar("ResultT")
RowT = TypeVar("RowT")


class ListScreen(UsesDistro, Screen[ResultT], Generic[ResultT, RowT]):
    """A table read in a worker, a status line above it and the highlighted row in full below
    it (cells are cut at 80 columns). Subclasses read, draw and describe their rows."""

    CSS_PATH = "../styles/rounds.tcss"
    COLUMNS: ClassVar[tuple[tuple[str, int], ...]] = ()
    heading = ""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[RowT] = []
        self.keep: object = None
        """The key of the row the cursor goes to after the next reading."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading ...", id="list-status")
        yield DataTable(id="list-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="list-detail")
        yield CounterFooter()

    def on_mount(self) -> None:
        self.sub_title = self.heading
        table = self.query_one("#list-table", DataTable)
        for label, width in self.COLUMNS:
            table.add_column(label, width=width)
        table.focus()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="list-rows", exit_on_error=False)
    def load(self) -> None:
        """Read the rows off the UI thread; they are drawn when they arrive."""
        rows = self.read_rows()
        self.app.call_from_thread(self.show_rows, rows)

    def read_rows(self) -> list[RowT]:
        """The rows (in a worker thread)."""
        raise NotImplementedError

    def cells(self, row: RowT) -> tuple[str, ...]:
        """A row's cells, plain text."""
        raise NotImplementedError

    def key(self, row: RowT) -> object:
        """What names a row across readings, so the cursor stays on it."""
        raise NotImplementedError

    def status(self) -> str:
        """The line above the table (markup)."""
        raise NotImplementedError

    def detail(self, row: RowT) -> str:
        """The highlighted row in full, below the table (markup)."""
        raise NotImplementedError

    def show_rows(self, rows: list[RowT]) -> None:
        """Draw what was read, keeping the cursor on the same row when it is still there."""
        table = self.query_one("#list-table", DataTable)
        wanted, highlighted = self.keep, self.highlighted
        if wanted is None and highlighted is not None:
            wanted = self.key(highlighted)
        self.keep = None
        self.rows = rows
        table.clear()
        for row in rows:
            table.add_row(*(cell(text) for text in self.cells(row)))
        found = [index for index, row in enumerate(rows) if self.key(row) == wanted]
        table.move_cursor(row=found[0] if found else 0)
        self.query_one("#list-status", Static).update(self.status())
        self._show_detail()

    @property
    def highlighted(self) -> RowT | None:
        """The row under the cursor, if there is one."""
        row = self.query_one("#list-table", DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    @on(DataTable.RowHighlighted, "#list-table")
    def _show_detail(self) -> None:
        row = self.highlighted
        self.query_one("#list-detail", Static).update("" if row is None else self.detail(row))

    @on(DataTable.RowSelected, "#list-table")
    def _selected(self) -> None:
        self.choose()

    def choose(self) -> None:
        """Enter on a row."""

    def action_back(self) -> None:
        self.dismiss()
