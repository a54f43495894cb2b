"""Provides read-only views of handouts: a round's progress, the slips still waiting at the
exit, a family's recent collections, and the handouts CSV.

Every query of a round filters on `handout.round_id` first, so it walks the round's slice of
the `ix_handout_round_at` index and stays quick however many rounds came before. Nothing here
returns a name: family codes and household sizes are enough to find a bag, and a screen that
needs a name masks it where it shows it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, TextIO, cast

import sqlalchemy
from sqlalchemy import case, distinct, func
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import SQLCoreOperations
from sqlmodel import Session, col, select

from distro.domain.core.clock import on_clock
from distro.domain.core.csv_cells import BOM, escape_cell
from distro.domain.core.moments import MomentStyle, moment_text
from distro.domain.core.zone import ngo_zone
from distro.domain.distribution.models import DistributionRound, Handout, HandoutLine
from distro.domain.distribution.rounds import get_round
from distro.domain.distribution.slips import SlipState
from distro.domain.families.merge_chain import family_with_merged_ids
from distro.domain.families.models import Family
from distro.domain.stock.models import Item

_REPLACED = aliased(Item, name="replaced_item")
_CELLS: dict[str, SQLCoreOperations[Any]] = {
    "slip_code": col(Handout.code),
    "round": col(DistributionRound.name),
    "handed_out_at": col(Handout.handed_out_at),
    "counter": col(Handout.counter),
    "volunteer": col(Handout.actor),
    "family_code": col(Family.code),
    "household_size": col(Handout.household_size),
    "item_code": col(Item.code),
    "item_name": col(Item.name),
    "quantity": col(HandoutLine.quantity),
    "entitled": col(HandoutLine.entitled),
    "instead_of": col(_REPLACED.name),
    "proxy": col(Handout.proxy_name) != "",
    "override_reason": col(Handout.override_reason),
    "collected_at": col(Handout.collected_at),
    "voided_at": col(Handout.voided_at),
    "void_reason": col(Handout.void_reason),
}
"""Each column of the handouts CSV and what fills it."""
COLUMNS = tuple(_CELLS)
_MOMENTS = frozenset({"handed_out_at", "collected_at", "voided_at"})
BATCH_SIZE = 1_000
"""Handout lines read from the database at a time: memory stays flat over years of rounds."""


@dataclass(frozen=True)
class ItemTotal:
    """How many units of one item a round has given out (voided slips not counted)."""

    code: str
    name: str
    unit: str
    units: int


@dataclass(frozen=True)
class RoundProgress:
    """Where a round stands: who has collected, what has gone out, what is still open."""

    round_id: int
    round_name: str
    two_step: bool
    families_served: int
    slips: int
    """Slips that stand (not voided); more than `families_served` when overrides gave twice."""
    units_given: int
    slips_voided: int
    waiting_at_exit: int
    """Slips of a two-step round neither collected at the exit nor voided."""
    never_printed: int
    """Standing slips that never printed (`reprints.unprinted_slips` lists them)."""
    items: tuple[ItemTotal, ...]
    """Most units given first."""


@dataclass(frozen=True)
class UncollectedSlip:
    """A slip whose bag has not been collected at the exit: who to look for in the hall."""

    code: str
    family_code: str
    household_size: int
    handed_out_at: datetime
    counter: str


@dataclass(frozen=True)
class FamilyHandout:
    """One of a family's collections, for its screen and the counter's "last visit"."""

    code: str
    round_name: str
    handed_out_at: datetime
    units: int
    state: str
    """ "collected", "waiting at the exit" or "voided", as the exit desk says it."""


def round_progress(session: Session, round_id: int) -> RoundProgress:
    """The round's counts in two grouped queries: one over its slips, one over their lines."""
    distribution = get_round(session, round_id)
    standing = col(Handout.voided_at).is_(None)
    waiting = standing & col(Handout.collected_at).is_(None)
    unprinted = standing & (col(Handout.printed_count) == 0)
    families, slips, voided, open_slips, never_printed = session.execute(
        sqlalchemy.select(
            func.count(distinct(case((standing, Handout.family_id)))),
            func.count(case((standing, 1))),
            func.count(case((~standing, 1))),
            func.count(case((waiting, 1))),
            func.count(case((unprinted, 1))),
        ).where(col(Handout.round_id) == round_id)
    ).one()
    items = _item_totals(session, round_id)
    return RoundProgress(
        round_id=round_id,
        round_name=distribution.name,
        two_step=distribution.two_step,
        families_served=families,
        slips=slips,
        units_given=sum(item.units for item in items),
        slips_voided=voided,
        waiting_at_exit=open_slips,
        never_printed=never_printed,
        items=items,
    )


