"""Provides the family screen: one household, its members, and what can be done with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from distro.domain.core.access import Permission, require
from distro.domain.core.errors import DomainError, NotAllowed
from distro.domain.families.masks import mask_name
from distro.tui.base import UsesDistro, reading, writing
from distro.tui.families.keys import FAMILY_BINDINGS, FAMILY_PALETTE_TITLES
from distro.tui.families.merge import ask_for_duplicate, confirm_merge
from distro.tui.families.text import SEX_SHORT, age_text, summary_text
from distro.tui.widgets.ask import Answer, AskModal
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from sqlmodel import Session

    from distro.domain.families.models import Member
    from distro.domain.families.registry import FamilyRecord
    from distro.domain.families.schemas import MergeChoices

STATUS_CHOICES = (
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("left_hk", "Left Hong Kong"),
    ("resettled", "Resettled"),
)


class FamilyScreen(UsesDistro, Screen[None]):
    """A family's details and members; every change goes through a dialog and a service."""

    BINDINGS: ClassVar[list[BindingType]] = FAMILY_BINDINGS
    KEY_PERMISSIONS: ClassVar[dict[str, Permission]] = {
        "status": Permission.CHANGE_FAMILY_STATUS,
        "merge": Permission.MERGE_FAMILIES,
        "erase": Permission.REVIEW_RETENTION,
    }
    PALETTE_AREA = "family"
    PALETTE_TITLES = FAMILY_PALETTE_TITLES
    PALETTE_HIDDEN = frozenset({"back"})

    def __init__(self, family_id: int) -> None:
        super().__init__(id="family-screen")
        self.family_id = family_id
        self.record: FamilyRecord | None = None
        self._drawn_masked = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="family-summary")
        table: DataTable[str] = DataTable(id="member-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="member-hint", markup=False)
        yield CounterFooter()

    def on_mount(self) -> None:
        table = self.query_one("#member-table", DataTable)
        for label, width in (
            ("Name", 20),
            ("Relation", 8),
            ("Sex", 3),
            ("Age", 3),
            ("Nationality", 9),
            ("Languages", 11),
            ("School", 10),
        ):
            table.add_column(label, width=width)
        self.refresh_family()
        table.focus()

    def show_family(self, family_id: int) -> None:
        """Show another family on this (already built) screen."""
        self.family_id = family_id
        if self.is_mounted:
            self.refresh_family()
            table = self.query_one("#member-table", DataTable)
            table.move_cursor(row=0)
            table.focus()

    def refresh_family(self) -> None:
        """Reload the family from the database and redraw."""
        from distro.domain.families.registry import load_family

        with reading(self.distro) as session:
            self.record = load_family(session, self.family_id)
        self._draw()
        self.sub_title = self.record.family.code

    def _masks(self) -> bool:
        return self.distro.privacy.masks(self.family_id)

    def _shown_name(self, full_name: str) -> str:
        """A member's name as privacy mode allows it on screen now."""
        return mask_name(full_name) if self._masks() else full_name

    def _draw(self) -> None:
        """Show the loaded family, masked or in full."""
        assert self.record is not None
        self._drawn_masked = masked = self._masks()
        self.query_one("#family-summary", Static).update(summary_text(self.record, masked=masked))
        table = self.query_one("#member-table", DataTable)
        row = table.cursor_row
        table.clear()
        today = self.distro.clock().date()
        for member in self.record.members:
            table.add_row(
                cell(self._shown_name(member.full_name)),
                member.relationship.replace("_", " "),
                SEX_SHORT.get(member.sex, "?"),
                age_text(member, today),
                cell(member.nationality),
                cell(member.languages.replace("|", ", ")),
                cell(" ".join(filter(None, [member.school, member.grade]))),
            )
        table.move_cursor(row=row)
        self._describe_member()

    @on(DataTable.RowHighlighted, "#member-table")
    def _describe_member(self) -> None:
        """The highlighted member's whole name (as privacy mode allows), which the table's
        Name column cuts: the surname is what a coordinator checks against documents."""
        member = self._selected_member()
        name = f"{self._shown_name(member.full_name)}  ·  " if member is not None else ""
        self.query_one("#member-hint", Static).update(f"{name}Enter edits the highlighted member.")

    def redraw_privacy(self) -> None:
        """Privacy mode changed: draw the same family again without reading it again."""
        if self.record is not None:
            self._draw()

    def on_screen_resume(self) -> None:
        """Back from a dialog or the lock screen: mask again if the reveal has ended."""
        if self.record is not None and self._drawn_masked != self._masks():
            self._draw()

    def _selected_member(self) -> Member | None:
        if self.record is None or not self.record.members:
            return None
        row = self.query_one("#member-table", DataTable).cursor_row
        return self.record.members[min(max(row, 0), len(self.record.members) - 1)]

    def _allowed(self, permission: Permission) -> bool:
        """Whether the signed-in user may do this; if not, say so before any dialog opens."""
        try:
            require(self.distro.current_actor(), permission)
        except NotAllowed as refusal:
            self.refuse(refusal, timeout=8)
            return False
        return True

    def _change(self, work_in_session: Callable[[Session], object], done: str) -> None:
        """Run one change in its own transaction; a refusal becomes a notice, not a crash."""

        try:
            with writing(self.distro) as session:
                work_in_session(session)
        except DomainError as refusal:
            self.refuse(refusal, timeout=8)
            return
        self.notify(done)
        self.refresh_family()

    def _after_dialog(self, saved: bool | None) -> None:
        if saved:
            self.notify("Saved.")
            self.refresh_family()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        from distro.tui.families.forms import EditFamilyModal

        if self.record is not None:
            family, phones = self.record.family, [phone.number for phone in self.record.phones]
            self._open_revealed(lambda: EditFamilyModal(family, phones))

    def action_add_member(self) -> None:
        from distro.tui.families.forms import MemberModal

        self.app.push_screen(MemberModal(self.family_id), self._after_dialog)

    @on(DataTable.RowSelected, "#member-table")
    def _edit_member(self) -> None:
        from distro.tui.families.forms import MemberModal

        member = self._selected_member()
        if member is not None:
            self._open_revealed(lambda: MemberModal(self.family_id, member))

    def _open_revealed(self, form: Callable[[], Screen[bool | None]]) -> None:
        """Open a form of this family's personal data; in privacy mode after an audited reveal."""
        from distro.tui.families.reveal import open_revealed

        if self.record is not None:
            open_revealed(self.distro, self.record.family, form, self._after_dialog)

    def action_remove_member(self) -> None:
        member = self._selected_member()
        if member is None:
            return
        ask = AskModal(
            f"Remove {self._shown_name(member.full_name)}?",
            "They stay in the history but no longer count in the household.",
        )
        self.app.push_screen(ask, lambda answer: self._remove(member, answer))

    def _remove(self, member: Member, answer: Answer | None) -> None:
        from distro.domain.families.members import remove_member

        if answer is None or member.id is None:
            return
        member_id, actor, now = member.id, self.distro.current_actor(), self.distro.clock()
        self._change(
            lambda s: remove_member(
                s, member_id, answer.reason, actor=actor, now=now, family_id=self.family_id
            ),
            f"{self._shown_name(member.full_name)} removed.",
        )

    def action_status(self) -> None:
        if not self._allowed(Permission.CHANGE_FAMILY_STATUS):
            return
        ask = AskModal(
            "Change status",
            "Only active families collect.",
            choices=STATUS_CHOICES,
            reason_required=False,
        )
        self.app.push_screen(ask, self._set_status)

    def _set_status(self, answer: Answer | None) -> None:
        from distro.domain.core.inputs import validated
        from distro.domain.families.registry import change_status
        from distro.domain.families.schemas import StatusChange

        if answer is None:
            return
        change = validated(StatusChange, {"status": answer.choice, "reason": answer.reason})
        actor, now = self.distro.current_actor(), self.distro.clock()
        self._change(
            lambda s: change_status(s, self.family_id, change, actor=actor, now=now),
            f"Status is now {change.status.value.replace('_', ' ')}.",
        )

    def action_merge(self) -> None:
        if self._allowed(Permission.MERGE_FAMILIES):
            ask_for_duplicate(self.distro, self._merge)

    def _merge(self, answer: Answer | None) -> None:
        """Look the duplicate up, say what the merge will do, and merge only on a yes."""
        if answer is not None and self.record is not None:
            confirm_merge(self.distro, self.record, answer, self._merge_confirmed)

    def _merge_confirmed(self, duplicate_id: int, reason: str, choices: MergeChoices) -> None:
        from distro.domain.families.merge import merge_families

        actor, now = self.distro.current_actor(), self.distro.clock()
        self._change(
            lambda s: merge_families(
                s, self.family_id, duplicate_id, reason, actor=actor, now=now, choices=choices
            ),
            "Merged.",
        )

    def action_erase(self) -> None:
        from distro.tui.families.erase import ask_to_erase

        if self.record is not None and self._allowed(Permission.REVIEW_RETENTION):
            ask_to_erase(self.distro, self.record.family.code, self._erase)

    def _erase(self, answer: Answer | None) -> None:
        """Erase on a matching code; once its result is read, back to the search, since the
        family is gone."""
        from distro.tui.families.erase import erase

        if answer is not None and self.record is not None:
            erase(self.distro, self.family_id, self.record.family.code, answer, self.action_back)

    def action_reveal(self) -> None:
        """Show this family in full while it stays on screen; the audit log records who did."""
        from distro.tui.families.reveal import reveal_family

        if self.record is None or not self._masks():
            self.notify("Everything of this family is already shown in full.")
            return
        if not reveal_family(self.distro, self.family_id, self.record.family.code):
            return
        self._draw()
        self.notify("Shown in full until you leave this family; this is recorded.")

    def action_history(self) -> None:
        from distro.tui.families.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.family_id))

    def action_print_card(self) -> None:
        self.notify("Printing the family card ...")
        self.print_card()

    @work(thread=True, exclusive=True, group="print", exit_on_error=False)
    def print_card(self) -> None:
        """Render the PDF off the UI thread; the printer writes it where slips go, and the
        audit log records where (the printer names the file), for an erase to list."""
        from distro.domain.audit.disclosure import record_card_print
        from distro.domain.families.registry import load_family
        from distro.printing.card import card_for_family, render_family_card
        from distro.printing.printed_files import card_document_name

        try:
            actor, now = self.distro.current_actor(), self.distro.clock()
            with reading(self.distro) as session:
                record = load_family(session, self.family_id)
            card = card_for_family(record, self.distro.settings.organisation)
            pdf = render_family_card(card)
            path = self.distro.printer.print_pdf(card_document_name(card.code), pdf)
            with writing(self.distro) as session:
                where = str(path)
                record_card_print(session, self.family_id, card.code, where, actor=actor, now=now)
        except (DomainError, OSError) as failure:
            self.app.call_from_thread(
                self.notify, f"The card was not printed: {failure}", severity="error"
            )
            return
        self.app.call_from_thread(self.notify, f"Card printed to {path}")
