"""Provides the screens of areas that later work builds: one plain line saying so."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Static

from distro.tui.base import UsesDistro
from distro.tui.widgets.footer import CounterFooter


@dataclass(frozen=True)
class Area:
    """An area of the app that is not built yet, and what it will do."""

    mode: str
    title: str
    purpose: str


AREAS = (
    Area("lending", "Lending", "Lend laptops and tablets to children for online school."),
    Area("referrals", "Referrals", "Vaccine appointment referrals and next doses."),
    Area("reports", "Reports", "Figures for coordinators and donors."),
)


class AreaScreen(UsesDistro, Screen[None]):
    """An area not built yet; it says so instead of showing anything fake."""

    def __init__(self, area: Area) -> None:
        super().__init__(id=f"{area.mode}-screen")
        self.area = area

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            f"[b]{self.area.title}[/b]\n\n{self.area.purpose}\n\n"
            "Not built yet. Press F3 for Families; a scanned family card opens the family.",
            classes="area-note",
        )
        yield CounterFooter()
