"""Provides TickList: a SelectionList whose boxes read [x] and [ ], so a choice's state shows
without colour (a 16-colour terminal, a colour-blind volunteer, a photocopied screenshot)."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED, UNTICKED = "[x] ", "[ ] "


class TickList(SelectionList[str]):
    """Space ticks or unticks the highlighted choice, as in any SelectionList."""

    def render_line(self, y: int) -> Strip:
        """The option's line behind its box as text (SelectionList draws a box whose state
        is its colour alone)."""
        line = OptionList.render_line(self, y)
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        ticked = selection.value in self.selected
        style = (next(iter(line)).style or Style()) + Style(bold=ticked, meta={"option": index})
        return Strip([Segment(TICKED if ticked else UNTICKED, style), *line])