def _item_totals(session: Session, round_id: int) -> tuple[ItemTotal, ...]:
    units = func.sum(HandoutLine.quantity)
    rows = session.exec(
        select(Item.code, Item.name, Item.unit, units)
        .join(Handout, col(Handout.id) == HandoutLine.handout_id)
        .join(Item, col(Item.id) == HandoutLine.item_id)
        .where(Handout.round_id == round_id, col(Handout.voided_at).is_(None))
        .group_by(col(Item.id), col(Item.code), col(Item.name), col(Item.unit))
        .order_by(units.desc(), col(Item.name))
    ).all()
    return tuple(ItemTotal(code, name, unit, int(total)) for code, name, unit, total in rows)


def uncollected_slips(session: Session, round_id: int, limit: int = 500) -> list[UncollectedSlip]:
    """The round's slips still waiting at the exit, oldest first (the longest wait on top)."""
    rows = session.exec(
        select(Handout, Family.code)
        .join(Family, col(Family.id) == Handout.family_id)
        .where(
            Handout.round_id == round_id,
            col(Handout.collected_at).is_(None),
            col(Handout.voided_at).is_(None),
        )
        .order_by(col(Handout.handed_out_at), col(Handout.id))
        .limit(limit)
    ).all()
    return [
        UncollectedSlip(
            code=handout.code,
            family_code=family_code,
            household_size=handout.household_size,
            handed_out_at=on_clock(handout.handed_out_at, UTC),
            counter=handout.counter,
        )
        for handout, family_code in rows
    ]


def family_handouts(session: Session, family_id: int, limit: int = 20) -> list[FamilyHandout]:
    """The family's collections, newest first, with those of cards merged into it."""
    rows = session.exec(
        select(Handout, DistributionRound.name, DistributionRound.two_step, Family.code)
        .join(DistributionRound, col(DistributionRound.id) == Handout.round_id)
        .join(Family, col(Family.id) == Handout.family_id)
        .where(col(Handout.family_id).in_(family_with_merged_ids(session, family_id)))
        .order_by(col(Handout.handed_out_at).desc(), col(Handout.id).desc())
        .limit(limit)
    ).all()
    units = _units(session, [handout.id for handout, *_rest in rows if handout.id is not None])
    return [
        FamilyHandout(
            code=handout.code,
            round_name=round_name,
            handed_out_at=on_clock(handout.handed_out_at, UTC),
            units=units.get(handout.id or 0, 0),
            state=SlipState(handout, round_name, two_step, family_code).state,
        )
        for handout, round_name, two_step, family_code in rows
    ]


def _units(session: Session, handout_ids: list[int]) -> dict[int, int]:
    if not handout_ids:
        return {}
    rows = session.exec(
        select(HandoutLine.handout_id, func.sum(HandoutLine.quantity))
        .where(col(HandoutLine.handout_id).in_(handout_ids))
        .group_by(col(HandoutLine.handout_id))
    ).all()
    return {handout_id: int(total) for handout_id, total in rows}


def export_handouts(session: Session, stream: TextIO, *, round_id: int | None = None) -> int:
    """Write one row per handout line, of one round or of every round, in the order they were
    handed out; return how many rows. Family codes only, and whether a proxy collected, never
    who: the file says what went out, not to whom.

    Open `stream` with newline="" and UTF-8: the BOM is written here."""
    stream.write(BOM)
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    query = (
        sqlalchemy.select(*_CELLS.values())
        .join_from(HandoutLine, Handout, col(Handout.id) == HandoutLine.handout_id)
        .join(DistributionRound, col(DistributionRound.id) == Handout.round_id)
        .join(Family, col(Family.id) == Handout.family_id)
        .join(Item, col(Item.id) == HandoutLine.item_id)
        .outerjoin(_REPLACED, col(_REPLACED.id) == HandoutLine.substitute_for_item_id)
        .order_by(col(Handout.handed_out_at), col(Handout.id), col(HandoutLine.id))
        .execution_options(yield_per=BATCH_SIZE)
    )
    if round_id is not None:
        query = query.where(col(Handout.round_id) == round_id)
    written, zone = 0, ngo_zone(session)
    for row in session.execute(query):
        cells = zip(COLUMNS, row, strict=True)
        writer.writerow([_cell(name, value, zone) for name, value in cells])
        written += 1
    return written


def _cell(name: str, value: object, zone: tzinfo) -> object:
    """One cell: times on the NGO's clock with their offset, the proxy as yes/no, text escaped,
    numbers as they are."""
    if name in _MOMENTS:
        return "" if value is None else moment_text(cast(datetime, value), zone, MomentStyle.ISO)
    if name == "proxy":
        return "yes" if value else "no"
    if value is None:
        return ""
    return escape_cell(value) if isinstance(value, str) else value
