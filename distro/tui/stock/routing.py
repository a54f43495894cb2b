"""Provides how the app reaches the Stock area from anywhere: a scanned item opens its screen,
a product barcode no item carries may be attached to one, and after sign-in the area bar of
whoever looks after stock says what is low or expiring."""

from __future__ import annotations

from functools import partial
from typing import Protocol, runtime_checkable

from textual.screen import ModalScreen

from distro.domain.core.access import Permission, require
from distro.domain.core.errors import DomainError, NotAllowed
from distro.tui.base import Distro, reading, refuse, writing
from distro.tui.stock.text import looks_after_stock, today_at_counter
from distro.tui.widgets.confirm import ConfirmModal

FINISH_FORM_FIRST = "Finish or close this form first (Esc), then scan again."


@runtime_checkable
class PicksScannedItems(Protocol):
    """A screen where a scanned item is an answer (a form's item, a line of the count sheet),
    not a place to go."""

    def pick_item(self, item_id: int) -> None:
        """Select the scanned item on this screen."""


def open_item(app: Distro, item_id: int) -> None:
    """Show an item's lots and movements in the Stock area (not while a form is open)."""
    from distro.tui.stock.item import StockItemScreen

    if isinstance(app.screen, PicksScannedItems):
        app.screen.pick_item(item_id)
        return
    if isinstance(app.screen, ModalScreen):
        app.notify(FINISH_FORM_FIRST, severity="warning")
        return
    app.switch_mode("stock")
    if isinstance(app.screen, ModalScreen):  # a form left open in the Stock area: finish it
        app.notify(FINISH_FORM_FIRST, severity="warning")
        return
    if isinstance(app.screen, StockItemScreen):
        app.screen.show_item(item_id)
        return
    while len(app.screen_stack) > 1:
        app.pop_screen()
    app.push_screen(StockItemScreen(item_id))


def offer_to_attach(app: Distro, barcode: str) -> None:
    """A product barcode no item carries: a coordinator may attach it to the item it is on;
    anyone else is told plainly who may."""
    try:
        require(app.current_actor(), Permission.MANAGE_CATALOGUE)
    except NotAllowed as refusal:
        app.notify(
            f"Product barcode {barcode} belongs to no item yet; {refusal}",
            title="Scan",
            severity="error",
            timeout=8,
        )
        return
    if isinstance(app.screen, ModalScreen):
        app.notify(FINISH_FORM_FIRST, severity="warning")
        return

    question = f"Product barcode {barcode} belongs to no item"
    details = (
        "Attach it to the item it is printed on? Enter lets you choose the item; from then "
        "on, scanning the barcode selects that item."
    )
    app.push_screen(
        ConfirmModal(question, details),
        lambda yes: _choose_item(app, barcode) if yes else None,
    )


def _choose_item(app: Distro, barcode: str) -> None:
    from distro.tui.stock.pick import ItemPickModal

    app.push_screen(
        ItemPickModal(f"Which item carries barcode {barcode}?"),
        lambda item_id: _attach(app, barcode, item_id) if item_id is not None else None,
    )


def _attach(app: Distro, barcode: str, item_id: int) -> None:
    from distro.domain.stock.catalogue import attach_barcode

    try:
        with writing(app) as session:
            item = attach_barcode(
                session, item_id, barcode, actor=app.current_actor(), now=app.clock()
            )
            name = item.name
    except DomainError as refusal:
        refuse(app, refusal, title="Barcode", timeout=8)
        return
    app.notify(f"Barcode {barcode} now selects {name}.", title="Barcode")
    open_item(app, item_id)


def announce_stock_alerts(app: Distro) -> None:
    """After sign-in, show whoever looks after stock what is low or expiring, on the area bar
    (read in a worker; nothing is shown when nothing needs attention)."""
    if looks_after_stock(app.actor):
        app.run_worker(
            partial(_read_alerts, app),
            thread=True,
            exclusive=True,
            group="stock-alerts",
            exit_on_error=False,
        )


def _read_alerts(app: Distro) -> None:
    from distro.domain.stock.levels import stock_alerts

    with reading(app) as session:
        alerts = stock_alerts(session, today=today_at_counter(app))
    app.call_from_thread(app.show_stock_alerts, alerts)
