"""Provides catching the app's painted frames, where Textual hands each compositor update to
`App._display`; headless, the update is rendered and then dropped, so that is the moment a
terminal would have shown it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from rich.console import RenderableType
from textual.app import App
from textual.screen import Screen

from distro.bench.plan import BenchError

T = TypeVar("T")

WAIT_SECONDS = 60.0
"""Longest wait for the app to show something before the bench gives up on it: a bound for
an app that is stuck, never a figure, so it is generous enough for a machine that is busy
with other work (the test suite runs the bench beside other tests)."""


class FrameProbe:
    """Calls back at the first painted frame of a screen that passes a test."""

    def __init__(self, app: App[Any]) -> None:
        self._paint = app._display
        self._waiting: list[tuple[Callable[[Screen[Any]], bool], Callable[[float], None]]] = []
        setattr(app, "_display", self._display)  # noqa: B010 - instance patch, on purpose

    def when_painted(
        self, shows: Callable[[Screen[Any]], bool], then: Callable[[float], None]
    ) -> None:
        """Call `then(time.monotonic())` once a frame of a screen for which `shows` holds is out."""
        self._waiting.append((shows, then))

    def painted(self, shows: Callable[[Screen[Any]], bool]) -> asyncio.Future[float]:
        """A future for `when_painted`, for code running inside the app's event loop."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.when_painted(shows, lambda at: resolve(future, at))
        return future

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        self._paint(screen, renderable)
        if renderable is None or not self._waiting:
            return
        at = time.monotonic()
        waiting, self._waiting = self._waiting, []
        for shows, then in waiting:
            if shows(screen):
                then(at)
            else:
                self._waiting.append((shows, then))


def resolve(future: asyncio.Future[T], value: T) -> None:
    """Give `future` its value unless it already has one (a frame can come twice)."""
    if not future.done():
        future.set_result(value)


async def until(condition: Callable[[], bool], what: str, poll: float = 0.005) -> None:
    """Poll `condition` (only for set-up steps that are not timed)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise BenchError(f"the app did not reach {what} within {WAIT_SECONDS:.0f} s")
        await asyncio.sleep(poll)
