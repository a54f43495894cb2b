"""Provides how stock reads on screen (quantities, days, expiry) and the checks the stock screens
share: who may change stock, and what "today" is at the counters."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from distro.domain.core.access import Actor, Permission, require
from distro.domain.core.clock import local_date
from distro.domain.core.errors import InvalidInput, NotAllowed
from distro.tui.base import Distro, ngo_clock, refuse

if TYPE_CHECKING:
    from distro.domain.stock.levels import StockAlerts
    from distro.domain.stock.receiving import Received

MANY_DAYS = 999
"""Days of stock beyond this read as "999+": the rate is too low to plan on."""


def quantity_text(quantity: int, unit: str) -> str:
    """ "1,250 bag" (a signed quantity keeps its sign: "-3 can")."""
    return f"{quantity:,} {unit}"


def days_text(days: float | None) -> str:
    """Days of stock as a short cell: "-" when nothing went out lately."""
    if days is None:
        return "-"
    return f"{MANY_DAYS}+" if days > MANY_DAYS else str(int(days))


def expiry_text(expiry: date | None, today: date) -> str:
    """How far off an expiry is, in words beside its date: "EXPIRED", "expires today",
    "in 12 days"."""
    if expiry is None:
        return "no expiry"
    days = (expiry - today).days
    if days < 0:
        return "EXPIRED"
    if days == 0:
        return "expires today"
    return f"in {days} day{'s' if days != 1 else ''}"


def needs_attention(alerts: StockAlerts) -> bool:
    """Whether anything is low, expiring soon or expired on the shelf."""
    return bool(
        alerts.items_below_threshold or alerts.lots_expiring_soon or alerts.lots_expired_on_shelf
    )


def looks_after_stock(actor: Actor | None) -> bool:
    """Whether the signed-in user receives stock, and so is shown what is low or expiring."""
    return actor is not None and actor.may(Permission.RECEIVE_STOCK)


def today_at_counter(app: Distro) -> date:
    """The calendar day at the counters now (what "expired" means)."""
    return local_date(app.clock(), ngo_clock(app))


def may_change(app: Distro, permission: Permission) -> bool:
    """Whether the signed-in user may do this; if not, the domain's refusal is shown at once,
    before a form is filled in for nothing (the service checks again when it saves)."""
    try:
        require(app.current_actor(), permission)
    except NotAllowed as refusal:
        refuse(app, refusal, title="Not allowed", timeout=8)
        return False
    return True


def whole_number(text: str, field: str) -> int:
    """A typed whole number (a sign allowed), or InvalidInput naming the field."""
    try:
        return int(text.strip().replace(",", ""))
    except ValueError:
        problem = "is required" if not text.strip() else "must be a whole number"
        raise InvalidInput({field: problem}) from None


def announce_receipt(app: Distro, received: Received | None) -> None:
    """Say what was received, and each warning (an expiry already past) on its own."""
    if received is None:
        return
    lots = len(received.lot_ids)
    app.notify(f"Received {lots} line{'s' if lots != 1 else ''} (receipt {received.receipt_id}).")
    for warning in received.warnings:
        app.notify(warning, title="Received expired", severity="warning", timeout=12)
