"""Provides the family screen's merge question: the duplicate's code is looked up, the merge
plan is shown in full to correct and confirm, and only a confirmed plan merges (the screen
writes it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from distro.domain.core.errors import DomainError
from distro.tui.base import Distro, reading, refuse
from distro.tui.widgets.ask import Answer, AskModal

if TYPE_CHECKING:
    from distro.domain.families.registry import FamilyRecord
    from distro.domain.families.schemas import MergeChoices

MergeYes = Callable[[int, str, "MergeChoices"], None]
"""What a yes does: merge the duplicate (by id) into the family, with the reason given and the
coordinator's corrections to the plan."""


def ask_for_duplicate(app: Distro, answered: Callable[[Answer | None], None]) -> None:
    """Ask for the duplicate record's code, and why."""
    ask = AskModal(
        "Merge a duplicate into this family",
        "Every member, phone, note and history of the other record moves here (a person in "
        "both is kept once; you see the plan first); its card keeps working and opens this "
        "family.",
        code_prompt="Code of the duplicate record (scan or type)",
    )
    app.push_screen(ask, answered)


def confirm_merge(app: Distro, record: FamilyRecord, answer: Answer, merge: MergeYes) -> None:
    """Look the duplicate up, show the merge plan, and `merge` only when it is confirmed."""
    from distro.domain.families.merge import preview_merge
    from distro.domain.families.registry import find_family_by_code
    from distro.tui.families.merge_plan import MergePlanModal

    family_id = record.family.id
    assert family_id is not None
    try:
        with reading(app) as session:
            duplicate_id = find_family_by_code(session, answer.code).id
            assert duplicate_id is not None
            plan = preview_merge(session, family_id, duplicate_id)
    except DomainError as refusal:
        refuse(app, refusal, timeout=8)
        return
    app.push_screen(
        MergePlanModal(plan),
        lambda choices: merge(duplicate_id, answer.reason, choices) if choices else None,
    )
