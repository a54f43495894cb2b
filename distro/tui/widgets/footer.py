"""Provides CounterFooter: Textual's footer without the leak that slows a day-long session."""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer


class CounterFooter(Footer):
    """A compact Footer that lets go of the keys it replaces.

    Textual 8 rebuilds the footer's keys whenever the screen changes, but each old key stays
    registered as a watcher of the footer (Textualize/textual#6666): about fifty objects per
    scan, kept all day, which makes every full garbage collection slower and slower. After
    each rebuild we drop the watchers whose widget has closed, as Textual itself does when a
    watched value changes.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(compact=True, **kwargs)

    async def recompose(self) -> None:
        await super().recompose()
        watchers: dict[str, list[tuple[Any, Any]]] = getattr(self, "__watchers", {})
        for entries in watchers.values():
            entries[:] = [(node, callback) for node, callback in entries if not node._closing]
