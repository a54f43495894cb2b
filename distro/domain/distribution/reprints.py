"""Provides the slips a counter may need to print again: those never printed (the app died
between confirming and printing, or the printer failed) and the counter's latest.

A handout is committed before its slip prints, so a lost slip is never a lost handout; these
lists are how a volunteer finds it again without knowing its code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from distro.domain.core.clock import on_clock
from distro.domain.distribution.models import Handout
from distro.domain.families.models import Family


@dataclass(frozen=True)
class SlipToReprint:
    """One handout whose slip may be printed again."""

    handout_id: int
    code: str
    family_code: str
    handed_out_at: datetime
    counter: str
    printed: bool


def unprinted_slips(session: Session, round_id: int, limit: int = 50) -> list[SlipToReprint]:
    """The round's standing handouts whose slip never printed, oldest first."""
    query = (
        _slips(round_id).where(col(Handout.printed_count) == 0).order_by(col(Handout.handed_out_at))
    )
    return _read(session, query.limit(limit))


def slips_to_reprint(
    session: Session, round_id: int, counter: str, limit: int = 12
) -> list[SlipToReprint]:
    """What Ctrl+R offers at `counter`: the round's slips never printed (at any counter),
    then this counter's latest slips, newest first."""
    never = unprinted_slips(session, round_id, limit)
    latest = _read(
        session,
        _slips(round_id)
        .where(col(Handout.counter) == counter, col(Handout.printed_count) > 0)
        .order_by(col(Handout.handed_out_at).desc())
        .limit(max(0, limit - len(never))),
    )
    return never + latest


def _slips(round_id: int) -> Select[Handout, str]:
    return (
        select(Handout, Family.code)
        .join(Family, col(Family.id) == Handout.family_id)
        .where(Handout.round_id == round_id, col(Handout.voided_at).is_(None))
    )


def _read(session: Session, query: Select[Handout, str]) -> list[SlipToReprint]:
    slips = []
    for handout, family_code in session.exec(query).all():
        assert handout.id is not None  # read from the database
        slips.append(
            SlipToReprint(
                handout_id=handout.id,
                code=handout.code,
                family_code=family_code,
                handed_out_at=on_clock(handout.handed_out_at, UTC),
                counter=handout.counter,
                printed=handout.printed_count > 0,
            )
        )
    return slips
