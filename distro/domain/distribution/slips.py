"""Provides a handout slip's life after the handout: finding it by its code, collecting the bag
at the exit (two-step rounds), voiding it (its stock goes back to the lots it came from),
counting its printings, and `SlipView`, what a printed slip shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.codes import Code, CodeKind, parse_scan
from distro.domain.core.errors import CodeError, Conflict, InvalidInput, NotFound
from distro.domain.core.inputs import clean_note
from distro.domain.core.moments import MomentStyle, moment_text
from distro.domain.core.zone import ngo_zone
from distro.domain.distribution.models import DistributionRound, Handout, HandoutLine
from distro.domain.distribution.slip_view import SlipLine, SlipView
from distro.domain.families.masks import mask_name
from distro.domain.families.merge_chain import surviving_family
from distro.domain.families.models import Family, Member
from distro.domain.stock.ledger import add_movement, return_to_lot
from distro.domain.stock.models import Item, MovementKind, StockMovement


@dataclass(frozen=True)
class SlipState:
    """A slip as the exit desk and `distro scan` describe it."""

    handout: Handout
    round_name: str
    two_step: bool
    family_code: str

    @property
    def state(self) -> str:
        """ "voided", "collected" or "waiting at the exit"."""
        if self.handout.voided_at is not None:
            return "voided"
        return "collected" if self.handout.collected_at is not None else "waiting at the exit"


def find_slip(session: Session, code: Code | str) -> SlipState:
    """The slip a typed or scanned code names (or its code, read already), or CodeError /
    NotFound in plain words."""
    code = parse_scan(code)
    if code.kind != CodeKind.SLIP:
        raise CodeError(f"{code.text} is not a handout slip.")
    row = session.exec(
        select(Handout, DistributionRound)
        .join(DistributionRound, col(DistributionRound.id) == Handout.round_id)
        .where(Handout.code == code.text)
    ).first()
    if row is None:
        raise NotFound(f"No handout has the slip {code.text}. Is it from another database?")
    handout, distribution = row
    family = session.get(Family, handout.family_id)
    assert family is not None
    return SlipState(handout, distribution.name, distribution.two_step, family.code)


@requires(Permission.HAND_OUT)
def collect_slip(
    session: Session,
    code_text: str,
    *,
    actor: Actor,
    now: datetime,
    round_id: int | None = None,
) -> SlipState:
    """Mark the bag of a two-step slip collected at the exit; refuse a voided slip, one already
    collected, or (with `round_id`, the exit desk's round) a slip of another round."""
    slip = find_slip(session, code_text)
    refusal = why_not_collectable(slip, ngo_zone(session), round_id)
    if refusal is not None:
        raise Conflict(refusal)
    handout = slip.handout
    handout.collected_at = now
    handout.collected_by = actor.name
    session.add(handout)
    _record(session, "handout.collect", handout, f"Collected slip {handout.code}", "", actor, now)
    return slip


def why_not_collectable(slip: SlipState, zone: tzinfo, round_id: int | None = None) -> str | None:
    """Why the exit desk must not hand over this slip's bag, or None when it may; times on the
    clock of `zone`."""
    handout = slip.handout
    if handout.voided_at is not None:
        return f"Slip {handout.code} was voided ({handout.void_reason}); do not hand over a bag."
    if round_id is not None and handout.round_id != round_id:
        return f"Slip {handout.code} is from {slip.round_name}, not this round."
    if handout.collected_at is not None:
        at = moment_text(handout.collected_at, zone, MomentStyle.DAY_TIME)
        by = f" ({handout.collected_by})" if handout.collected_by else ""
        return f"Slip {handout.code} was already collected at {at}{by}."
    return None


@requires(Permission.VOID_SLIPS)
def void_slip(session: Session, code_text: str, reason: str, *, actor: Actor, now: datetime) -> int:
    """Void a slip and put its units back on the lots they came from (a `return` movement per
    lot); the family may then collect again. Returns the units returned. Void only what is
    back on the shelf: a bag collected at a two-step round's exit cannot be voided. The reason
    stays on the handout (erased with the family), never on the append-only ledger."""
    why = clean_note(reason, field="reason")
    if not why:
        raise InvalidInput({"reason": "is required: say why the slip is voided"})
    slip = find_slip(session, code_text)
    handout = slip.handout
    if handout.voided_at is not None:
        raise Conflict(f"Slip {handout.code} is already voided.")
    if slip.two_step and handout.collected_at is not None:
        raise Conflict(
            f"The bag of slip {handout.code} was collected at the exit; it has left the "
            "building. Adjust the stock instead if it came back."
        )
    handout.voided_at = now
    handout.voided_by = actor.name
    handout.void_reason = why
    session.add(handout)
    returned = 0
    for movement in session.exec(
        select(StockMovement).where(
            StockMovement.reference == handout.code,
            StockMovement.kind == MovementKind.HANDOUT.value,
        )
    ).all():
        units = -movement.quantity
        return_to_lot(session, movement.lot_id, units)
        add_movement(
            session,
            movement.lot_id,
            movement.item_id,
            MovementKind.RETURN,
            units,
            now,
            actor.name,
            "void",
            handout.code,
        )
        returned += units
    summary = f"Voided slip {handout.code}; {returned} units back on the shelves"
    _record(session, "handout.void", handout, summary, why, actor, now)
    return returned


def mark_printed(session: Session, handout_id: int) -> bool:
    """Count one more printing; returns whether it was a reprint. Not audited: it changes
    nothing the family receives."""
    printed_before = session.execute(
        update(Handout)
        .where(col(Handout.id) == handout_id)
        .values(printed_count=Handout.printed_count + 1)
        .returning(col(Handout.printed_count))
    ).scalar_one_or_none()
    if printed_before is None:
        raise NotFound(f"There is no handout number {handout_id}.")
    return int(printed_before) > 1


def slip_view(
    session: Session, handout_id: int, organisation: str, *, reprint: bool | None = None
) -> SlipView:
    """What the slip of handout `handout_id` shows; names only as first name and initial.
    It is a reprint when it was printed before, unless `reprint` says otherwise."""
    handout = session.get(Handout, handout_id)
    if handout is None:
        raise NotFound(f"There is no handout number {handout_id}.")
    distribution = session.get(DistributionRound, handout.round_id)
    assert distribution is not None
    family = session.get(Family, handout.family_id)
    assert family is not None
    head = session.exec(
        select(Member.full_name)
        .where(
            Member.family_id == surviving_family(session, family).id,
            col(Member.removed_at).is_(None),
        )
        .order_by(col(Member.position))
        .limit(1)
    ).first()
    lines = session.exec(
        select(HandoutLine.quantity, Item.name, Item.unit)
        .join(Item, col(Item.id) == HandoutLine.item_id)
        .where(HandoutLine.handout_id == handout_id)
        .order_by(col(HandoutLine.id))
    ).all()
    proxy = ""
    if handout.proxy_name:
        relation = f" ({handout.proxy_relation})" if handout.proxy_relation else ""
        proxy = mask_name(handout.proxy_name) + relation
    return SlipView(
        code=handout.code,
        organisation=organisation,
        round_name=distribution.name,
        handed_out_at=handout.handed_out_at,
        zone=ngo_zone(session),
        family_code=family.code,
        family_name=mask_name(head or ""),
        household_size=handout.household_size,
        lines=tuple(SlipLine(name, quantity, unit) for quantity, name, unit in lines),
        counter=handout.counter,
        volunteer=handout.actor,
        proxy=proxy,
        two_step=distribution.two_step,
        reprint=handout.printed_count > 0 if reprint is None else reprint,
        voided=handout.voided_at is not None,
    )


def _record(
    session: Session,
    action: str,
    handout: Handout,
    summary: str,
    reason: str,
    actor: Actor,
    now: datetime,
) -> None:
    record_change(
        session,
        actor=actor,
        now=now,
        action=action,
        entity="handout",
        entity_id=handout.id,
        family_id=handout.family_id,
        summary=summary,
        after={"code": handout.code},
        reason=reason,
    )
