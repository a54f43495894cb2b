"""Provides DistroApp: the areas (modes), the keys that switch them, and scan routing.

The first frame needs only Textual: the database (SQLAlchemy, SQLModel, migrations) opens in a
worker right after it, while the volunteer types their name.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from distro.domain.clock import Clock, utc_now
from distro.domain.codes import looks_like_code
from distro.printing.printers import Printer
from distro.settings import Settings
from distro.tui.scanning import ScanDetector
from distro.tui.screens.area import AREAS, AreaScreen
from distro.tui.screens.families import FamiliesScreen
from distro.tui.screens.family import FamilyScreen
from distro.tui.screens.help import HelpScreen
from distro.tui.screens.signin import SignInScreen

if TYPE_CHECKING:
    from sqlalchemy import Engine


FULL_COLLECTION_AFTER = 100
"""Middle-generation collections between two full ones (Python's default: 10). Full passes
over a day-long heap were the slow tail of scans (p95 about 100 ms, 38 ms with this)."""


class DistroApp(App[None]):
    """The counter app, built with its dependencies so tests can pass a temp database."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "distro"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "families": FamiliesScreen,
        **{area.mode: partial(AreaScreen, area) for area in AREAS},
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", tooltip="Every key on this screen", id="help"),
        Binding(
            "f2",
            "area('counter')",
            "Counter",
            tooltip="Hand out to a family",
            id="counter",
            show=False,
        ),
        Binding("f3", "area('families')", "Families", tooltip="Find, register", id="families"),
        Binding(
            "f4",
            "area('stock')",
            "Stock",
            tooltip="Donations, lots, expiry",
            id="stock",
            show=False,
        ),
        Binding(
            "f5",
            "area('lending')",
            "Lending",
            tooltip="Devices for school",
            id="lending",
            show=False,
        ),
        Binding(
            "f6", "area('referrals')", "Referrals", tooltip="Vaccines", id="referrals", show=False
        ),
        Binding("f7", "area('reports')", "Reports", tooltip="For donors", id="reports", show=False),
        Binding(
            "f10", "sign_in", "Switch volunteer", tooltip="Hand the counter over", id="sign-in"
        ),
    ]

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
        self.actor = ""
        self.scan_detector = ScanDetector()
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

    def on_mount(self) -> None:
        self.action_sign_in()
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
        young, middle, _full = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)
        self.call_from_thread(self.keep_out_of_full_collections)

    def keep_out_of_full_collections(self) -> None:
        """What is loaded so far lives all day (modules, the database, screens built once):
        moving it out of the garbage collector's reach keeps full collections short, which
        otherwise pause a scan by 100 ms and more as the day goes on."""
        self.call_after_refresh(gc.freeze)

    def action_sign_in(self) -> None:
        """Ask who is at the counter; every change they make records the name."""
        self.actor = ""  # nobody acts until the next volunteer has signed in
        self.title = "distro"
        self.push_screen(SignInScreen(), callback=self._signed_in)

    def _signed_in(self, name: str | None) -> None:
        if name:
            self.actor = name
            self.title = f"distro - {name}"
            self.switch_mode("families")
            self.keep_out_of_full_collections()

    def action_area(self, mode: str) -> None:
        """Switch to an area once someone has signed in."""
        if self.actor:
            self.switch_mode(mode)
        else:
            self.notify("Type your name and press Enter first.", severity="warning")

    def action_help(self) -> None:
        """Show every key of the current screen and of the app."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def on_event(self, event: events.Event) -> None:
        """Watch every key before widgets do, so a scan works from any screen."""
        if isinstance(event, events.Key) and not event.is_forwarded and not self._scan_in_field():
            scanned = self.scan_detector.feed(event.key, event.character)
            if scanned is not None and looks_like_code(scanned):
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

        A scanner's keys also landed in the focused field; `clear_field` takes them out."""
        focused = self.focused
        if clear_field and isinstance(focused, Input) and focused.value.endswith(scanned):
            focused.value = focused.value[: -len(scanned)]
        self._resolve_scan(scanned)

    def _resolve_scan(self, scanned: str) -> None:
        """Look the code up on the UI thread: a few indexed reads (a few ms), whereas a hop to a
        worker thread and back costs more than the queries while the queue waits."""
        from distro.domain.db import reading
        from distro.domain.errors import DomainError
        from distro.domain.scan import resolve_scan

        try:
            with reading(self.engine) as session:
                result = resolve_scan(session, scanned)
        except DomainError as error:
            self.notify(str(error), title="Scan", severity="error")
            return
        self.open_family(result.target_id)

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
        self.switch_mode("families")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        # One family screen, built once and kept installed: a scan then only reloads the data,
        # instead of composing a new screen while the queue waits.
        if self._family_screen is None:
            self._family_screen = FamilyScreen(family_id)
            self.install_screen(self._family_screen, name="family")
            self.keep_out_of_full_collections()
        else:
            self._family_screen.show_family(family_id)
        self.push_screen(self._family_screen)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette: every area and action as `area: verb`. Textual's own commands are left
        out: switching to an unreadable theme at a counter helps nobody."""
        from distro.tui.commands import palette_commands

        yield from palette_commands(self, screen)
        yield SystemCommand("app: quit", "Close distro (changes are already saved)", self.exit)
