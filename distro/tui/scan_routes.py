"""Provides the scan line's one routing table: a scan is read once into a typed `Code`, and
its kind picks the handler (a family card, a stock item, a handout slip). A kind with no row
is refused in plain words, never opened as something else; a new kind of code (device tags,
referral slips) is one more row here.

A product's own barcode is not a distro code: it opens the item that carries it, or offers to
attach it. The counter takes family cards while it is showing, and slips from anywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import ModalScreen

from distro.domain.core.codes import Code, CodeKind, parse_scan
from distro.domain.core.errors import CodeError, DomainError
from distro.tui.base import Distro, reading, refuse, tell_refusal
from distro.tui.counter.screen import CounterScreen
from distro.tui.stock.routing import FINISH_FORM_FIRST, offer_to_attach, open_item

Route = Callable[[Distro, Code], None]

KIND_NAMES = {CodeKind.FAMILY: "family card", CodeKind.ITEM: "stock item", CodeKind.SLIP: "slip"}
"""How a kind of code is named when nothing here opens it."""


def route_scan(app: Distro, scanned: str) -> None:
    """Read `scanned` once and hand it to its kind's route, or say plainly why not."""
    from distro.domain.stock.product_barcodes import looks_like_product_barcode  # not at start

    if looks_like_product_barcode(scanned):
        open_product_barcode(app, scanned)
        return
    try:
        code = parse_scan(scanned)
    except CodeError as error:
        refuse(app, error, title="Scan")
        return
    route = ROUTES.get(code.kind)
    if route is None:
        what = KIND_NAMES.get(code.kind, code.kind.name.lower())
        tell_refusal(app, f"{code.text} is a {what} code; nothing here opens it.", title="Scan")
        return
    route(app, code)


def family_card(app: Distro, code: Code) -> None:
    """At the counter, what the family may collect (a draft not confirmed is only a draft: the
    new family replaces it); anywhere else, the family's screen."""
    if isinstance(app.screen, CounterScreen):
        app.screen.show_card(code)
        return
    family_id = _resolved(app, code)
    if family_id is not None:
        app.open_family(family_id)


def stock_item(app: Distro, code: Code) -> None:
    """An item's shelf label: its lots and movements, or the answer to a form's question."""
    item_id = _resolved(app, code)
    if item_id is not None:
        open_item(app, item_id)


def handout_slip(app: Distro, code: Code) -> None:
    """A slip, from any screen: to the counter, where a two-step round's exit hands over its
    bag, or where the slip's state is told."""
    if isinstance(app.screen, ModalScreen):
        app.notify(FINISH_FORM_FIRST, severity="warning")
        return
    if not isinstance(app.screen, CounterScreen):
        app.switch_mode("counter")
        # Rounds, missing slips or rules may be open over the counter: back to the counter.
        while not isinstance(app.screen, CounterScreen) and len(app.screen_stack) > 1:
            app.pop_screen()

    def on_the_counter() -> None:
        if isinstance(app.screen, CounterScreen):
            app.screen.take_slip(code)

    app.call_after_refresh(on_the_counter)


ROUTES: dict[CodeKind, Route] = {
    CodeKind.FAMILY: family_card,
    CodeKind.ITEM: stock_item,
    CodeKind.SLIP: handout_slip,
}
"""Every kind of code the scan line opens, and what opens it."""


def open_product_barcode(app: Distro, barcode: str) -> None:
    """A product's own barcode: the item that carries it, or an offer to attach it."""
    item_id = _resolved(app, barcode)
    if item_id is not None:
        open_item(app, item_id)


def _resolved(app: Distro, scanned: Code | str) -> int | None:
    """The id of what a code or product barcode names, or None once the volunteer is told why
    not. Looked up on the UI thread: a few indexed reads (a few ms), whereas a hop to a worker
    thread and back costs more than the queries while the queue waits."""
    from distro.domain.scan import resolve_scan
    from distro.domain.stock.item_lookup import UnknownProductBarcode

    try:
        with reading(app) as session:
            return resolve_scan(session, scanned).target_id
    except UnknownProductBarcode as unknown:
        offer_to_attach(app, unknown.barcode)
    except DomainError as error:
        refuse(app, error, title="Scan")
    return None
