"""Provides IdleLock: Ctrl+L, or a counter left alone for the set minutes, covers everything
until someone signs in; the same volunteer is back where they were, anyone else starts at the
families search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from distro.tui.base import Distro, reading
from distro.tui.shell.lock import IdleWatch, LockScreen

if TYPE_CHECKING:
    from distro.domain.core.access import Actor


class LockHost(Distro, Protocol):
    """The app as the lock uses it: the idle watch, and how it greets whoever signs in."""

    idle: IdleWatch

    def show_who(self) -> None:
        """The header says who is signed in and whether names are masked."""

    def show_locked(self) -> None:
        """The header says the counter is locked."""

    def signed_in(self, actor: Actor | None) -> None:
        """A volunteer has signed in: start them at the families search."""


class IdleLock:
    """Locks the app's counter, and knows who locked it."""

    def __init__(self, app: LockHost) -> None:
        self.app = app
        self.locked_by: Actor | None = None

    @property
    def locked(self) -> bool:
        """Whether the lock screen covers the counter."""
        return self.locked_by is not None

    def lock_if_idle(self) -> None:
        """Lock a counter left alone for the set number of minutes (a timer calls this)."""
        if self.app.actor is not None and self.app.idle.idle_too_long():
            self.lock()

    def lock(self) -> None:
        """Cover everything until someone signs in; a revealed family is masked again."""
        app = self.app
        if app.actor is None:  # signing in, or locked already: nothing is on show
            return
        self.locked_by, app.actor = app.actor, None
        app.privacy.hide_again()
        app.show_locked()
        app.push_screen(LockScreen(self.locked_by.name), callback=self._unlocked)

    def _unlocked(self, actor: Actor | None) -> None:
        """The same volunteer is back where they were; someone else starts at the search."""
        locked_by, self.locked_by = self.locked_by, None
        if actor is None:
            return
        if locked_by is not None and actor.user_id == locked_by.user_id:
            self.app.actor = actor
            self.app.show_who()
            self.app.idle.touch()
        else:
            self.app.signed_in(actor)

    def read_minutes(self) -> None:
        """The idle lock's delay, read once per sign-in (an admin may have changed it)."""
        self.app.run_worker(
            self._read_minutes,
            thread=True,
            exclusive=True,
            group="lock-minutes",
            exit_on_error=False,
        )

    def _read_minutes(self) -> None:
        from distro.domain.admin.settings import SettingKey, get_setting

        with reading(self.app) as session:
            minutes = get_setting(session, SettingKey.LOCK_MINUTES)
        self.app.idle.lock_after = minutes * 60
