"""Provides writing off expired stock: a confirmation that lists what will leave the books."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.markup import escape

from distro.domain.core.access import Permission
from distro.domain.core.errors import DomainError
from distro.domain.stock.adjusting import write_off_expired
from distro.domain.stock.lists import expiring_lots
from distro.tui.base import Distro, reading, refuse, writing
from distro.tui.stock.text import may_change, quantity_text, today_at_counter
from distro.tui.widgets.confirm import ConfirmModal

if TYPE_CHECKING:
    from distro.domain.stock.lists import ExpiringLot

LISTED = 8
"""Lots named in the confirmation; the rest are counted."""


def confirm_write_off(
    app: Distro, done: Callable[[str | None], None], *, item_id: int | None = None
) -> None:
    """Say which expired lots (of one item, or all) will be written off, and do it on a yes."""

    if not may_change(app, Permission.ADJUST_STOCK):
        return
    with reading(app) as session:
        soon = expiring_lots(session, today=today_at_counter(app), within_days=0)
    expired = [
        lot for lot in soon if lot.days_left < 0 and (item_id is None or lot.item_id == item_id)
    ]
    if not expired:
        app.notify("Nothing expired is on the shelves.", title="Write off")
        return
    app.push_screen(
        ConfirmModal(_question(expired), _details(expired)),
        lambda yes: _write_off(app, done, item_id) if yes else None,
    )


def _question(expired: list[ExpiringLot]) -> str:
    units = sum(lot.on_hand for lot in expired)
    lots = f"{len(expired)} expired lot{'s' if len(expired) != 1 else ''}"
    return f"Write off {lots} ({units:,} units)?"


def _details(expired: list[ExpiringLot]) -> str:
    lines = [
        f"{lot.item_name}: {quantity_text(lot.on_hand, lot.unit)}, expired "
        f"{lot.expiry.isoformat()} (lot {lot.lot_id}{', ' + lot.location if lot.location else ''})"
        for lot in expired[:LISTED]
    ]
    if len(expired) > LISTED:
        lines.append(f"... and {len(expired) - LISTED} more lots.")
    lines.append("They leave the books as 'expire' movements; this cannot be undone.")
    return escape("\n".join(lines))


def _write_off(app: Distro, done: Callable[[str | None], None], item_id: int | None) -> None:
    try:
        with writing(app) as session:
            taken = write_off_expired(
                session, actor=app.current_actor(), now=app.clock(), item_id=item_id
            )
    except DomainError as refusal:
        refuse(app, refusal, title="Write off", timeout=8)
        return
    units = -sum(part.quantity for part in taken)
    done(f"Wrote off {len(taken)} expired lots ({units:,} units).")
