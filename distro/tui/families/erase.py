"""Provides the family screen's erase: the code typed again and a reason, the erase in one
transaction, the family's slip and card files removed from the slips folder, and a dialog that
lists the copies written out before (exports, cards, access reports, backups) with their dates.

That list is shown once: the family's own cards and reports are named only in history rows the
erase blanks, so the dialog scrolls rather than cutting the list short.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from distro.domain.core.errors import DomainError
from distro.tui.base import Distro, UsesDistro, ngo_clock, refuse, writing
from distro.tui.widgets.ask import Answer, AskModal
from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from datetime import tzinfo

    from distro.domain.privacy.retention import Forgotten
    from distro.printing.printed_files import Removal


def ask_to_erase(app: Distro, code: str, answered: Callable[[Answer | None], None]) -> None:
    """Ask for the code again, as `distro families erase` does, and why."""
    ask = AskModal(
        f"Erase {code} for good?",
        "Its members, phones, handouts and slips, and every family merged into it, are deleted, "
        "and its history keeps only the code. This cannot be undone.",
        code_prompt=f"Type {code} again to confirm",
    )
    app.push_screen(ask, answered)


def erase(app: Distro, family_id: int, code: str, answer: Answer, done: Callable[[], None]) -> None:
    """Erase when the typed code matches, clear the slips folder, then show what is left; `done`
    runs when that dialog closes (the family is gone, so its screen goes too)."""
    from distro.domain.core.codes import typed_again
    from distro.domain.privacy.retention import erase_family, purge_freed_pages
    from distro.printing.printed_files import remove_family_files

    if not typed_again(answer.code, code):
        app.notify(f"The code typed did not match {code}; nothing was erased.", severity="error")
        return
    try:
        with writing(app) as session:
            forgotten = erase_family(
                session, family_id, answer.reason, actor=app.current_actor(), now=app.clock()
            )
    except DomainError as refusal:
        refuse(app, refusal, timeout=8)
        return
    if not purge_freed_pages(app.engine):
        app.notify(
            "Another counter is reading the database: the erased data may stay in its log "
            "file until every counter has closed distro.",
            severity="warning",
        )
    removal = remove_family_files(
        app.settings.slips_dir, slip_codes=forgotten.slip_codes, family_codes=forgotten.family_codes
    )
    app.push_screen(ErasedModal(forgotten, removal, ngo_clock(app)), lambda _: done())


class ErasedModal(UsesDistro, ModalScreen[None]):
    """What the erase did outside the database, and the copies the coordinator must still
    delete or keep safe, with their dates."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "close", "Close", id="erased-close"),
        Binding("escape", "close", "Close", show=False, id="erased-escape"),
    ]

    def __init__(self, forgotten: Forgotten, removal: Removal, zone: tzinfo) -> None:
        super().__init__(id="erased-modal")
        self.forgotten = forgotten
        self.removal = removal
        self.zone = zone

    def compose(self) -> ComposeResult:
        from distro.domain.core.words import how_many
        from distro.domain.privacy.copies import copies_in_words, copy_line

        folder = self.distro.settings.slips_dir
        copies = self.forgotten.copies
        with Vertical(classes="form-dialog"):
            yield Static(f"[b]{self.forgotten.code} is erased.[/b]")
            files = how_many(len(self.removal.removed), "file")
            yield Static(f"Removed {files} of its slips and cards from {folder}.", markup=False)
            for failure in self.removal.failures:
                yield Static(f"{failure}: delete it by hand.", markup=False, classes="field-error")
            if copies:
                yield Static(
                    f"Made before now and still holding it ({copies_in_words(copies)}): delete "
                    "each or keep it safe. Note them: this list is not kept.",
                    markup=False,
                )
                with VerticalScroll(id="erased-copies"):
                    for copy in copies:
                        yield Static(copy_line(copy, self.zone), markup=False)
            else:
                yield Static("No export, card, report or backup was made while it was here.")
        yield CounterFooter()

    def action_close(self) -> None:
        self.dismiss(None)
