"""Provides the driver that types into a running app the way a person (or a scanner) does,
and times what it sees."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from distro.bench.frames import WAIT_SECONDS, FrameProbe, resolve, until
from distro.bench.plan import BENCH_PIN, BENCH_VOLUNTEER, BenchError, Keystroke, Plan, Timings

if TYPE_CHECKING:
    from distro.domain.families.registry import FamilyRecord
    from distro.domain.families.search import FamilyHit
    from distro.tui.app import DistroApp
    from distro.tui.families.search import FamiliesScreen

T = TypeVar("T")

KEY_GAP_SECONDS = 0.12
"""Pause before each typed key: a quick typist, about 100 words a minute. Typing faster than
a frame (1/60 s) would time Textual's frame pacing instead of the app."""
_KEY_NAMES = {"-": "minus", " ": "space", "\r": "enter"}


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
        from distro.tui.families.search import FamiliesScreen

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
        from distro.tui.families.search import FamiliesScreen

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
        from distro.tui.families.family import FamilyScreen

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
