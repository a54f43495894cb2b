"""Provides distribution rounds: setting one up, closing and reopening it, its family list,
and finding the rounds a counter can hand out in today.

A round names a basket (whose rules decide each family's entitlement), its first and last
day, who is expected (every active family, or a list), and whether the slip is collected at a
second desk. Closing a round stops handouts in it; uncollected slips are voided separately.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func
from sqlmodel import Session, col, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import Conflict, InvalidInput, NotFound
from distro.domain.core.inputs import Line, validated
from distro.domain.core.zone import counter_today
from distro.domain.distribution.models import DistributionRound, Expected, RoundFamily
from distro.domain.families.registry import find_family_by_code

BasketName = Annotated[str, Field(min_length=1, max_length=40)]


class RoundIn(BaseModel):
    """A round as typed on the form or the command line."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Line, Field(min_length=1, max_length=80)]
    basket: Annotated[Line, Field(min_length=1, max_length=40)]
    starts_on: date
    ends_on: date
    expected: Expected = Expected.ALL_ACTIVE
    two_step: bool = False
    note: Annotated[Line, Field(max_length=300)] = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> RoundIn:
        if self.ends_on < self.starts_on:
            raise ValueError("the last day is before the first day")
        if (self.ends_on - self.starts_on).days > 92:
            raise ValueError("a round lasts at most three months; check the dates")
        return self


@requires(Permission.MANAGE_ROUNDS)
def create_round(
    session: Session, round_in: RoundIn, *, actor: Actor, now: datetime
) -> DistributionRound:
    """A new round, open at once; its name must be new (names are what volunteers pick)."""
    round_in = validated(RoundIn, round_in.model_dump())
    if find_round_by_name(session, round_in.name) is not None:
        raise InvalidInput({"name": f"there is already a round called {round_in.name!r}"})
    distribution = DistributionRound(
        **round_in.model_dump(exclude={"expected"}),
        expected=round_in.expected.value,
        created_at=now,
        created_by=actor.name,
    )
    session.add(distribution)
    session.flush()
    assert distribution.id is not None
    _record(session, "round.create", distribution, f"Set up round {distribution.name}", actor, now)
    return distribution


@requires(Permission.MANAGE_ROUNDS)
def close_round(session: Session, round_id: int, *, actor: Actor, now: datetime) -> None:
    """Stop handouts in the round; slips already issued can still be collected or voided."""
    distribution = get_round(session, round_id)
    if distribution.closed_at is not None:
        raise Conflict(f"Round {distribution.name} is already closed.")
    distribution.closed_at = now
    session.add(distribution)
    _record(session, "round.close", distribution, f"Closed round {distribution.name}", actor, now)


@requires(Permission.MANAGE_ROUNDS)
def reopen_round(session: Session, round_id: int, *, actor: Actor, now: datetime) -> None:
    """Open a closed round again, for a handout day added at the last minute."""
    distribution = get_round(session, round_id)
    if distribution.closed_at is None:
        raise Conflict(f"Round {distribution.name} is open already.")
    distribution.closed_at = None
    session.add(distribution)
    summary = f"Reopened round {distribution.name}"
    _record(session, "round.reopen", distribution, summary, actor, now)


@requires(Permission.MANAGE_ROUNDS)
def add_to_round_list(
    session: Session, round_id: int, family_codes: list[str], *, actor: Actor, now: datetime
) -> int:
    """Put families (by card code, merged cards followed) on a list round; returns how many
    were new on the list. Every code is checked before any is added."""
    distribution = get_round(session, round_id)
    if distribution.expected != Expected.LIST.value:
        raise Conflict(f"Round {distribution.name} is for every active family; it has no list.")
    family_ids = {_family_id(session, code) for code in family_codes}
    listed = set(
        session.exec(
            select(RoundFamily.family_id).where(
                RoundFamily.round_id == round_id, col(RoundFamily.family_id).in_(family_ids)
            )
        ).all()
    )
    new = sorted(family_ids - listed)
    session.add_all(RoundFamily(round_id=round_id, family_id=family_id) for family_id in new)
    summary = f"Added {len(new)} families to the list of round {distribution.name}"
    _record(session, "round.list", distribution, summary, actor, now)
    return len(new)


def _family_id(session: Session, code: str) -> int:
    family = find_family_by_code(session, code)
    assert family.id is not None
    return family.id


def get_round(session: Session, round_id: int) -> DistributionRound:
    """The round with this id, or NotFound."""
    distribution = session.get(DistributionRound, round_id)
    if distribution is None:
        raise NotFound(f"There is no round number {round_id}.")
    return distribution


def find_round_by_name(session: Session, name: str) -> DistributionRound | None:
    """The round called `name`, ignoring case and spacing."""
    wanted = " ".join(name.split()).casefold()
    for distribution in session.exec(select(DistributionRound)).all():
        if " ".join(distribution.name.split()).casefold() == wanted:
            return distribution
    return None


def round_named(session: Session, name: str) -> DistributionRound:
    """The round called `name`, or NotFound listing the open ones."""
    distribution = find_round_by_name(session, name)
    if distribution is None:
        names = ", ".join(r.name for r in open_rounds(session)) or "none"
        raise NotFound(f"There is no round called {name!r}. Open rounds: {names}.")
    return distribution


def open_rounds(session: Session, today: date | None = None) -> list[DistributionRound]:
    """Rounds not closed, newest first; with `today`, only those whose dates include it."""
    query = select(DistributionRound).where(col(DistributionRound.closed_at).is_(None))
    if today is not None:
        query = query.where(
            col(DistributionRound.starts_on) <= today, col(DistributionRound.ends_on) >= today
        )
    return list(session.exec(query.order_by(col(DistributionRound.starts_on).desc())).all())


def all_rounds(session: Session, limit: int = 100) -> list[DistributionRound]:
    """The newest rounds first, open and closed."""
    query = select(DistributionRound).order_by(col(DistributionRound.starts_on).desc()).limit(limit)
    return list(session.exec(query).all())


def current_round(session: Session, now: datetime) -> DistributionRound | None:
    """The round a counter hands out in by default: the newest open round running today."""
    running = open_rounds(session, counter_today(session, now))
    return running[0] if running else None


def round_list_size(session: Session, round_id: int) -> int:
    """How many families are on a list round's list."""
    return int(
        session.exec(
            select(func.count()).select_from(RoundFamily).where(RoundFamily.round_id == round_id)
        ).one()
    )


def _record(
    session: Session,
    action: str,
    distribution: DistributionRound,
    summary: str,
    actor: Actor,
    now: datetime,
) -> None:
    record_change(
        session,
        actor=actor,
        now=now,
        action=action,
        entity="round",
        entity_id=distribution.id,
        family_id=None,
        summary=summary,
        after=distribution.model_dump(mode="json", exclude={"id", "created_at", "created_by"}),
    )
