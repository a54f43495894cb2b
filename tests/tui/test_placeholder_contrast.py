"""Placeholders carry format hints ("YYYY-MM-DD, empty if none"): on the default theme they
read at WCAG's 4.5:1 against the field, focused or not, and stay dimmer than typed text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Input

from distro.tui.app import DistroApp
from tests.tui.helpers import settle
from tests.tui.stock_helpers import open_stock, seed_stock

READABLE = 4.5
"""WCAG AA for normal text."""


def luminance(color: Color) -> float:
    """WCAG relative luminance of an opaque colour."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(color.r) + 0.7152 * linear(color.g) + 0.0722 * linear(color.b)


def contrast(one: Color, other: Color) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def placeholder_contrast(box: Input) -> tuple[float, float]:
    """How the placeholder, and typed text, stand out from the field as drawn now."""
    style = box.get_component_rich_style("input--placeholder")
    assert style.color is not None and style.bgcolor is not None
    background = Color.from_rich_color(style.bgcolor)
    hint = contrast(Color.from_rich_color(style.color), background)
    return hint, contrast(box.styles.color, background)


async def assert_readable(pilot: Pilot[None]) -> int:
    """Check every hinted field of the screen, unfocused and focused; how many there were."""
    boxes = [box for box in pilot.app.screen.query(Input) if box.placeholder]
    for box in boxes:
        for focused in (False, True):
            if focused:
                box.focus()
                await pilot.pause()
            hint, typed = placeholder_contrast(box)
            assert hint >= READABLE, (box.id, focused, round(hint, 2))
            assert hint < typed, (box.id, focused, "a hint must not look typed")
    return len(boxes)


async def test_every_placeholder_reads_at_4_5_to_1_focused_or_not(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await assert_readable(pilot) >= 1  # signing in
        app.screen.query_one("#sign-in-name", Input).focus()
        await open_stock(pilot)
        await pilot.press("r")  # the receive form: dates, names, places hinted
        await settle(pilot)
        assert await assert_readable(pilot) >= 3
