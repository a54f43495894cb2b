"""Provides the Counter area: scan or find a family, see at once what it may collect, shape the
handout, confirm with Ctrl+S, and the slip prints while the next family is scanned.

The scan line keeps the focus all the time (`counter/keys.py` says why), the basket's keys are
arrows and Ctrl+letters, and a refusal stays on screen until the next scan.

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

from distro.domain.core.access import Permission
from distro.domain.core.codes import Code
from distro.domain.core.words import how_many
from distro.tui.base import UsesDistro, reading
from distro.tui.counter.actions import HandoutShaping
from distro.tui.counter.confirm import HandoutConfirming
from distro.tui.counter.exit import ExitDesk, choose_round
from distro.tui.counter.finding import FamilyFinding
from distro.tui.counter.keys import COUNTER_BINDINGS, COUNTER_PALETTE_TITLES, LINE_KEYS
from distro.tui.counter.lines import LinesTable
from distro.tui.counter.text import (
    eligibility_line,
    extras_line,
    family_panel,
    handed_out_text,
    refusal_line,
    round_line,
)
from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from distro.domain.distribution.models import DistributionRound
    from distro.domain.distribution.reports import RoundProgress
    from distro.tui.counter.draft import HandoutDraft


class CounterScreen(UsesDistro, Screen[None]):
    """One family at a time: its entitlement, then its slip; the round's tally on top."""

    CSS_PATH = "../styles/counter.tcss"

    BINDINGS: ClassVar[list[BindingType]] = COUNTER_BINDINGS
    PALETTE_AREA = "counter"
    PALETTE_TITLES = COUNTER_PALETTE_TITLES
    PALETTE_HIDDEN = frozenset({"counter-line-up", "counter-line-down"})

    def __init__(self) -> None:
        super().__init__(id="counter-screen")
        self.round: DistributionRound | None = None
        self.draft: HandoutDraft | None = None
        self._handed_out: tuple[str, int] | None = None
        """The last handout's slip code and units, while the counter waits for the next family."""
        self.finding = FamilyFinding(self)
        self.shaping = HandoutShaping(self)
        self.confirming = HandoutConfirming(self, ask_override=self.shaping.override)
        self.exit_desk = ExitDesk(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="counter-round")
        yield Input(
            placeholder="Scan a card or slip, or type a name or code and Enter",
            id="counter-search",
            max_length=80,
            compact=True,
        )
        yield Static("", id="counter-family")
        yield Static("", id="counter-eligibility")
        yield LinesTable()
        yield Static("", id="counter-extras")
        yield Static("", id="counter-notice")
        yield Static("", id="counter-slip")
        yield CounterFooter()

    def on_mount(self) -> None:
        self._show_nothing()

    def on_screen_resume(self) -> None:
        """Coming back to the counter: the round may have been set up or closed meanwhile, and
        another volunteer may have signed in (who must not see the last family)."""
        self.refresh_round()
        self.scan_line.focus()

    @property
    def scan_line(self) -> Input:
        """Where every printable key goes while the counter is shown."""
        return self.query_one("#counter-search", Input)

    @property
    def lines(self) -> LinesTable:
        """The basket's lines, or the families a typed name found."""
        return self.query_one(LinesTable)

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
        """Only the keys that do something now, for this volunteer: the footer then keeps
        room for them at 80 columns, and never offers what would be refused."""
        draft = self.draft
        if action == "line":
            return self.lines.row_count > 0
        if action == "reprint":  # not while a family that may collect is shown
            return draft is None or draft.entitlement.previous is not None
        if action == "next_family":
            return draft is not None or bool(self.finding.hits)
        if action not in LINE_KEYS:
            return True
        if draft is None:
            return False
        blocked = bool(draft.entitlement.blockers) and not draft.override_reason
        may_override = self.distro.actor is not None and self.distro.actor.may(
            Permission.OVERRIDE_HANDOUT
        )
        if blocked and not may_override:
            return False  # nothing this volunteer shapes would be handed out
        if action == "change":
            return bool(draft.lines) and not self.scan_line.value
        if action == "substitute":
            return bool(draft.lines)
        if action == "override":
            return blocked
        return True

    @on(Input.Changed, "#counter-search")
    def _scan_line_changed(self) -> None:
        """Left and Right change a line only while the scan line is empty."""
        self.refresh_bindings()

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
        """A slip scanned at the counter: the exit desk hands over its bag, and Ctrl+R prints
        it again."""
        self.keep_refusal("", "")
        self.confirming.slip_on_screen = code.text
        self.exit_desk.take_slip(code)

    def action_pick_round(self) -> None:
        """Every round: choose the open one this counter hands out in, or look after them."""
        choose_round(self)

    def action_line(self, step: int) -> None:
        """Up and Down: the basket line (or the family found) the keys work on."""
        self.lines.step(step)
        self.show_extras()

    # Finding the family: `counter/finding.py` -------------------------------------------

    @on(Input.Submitted, "#counter-search")
    def _typed(self, event: Input.Submitted) -> None:
        self.finding.typed(event.value)

    @on(DataTable.RowSelected, "#counter-lines")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        self.finding.choose(event.cursor_row)

    def show_card(self, code: Code) -> None:
        """A scanned or typed family card: its entitlement in the counter's round."""
        self.finding.show_card(code)

    def unsaved_work(self) -> str | None:
        """What quitting now would lose: a basket on screen not handed out."""
        if self.draft is None:
            return None
        edited = "changed, " if self.draft.edited else ""
        return f"the basket of {self.draft.entitlement.family_code} ({edited}not handed out)"

    # Drawing -----------------------------------------------------------------------------

    def show_draft(self, draft: HandoutDraft, row: int = 0) -> None:
        """Draw the family, its eligibility and its lines; the scan line keeps the keys."""
        self.draft = draft
        self.finding.hits = []
        self.keep_refusal("", "")
        self.preview_slip("")
        self.scan_line.value = ""
        self.redraw(row)
        self.scan_line.focus()

    def redraw(self, row: int = 0) -> None:
        """Draw the current draft again (after a change, or privacy switched)."""
        draft = self.draft
        if draft is None:
            return
        self.lines.show_draft(draft, row)
        text, good = eligibility_line(draft)
        masked = self.distro.privacy.on
        self.say(family_panel(draft.entitlement, masked=masked), text, "")
        self.show_extras()
        eligibility = self.query_one("#counter-eligibility", Static)
        eligibility.set_class(good, "-eligible")
        eligibility.set_class(not good, "-refused")
        self.refresh_bindings()

    @on(LinesTable.FitChanged)
    def show_extras(self) -> None:
        """The line under the basket: what was left out, the proxy, the note, and how many
        lines the table could not show."""
        draft = self.draft
        if draft is None:
            return
        extras = extras_line(draft, masked=self.distro.privacy.on)
        cut = self.lines.cut_note()
        if cut:  # the Note column is narrow at 80 columns: the highlighted line's, whole
            extras = f"{cut}   {extras}"
        below = self.lines.rows_below()
        more = (
            f"[b]▼ {how_many(below, 'more line')} below (Down); {draft.units} units in all[/b]   "
            if below
            else ""
        )
        self._show_line("#counter-extras", more + extras)

    def redraw_privacy(self) -> None:
        """Privacy mode changed: the same family, masked or not."""
        if self.draft is not None:
            self.redraw(self.line_row())
        elif self.finding.hits:
            self.lines.show_hits(self.finding.hits, masked=self.distro.privacy.on)

    def line_row(self) -> int:
        """The row of the line under the cursor."""
        return self.lines.cursor_row

    def preview_slip(self, text: str) -> None:
        """Show the slip as text under the lines."""
        self._show_line("#counter-slip", text)

    def keep_refusal(self, message: str, title: str) -> None:
        """Keep a refusal on screen until the next scan or family ("" clears it)."""
        self._show_line("#counter-notice", refusal_line(message, title))

    def say(self, family: str, eligibility: str, extras: str) -> None:
        """Show the lines above and below the basket (Rich markup; "" hides one)."""
        self._show_line("#counter-family", family)
        self._show_line("#counter-eligibility", eligibility)
        self._show_line("#counter-extras", extras)

    def _show_line(self, selector: str, text: str) -> None:
        """Show `text` in one of the lines around the basket; an empty one takes no row, which
        at 80x24 is a basket line more."""
        line = self.query_one(selector, Static)
        line.update(text)
        line.display = bool(text)

    def _show_nothing(self, message: str = "") -> None:
        self.draft = None
        self._handed_out = None
        self.finding.hits = []
        self.lines.show_nothing()
        self.refresh_bindings()
        self.say(message or "Scan the family's card, or type a name and Enter.", "", "")
        self.query_one("#counter-eligibility", Static).remove_class("-eligible", "-refused")
        self.scan_line.value = ""
        self.scan_line.focus()

    def action_next_family(self) -> None:
        """Clear the family (nothing is written) and wait for the next card; an edited
        basket is dropped only once the volunteer says so."""

        def clear() -> None:
            self.keep_refusal("", "")
            self.preview_slip("")
            self._show_nothing()

        self.finding.unless_basket_edited(clear)

    def handed_out(self, code: str, units: int) -> None:
        """After a confirmed handout: the screen waits for the next family, and the slip's
        preview stays until then. The tally is read again once the slip has printed or
        failed to (`slip_printed`, or the refusal), so it is read once per handout and never
        flags for a moment a slip that is printing."""
        self._show_nothing(handed_out_text(code, units, printed_to=None))
        self._handed_out = (code, units)

    def slip_printed(self, code: str, where: str) -> None:
        """The slip printed: say so where it said it was printing, while nothing else shows."""
        if self.draft is None and self._handed_out is not None and self._handed_out[0] == code:
            done = handed_out_text(code, self._handed_out[1], printed_to=where)
            self._show_line("#counter-family", done)
        self.refresh_round()
