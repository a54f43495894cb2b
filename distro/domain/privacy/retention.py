"""Provides retention: which families are due for review, anonymising or erasing them, and
clearing what the database file still holds of them afterwards.

A family is due for review when nothing happened to it for the retention period (an admin's
setting, two years by default). A coordinator then either anonymises it (personal fields
erased; the household's shape, dates and quantities kept for statistics) or erases it
completely. Either way every family merged into it goes too, its history rows are redacted
(the audit chain keeps their digests, so it still verifies), and an audit row that names only
the family code and counts records what was done.

Both return what the caller must still clear outside the database: the slip codes, whose
printed files (with a first name) the command or screen removes from the slips folder, and the
copies written out earlier (exports, cards, access reports, backups) that only the
coordinator can deal with.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, text
from sqlmodel import Session, col, delete, func, select, update

from distro.domain.admin.settings import SettingKey, get_setting
from distro.domain.audit.chain import REDACTED_PAYLOAD
from distro.domain.audit.changes import record_change
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import DomainError, InvalidInput, NotFound
from distro.domain.core.inputs import clean_note
from distro.domain.core.words import how_many
from distro.domain.distribution.models import Handout, HandoutLine, RoundFamily
from distro.domain.families.merge_chain import family_with_merged_ids
from distro.domain.families.models import Family, FamilyStatus, Member, Phone, SearchKey
from distro.domain.privacy.copies import Copy, copies_made_so_far

FamilyRowModel = type[Phone] | type[Member] | type[SearchKey] | type[RoundFamily] | type[Handout]
FAMILY_ROWS: tuple[FamilyRowModel, ...] = (SearchKey, Phone, Member, RoundFamily, Handout)
"""Every table whose rows belong to a family (through `family_id`), erased with it.

A new table that points at `family.id` (handouts, loans, referrals ...) must be added here, or
handled in `erase_family` (for example a stock ledger row that must stay would get its family
cleared instead); tests/domain/privacy/test_retention.py fails until it is."""
_PURGED_TABLES = ("family", "member", "phone", "search_key", "handout", "audit_event")
"""The PostgreSQL tables rewritten after an erase, so no dead row keeps the erased data."""
_NOT_REVIEWED = (FamilyStatus.MERGED.value, FamilyStatus.ANONYMISED.value)


@dataclass(frozen=True)
class Forgotten:
    """What an erase or anonymise leaves for its caller to deal with outside the database."""

    code: str
    family_codes: tuple[str, ...]
    """The family's code, then those of the families merged into it: their card files."""
    slip_codes: tuple[str, ...]
    """Every handout slip of these families (voided ones too): their slip files."""
    copies: tuple[Copy, ...]
    """Files distro wrote out earlier that still hold these families, oldest first."""


