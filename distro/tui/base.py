"""Provides what screens, modals and widgets use of the app: `Distro`, the app as they see it;
`reading`/`writing` sessions on its database; `ngo_clock`, the zone every time is shown in; and
`refuse`, a DomainError as the notice the volunteer reads.

The database layer (SQLAlchemy, SQLModel) is imported only when a session is first opened, so
the sign-in screen's first frame does not wait for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast, runtime_checkable

from textual.app import App
from textual.binding import Binding
from textual.markup import escape
from textual.notifications import SeverityLevel
from textual.screen import Screen

if TYPE_CHECKING:
    from datetime import tzinfo

    from sqlalchemy import Engine
    from sqlmodel import Session

    from distro.domain.core.access import Actor, Permission
    from distro.domain.core.clock import Clock
    from distro.domain.stock.levels import StockAlerts
    from distro.printing.printers import Printer
    from distro.settings import Settings
    from distro.tui.privacy import Privacy


class RunsWorkers(Protocol):
    """Anything that runs work off the UI thread: the app, or a screen."""

    def run_worker(
        self,
        work: Callable[[], Any],
        name: str | None = "",
        group: str = "default",
        description: str = "",
        exit_on_error: bool = True,
        start: bool = True,
        exclusive: bool = False,
        thread: bool = False,
    ) -> Any:
        """Run `work` in a worker."""


class Distro(RunsWorkers, Protocol):
    """The app as screens use it: its database, clock, settings, printer, privacy mode, who is
    signed in, and the few app actions a screen starts; plus the Textual calls routing needs."""

    settings: Settings
    printer: Printer
    clock: Clock
    privacy: Privacy
    actor: Actor | None
    stock_alerts: StockAlerts | None
    """What the stock needs, for the area bar; None when nothing does or it is not theirs."""

    @property
    def engine(self) -> Engine:
        """The database."""

    @property
    def screen(self) -> Screen[object]:
        """The screen on top."""

    @property
    def screen_stack(self) -> list[Screen[Any]]:
        """Every screen of the current mode, the top one last."""

    def current_actor(self) -> Actor:
        """Who is signed in (NotAllowed when nobody is)."""

    def open_family(self, family_id: int) -> None:
        """Show a family's screen in the Families area."""

    def handle_scan(self, scanned: str, *, clear_field: bool = True) -> None:
        """Open what a scanned or typed code names."""

    def show_stock_alerts(self, alerts: StockAlerts) -> None:
        """Put what the stock needs on the area bar (nothing when it needs nothing)."""

    def action_area(self, mode: str) -> None:
        """Switch to an area."""

    def action_sign_in(self) -> None:
        """Hand the counter over."""

    def action_lock(self) -> None:
        """Cover the screen."""

    def action_privacy(self) -> None:
        """Switch privacy mode."""

    def action_audit_log(self) -> None:
        """Show the audit log."""

    def action_help(self) -> None:
        """Show the keys."""

    def get_key_display(self, binding: Binding) -> str:
        """A key as the footer shows it."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A notice in the corner."""

    def push_screen(self, screen: Screen[Any], callback: Callable[[Any], Any] | None = None) -> Any:
        """Put a screen on top; `callback` gets its result."""

    def pop_screen(self) -> Any:
        """Take the top screen away."""

    def switch_mode(self, mode: str) -> Any:
        """Switch to an area's screens."""

    def call_after_refresh(self, callback: Callable[..., Any], *args: Any) -> bool:
        """Run `callback` after the next refresh."""

    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `callback` on the UI thread, from a worker."""


def distro_of(app: App[Any]) -> Distro:
    """The app, typed as what screens use of it."""
    return cast("Distro", app)


def await_database(app: Distro) -> None:
    """Wait until the app's database is open (opening it, if no other thread has begun to).

    A worker that runs before sign-in calls this before it imports any domain service: opening
    the database is what first imports SQLAlchemy, whose modules import one another, and two
    threads importing them at once can meet a half-imported module and fail. Once the engine
    exists, the database layer is whole and the domain's own modules import safely anywhere."""
    app.engine  # noqa: B018 (waiting for it is the point)


