"""Provides the handout a counter asks for, and how it is checked against the family's
entitlement: a volunteer may lower a quantity or swap an item for another of the same kind
that fits the household's diet, never raise one.

The same kind is the same category counted in the same unit: rice by the bag for flour or
lentils by the bag, a can of tuna for a can of chicken. The category alone would let a bag of
rice become a can of sardines, and the line's quantity would no longer mean the same thing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from distro.domain.core.errors import InvalidInput
from distro.domain.core.inputs import Line, validated
from distro.domain.distribution.entitlement import Entitlement
from distro.domain.distribution.household_basket import EntitledLine, ItemBrief, brief, diet_refusal
from distro.domain.stock.models import MAX_QUANTITY, Item

Short = Annotated[Line, Field(max_length=80)]
CheckedLine = tuple[ItemBrief, int, int, ItemBrief | None]
"""An item to hand out, how many, how many the rules entitled, and what it replaces."""


class HandoutLineIn(BaseModel):
    """One line as confirmed at the counter: an item and how many; `replaces` names the
    entitled item it is given instead of (out of stock, or the family asked)."""

    model_config = ConfigDict(extra="forbid")

    item_id: int
    quantity: Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
    replaces: int | None = None


class HandoutIn(BaseModel):
    """A handout as confirmed at the counter or typed on the command line."""

    model_config = ConfigDict(extra="forbid")

    round_id: int
    family_id: int
    lines: list[HandoutLineIn] = Field(max_length=200)
    proxy_name: Short = ""
    proxy_relation: Annotated[Line, Field(max_length=40)] = ""
    note: Annotated[Line, Field(max_length=250)] = ""
    override_reason: Annotated[Line, Field(max_length=250)] = ""
    handed_out_at: datetime | None = None
    """When the family collected, for a paper signature sheet entered after an outage; empty
    means now."""


def entitled_request(entitlement: Entitlement, **fields: object) -> HandoutIn:
    """The request that hands out exactly the entitlement: the counter's starting point and
    `distro handout`'s whole request. Lines of items with nothing on the shelf are left out;
    `fields` as typed (a note too long) are refused with InvalidInput, as every service does."""
    lines = [
        HandoutLineIn(item_id=line.item.id, quantity=min(line.quantity, line.available))
        for line in entitlement.lines
        if line.available > 0
    ]
    return validated(
        HandoutIn,
        {
            "round_id": entitlement.round_id,
            "family_id": entitlement.family_id,
            "lines": lines,
            **fields,
        },
    )


def checked_lines(
    session: Session, entitlement: Entitlement, request: HandoutIn
) -> list[CheckedLine]:
    """The request's lines, each checked against the entitlement; InvalidInput otherwise."""
    entitled = {line.item.id: line for line in entitlement.lines}
    used: set[int] = set()
    checked: list[CheckedLine] = []
    for number, line in enumerate(request.lines, start=1):
        if line.quantity == 0:
            continue
        field = f"line {number}"
        basis = entitled.get(line.replaces if line.replaces is not None else line.item_id)
        if basis is None:
            raise InvalidInput({field: "is not in this family's entitlement for the round"})
        if basis.item.id in used:
            raise InvalidInput({field: f"{basis.item.name} is on two lines"})
        used.add(basis.item.id)
        if line.quantity > basis.quantity:
            raise InvalidInput(
                {field: f"{basis.item.name}: the rules give {basis.quantity}, not {line.quantity}"}
            )
        item = (
            basis.item if line.replaces is None else _substitute(session, basis, line, entitlement)
        )
        replaces = basis.replaces if line.replaces is None else basis.item
        checked.append((item, line.quantity, basis.quantity, replaces))
    if not checked:
        raise InvalidInput({"lines": "nothing to hand out: every quantity is 0"})
    return checked


def _substitute(
    session: Session, basis: EntitledLine, line: HandoutLineIn, entitlement: Entitlement
) -> ItemBrief:
    item = session.get(Item, line.item_id)
    if item is None:
        raise InvalidInput({"substitute": f"there is no item number {line.item_id}"})
    chosen = brief(item)
    if chosen.retired:
        raise InvalidInput({"substitute": f"{chosen.name} is retired"})
    if swap_kind(chosen) != swap_kind(basis.item):
        raise InvalidInput(
            {"substitute": f"{_named(chosen)} is not the same kind as {_named(basis.item)}"}
        )
    refusal = diet_refusal(chosen, entitlement.dietary)
    if refusal is not None:
        raise InvalidInput(
            {"substitute": f"{chosen.name} {refusal}; this household cannot have it"}
        )
    return chosen


def swap_kind(item: ItemBrief) -> tuple[str, str]:
    """What a swap must keep: the item's category and the unit it is counted in."""
    return item.category, item.unit


def _named(item: ItemBrief) -> str:
    return f"{item.name} ({item.category}, by the {item.unit})"


def substitutes_for(
    session: Session, line: EntitledLine, dietary: list[str], limit: int = 30
) -> list[ItemBrief]:
    """Items the counter may give instead of `line`'s: the same kind, active, fitting the
    household's diet, not the item itself; by name."""
    items = session.exec(
        select(Item)
        .where(
            Item.category == line.item.category,
            Item.unit == line.item.unit,
            col(Item.retired_at).is_(None),
            col(Item.id) != line.item.id,
        )
        .order_by(col(Item.name_key))
        .limit(limit * 3)
    ).all()
    fitting = [brief(item) for item in items]
    return [item for item in fitting if diet_refusal(item, dietary) is None][:limit]
