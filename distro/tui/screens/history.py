"""Provides a family's history: every change, who made it, when, and what it changed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from distro.domain.models import AuditEvent
    from distro.tui.app import DistroApp

MAX_SHOWN_VALUE = 60


def describe_change(event: AuditEvent) -> str:
    """The fields a change touched, before -> after, one per line."""
    from distro.domain.audit import changed_fields

    lines = [f"[b]{event.summary}[/b]  by {event.actor}, {local_time(event.at)}"]
    if event.reason:
        lines.append(f"Reason: {event.reason}")
    for field, (before, after) in changed_fields(event.before, event.after).items():
        if field == "members":
            lines.extend(_member_changes(before or [], after or []))
        else:
            lines.append(f"{field}: {_short(before)} -> {_short(after)}")
    return "\n".join(lines)


def local_time(moment: datetime) -> str:
    """A stored UTC time as the counter's clock shows it."""
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def _member_changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    """Members added, removed or changed, by name, with the fields that changed."""
    old = {member["id"]: member for member in before}
    new = {member["id"]: member for member in after}
    lines = [f"member added: {new[key]['full_name']}" for key in new.keys() - old.keys()]
    lines += [f"member left: {old[key]['full_name']}" for key in old.keys() - new.keys()]
    for key in old.keys() & new.keys():
        changed = [
            f"{field} {_short(old[key].get(field))} -> {_short(value)}"
            for field, value in new[key].items()
            if (old[key].get(field) or None) != (value or None)
        ]
        if changed:
            lines.append(f"{new[key]['full_name']}: " + ", ".join(changed))
    return lines


def _short(value: object) -> str:
    text = "-" if value in (None, "", []) else str(value)
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 3] + "..."


class HistoryScreen(Screen[None]):
    """Newest change first; the highlighted change's details show below the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the family", id="history-back"),
    ]

    def __init__(self, family_id: int) -> None:
        super().__init__(id="history-screen")
        self.family_id = family_id
        self.events: list[AuditEvent] = []

    @property
    def distro(self) -> DistroApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable[str] = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield table
        with VerticalScroll(id="history-detail-box"):
            yield Static("", id="history-detail")
        yield CounterFooter()

    def on_mount(self) -> None:
        from distro.domain.audit import family_history
        from distro.domain.db import reading
        from distro.domain.families import load_family

        with reading(self.distro.engine) as session:
            self.events = family_history(session, self.family_id)
            self.sub_title = f"History of {load_family(session, self.family_id).family.code}"
        table = self.query_one("#history-table", DataTable)
        table.add_column("When", width=16)
        table.add_column("Who", width=14)
        table.add_column("What", width=40)
        for event in self.events:
            table.add_row(local_time(event.at), event.actor, event.summary)
        table.focus()

    @on(DataTable.RowHighlighted, "#history-table")
    def _show_detail(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.events):
            detail = describe_change(self.events[event.cursor_row])
            self.query_one("#history-detail", Static).update(detail)

    def action_back(self) -> None:
        self.app.pop_screen()
