"""Provides how scans reach the Counter: a family card scanned at the counter shows what the
family may collect, and a handout slip scanned anywhere goes to the counter, where a slip
waiting at the exit hands over its bag."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import ModalScreen

from distro.domain.core.codes import CodeKind, parse_scan
from distro.domain.core.errors import CodeError
from distro.tui.base import Distro
from distro.tui.screens.counter import CounterScreen
from distro.tui.screens.stock_routing import FINISH_FORM_FIRST


def counter_takes_scan(app: Distro, scanned: str) -> bool:
    """Send the scan to the counter when it is the counter's: a slip from any screen, a family
    card at the counter itself. Each is read there once, with its own plain refusals; anything
    else (items, a card on another screen, a code that does not read) is left to the app."""
    from distro.domain.stock.product_barcodes import looks_like_product_barcode

    if looks_like_product_barcode(scanned):
        return False
    try:
        kind = parse_scan(scanned).kind
    except CodeError:
        return False
    if kind == CodeKind.SLIP:
        _on_counter(app, lambda screen: screen.take_slip(scanned))
        return True
    if kind == CodeKind.FAMILY and isinstance(app.screen, CounterScreen):
        # A draft not confirmed is only a draft: the new family replaces it.
        app.screen.show_card(scanned)
        return True
    return False


def _on_counter(app: Distro, then: Callable[[CounterScreen], None]) -> None:
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
            then(app.screen)

    app.call_after_refresh(on_the_counter)
