"""Provides a family's history: every change, who made it, when (on the NGO's clock), and what it
changed, in the words of the forms.

In privacy mode the personal fields' before and after values are masked like everywhere else,
and so are members' names in the summaries ("Added Amina Y."), unless the family was revealed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from distro.domain.audit.changes import changed_fields
from distro.domain.core.moments import moment_text
from distro.domain.core.zone import ngo_zone
from distro.domain.families.history import (
    UNSHOWN_FIELDS,
    family_history,
    field_name,
    value_words,
)
from distro.domain.families.masks import (
    mask_address,
    mask_claim_ref,
    mask_name,
    mask_names_in,
    mask_phone,
)
from distro.domain.families.registry import load_family
from distro.tui.base import UsesDistro, reading
from distro.tui.widgets.cells import cell
from distro.tui.widgets.fields import FAMILY_FIELDS, MEMBER_FIELDS
from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from distro.domain.audit.models import AuditEvent

FORM_NAMES = {
    spec.name: re.sub(r"\s*(\(.*\)|\*)", "", spec.label)
    for spec in (*FAMILY_FIELDS, *MEMBER_FIELDS)
}
"""Each field as its form labels it, without the hints: "Diet (Space ticks)" reads "Diet"."""
MAX_SHOWN_VALUE = 60
PERSONAL_FIELDS: dict[str, Callable[[str], str]] = {
    "full_name": mask_name,
    "aliases": mask_address,  # other names: hidden whole, like an address
    "claim_ref": mask_claim_ref,
    "address": mask_address,
}
"""Fields masked in privacy mode, and how; phones (a list) are masked one by one."""


def describe_change(
    event: AuditEvent, zone: tzinfo, *, masked: bool = False, names: Sequence[str] = ()
) -> str:
    """The fields a change touched, before -> after, one per line, its time on the NGO's clock
    (`zone`); `masked` masks personal values and members' names (those in the change, and
    `names`) wherever they appear."""

    lines = [f"by {event.actor}, {moment_text(event.at, zone)}"]
    if event.reason:
        lines.append(f"Reason: {event.reason}")
    for field, (before, after) in changed_fields(event.before, event.after).items():
        if field == "members":
            lines.extend(_member_changes(before or [], after or [], masked=masked, zone=zone))
        elif field not in UNSHOWN_FIELDS:
            was, now = _shown(field, before, masked, zone), _shown(field, after, masked, zone)
            lines.append(f"{_name(field, event.entity)}: {was} -> {now}")
    text = "\n".join([event.summary, *lines])
    if masked:
        text = mask_names_in(text, [*names_in([event]), *names])
    summary, rest = escape(text).split("\n", 1)  # typed text may hold [brackets]
    return f"[b]{summary}[/b]  {rest}"


def names_in(events: Sequence[AuditEvent]) -> list[str]:
    """Every member's name in these changes' before and after, to mask in their summaries."""
    names: list[str] = []
    for event in events:
        for snapshot in (event.before, event.after):
            members = json.loads(snapshot).get("members", []) if snapshot else []
            names += [member.get("full_name") or "" for member in members]
    return names


def _shown(field: str, value: object, masked: bool, zone: tzinfo) -> str:
    """A value in plain words, as privacy mode allows it on screen now."""
    if masked and field == "phones" and isinstance(value, list):
        value = [mask_phone(str(number)) for number in value]
    elif masked and field in PERSONAL_FIELDS and isinstance(value, str):
        value = PERSONAL_FIELDS[field](value)
    return _short(value_words(field, value, zone))


def _name(field: str, entity: str) -> str:
    """A field as the family's forms label it, or in the domain's words if no form shows it."""
    form_name = FORM_NAMES.get(field) if entity in ("family", "member") else None
    return form_name or field_name(field, entity).capitalize()


def _member_changes(
    before: list[dict[str, Any]], after: list[dict[str, Any]], *, masked: bool, zone: tzinfo
) -> list[str]:
    """Members added, removed or changed, by name, with the fields that changed."""
    old = {member["id"]: member for member in before}
    new = {member["id"]: member for member in after}

    def name(member: dict[str, Any]) -> str:
        return _shown("full_name", member["full_name"], masked, zone)

    lines = [f"member added: {name(new[key])}" for key in new.keys() - old.keys()]
    lines += [f"member left: {name(old[key])}" for key in old.keys() - new.keys()]
    for key in old.keys() & new.keys():
        changed = [
            f"{_name(field, 'member')} {_shown(field, old[key].get(field), masked, zone)} -> "
            f"{_shown(field, value, masked, zone)}"
            for field, value in new[key].items()
            if field not in UNSHOWN_FIELDS and (old[key].get(field) or None) != (value or None)
        ]
        if changed:
            lines.append(f"{name(new[key])}: " + ", ".join(changed))
    return lines


def _short(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 3] + "..."


class HistoryScreen(UsesDistro, Screen[None]):
    """Newest change first; the highlighted change's details show below the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the family", id="history-back"),
    ]

    zone: tzinfo
    """The NGO's clock, read on mount with the changes, before anything is drawn."""

    def __init__(self, family_id: int) -> None:
        super().__init__(id="history-screen")
        self.family_id = family_id
        self.events: list[AuditEvent] = []
        self._names: list[str] = []
        self._drawn_masked = True

    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable[str] = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield table
        with VerticalScroll(id="history-detail-box"):
            yield Static("", id="history-detail")
        yield CounterFooter()

    def on_mount(self) -> None:
        with reading(self.distro) as session:
            self.events = family_history(session, self.family_id)
            record = load_family(session, self.family_id)
            self.zone = ngo_zone(session)
        self.sub_title = f"History of {record.family.code}"
        members = record.members + record.removed_members
        self._names = names_in(self.events) + [member.full_name for member in members]
        table = self.query_one("#history-table", DataTable)
        table.add_column("When", width=16)
        table.add_column("Who", width=14)
        table.add_column("What", width=40)
        self._draw()
        table.focus()

    def _draw(self) -> None:
        """The list of changes, members' names masked in privacy mode."""
        self._drawn_masked = masked = self.distro.privacy.masks(self.family_id)
        table = self.query_one("#history-table", DataTable)
        row = table.cursor_row
        table.clear()
        for event in self.events:
            summary = mask_names_in(event.summary, self._names) if masked else event.summary
            table.add_row(moment_text(event.at, self.zone), cell(event.actor), cell(summary))
        table.move_cursor(row=row)
        self._show_detail(row)

    def redraw_privacy(self) -> None:
        """Privacy mode changed: the same changes, masked or not."""
        self._draw()

    def on_screen_resume(self) -> None:
        """Back from the lock screen: the reveal has ended."""
        if self._drawn_masked != self.distro.privacy.masks(self.family_id):
            self._draw()

    @on(DataTable.RowHighlighted, "#history-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, row: int) -> None:
        if 0 <= row < len(self.events):
            masked = self.distro.privacy.masks(self.family_id)
            detail = describe_change(self.events[row], self.zone, masked=masked, names=self._names)
            self.query_one("#history-detail", Static).update(detail)

    def action_back(self) -> None:
        self.app.pop_screen()
