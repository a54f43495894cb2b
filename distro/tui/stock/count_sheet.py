"""Provides the count sheet: the lots of one stock take, a count box for the highlighted lot,
and the variance against the books before anything is posted.

Lots left without a count are not touched. The variance is read again when posting, inside the
posting transaction, so a handout made while counting is not counted twice (stock_take.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from distro.domain.core.errors import DomainError
from distro.domain.stock.take import count_variances, post_count
from distro.tui.base import UsesDistro, reading, writing
from distro.tui.stock.text import quantity_text
from distro.tui.widgets.cells import cell
from distro.tui.widgets.confirm import ConfirmModal
from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from distro.domain.stock.take import CountLine, Variance

COUNTED_COLUMN, DIFFERENCE_COLUMN = 4, 5
LISTED = 8
"""Differing lots named in the confirmation; the rest are counted."""


@dataclass(frozen=True)
class CountScope:
    """What one stock take covers: everything, one category, or one location."""

    label: str
    category: str | None = None
    location: str | None = None


class CountSheetModal(UsesDistro, ModalScreen[str | None]):
    """The lots of the scope, shelf order; the count box below takes the highlighted lot's
    count. Scanning a product moves to its first lot. Dismisses with what was posted."""

    CSS_PATH = "../styles/stock.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "preview", "Variance", tooltip="Show the variance, then post", id="var"),
        Binding("escape", "leave", "Leave", tooltip="Leave without posting", id="leave-count"),
        Binding("up", "move(-1)", "Up", show=False, id="count-up"),
        Binding("down", "move(1)", "Down", show=False, id="count-down"),
    ]

    def __init__(self, scope: CountScope, lines: list[CountLine]) -> None:
        super().__init__()
        self.scope = scope
        self.lines = lines
        self.counted: dict[int, int] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="count-box"):
            yield Static(
                f"[b]Stock take of {escape(self.scope.label)}[/b]: {len(self.lines)} lots. "
                "Type what is on the shelf, Enter for the next line; Ctrl+S shows the variance."
            )
            yield DataTable(id="count-sheet", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="count-entry"):
                yield Label("", id="count-prompt")
                yield Input(id="count-input", type="integer", max_length=7, compact=True)
            yield Label("", id="count-error", classes="field-error")
        yield CounterFooter()

    def on_mount(self) -> None:
        table = self.query_one("#count-sheet", DataTable)
        for label, width in (
            ("Item", 22),
            ("Expiry", 10),
            ("Location", 9),
            ("Books", 9),
            ("Counted", 7),
            ("Diff", 6),
        ):
            table.add_column(label, width=width)
        for line in self.lines:
            expiry = line.expiry.isoformat() if line.expiry else "-"
            table.add_row(
                cell(line.item_name),
                expiry,
                cell(line.location),
                quantity_text(line.on_hand, line.unit),
                "",
                "",
            )
        table.can_focus = False  # the count box keeps the cursor; Up and Down move the rows
        self.query_one("#count-input", Input).focus()
        self._show_row()

    def _row(self) -> int:
        return self.query_one("#count-sheet", DataTable).cursor_row

    def _show_row(self) -> None:
        """The prompt names the highlighted lot; its count, if typed already, is in the box."""
        line = self.lines[self._row()]
        self.query_one("#count-prompt", Label).update(
            f"Counted, {cell(line.item_name)} (lot {line.lot_id}):"
        )
        typed = self.counted.get(line.lot_id)
        self.query_one("#count-input", Input).value = "" if typed is None else str(typed)

    def action_move(self, rows: int) -> None:
        table = self.query_one("#count-sheet", DataTable)
        table.move_cursor(row=max(0, min(len(self.lines) - 1, table.cursor_row + rows)))
        self._show_row()

    def pick_item(self, item_id: int) -> None:
        """A scanned product: move to its first lot on this sheet, or say it is not here."""
        rows = [row for row, line in enumerate(self.lines) if line.item_id == item_id]
        if not rows:
            self.notify("That item has no stock in what is being counted.", severity="warning")
            return
        self.query_one("#count-sheet", DataTable).move_cursor(row=rows[0])
        self._show_row()

    @on(Input.Submitted, "#count-input")
    def _count_typed(self) -> None:
        if self._take_count():
            self.action_move(1)

    def _take_count(self) -> bool:
        """Keep the typed count of the highlighted lot (nothing typed: leave it uncounted)."""
        text = self.query_one("#count-input", Input).value.strip()
        error = self.query_one("#count-error", Label)
        if not text:
            return True
        try:
            units = int(text)
        except ValueError:
            units = -1
        if units < 0:
            error.update("Type what is on the shelf: a whole number, 0 or more.")
            return False
        error.update("")
        row = self._row()
        line = self.lines[row]
        self.counted[line.lot_id] = units
        table = self.query_one("#count-sheet", DataTable)
        table.update_cell_at(Coordinate(row, COUNTED_COLUMN), f"{units:,}")
        table.update_cell_at(Coordinate(row, DIFFERENCE_COLUMN), f"{units - line.on_hand:+,d}")
        return True

    def action_preview(self) -> None:
        """Read the variance against the books now and ask before posting it."""

        if not self._take_count():
            return
        try:
            with reading(self.distro) as session:
                variances = count_variances(session, self.counted)
        except DomainError as refusal:
            self.query_one("#count-error", Label).update(escape(str(refusal)))
            return
        self.app.push_screen(
            ConfirmModal(f"Post the stock take of {self.scope.label}?", variance_text(variances)),
            lambda yes: self._post() if yes else None,
        )

    def _post(self) -> None:
        try:
            with writing(self.distro) as session:
                posted = post_count(
                    session,
                    self.counted,
                    self.scope.label,
                    actor=self.distro.current_actor(),
                    now=self.distro.clock(),
                )
                lots, net = posted.lots_counted, posted.net_difference
        except DomainError as refusal:
            self.query_one("#count-error", Label).update(escape(str(refusal)))
            return
        self.dismiss(f"Stock take posted: {lots} lots counted, net {net:+,d} units.")

    def unsaved_work(self) -> str | None:
        """The counts typed and not posted (HoldsUnsavedWork)."""
        if not self.counted:
            return None
        counts = len(self.counted)
        return f"{counts} count{'s' if counts != 1 else ''} typed in the stock take, not posted"

    def action_leave(self) -> None:
        if not self.counted:
            self.dismiss(None)
            return
        self.app.push_screen(
            ConfirmModal(
                "Leave the stock take?", f"The {len(self.counted)} counts typed are not posted."
            ),
            self._left,
        )

    def _left(self, yes: bool | None) -> None:
        if yes:
            self.dismiss(None)


def variance_text(variances: list[Variance]) -> str:
    """How far the counts are off the books, and the lots that differ most visibly first."""
    differing = [variance for variance in variances if variance.difference]
    net = sum(variance.difference for variance in differing)
    lines = [
        f"{len(variances)} lots counted; {len(differing)} differ from the books, "
        f"net {net:+,d} units."
    ]
    lines += [
        f"  {v.line.item_name} (lot {v.line.lot_id}): books {v.line.on_hand:,}, "
        f"counted {v.counted:,}, {v.difference:+,d}"
        for v in differing[:LISTED]
    ]
    if len(differing) > LISTED:
        lines.append(f"  ... and {len(differing) - LISTED} more lots.")
    lines.append("Lots not counted stay as they are.")
    return escape("\n".join(lines))
