"""Provides CounterFooter, the foot of every screen: the area bar over the keys of this screen
and the app's, only those the signed-in role may use, only as many as fit whole."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from distro.tui.base import distro_of, may_use
from distro.tui.widgets.area_bar import AreaBar

APP_KEYS = ("help", "lock", "privacy", "sign_in", "quit")
"""The app's keys in the footer, after the screen's own, in this order."""
ALWAYS_SHOWN = ("help", "quit")
"""F1 lists every key, Ctrl+Q is how to leave: both stay whatever the width."""
DROPPED_FIRST = ("privacy", "sign_in", "lock")
"""The app's keys that make room for a screen's own when the line is short, in this order:
they are the same on every screen, and F1 lists them."""


def key_width(key: FooterKey) -> int:
    """Columns a compact footer key takes: key, space, label, and the gap after it."""
    return len(key.key_display) + 1 + len(key.description) + 1


def fitting(keys: Sequence[FooterKey], width: int) -> list[FooterKey]:
    """The keys that fit whole in `width`, the screen's own first: when they do not all fit,
    the app's spare keys go first, then the screen's own from the last; never a label cut in
    the middle."""
    kept = sorted(
        keys, key=lambda key: APP_KEYS.index(key.action) if key.action in APP_KEYS else -1
    )
    spare = sorted(
        (key for key in kept if key.action in DROPPED_FIRST),
        key=lambda key: DROPPED_FIRST.index(key.action),
    )
    spare += [key for key in reversed(kept) if key.action not in APP_KEYS]
    while spare and sum(map(key_width, kept)) > width:
        kept.remove(spare.pop(0))
    return kept


class KeyFooter(Footer):
    """Textual's footer, less the keys the role may not use or the line has no room for, and
    without the leak that slows a day-long session.

    Textual 8 rebuilds the footer's keys whenever the screen changes, but each old key stays
    registered as a watcher of the footer (Textualize/textual#6666): about fifty objects per
    scan, kept all day, which makes every full garbage collection slower and slower. After
    each rebuild we drop the watchers whose widget has closed, as Textual itself does when a
    watched value changes.
    """

    DEFAULT_CSS = """
    KeyFooter {
        dock: none;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        # Ctrl+P is in F1's list, not on the line: the line is for the keys of the moment.
        super().__init__(compact=True, show_command_palette=False, **kwargs)
        self._composed_width = 0

    def compose(self) -> ComposeResult:
        keys = [key for key in super().compose() if isinstance(key, FooterKey)]
        self._composed_width = self.size.width or self.app.size.width
        yield from fitting(self._usable(keys), self._composed_width)

    def _usable(self, keys: Iterable[FooterKey]) -> list[FooterKey]:
        app = distro_of(self.app)
        return [key for key in keys if may_use(app, self.screen, key.action)]

    def on_resize(self, event: events.Resize) -> None:
        """A wider or narrower terminal fits more or fewer keys (a change of content also
        resizes the footer, hence the comparison of widths)."""
        if self._bindings_ready and event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)

    async def recompose(self) -> None:
        await super().recompose()
        watchers: dict[str, list[tuple[Any, Any]]] = getattr(self, "__watchers", {})
        for entries in watchers.values():
            entries[:] = [(node, callback) for node, callback in entries if not node._closing]


class CounterFooter(Vertical):
    """The area bar and the key line, docked at the bottom of every screen and dialog."""

    DEFAULT_CSS = """
    CounterFooter {
        dock: bottom;
        height: auto;
    }
    """

    def compose(self) -> Iterable[Widget]:
        yield AreaBar()
        yield KeyFooter()
