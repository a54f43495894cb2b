"""Provides what `distro bench` runs the app with: timed child processes, and a typing driver.

`python -m distro.bench_child MODE [DB_URL [PLAN_JSON]]` starts one app cold and prints one
JSON line: `frame_at` (time.monotonic() when the first frame was painted; one clock for every
process on Linux and macOS, so the parent subtracts its own spawn time) and `peak_kb` (the
process's peak resident memory). MODE is `bare` (a plain Textual app with the sign-in screen's
widgets and no data), `distro` (the real app, started the way the `distro` command starts it)
or `work` (the real app, which then signs in, searches and scans before it reports).

Frames are caught where Textual hands each compositor update to `App._display`; headless, the
update is rendered and then dropped, so that is the moment a terminal would have shown it.
Only Textual is imported at the top: the bare child must not pay for distro's imports.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rich.console import RenderableType
from textual import events
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, Static

if TYPE_CHECKING:
    from distro.domain.families import FamilyRecord
    from distro.domain.search import FamilyHit
    from distro.tui.app import DistroApp
    from distro.tui.screens.families import FamiliesScreen

T = TypeVar("T")

WAIT_SECONDS = 30.0
"""Longest wait for the app to show something before the bench gives up on it."""
KEY_GAP_SECONDS = 0.12
"""Pause before each typed key: a quick typist, about 100 words a minute. Typing faster than
a frame (1/60 s) would time Textual's frame pacing instead of the app."""
BENCH_VOLUNTEER = "Bench"
BENCH_PIN = "bench-pin-2468"
"""Short enough (under 8 keys) that the scan detector never reads it as a code."""
_KEY_NAMES = {"-": "minus", " ": "space", "\r": "enter"}


class BenchError(Exception):
    """The app did not do what the bench asked, so there is no figure to report."""


@dataclass(frozen=True)
class Plan:
    """What the driver types: name prefixes and phone fragments key by key, then codes."""

    names: list[str]
    phones: list[str]
    scans: list[tuple[str, int]]
    """(family code, family id) pairs."""

    @classmethod
    def from_json(cls, text: str) -> Plan:
        """The plan a parent process passed on the command line."""
        data = json.loads(text)
        scans = [(str(code), int(family_id)) for code, family_id in data["scans"]]
        return cls(names=data["names"], phones=data["phones"], scans=scans)

    def to_json(self) -> str:
        """The plan as one command-line argument."""
        return json.dumps(asdict(self))


@dataclass(frozen=True)
class Keystroke:
    """One key typed into the search box, and how long until its results were seen."""

    query: str
    shown_s: float
    """Key posted until the results were in the table."""
    painted_s: float
    """Key posted until the first frame that shows them."""


@dataclass
class Timings:
    """Everything the driver measured on one run of the app."""

    names: list[Keystroke] = field(default_factory=list)
    phones: list[Keystroke] = field(default_factory=list)
    scans: list[float] = field(default_factory=list)


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


