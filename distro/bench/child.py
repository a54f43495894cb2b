"""Provides the child processes `distro bench` times the app's start and memory in.

`python -m distro.bench.child MODE [DB_URL [PLAN_JSON]]` starts one app cold and prints one
JSON line: `frame_at` (time.monotonic() when the first frame was painted; one clock for every
process on Linux and macOS, so the parent subtracts its own spawn time) and `peak_kb` (the
process's peak resident memory). MODE is `bare` (a plain Textual app with the sign-in screen's
widgets and no data), `distro` (the real app, started the way the `distro` command starts it)
or `work` (the real app, which then signs in, searches and scans before it reports).

Frames are caught by `distro.bench.frames`. Only Textual and the benchmark's own light modules
are imported at the top: the bare child must not pay for distro's imports.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, Static

from distro.bench.driver import drive
from distro.bench.frames import FrameProbe
from distro.bench.plan import BenchError, Plan

if TYPE_CHECKING:
    from distro.tui.app import DistroApp


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
    """The app as `distro` builds it (`distro.launch`, as cli.main does): the settings, and
    the engine's factory, so the database opens as it does in real use."""
    from distro.launch import app_opening_database
    from distro.settings import load_settings

    return app_opening_database(load_settings({"DISTRO_SLIPS": slips_dir}, database_url))


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
    from distro.tui.shell.signin import SignInScreen

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
