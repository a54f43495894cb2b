"""Pilot test: the diet choices say ticked or not in text, not by colour alone."""

from __future__ import annotations

from textual.widgets import SelectionList

from distro.tui.app import DistroApp
from tests.tui.helpers import sign_in, tab_to


def diet_lines(app: DistroApp) -> list[str]:
    diet = app.screen.query_one("#family-dietary", SelectionList)
    return [diet.render_line(row).text for row in range(diet.option_count)]


async def test_diet_boxes_read_ticked_and_unticked(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n")
        await tab_to(pilot, "family-dietary")
        assert diet_lines(app)[0].startswith("[ ] Halal")
        await pilot.press("space", "down", "down", "space", "space")
        await pilot.pause()
        lines = diet_lines(app)
        assert lines[0].startswith("[x] Halal")
        assert lines[1].startswith("[ ] No pork")
        assert lines[2].startswith("[ ] Vegetarian")  # ticked, then unticked
        assert app.screen.query_one("#family-dietary", SelectionList).selected == ["halal"]