@contextmanager
def reading(app: Distro) -> Iterator[Session]:
    """A read-only session on the app's database."""
    from distro.domain.core.db import reading as read_only

    with read_only(app.engine) as session:
        yield session


@contextmanager
def writing(app: Distro) -> Iterator[Session]:
    """One writing transaction on the app's database: all of it commits, or none."""
    from distro.domain.core.db import unit_of_work

    with unit_of_work(app.engine) as session:
        yield session


@runtime_checkable
class KeepsRefusals(Protocol):
    """A screen that keeps the last refusal on screen until the next scan, instead of a notice
    that vanishes: at the counter a volunteer looks up from the queue after a toast has gone,
    and a toast would cover the basket."""

    def keep_refusal(self, message: str, title: str) -> None:
        """Show `message` (Rich markup) until the next scan or family."""


def tell_refusal(
    app: Distro, message: str, *, title: str = "", timeout: float | None = None
) -> None:
    """Say why nothing was done (`message` is Rich markup): on the screen itself where it keeps
    refusals, else as a notice."""
    screen = app.screen
    if isinstance(screen, KeepsRefusals):
        screen.keep_refusal(message, title)
        return
    app.notify(message, title=title, severity="error", timeout=timeout)


def ngo_clock(app: Distro) -> tzinfo:
    """The NGO's time zone, read afresh each time: an admin may change it while counters run,
    and every screen must show the time it shows, never the machine's."""
    from distro.domain.core.zone import ngo_zone

    with reading(app) as session:
        return ngo_zone(session)


def refuse(
    app: Distro, refusal: Exception, *, title: str = "", timeout: float | None = None
) -> None:
    """Tell the volunteer, in the domain's own words, why nothing was done."""
    tell_refusal(app, escape(str(refusal)), title=title, timeout=timeout)


def may_use(app: Distro, node: object, action: str) -> bool:
    """Whether the signed-in role may use the key that runs `action` on `node` (a screen, or
    the app), as its KEY_PERMISSIONS say."""
    permissions: dict[str, Permission] = getattr(node, "KEY_PERMISSIONS", {})
    needed = permissions.get(action)
    return needed is None or (app.actor is not None and app.actor.may(needed))


class _HasApp(Protocol):
    @property
    def app(self) -> App[Any]: ...


class UsesDistro:
    """What every screen, modal and widget of distro inherits (before its Textual class): the
    typed app, refusals as notices, and how a screen's keys read in the command palette
    (`distro.tui.palette` builds the entries from BINDINGS). A plain mixin, so Textual builds
    no extra screen class for it."""

    PALETTE_AREA: ClassVar[str | None] = None
    """The area the palette lists this screen's keys under (`area: verb`); None: not listed."""
    PALETTE_TITLES: ClassVar[dict[str, str]] = {}
    """A key's verb in the palette, by binding id, where it is not its footer label."""
    PALETTE_HIDDEN: ClassVar[frozenset[str]] = frozenset()
    """Binding ids left out of the palette (going back, moving the cursor)."""
    KEY_PERMISSIONS: ClassVar[dict[str, Permission]] = {}
    """What a key's action needs, by action name: the footer and the help leave the key out
    for a role without it (pressed anyway, it still says who may)."""
    AREA: ClassVar[str | None] = None
    """The area bar's current area, where it is not the app's mode (the audit log)."""

    @property
    def distro(self: _HasApp) -> Distro:
        """The app, typed."""
        return distro_of(self.app)

    def refuse(
        self: _HasApp, refusal: Exception, *, title: str = "", timeout: float | None = None
    ) -> None:
        """A refusal as the notice the volunteer reads."""
        refuse(distro_of(self.app), refusal, title=title, timeout=timeout)
