"""Provides the audited reveal of one family's personal data: `v Reveal` on the family screen,
and the edit forms, which in privacy mode show a family's data only after it.

A form never opens on masked data: what it shows is what Ctrl+S saves, so a masked phone or
name could be saved back over the real one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from distro.domain.core.errors import DomainError
from distro.tui.base import Distro, refuse, writing
from distro.tui.widgets.confirm import ConfirmModal

if TYPE_CHECKING:
    from textual.screen import Screen

    from distro.domain.families.models import Family

ASK_TO_REVEAL = (
    "Privacy mode is on. Editing shows this family's names, phones, address and claim "
    "reference in full until you leave the family. The audit log records that you revealed "
    "them, as v Reveal does."
)


def reveal_family(app: Distro, family_id: int, code: str) -> bool:
    """Record the reveal in the audit log, then show the family in full while it stays on
    screen; False when the reveal was refused (the notice says why)."""
    from distro.domain.audit.disclosure import record_reveal

    try:
        with writing(app) as session:
            record_reveal(session, family_id, code, actor=app.current_actor(), now=app.clock())
    except DomainError as refusal:
        refuse(app, refusal, timeout=8)
        return False
    app.privacy.revealed_family_id = family_id
    return True


def open_revealed(
    app: Distro,
    family: Family,
    form: Callable[[], Screen[Any]],
    done: Callable[[Any], object],
) -> None:
    """Open a form that shows the family's personal data (`done` hears its result): at once
    when the family is shown in full already; in privacy mode only after a yes, which reveals
    the family (recorded)."""
    assert family.id is not None
    family_id, code = family.id, family.code

    def open_form() -> None:
        app.push_screen(form(), done)

    if not app.privacy.masks(family_id):
        open_form()
        return

    def answered(yes: bool | None) -> None:
        if yes and reveal_family(app, family_id, code):
            open_form()

    app.push_screen(ConfirmModal("Show this family in full to edit it?", ASK_TO_REVEAL), answered)
