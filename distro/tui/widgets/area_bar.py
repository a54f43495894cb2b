"""Provides AreaBar: one line over the footer naming every area's F-key the signed-in role may
use, the current one in brackets and reverse video (readable without colour), and what in the
stock needs attention, where it covers nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widget import Widget

from distro.tui.area_keys import AREA_KEYS, AreaKey
from distro.tui.base import UsesDistro

if TYPE_CHECKING:
    from textual.screen import Screen

    from distro.domain.stock.levels import StockAlerts


def alert_text(alerts: StockAlerts) -> str:
    """What the stock needs, in a few words: "! 3 low, 2 expiring: F4"."""
    counts = (
        (alerts.items_below_threshold, "low"),
        (alerts.lots_expiring_soon, "expiring"),
        (alerts.lots_expired_on_shelf, "expired"),
    )
    return "! " + ", ".join(f"{n} {what}" for n, what in counts if n) + ": F4"


def area_line(
    keys: Sequence[AreaKey], current: str | None, alerts: StockAlerts | None, width: int
) -> Text:
    """The bar's text: full labels and the stock alert on the right when they fit; short
    labels next; at 80 columns the alert shrinks to a "!" on Stock's own key, never cut."""
    alert = alert_text(alerts) if alerts is not None else ""
    for short in (False, True):
        line = _areas(keys, current, short=short, marked=False)
        if line.cell_len + 1 + len(alert) <= width:
            line.append(" " * (width - line.cell_len - len(alert)))
            line.append(alert, style="bold")
            return line
    return _areas(keys, current, short=True, marked=bool(alert))


def _areas(keys: Sequence[AreaKey], current: str | None, *, short: bool, marked: bool) -> Text:
    line = Text()
    for key in keys:
        label = f"{key.key.upper()} {key.short if short else key.label}"
        if marked and key.area == "stock":
            label += "!"
        if key.area == current:
            line.append(f"[{label}]", style="reverse bold")
        else:
            line.append(f" {label} ")
    return line


class AreaBar(UsesDistro, Widget):
    """Shown on every screen once someone is signed in; hidden in dialogs, whose keys are
    their own (F-keys do not reach past a dialog)."""

    DEFAULT_CSS = """
    AreaBar {
        height: 1;
        background: $panel;
        color: $text;
    }
    """

    def on_mount(self) -> None:
        # The bindings change whenever the screen comes back (after sign-in, lock, a mode
        # switch) and when the app says so (stock alerts read): the bar is drawn again then.
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self._changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, _screen: Screen[Any]) -> None:
        self.display = self.distro.actor is not None and not self.screen.is_modal
        self.refresh()

    def render(self) -> Text:
        actor = self.distro.actor
        if actor is None:
            return Text()
        keys = [key for key in AREA_KEYS if key.permission is None or actor.may(key.permission)]
        current = getattr(self.screen, "AREA", None) or self.app.current_mode
        alerts = self.distro.stock_alerts
        return area_line(keys, current, alerts, self.size.width)
