"""Provides the handout: one family's collection in a round, written in ONE transaction with
its lines, its stock movements (first expiry first out) and its audit row.

The request is checked against the family's entitlement computed inside the same transaction,
so what the counter drew minutes ago cannot smuggle in more than the rules give: a volunteer
may lower a quantity or swap an item for another of the same kind (category and unit) that fits
the household's diet, never raise one. Stock that ran out since the screen was drawn refuses
the whole handout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, require, requires
from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.errors import Conflict, InvalidInput, NotAllowed
from distro.domain.core.inputs import validated
from distro.domain.core.numbering import next_number
from distro.domain.distribution.entitlement import Entitlement, family_entitlement
from distro.domain.distribution.handout_request import CheckedLine, HandoutIn, checked_lines
from distro.domain.distribution.models import Handout, HandoutLine
from distro.domain.distribution.rounds import get_round
from distro.domain.families.models import Family
from distro.domain.stock.ledger import LotChoice, NotEnoughStock, take_first_expiry_first
from distro.domain.stock.models import MovementKind

PAPER_SHEET_DAYS = timedelta(days=31)
"""How far back a paper signature sheet may be entered: a month covers any outage."""
PAPER_CLOCK_SLACK = timedelta(minutes=5)
"""A paper time this far ahead of the counter's clock is a clock difference, not the future."""


@dataclass(frozen=True)
class HandedOut:
    """A handout that was written: its id and slip code."""

    handout_id: int
    code: str
    lines: int
    units: int


class StockChanged(Conflict):
    """Stock ran out between drawing the entitlement and confirming; nothing was written."""


@requires(Permission.HAND_OUT)
def hand_out(
    session: Session, request: HandoutIn, *, actor: Actor, now: datetime, counter: str
) -> HandedOut:
    """Record the handout, its lines, its stock movements and its audit row, or nothing."""
    request = validated(HandoutIn, request.model_dump())
    distribution = get_round(session, request.round_id)
    if distribution.closed_at is not None:
        raise Conflict(f"{distribution.name} is closed; ask a coordinator to reopen it.")
    at = _handout_time(request.handed_out_at, now)
    entitlement = family_entitlement(session, distribution, request.family_id, at)
    _check_blockers(entitlement, request.override_reason, actor)
    lines = checked_lines(session, entitlement, request)
    code = format_code(CodeKind.SLIP, next_number(session, CodeKind.SLIP))
    handout = Handout(
        code=code,
        round_id=request.round_id,
        family_id=entitlement.family_id,
        household_size=entitlement.household_size,
        handed_out_at=at,
        counter=_counter_name(counter),
        actor=actor.name,
        proxy_name=request.proxy_name,
        proxy_relation=request.proxy_relation,
        note=request.note,
        override_reason=request.override_reason,
        collected_at=None if distribution.two_step else at,
        collected_by="" if distribution.two_step else actor.name,
    )
    session.add(handout)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            "Another counter recorded a collection for this family in this round a moment "
            "ago; nothing was written. Scan the card again to see it."
        ) from None
    assert handout.id is not None
    lots = _take_stock(session, lines, code, distribution.name, actor, now)
    session.add_all(
        HandoutLine(
            handout_id=handout.id,
            item_id=item.id,
            quantity=quantity,
            entitled=entitled,
            substitute_for_item_id=replaces.id if replaces else None,
        )
        for item, quantity, entitled, replaces in lines
    )
    session.execute(
        update(Family).where(col(Family.id) == entitlement.family_id).values(last_active_at=at)
    )
    units = sum(quantity for _item, quantity, _entitled, _replaces in lines)
    _record_handout(session, handout, lines, units, lots, actor, now)
    return HandedOut(handout.id, code, len(lines), units)


def _handout_time(given: datetime | None, now: datetime) -> datetime:
    """The moment of the handout: now, or a moment of the last weeks written on paper during
    an outage (the stock movements and the audit row still say when it was entered)."""
    if given is None:
        return now
    if given.tzinfo is None:
        raise InvalidInput({"handed_out_at": "needs its time zone"})
    if given > now + PAPER_CLOCK_SLACK:
        raise InvalidInput({"handed_out_at": "is in the future"})
    if given < now - PAPER_SHEET_DAYS:
        days = PAPER_SHEET_DAYS.days
        raise InvalidInput({"handed_out_at": f"is more than {days} days ago; check the date"})
    return given


def _check_blockers(entitlement: Entitlement, override_reason: str, actor: Actor) -> None:
    """Refuse a handout a rule forbids, unless a coordinator overrides it with a reason; an
    override where nothing blocks is refused too, since it would escape the one-collection
    index."""
    if override_reason and not entitlement.blockers:
        raise InvalidInput(
            {"override_reason": "the family may collect: there is nothing to override"}
        )
    if not entitlement.blockers:
        return
    if not override_reason:
        who = "you" if actor.may(Permission.OVERRIDE_HANDOUT) else "a coordinator"
        raise Conflict(
            " ".join(entitlement.blockers)
            + f" Nothing was handed out; {who} may override with a reason."
        )
    try:
        require(actor, Permission.OVERRIDE_HANDOUT)
    except NotAllowed:
        raise NotAllowed(
            f"{actor.name} is signed in as {actor.role.value} and may not override: "
            + " ".join(entitlement.blockers)
            + " Ask a coordinator."
        ) from None


def _take_stock(
    session: Session,
    lines: list[CheckedLine],
    code: str,
    round_name: str,
    actor: Actor,
    now: datetime,
) -> list[dict[str, int]]:
    lots: list[dict[str, int]] = []
    for item, quantity, _entitled, _replaces in lines:
        try:
            _ref, taken = take_first_expiry_first(
                session,
                item.id,
                quantity,
                kind=MovementKind.HANDOUT,
                at=now,
                actor_name=actor.name,
                reason=round_name[:300],
                reference=code,
                choice=LotChoice.USABLE,
            )
        except NotEnoughStock as error:
            raise StockChanged(f"Stock changed since the screen was drawn. {error}") from None
        lots += [{"lot": part.lot_id, "quantity": part.quantity} for part in taken]
    return lots


def _counter_name(counter: str) -> str:
    name = " ".join(counter.split())[:40]
    return name or "counter"


def _record_handout(
    session: Session,
    handout: Handout,
    lines: list[CheckedLine],
    units: int,
    lots: list[dict[str, int]],
    actor: Actor,
    now: datetime,
) -> None:
    record_change(
        session,
        actor=actor,
        now=now,
        action="handout.create",
        entity="handout",
        entity_id=handout.id,
        family_id=handout.family_id,
        summary=f"Handed out slip {handout.code}: {len(lines)} items, {units} units",
        after={
            "code": handout.code,
            "round_id": handout.round_id,
            "counter": handout.counter,
            "lines": [
                {"item": item.code, "quantity": quantity, "entitled": entitled}
                | ({"instead_of": replaces.code} if replaces else {})
                for item, quantity, entitled, replaces in lines
            ],
            "lots": lots,
            "proxy": bool(handout.proxy_name),
            "handed_out_at": handout.handed_out_at.isoformat(),
        },
        reason=handout.override_reason,
    )