@dataclass(frozen=True)
class DueForReview:
    """One line of the review list; no names or phones, so the list itself discloses nobody."""

    family_id: int
    code: str
    district: str
    status: str
    last_active_at: datetime
    household_size: int


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if the
    day does not exist then, as 31 March -> 28 February)."""
    year, month_index = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month_index + 1)[1])
    return moment.replace(year=year, month=month_index + 1, day=day)


def families_due_for_review(
    session: Session, *, now: datetime, limit: int = 200
) -> list[DueForReview]:
    """Families inactive for longer than the retention period, the longest inactive first;
    merged families follow their survivor and anonymised ones were reviewed already."""
    cutoff = months_before(now, get_setting(session, SettingKey.RETENTION_MONTHS))
    families = session.exec(
        select(Family)
        .where(col(Family.last_active_at) < cutoff, col(Family.status).not_in(_NOT_REVIEWED))
        .order_by(col(Family.last_active_at))
        .limit(limit)
    ).all()
    sizes = household_sizes(session, [family.id for family in families if family.id])
    return [
        DueForReview(
            family_id=family.id,
            code=family.code,
            district=family.district,
            status=family.status,
            last_active_at=family.last_active_at,
            household_size=sizes.get(family.id, 0),
        )
        for family in families
        if family.id is not None
    ]


def household_sizes(session: Session, family_ids: list[int]) -> dict[int, int]:
    """Family id -> how many active members, in one query."""
    rows = session.exec(
        select(Member.family_id, func.count())
        .where(col(Member.family_id).in_(family_ids), col(Member.removed_at).is_(None))
        .group_by(col(Member.family_id))
    ).all()
    return {family_id: int(count) for family_id, count in rows}


@requires(Permission.REVIEW_RETENTION)
def anonymise_family(
    session: Session, family_id: int, reason: str, *, actor: Actor, now: datetime
) -> Forgotten:
    """Erase the family's personal fields but keep its shape for statistics.

    Kept: district, dietary needs, when it registered and was last active, consent date (that
    consent was given, not what it said), and for each member sex, relationship, nationality,
    birth year (as an estimated 1 July) and when they were removed. Gone: address, claim
    reference, allergies, notes, consent wording, phones, the proxy collectors and notes of its
    handouts, names (each member becomes
    "Anonymised member N"), aliases, languages, school and grade. Only the code search key
    stays, so a scanned card opens the family and shows it was anonymised, while no name or
    phone finds it. Families merged into it are blanked too and stay merged. Anonymising
    again is allowed: it clears whatever was added since (`db check` reports phones on an
    anonymised family). The slips' files go too, as they carry a first name.
    """
    family = _reviewable(session, family_id)
    why = _required_reason(reason)
    ids = family_with_merged_ids(session, family_id)
    forgotten = _what_is_left_outside(session, family.code, ids)
    redact_history(session, ids, now)
    count = _anonymise_members(session, family_id)
    session.exec(delete(Phone).where(col(Phone.family_id).in_(ids)))
    session.exec(
        update(Handout)
        .where(col(Handout.family_id).in_(ids))
        .values(proxy_name="", proxy_relation="", note="", void_reason="")
    )
    session.exec(
        delete(SearchKey).where(col(SearchKey.family_id).in_(ids), col(SearchKey.kind) != "code")
    )
    for each in session.exec(select(Family).where(col(Family.id).in_(ids))).all():
        _blank_family(each, now)
    family.status = FamilyStatus.ANONYMISED.value
    session.flush()
    _record_each(
        session, ids, "family.anonymise", ("Anonymised", family.code, count), why, actor, now
    )
    return forgotten


@requires(Permission.REVIEW_RETENTION)
def erase_family(
    session: Session, family_id: int, reason: str, *, actor: Actor, now: datetime
) -> Forgotten:
    """Delete the family, every family merged into it, and all their rows; return what is left
    of them outside the database.

    Their history rows are redacted, not deleted, so the audit chain stays whole; one
    "family.erase" row per erased family says, with the code and counts only, that it was done.
    Rows of other tables that point at the family are listed in `FAMILY_ROWS`.
    """
    family = _reviewable(session, family_id)
    why = _required_reason(reason)
    code = family.code
    ids = family_with_merged_ids(session, family_id)
    count = household_sizes(session, [family_id]).get(family_id, 0)
    forgotten = _what_is_left_outside(session, code, ids)
    redact_history(session, ids, now)
    handouts = select(Handout.id).where(col(Handout.family_id).in_(ids))
    session.exec(delete(HandoutLine).where(col(HandoutLine.handout_id).in_(handouts)))
    for model in FAMILY_ROWS:
        session.exec(delete(model).where(col(model.family_id).in_(ids)))
    # One statement for all: foreign keys are checked at its end, when the merged families
    # and the survivor they point at are gone together.
    session.exec(delete(Family).where(col(Family.id).in_(ids)))
    _record_each(session, ids, "family.erase", ("Erased", code, count), why, actor, now)
    return forgotten


def _what_is_left_outside(session: Session, code: str, family_ids: list[int]) -> Forgotten:
    """Read before the history is redacted: the family's own cards and reports are named only
    in rows the redaction blanks."""
    codes = session.exec(select(Family.code).where(col(Family.id).in_(family_ids))).all()
    slips = session.exec(
        select(Handout.code).where(col(Handout.family_id).in_(family_ids)).order_by(Handout.code)
    ).all()
    return Forgotten(
        code=code,
        family_codes=(code, *sorted(set(codes) - {code})),
        slip_codes=tuple(slips),
        copies=tuple(copies_made_so_far(session, family_ids)),
    )


def redact_history(session: Session, family_ids: list[int], now: datetime) -> None:
    """Blank the summary, before, after and reason of every history row of these families.

    The digest of each row stays, so the chain verifies; `db check` accepts the blanks only
    because an erase or anonymise row for the family follows them."""
    session.exec(
        update(AuditEvent)
        .where(col(AuditEvent.family_id).in_(family_ids), col(AuditEvent.redacted_at).is_(None))
        .values(**REDACTED_PAYLOAD, redacted_at=now)
    )


def purge_freed_pages(engine: Engine) -> bool:
    """Make sure erased data is not left in the database files; False if a counter's open
    read kept the SQLite write-ahead log from being cleared (it is cleared later, by itself).

    SQLite connections run with secure_delete, so freed space is overwritten with zeros, but
    the write-ahead log still holds earlier copies of changed pages until it is checkpointed
    and truncated. On PostgreSQL, VACUUM FULL rewrites the tables without their dead rows
    (it locks them while it runs, which on a counter's database takes seconds).
    """
    if engine.dialect.name == "sqlite":
        return _checkpoint_sqlite(engine)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in _PURGED_TABLES:
            connection.execute(text(f"VACUUM FULL {table}"))
    return True


def _checkpoint_sqlite(engine: Engine) -> bool:
    # Straight on the driver's connection: it runs in autocommit (see db.py), and a checkpoint
    # cannot clear the log from inside a transaction, which SQLAlchemy would open.
    raw = engine.raw_connection()
    try:
        busy = raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        raw.close()
    return bool(busy == 0)


def _reviewable(session: Session, family_id: int) -> Family:
    """The family, unless it is merged (its survivor is the one to review)."""
    family = session.get(Family, family_id)
    if family is None:
        raise NotFound(f"No family with id {family_id}.")
    if family.status == FamilyStatus.MERGED:
        raise DomainError(
            f"{family.code} was merged into another family; review that family instead."
        )
    return family


def _required_reason(reason: str) -> str:
    why = clean_note(reason, field="reason")
    if not why:
        raise InvalidInput({"reason": "say why, for example 'no contact since 2023' (no names)"})
    return why


def _anonymise_members(session: Session, family_id: int) -> int:
    """Blank every member (removed ones too); return how many are active."""
    members = session.exec(
        select(Member).where(Member.family_id == family_id).order_by(col(Member.position))
    ).all()
    for number, member in enumerate(members, start=1):
        member.full_name = f"Anonymised member {number}"
        member.aliases = member.languages = member.school = member.grade = ""
        member.removed_reason = ""
        if member.birth_date is not None:
            member.birth_date = date(member.birth_date.year, 7, 1)
            member.birth_date_estimated = True
    return sum(member.removed_at is None for member in members)


def _blank_family(family: Family, now: datetime) -> None:
    family.address = family.claim_ref = family.allergies = family.notes = ""
    family.consent_purpose = family.consent_recorded_by = ""
    family.updated_at = now


def _record_each(
    session: Session,
    family_ids: list[int],
    action: str,
    what: tuple[str, str, int],
    reason: str,
    actor: Actor,
    now: datetime,
) -> None:
    """One row per family, saying (verb, code, member count) with no personal data: `db check`
    accepts a family's redacted rows only when a row of this kind names that family after
    them."""
    verb, code, count = what
    for family_id in family_ids:
        first = family_id == family_ids[0]
        record_change(
            session,
            actor=actor,
            now=now,
            action=action,
            entity="family",
            entity_id=family_id,
            family_id=family_id,
            summary=f"{verb} family {code} ({how_many(count, 'member')})"
            if first
            else f"{verb} with {code}, into which it was merged",
            reason=reason,
        )