class BareSignInScreen(Screen[str]):
    """The widgets of distro's sign-in screen, with no data behind them."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("[b]Who is at the counter?[/b]")
            yield Static("Every change you make is recorded under your name.")
            yield Input(placeholder="Your name, then Enter", max_length=80)
            yield Input(placeholder="Your PIN, then Enter", password=True, max_length=128)
            yield Label("")
            yield Static("Recently here (Down, then Enter):")
            yield OptionList()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()


class BareApp(App[None]):
    """The yardstick: what any Textual app costs to start, opening a screen as distro does."""

    def on_mount(self) -> None:
        self.push_screen(BareSignInScreen())


def start_distro(database_url: str, slips_dir: str) -> DistroApp:
    """The app as `distro` builds it (cli.main and cli.run_app): parse the command line, load
    the settings, and give the app the engine's factory, so the database opens as it does in
    real use. Keep this in step with cli.run_app."""
    from distro.cli import build_parser, names_a_command, open_engine
    from distro.printing.printers import FolderPrinter
    from distro.settings import load_settings
    from distro.tui.app import DistroApp

    argv = ["--db", database_url]
    args = build_parser(with_commands=names_a_command(argv)).parse_args(argv)
    settings = load_settings({"DISTRO_SLIPS": slips_dir}, args.db)
    return DistroApp(settings, lambda: open_engine(settings), FolderPrinter(settings.slips_dir))


def first_frame(app: App[Any], screen_type: type[Screen[Any]]) -> dict[str, float]:
    """Run `app` headless until the first frame of `screen_type` is painted: when that was,
    and the peak memory then (read at once: work the app defers past its first frame, such
    as a thread worker still importing, must not count)."""
    report: dict[str, float] = {}

    def painted(at: float) -> None:
        report.update(frame_at=at, peak_kb=peak_kb())
        app.exit()

    FrameProbe(app).when_painted(lambda screen: isinstance(screen, screen_type), painted)
    app.run(headless=True)
    if not report:
        raise BenchError(f"{type(app).__name__} exited before painting {screen_type.__name__}")
    return report


def drive(app: DistroApp, plan: Plan) -> Timings:
    """Run `app` headless, sign in, warm up, type every query of `plan` and scan its codes."""
    driver = Driver(app)
    timings = Timings()

    async def script(pilot: Pilot[object]) -> None:
        await driver.sign_in(BENCH_VOLUNTEER, BENCH_PIN)
        await driver.warm_up(plan)
        for prefix in plan.names:
            timings.names.extend(await driver.type_search(prefix))
        for fragment in plan.phones:
            strokes = await driver.type_search(fragment)
            timings.phones.extend(stroke for stroke in strokes if len(stroke.query) >= 3)
        for code, family_id in plan.scans:
            timings.scans.append(await driver.scan(code, family_id))
            await driver.back_to_search()
        app.exit()

    app.run(headless=True, size=(100, 30), auto_pilot=script)
    return timings


class Driver:
    """Types into a running DistroApp the way a person (or a scanner) does, and times it.

    Keys are posted to the app as the terminal driver posts them. A key's results are "shown"
    when FamiliesScreen.show_hits has filled the table for exactly that query (the method is
    wrapped on the screen instance), and "painted" at the first frame after that.
    """

    def __init__(self, app: DistroApp) -> None:
        self.app = app
        self.probe = FrameProbe(app)
        self._expected: dict[str, asyncio.Future[tuple[float, float]]] = {}

    async def sign_in(self, name: str, pin: str) -> None:
        """Type a name and PIN at a person's pace, and wait for the Families area."""
        from distro.tui.screens.families import FamiliesScreen

        await until(lambda: self.app.focused is not None, "the sign-in box")
        for character in [*name, "\r", *pin, "\r"]:
            await asyncio.sleep(KEY_GAP_SECONDS)
            self.post_key(character)
        await until(lambda: isinstance(self.app.screen, FamiliesScreen), "the Families area")
        # The area's widgets appear a few frames after the screen itself: wait on focus by id
        # rather than query a screen that may not have composed yet.
        await until(
            lambda: getattr(self.app.focused, "id", None) == "family-search", "the search box"
        )
        screen = self.families_screen()
        self._watch_hits(screen)
        await self.settle()

    async def warm_up(self, plan: Plan) -> None:
        """One search and one scan, not timed: the first of each imports what it needs, once
        per session, which would otherwise land in whichever size is measured first."""
        await self.type_search(plan.names[0] if plan.names else "a")
        if plan.scans:
            await self.scan(*plan.scans[0])
            await self.back_to_search()

    def families_screen(self) -> FamiliesScreen:
        """The Families area's search screen (the bottom of its mode's stack)."""
        from distro.tui.screens.families import FamiliesScreen

        screen = self.app.screen_stack[0]
        if not isinstance(screen, FamiliesScreen):
            raise BenchError("the Families area is not showing its search screen")
        return screen

    def search_box(self) -> Input:
        """The search box of the Families area."""
        return self.families_screen().query_one("#family-search", Input)

    def post_key(self, character: str) -> None:
        """One key, as the terminal driver would post it."""
        key = events.Key(_KEY_NAMES.get(character, character), character)
        key.set_sender(self.app)
        self.app.post_message(key)

    async def type_search(self, text: str) -> list[Keystroke]:
        """Clear the box, then type `text` one key at a time at a quick typist's pace (the
        results of each key are on screen before the next); time every key."""
        await self.clear_search()
        strokes: list[Keystroke] = []
        for length in range(1, len(text) + 1):
            query = text[:length]
            await asyncio.sleep(KEY_GAP_SECONDS)
            seen = self._expect_hits(query)
            start = time.monotonic()
            self.post_key(text[length - 1])
            shown_at, painted_at = await self.wait(seen, f"results for {query!r}")
            strokes.append(Keystroke(query, shown_at - start, painted_at - start))
        return strokes

    async def clear_search(self) -> None:
        """Empty the search box and wait until the emptied results are on screen."""
        box = self.search_box()
        box.focus()
        if box.value:
            seen = self._expect_hits("")
            box.value = ""
            await self.wait(seen, "the emptied results")
        await self.settle()

    async def scan(self, code: str, family_id: int) -> float:
        """Scan `code` like a USB scanner (a burst of keys, then Enter) from the search box;
        seconds from Enter to the first painted frame of the family's screen."""
        from distro.tui.screens.family import FamilyScreen

        await self.clear_search()
        await asyncio.sleep(KEY_GAP_SECONDS)
        box = self.search_box()
        for character in code:
            self.post_key(character)
        await until(lambda: box.value == code, "the scanned keys", poll=0.001)
        opened = self.probe.painted(
            lambda s: isinstance(s, FamilyScreen) and shows_family(s.record, family_id)
        )
        start = time.monotonic()
        self.post_key("\r")
        return await self.wait(opened, f"the family screen of {code}") - start

    async def back_to_search(self) -> None:
        """Leave the family screen for the search screen, as Esc does."""
        back = self.probe.painted(lambda screen: screen is self.families_screen())
        self.app.pop_screen()
        await self.wait(back, "the search screen")
        await self.settle()

    async def settle(self) -> None:
        """Wait until every search or scan still running in a thread has finished."""
        running = [worker.wait() for worker in self.app.workers if not worker.is_finished]
        await asyncio.gather(*running, return_exceptions=True)

    async def wait(self, future: asyncio.Future[T], what: str) -> T:
        """The future's result; BenchError if the app failed or has not shown `what` in time."""
        failed: asyncio.Future[Any] = asyncio.ensure_future(self.app._exception_event.wait())
        try:
            done, _ = await asyncio.wait(
                [future, failed], timeout=WAIT_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            failed.cancel()
        if future in done:
            return future.result()
        if failed in done:
            raise BenchError(f"the app failed while the bench waited for {what}")
        raise BenchError(f"the app did not show {what} within {WAIT_SECONDS:.0f} s")

    def _expect_hits(self, query: str) -> asyncio.Future[tuple[float, float]]:
        future: asyncio.Future[tuple[float, float]] = asyncio.get_running_loop().create_future()
        self._expected[query] = future
        return future

    def _watch_hits(self, screen: FamiliesScreen) -> None:
        """Wrap the screen's show_hits to note when the expected query's results arrive."""
        show_hits = screen.show_hits

        def watched(query: str, hits: list[FamilyHit]) -> None:
            show_hits(query, hits)
            future = self._expected.pop(query, None)
            if future is None or future.done():
                return
            shown_at = time.monotonic()
            self.probe.when_painted(
                lambda painted: painted is screen,
                lambda at: resolve(future, (shown_at, at)),
            )

        setattr(screen, "show_hits", watched)  # noqa: B010 - instance patch, on purpose


def shows_family(record: FamilyRecord | None, family_id: int) -> bool:
    """Whether a family screen holds `family_id`'s data (a reused screen may hold another's)."""
    return record is not None and record.family.id == family_id


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


def peak_kb() -> int:
    """This process's peak resident memory in KiB.

    On Linux, ru_maxrss survives fork and exec, so a child of a big parent reports the
    parent's size; VmHWM belongs to the process's own memory and starts afresh at exec.
    """
    import resource

    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1])


def run_child(argv: Sequence[str]) -> dict[str, float]:
    """Start one app as MODE says and return what the parent needs from this process."""
    mode, *rest = argv
    if mode == "bare":
        return first_frame(BareApp(), BareSignInScreen)
    from distro.tui.screens.signin import SignInScreen

    database_url, slips_dir, *plan = rest
    app = start_distro(database_url, slips_dir)
    if mode == "distro":
        return first_frame(app, SignInScreen)
    if mode == "work":
        timings = drive(app, Plan.from_json(plan[0]))
        return {"searches": len(timings.names) + len(timings.phones), "peak_kb": peak_kb()}
    raise SystemExit(f"unknown mode {mode!r}: use bare, distro or work")


if __name__ == "__main__":
    print(json.dumps(run_child(sys.argv[1:])), flush=True)
