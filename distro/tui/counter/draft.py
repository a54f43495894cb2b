"""Provides HandoutDraft: the handout a volunteer is shaping at the counter before confirming.

It starts as the family's entitlement (capped by what is on the shelf) and only ever goes down
or sideways: a lower quantity, a substitute of the same category, a proxy collector, a note, a
coordinator's override reason. The domain checks it all again on confirm; the draft only keeps
the volunteer from asking for what would be refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from distro.domain.distribution.entitlement import Entitlement
from distro.domain.distribution.handout_request import HandoutIn, HandoutLineIn, entitled_request
from distro.domain.distribution.household_basket import EntitledLine, ItemBrief


@dataclass
class DraftLine:
    """One entitled item and what will be handed out for it."""

    entitled: EntitledLine
    given: ItemBrief
    quantity: int
    available: int
    """Units of `given` on the shelf when the entitlement was read."""

    @property
    def most(self) -> int:
        """The most that may be given: the entitlement, and no more than the shelf holds."""
        return min(self.entitled.quantity, self.available)

    @property
    def substituted(self) -> bool:
        """Whether the volunteer swapped the entitled item for another."""
        return self.given.id != self.entitled.item.id


class HandoutDraft:
    """The family's entitlement, as the volunteer lowers, swaps and annotates it."""

    def __init__(self, entitlement: Entitlement) -> None:
        self.entitlement = entitlement
        starting = {line.item_id: line.quantity for line in entitled_request(entitlement).lines}
        self.lines = [
            DraftLine(line, line.item, starting.get(line.item.id, 0), line.available)
            for line in entitlement.lines
        ]
        self.proxy_name = ""
        self.proxy_relation = ""
        self.note = ""
        self.override_reason = ""
        self._as_entitled = self._shape()

    def _shape(self) -> tuple[object, ...]:
        """Everything the volunteer can change, to tell an edited draft from a fresh one."""
        lines = tuple((line.given.id, line.quantity) for line in self.lines)
        return (lines, self.proxy_name, self.proxy_relation, self.note, self.override_reason)

    @property
    def edited(self) -> bool:
        """Whether the volunteer changed anything since the entitlement was read: dropping
        the draft then throws away their work, so the counter asks first."""
        return self._shape() != self._as_entitled

    def change(self, index: int, step: int) -> str | None:
        """Raise or lower line `index` by `step`; a plain reason when that is not allowed."""
        line = self.lines[index]
        wanted = line.quantity + step
        if wanted < 0:
            return None
        if wanted > line.entitled.quantity:
            return f"The rules give {line.entitled.quantity} {line.given.unit} of this, no more."
        if wanted > line.available:
            return f"Only {line.available} {line.given.unit} of {line.given.name} on the shelf."
        line.quantity = wanted
        return None

    def substitute(self, index: int, item: ItemBrief, available: int) -> None:
        """Give `item` instead on line `index` (back to the entitled item when it is that)."""
        line = self.lines[index]
        line.given = item
        line.available = available
        line.quantity = line.most

    @property
    def units(self) -> int:
        """Units that confirming would hand out."""
        return sum(line.quantity for line in self.lines)

    def request(self) -> HandoutIn:
        """The handout to confirm, for the domain to check and write."""
        return HandoutIn(
            round_id=self.entitlement.round_id,
            family_id=self.entitlement.family_id,
            lines=[
                HandoutLineIn(
                    item_id=line.given.id,
                    quantity=line.quantity,
                    replaces=line.entitled.item.id if line.substituted else None,
                )
                for line in self.lines
                if line.quantity > 0
            ],
            proxy_name=self.proxy_name,
            proxy_relation=self.proxy_relation,
            note=self.note,
            override_reason=self.override_reason,
        )
