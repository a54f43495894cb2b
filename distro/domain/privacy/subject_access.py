"""Provides the access-request report: everything held about one family, in plain text.

Anyone may ask what personal data an organisation holds about them (in Hong Kong, a data
access request under the Personal Data (Privacy) Ordinance). The report gives the family's
fields, every member (removed ones too), phones, consent, the records merged into it, and its
whole history with who changed what, written so the family can read it without the app.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from distro.domain.audit.changes import changed_fields
from distro.domain.audit.disclosure import record_export
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.families.merge_chain import family_with_merged_ids
from distro.domain.families.models import LIST_SEPARATOR, Family, Member
from distro.domain.families.phones import display_phone
from distro.domain.families.registry import FamilyRecord, family_fields, load_family

_NOTHING = "(none)"
_MEMBER_DETAILS = (
    "relationship",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "nationality",
    "languages",
    "aliases",
    "school",
    "grade",
    "removed_at",
    "removed_reason",
)


@requires(Permission.EXPORT_PERSONAL_DATA)
def family_report(
    session: Session, family_id: int, *, actor: Actor, now: datetime, to: str = ""
) -> str:
    """The report for family `family_id`, after recording in its history that it was made (and
    the file it goes `to`, so an erase can say where it is).

    Recorded first, in the caller's transaction, so the report lists its own disclosure and a
    report that is never written to a file is still on record."""
    record = load_family(session, family_id)
    code = record.family.code
    what = f"everything held about {code} (access request)" + (f" to {to}" if to else "")
    record_export(session, what, actor=actor, now=now, family_id=family_id)
    ids = family_with_merged_ids(session, family_id)
    lines = [
        f"Everything distro holds about family {code}",
        f"Prepared on {now:%Y-%m-%d %H:%M} UTC by {actor.name}, for an access request.",
        *_section("Family", _fields(_family_details(record.family))),
        *_section("Members", _member_lines(record)),
        *_section("Phones", [display_phone(phone.number) for phone in record.phones]),
        *_section("Records merged into this family", _merged_lines(session, ids[1:])),
        *_section("History, oldest first", _history_lines(session, ids)),
    ]
    return "\n".join(lines) + "\n"


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", title, *(f"  {line}" for line in lines or [_NOTHING])]


def _fields(fields: dict[str, Any]) -> list[str]:
    """One "label: value" line per field that holds something."""
    return [
        f"{name.replace('_', ' ')}: {shown(value)}"
        for name, value in fields.items()
        if value not in (None, "", [], False)
    ]


def shown(value: Any) -> str:
    """A stored value as a person reads it: lists joined, dates as YYYY-MM-DD, records as
    "field value, ..." without their database ids."""
    if value is None or value == "" or value == []:
        return _NOTHING
    if isinstance(value, list):
        return "; ".join(shown(item) for item in value)
    if isinstance(value, dict):
        parts = (f"{key.replace('_', ' ')} {shown(v)}" for key, v in value.items() if v)
        return ", ".join(part for part in parts if not part.startswith("id "))
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if value is True:
        return "yes"
    return str(value).replace(LIST_SEPARATOR, ", ")


def _family_details(family: Family) -> dict[str, Any]:
    """The family's fields, when it was registered and by whom, and when it was last active."""
    fields = family_fields(family)
    fields.pop("merged_into_id")
    return {
        **fields,
        "registered": f"{shown(family.created_at)} by {family.created_by}",
        "last active": family.last_active_at,
    }


def _member_lines(record: FamilyRecord) -> list[str]:
    lines = []
    for number, member in enumerate(record.members + record.removed_members, start=1):
        lines.append(f"{number}. {member.full_name}")
        lines.extend(f"   {line}" for line in _fields(_member_details(member)))
    return lines


def _member_details(member: Member) -> dict[str, Any]:
    return {name: getattr(member, name) for name in _MEMBER_DETAILS}


def _merged_lines(session: Session, merged_ids: list[int]) -> list[str]:
    """Each merged record's own fields (members and phones moved to this family)."""
    lines = []
    for merged_id in merged_ids:
        family = session.get(Family, merged_id)
        if family is not None:
            details = _family_details(family)
            lines.append(details.pop("code"))
            lines.extend(f"   {line}" for line in _fields(details))
    return lines


def _history_lines(session: Session, family_ids: list[int]) -> list[str]:
    events = session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.family_id).in_(family_ids))
        .order_by(col(AuditEvent.id))
    ).all()
    lines = []
    for event in events:
        lines.append(f"{shown(event.at)}  {event.actor}  {event.action}  {event.summary}")
        lines.extend(f"   {line}" for line in _event_details(event))
    return lines


def _event_details(event: AuditEvent) -> list[str]:
    if event.redacted_at is not None:
        return [f"(details erased on {shown(event.redacted_at)})"]
    reason = [f"reason: {event.reason}"] if event.reason else []
    changes = changed_fields(event.before, event.after).items()
    return reason + [
        f"{name.replace('_', ' ')}: {shown(old)} -> {shown(new)}" for name, (old, new) in changes
    ]
