"""Provides DistroApp: the areas (modes), the keys that switch them, and where a scan goes
(`scan_routes`); the idle lock is `idle_lock`'s.

The first frame needs only Textual: the database (SQLAlchemy, SQLModel, migrations) opens in a
worker right after it, while the volunteer types their name.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from distro.domain.core.clock import Clock, utc_now
from distro.domain.core.errors import NotAllowed
from distro.printing.printers import Printer
from distro.settings import Settings
from distro.tui.area_keys import AREA_KEYS
from distro.tui.counter.screen import CounterScreen
from distro.tui.families.family import FamilyScreen
from distro.tui.families.search import FamiliesScreen
from distro.tui.heap import collect_fully_less_often
from distro.tui.privacy import Privacy, ShowsFamilies
from distro.tui.scan_routes import route_scan
from distro.tui.scanning import ScanDetector, looks_scannable, without_scan
from distro.tui.shell.area import AREAS, AreaScreen
from distro.tui.shell.help import HelpScreen
from distro.tui.shell.idle_lock import IdleLock
from distro.tui.shell.lock import IDLE_CHECK_SECONDS, IdleWatch, LockScreen
from distro.tui.shell.signin import SignInScreen
from distro.tui.stock.levels import StockScreen
from distro.tui.stock.routing import announce_stock_alerts
from distro.tui.stock.text import needs_attention
from distro.tui.unsaved import quit_after_asking

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from distro.domain.core.access import Actor, Permission
    from distro.domain.stock.levels import StockAlerts


class DistroApp(App[None]):
    """The counter app, built with its dependencies so tests can pass a temp database."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "distro"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "counter": CounterScreen,
        "families": FamiliesScreen,
        "stock": StockScreen,
        **{area.mode: partial(AreaScreen, area) for area in AREAS},
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        # The footer shows these after the screen's own keys, in this order; the area keys
        # are on the area bar instead (`area_keys`).
        Binding("f1", "help", "Help", tooltip="Every key on this screen", id="help"),
        Binding("ctrl+l", "lock", "Lock", tooltip="Cover the screen until you sign in", id="lock"),
        Binding("f9", "privacy", "Privacy", tooltip="Mask or show names and phones", id="privacy"),
        Binding("f10", "sign_in", "Switch", tooltip="Hand the counter over", id="sign-in"),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            tooltip="Close distro (asks first if typed work would be lost)",
            id="quit",
            priority=True,  # a focused field or a modal never keeps it from the app
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Command palette",
            tooltip="Every action by name",
            id="palette",
            show=False,  # F1 lists it; the footer is for the keys of the moment
            priority=True,
        ),
        *(area.binding() for area in AREA_KEYS),
    ]

    KEY_PERMISSIONS: ClassVar[dict[str, Permission]] = {
        area.action: area.permission for area in AREA_KEYS if area.permission is not None
    }
    """The app's keys some roles may not use: F1 leaves them out for those roles."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine | Callable[[], Engine],
        printer: Printer,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__()
        self.settings = settings
        self._engine: Engine | None = None if callable(engine) else engine
        self._engine_factory = engine if callable(engine) else None
        self._engine_lock = threading.Lock()
        self.printer = printer
        self.clock = clock
        self._family_screen: FamilyScreen | None = None
        self.actor: Actor | None = None
        self.stock_alerts: StockAlerts | None = None
        self.scan_detector = ScanDetector()
        self.privacy = Privacy()
        self.idle = IdleWatch()
        self.idle_lock = IdleLock(self)
        self.sub_title = "DEMO - fictional families" if settings.demo else ""

    @property
    def engine(self) -> Engine:
        """The database. A worker opens it just after the first frame; whoever asks first
        opens it (the others wait for the lock), so an early Enter is slower, never stuck."""
        with self._engine_lock:
            if self._engine is None:
                assert self._engine_factory is not None
                self._engine = self._engine_factory()
            return self._engine

    def current_actor(self) -> Actor:
        """Who is signed in; screens that change data are reachable only after sign-in."""

        if self.actor is None:
            raise NotAllowed("Nobody is signed in at this counter.")
        return self.actor

    def on_mount(self) -> None:
        self.action_sign_in()
        self.set_interval(IDLE_CHECK_SECONDS, self.idle_lock.lock_if_idle)
        if self._engine_factory is not None:
            self.call_after_refresh(self._open_database)

    @work(thread=True, exclusive=True, group="database", exit_on_error=False)
    def _open_database(self) -> None:
        """Open (and migrate) the database off the UI thread, after the first frame."""
        try:
            self.engine  # noqa: B018 (opening it is the point)
        except Exception as failure:  # any failure to open ends the app with a plain message
            reason = getattr(failure, "orig", None) or failure  # the driver's own words
            message = f"distro: the database could not be opened: {reason}"
            self.call_from_thread(self.exit, None, 1, message)
            return
        collect_fully_less_often()
        self.call_from_thread(self.keep_out_of_full_collections)

    def keep_out_of_full_collections(self) -> None:
        """What is loaded so far lives all day (modules, the database, screens built once):
        moving it out of the garbage collector's reach keeps full collections short, which
        otherwise pause a scan by 100 ms and more as the day goes on."""
        self.call_after_refresh(gc.freeze)

    def action_sign_in(self) -> None:
        """Ask who is at the counter; every change they make records the name."""
        self.actor = None  # nobody acts until the next volunteer has signed in
        self.stock_alerts = None  # the next one may not look after stock
        self.privacy.hide_again()
        self.show_who()
        self.push_screen(SignInScreen(), callback=self.signed_in)

    def signed_in(self, actor: Actor | None) -> None:
        """A new volunteer starts at the families search, whatever the last one left open."""
        if actor:
            self.actor = actor
            self.show_who()
            self._back_to_search()
            self.idle.touch()
            self.idle_lock.read_minutes()
            announce_stock_alerts(self)
            self.keep_out_of_full_collections()

    def show_stock_alerts(self, alerts: StockAlerts) -> None:
        """Put what the stock needs on the area bar, where it covers nothing (a notice would
        sit over the basket for seconds after each sign-in)."""
        self.stock_alerts = alerts if needs_attention(alerts) else None
        self.refresh_bindings()

    def get_key_display(self, binding: Binding) -> str:
        """Keys as printed on the keyboard: F1 and ^Q, not Textual's f1 and ^q."""
        shown = super().get_key_display(binding)
        return shown.upper() if re.fullmatch(r"f\d+|\^\w", shown) else shown

    def show_who(self) -> None:
        """The header says who is signed in and whether names are masked."""
        who = f" - {self.actor.name} ({self.actor.role.value})" if self.actor else ""
        self.title = f"distro{who} - {self.privacy.label()}"

    def _back_to_search(self) -> None:
        self.switch_mode("families")
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_lock(self) -> None:
        """Cover everything until someone signs in (`idle_lock`)."""
        self.idle_lock.lock()

    def show_locked(self) -> None:
        """The header says the counter is locked."""
        self.title = "distro - locked"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While locked, no key but the lock screen's own does anything (nor the palette);
        while nobody is signed in, there is nothing to lock or hand over."""
        if self.idle_lock.locked:
            return action == "quit"
        return self.actor is not None or action not in ("lock", "sign_in")

    def action_privacy(self) -> None:
        """Switch privacy mode; what is on screen is drawn again at once."""
        self.privacy.on = not self.privacy.on
        self.privacy.hide_again()
        self.show_who()
        if isinstance(self.screen, ShowsFamilies):
            self.screen.redraw_privacy()
        shown = "masked" if self.privacy.on else "shown in full"
        self.notify(f"Privacy mode {'on' if self.privacy.on else 'off'}: names and phones {shown}.")

    def action_area(self, mode: str) -> None:
        """Switch to an area once someone has signed in."""
        if self.actor:
            self.switch_mode(mode)
        else:
            self.notify("Type your name and press Enter first.", severity="warning")

    def action_audit_log(self) -> None:
        """Show who changed what, when (coordinators and admins)."""
        from distro.tui.admin.audit_log import open_audit_log

        open_audit_log(self)

    def action_help(self) -> None:
        """Show every key of the current screen and of the app."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def on_event(self, event: events.Event) -> None:
        """Watch every key before widgets do, so a scan works from any screen; any key or mouse
        event also puts off the idle lock."""
        if isinstance(event, events.Key | events.MouseEvent):
            self.idle.touch()
        if isinstance(event, events.Key) and not event.is_forwarded and not self._scan_in_field():
            scanned = self.scan_detector.feed(event.key, event.character)
            if scanned is not None and looks_scannable(scanned):
                event.prevent_default()
                event.stop()
                self.handle_scan(scanned)
                return
        await super().on_event(event)

    def _scan_in_field(self) -> bool:
        """A field that asks for a code (class `code-input`) takes a scan as typed text."""
        return self.focused is not None and self.focused.has_class("code-input")

    def handle_scan(self, scanned: str, *, clear_field: bool = True) -> None:
        """Open what a scanned or typed code names, or say plainly why it names nothing.

        A scanner's keys also landed in the focused field; `clear_field` takes them out. They
        may still wait in the field's queue (a burst comes faster than the field reads it), so
        the field is cleared, and the scan acted on, once it has read them all: acting first
        would leave the code in the field, on top of what the scan opened."""
        focused = self.focused
        if clear_field and isinstance(focused, Input):
            focused.call_later(self._clear_then_route, focused, scanned)
        else:
            self._route(scanned)

    def _clear_then_route(self, field: Input, scanned: str) -> None:
        field.value = without_scan(field.value, scanned)
        self._route(scanned)

    def _route(self, scanned: str) -> None:
        if isinstance(self.screen, LockScreen):  # not even whether the code exists
            self.screen.refuse_scan()
        elif self.actor is None:
            self.notify("Sign in first, then scan again.", severity="warning")
        else:
            route_scan(self, scanned)

    def open_family(self, family_id: int) -> None:
        """Show a family's screen in the Families area (not while a form is open)."""
        if not self.actor:
            self.notify("Sign in first, then scan again.", severity="warning")
            return
        if isinstance(self.screen, ModalScreen):
            self.notify(
                "Finish or close this form first (Esc), then scan again.", severity="warning"
            )
            return
        self._back_to_search()
        # One family screen, built once and kept installed: a scan then only reloads the data,
        # instead of composing a new screen while the queue waits.
        if self._family_screen is None:
            self._family_screen = FamilyScreen(family_id)
            self.install_screen(self._family_screen, name="family")
            self.keep_out_of_full_collections()
        else:
            self._family_screen.show_family(family_id)
        self.push_screen(self._family_screen)

    async def action_quit(self) -> None:
        """Quit, asking first when a screen of any area holds typed work (`unsaved`)."""
        screens = [screen for stack in self._screen_stacks.values() for screen in stack]
        quit_after_asking(self, screens, self.exit)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette: every area and action as `area: verb`. Textual's own commands are left
        out: switching to an unreadable theme at a counter helps nobody."""
        from distro.tui.palette import palette_commands

        yield from palette_commands(self, screen)
        yield SystemCommand(
            "app: quit", "Close distro (asks first if typed work would be lost)", self.action_quit
        )
