"""Provides the family screen's merge question: the duplicate's code is looked up, what the
merge will do is said in full, and only a yes merges (the screen writes it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from distro.domain.core.errors import DomainError
from distro.domain.families.masks import mask_name
from distro.tui.base import Distro, reading, refuse
from distro.tui.widgets.ask import Answer, AskModal
from distro.tui.widgets.confirm import ConfirmModal

if TYPE_CHECKING:
    from distro.domain.families.registry import FamilyRecord

MergeYes = Callable[[int, str], None]
"""What a yes does: merge the duplicate (by id) into the family, with the reason given."""


def ask_for_duplicate(app: Distro, answered: Callable[[Answer | None], None]) -> None:
    """Ask for the duplicate record's code, and why."""
    ask = AskModal(
        "Merge a duplicate into this family",
        "Every member, phone, note and history of the other record moves here; "
        "its card keeps working and opens this family.",
        code_prompt="Code of the duplicate record (scan or type)",
    )
    app.push_screen(ask, answered)


def confirm_merge(app: Distro, record: FamilyRecord, answer: Answer, merge: MergeYes) -> None:
    """Look the duplicate up, say what the merge will do, and `merge` only on a yes."""
    from distro.domain.families.models import FamilyStatus
    from distro.domain.families.registry import find_family_by_code, load_family
    from distro.domain.families.search import describe_families

    family = record.family
    assert family.id is not None
    try:
        with reading(app) as session:
            if load_family(session, family.id).family.status == FamilyStatus.MERGED:
                raise DomainError(
                    f"{family.code} was merged into another family meanwhile; "
                    "open that family instead."
                )
            duplicate = find_family_by_code(session, answer.code)
            assert duplicate.id is not None
            [hit] = describe_families(session, [duplicate.id])
    except DomainError as refusal:
        refuse(app, refusal, timeout=8)
        return
    question = f"Merge {hit.code} into {family.code}?"
    masked = app.privacy.masks(hit.family_id)
    head = mask_name(hit.head_name) if masked else hit.head_name
    details = (
        f"{hit.code}: {head}, {hit.household_size} members, {hit.district}.\n"
        f"Its members, phones and notes move to {family.code}, which stays; "
        f"{hit.code} is closed and its card opens {family.code}. "
        "This cannot be undone."
    )
    app.push_screen(
        ConfirmModal(question, details),
        lambda yes: merge(hit.family_id, answer.reason) if yes else None,
    )
