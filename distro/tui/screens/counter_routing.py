"""Provides how scans reach the Counter: a family card scanned at the counter shows what the
family may collect, and a handout slip scanned anywhere goes to the counter, where a slip
waiting at the exit hands over its bag."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.screen import ModalScreen

from distro.tui.screens.counter import CounterScreen
from distro.tui.screens.stock_routing import FINISH_FORM_FIRST

if TYPE_CHECKING:
    from distro.tui.app import DistroApp


def at_the_counter(app: DistroApp) -> bool:
    """Whether the counter screen itself (no dialog over it) has the keys."""
    return isinstance(app.screen, CounterScreen)


def show_card_at_counter(app: DistroApp, scanned: str) -> None:
    """A family card scanned at the counter: its entitlement replaces whoever was shown (a
    draft not confirmed is only a draft; nothing was written)."""
    screen = app.screen
    assert isinstance(screen, CounterScreen)
    screen.show_card(scanned)


def take_slip_at_counter(app: DistroApp, scanned: str) -> None:
    """A slip scanned on any screen: go to the counter and take it there."""
    _on_counter(app, lambda screen: screen.take_slip(scanned))


def _on_counter(app: DistroApp, then: Callable[[CounterScreen], None]) -> None:
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
