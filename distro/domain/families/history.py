"""Provides a family's history: every change to it, including those of records merged into it,
and the words a volunteer reads it in (field names in words, lists as text, times on the NGO's
clock)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlmodel import Session, col, select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.moments import moment_text
from distro.domain.families.merge_chain import family_with_merged_ids
from distro.domain.families.models import LIST_SEPARATOR

FIELD_NAMES = {
    "code": "card code",
    "birth_date_estimated": "date of birth estimated",
    "removed_at": "left on",
    "removed_reason": "reason for leaving",
}
"""Names for the stored fields no form shows (the screens name the others as their forms do);
any other field reads with spaces for `_`."""
ENTITY_FIELD_NAMES = {"handout": {"code": "slip", "lines": "items", "proxy": "by a proxy"}}
"""Names that differ for a change to something other than the family itself."""
UNSHOWN_FIELDS = frozenset({"id", "merged_into_id", "round_id", "lots"})
"""Database ids and ledger rows mean nothing at the counter: a merge's summary names the family
by its code, and an item's stock history shows the lots."""
JOINED_FIELDS = frozenset({"dietary", "aliases", "languages"})
"""Lists stored as one text, joined by LIST_SEPARATOR."""
CHOICE_FIELDS = frozenset({"dietary", "status", "sex", "relationship"})
"""Values picked from a list, stored as words joined by `_`."""
CHOICE_WORDS = {"left_hk": "left Hong Kong"}
"""Choices that need more than spaces for `_` to read right."""
MOMENT_FIELDS = frozenset({"removed_at", "handed_out_at"})


def family_history(session: Session, family_id: int, limit: int = 200) -> list[AuditEvent]:
    """A family's changes, newest first, including those of families merged into it (and into
    those, however long the chain of merges)."""
    query = (
        select(AuditEvent)
        .where(col(AuditEvent.family_id).in_(family_with_merged_ids(session, family_id)))
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def field_name(field: str, entity: str = "family") -> str:
    """A stored field of a change to `entity` in words: "consent_recorded_by" reads "consent
    recorded by", a handout's "code" reads "slip"."""
    named = ENTITY_FIELD_NAMES.get(entity, {}).get(field) or FIELD_NAMES.get(field)
    return named or field.replace("_", " ")


def value_words(field: str, value: object, zone: tzinfo) -> str:
    """A recorded value as a volunteer reads it: "-" for nothing, lists as "a, b", yes or no,
    choices in words, moments on the NGO's clock (`zone`)."""
    if value in (None, "", []):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value_words(field, part, zone) for part in value)
    if isinstance(value, dict):
        return _line_words(value)
    text = str(value)
    if field in MOMENT_FIELDS:
        return moment_text(datetime.fromisoformat(text), zone)
    parts = text.split(LIST_SEPARATOR) if field in JOINED_FIELDS else [text]
    if field in CHOICE_FIELDS:
        parts = [CHOICE_WORDS.get(part, part.replace("_", " ")) for part in parts]
    return ", ".join(part for part in parts if part)


def _line_words(line: dict[str, object]) -> str:
    """A handout line: "2 S-000001-B", with what it replaced or what was due when it differs."""
    words = f"{line.get('quantity')} {line.get('item')}"
    if line.get("instead_of"):
        words += f" instead of {line['instead_of']}"
    if line.get("entitled") not in (None, line.get("quantity")):
        words += f" ({line['entitled']} due)"
    return words
