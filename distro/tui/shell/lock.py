"""Provides the lock screen, which covers the counter until someone signs in, and IdleWatch,
which tells the app when nobody has touched the keyboard or mouse for too long.

The lock is a full screen, not a dialog over the family: the PC faces the queue, and a family
left on screen while the volunteer fetches a parcel is exactly what must not be read.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from distro.domain.core.access import Actor
from distro.tui.base import UsesDistro
from distro.tui.shell.signin import SignInForm
from distro.tui.widgets.footer import CounterFooter

IDLE_CHECK_SECONDS = 5.0
"""How often one timer compares the time since the last input with the lock delay."""


class IdleWatch:
    """When the last key or mouse event came, and whether the counter has been idle too long.

    `monotonic` is passed in so tests can move time on instead of waiting minutes."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self.last_input = monotonic()
        self.lock_after: float | None = None
        """Seconds without input before the counter locks; None until the setting is read."""

    def touch(self) -> None:
        """Someone pressed a key or moved the mouse."""
        self.last_input = self.monotonic()

    def idle_too_long(self) -> bool:
        """Whether the counter has waited for input longer than the lock delay."""
        return self.lock_after is not None and self.monotonic() - self.last_input >= self.lock_after


class LockScreen(UsesDistro, Screen[Actor]):
    """Dismisses with whoever signs in: the same volunteer, or the next one."""

    def __init__(self, locked_by: str) -> None:
        super().__init__(id="lock-screen")
        self.locked_by = locked_by

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="lock"):
            yield Static("[b]Locked – sign in to continue[/b]", id="lock-title")
            yield Static(
                f"{self.locked_by}: your name and PIN take you back where you were.\n"
                "Someone else: sign in to start at the families search.",
                id="lock-help",
                markup=False,
            )
            yield Static("Locked: sign in, then scan again.", id="lock-scan")
            yield SignInForm()
        yield CounterFooter()

    def refuse_scan(self) -> None:
        """A scan cannot open anything while locked: say so where the volunteer is looking,
        and keep saying it until they sign in (a notice would vanish before they look up)."""
        self.query_one("#lock-scan", Static).display = True

    @on(SignInForm.SignedIn)
    def _signed_in(self, event: SignInForm.SignedIn) -> None:
        self.dismiss(event.actor)
