"""Provides the audit log screen: filters at the top, the newest matching changes below.

Each change of a filter waits for a pause in typing, then one worker reads a page of at most
`PAGE` rows, so a long log is never loaded whole and typing never waits for the database.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import Worker, WorkerState

from distro.domain.admin.audit_log import (
    AuditFilter,
    audit_events,
    family_codes,
    record_audit_view,
    record_label,
)
from distro.domain.core.errors import DomainError, NotAllowed
from distro.domain.core.inputs import validated
from distro.domain.core.moments import moment_text
from distro.domain.core.zone import ngo_zone
from distro.domain.families.masks import mask_names_in
from distro.domain.users.accounts import list_users
from distro.tui.base import Distro, UsesDistro, reading, refuse, writing
from distro.tui.families.history import describe_change
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from datetime import tzinfo

    from textual.timer import Timer

    from distro.domain.audit.models import AuditEvent

PAGE = 200
TYPING_PAUSE_SECONDS = 0.3
"""How long typing must pause before the log is read again."""
FILTER_FIELDS = {
    "audit-user": "user",
    "audit-family": "family_code",
    "audit-action": "action",
    "audit-since": "since",
    "audit-until": "until",
}
"""Filter input id -> the AuditFilter field it fills."""
HINT = "Dates as YYYY-MM-DD; Enter on a row shows it in full."
FOR_COORDINATORS = "The audit log is for coordinators and admins; ask one of them to look."


def open_audit_log(app: Distro) -> None:
    """Record that the log is being looked at and show it, or tell a volunteer who may."""

    if isinstance(app.screen, AuditScreen | ModalScreen):
        return
    try:
        actor = app.current_actor()
        with writing(app) as session:
            record_audit_view(session, AuditFilter(), actor=actor, now=app.clock())
    except NotAllowed as error:
        message = FOR_COORDINATORS if app.actor else str(error)
        app.notify(message, title="Audit log", severity="warning")
        return
    except DomainError as error:
        refuse(app, error, title="Audit log")
        return
    app.push_screen(AuditScreen())


class AuditScreen(UsesDistro, Screen[None]):
    """Who changed what, when: filter by user, family, action and dates."""

    CSS_PATH = "../styles/audit.tcss"
    AREA = "audit"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Close the audit log", id="audit-back"),
        Binding("ctrl+f", "focus_filters", "Filters", tooltip="Back to the filters", id="filters"),
        Binding("down", "focus_rows", "Rows", show=False, id="audit-rows"),
    ]

    zone: tzinfo
    """The NGO's clock, read with each page of rows, before any is shown."""

    def __init__(self) -> None:
        super().__init__(id="audit-screen")
        self.events: list[AuditEvent] = []
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="audit-filters"):
            yield Input(placeholder="User", id="audit-user", max_length=80)
            yield Input(
                placeholder="Family", id="audit-family", max_length=40, classes="code-input"
            )
            yield Input(placeholder="Action", id="audit-action", max_length=40)
            yield Input(placeholder="From date", id="audit-since", max_length=10)
            yield Input(placeholder="To date", id="audit-until", max_length=10)
        yield Static(f"Newest first, at most {PAGE}. {HINT}", id="audit-status")
        table: DataTable[str] = DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield CounterFooter()

    def on_mount(self) -> None:
        self.sub_title = "Audit log"
        table = self.query_one("#audit-table", DataTable)
        table.add_column("When", width=16)
        table.add_column("Who", width=12)
        table.add_column("Action", width=16)
        table.add_column("Record", width=10)
        table.add_column("What", width=60)
        self._suggest_user_names()
        self.action_focus_filters()
        self.load({})

    def _suggest_user_names(self) -> None:
        """The user filter matches a name exactly (that is what its index answers), so the box
        completes names as they are typed (Right accepts); a few dozen rows at most."""

        with reading(self.distro) as session:
            names = [user.name for user in list_users(session)]
        self.query_one("#audit-user", Input).suggester = SuggestFromList(
            names, case_sensitive=False
        )

    def action_focus_filters(self) -> None:
        self.query_one("#audit-user", Input).focus()

    def action_focus_rows(self) -> None:
        """Down from a filter moves into the rows, where Enter shows a change in full."""
        table = self.query_one("#audit-table", DataTable)
        if table.row_count:
            table.focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Input.Changed, "#audit-filters Input")
    def _filter_changed(self) -> None:
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(TYPING_PAUSE_SECONDS, self._reload)

    @on(Input.Submitted, "#audit-filters Input")
    def _filter_submitted(self) -> None:
        if self._pending is not None:
            self._pending.stop()
        self._reload()
        self.action_focus_rows()

    def _reload(self) -> None:
        self._pending = None
        self.load(self.filter_values())

    def filter_values(self) -> dict[str, str]:
        """What the filter boxes hold, under AuditFilter's field names (empty ones left out)."""
        values = {
            field: self.query_one(f"#{widget_id}", Input).value.strip()
            for widget_id, field in FILTER_FIELDS.items()
        }
        return {field: value for field, value in values.items() if value}

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def load(self, values: dict[str, str]) -> None:
        """Read one page of matching rows off the UI thread."""

        try:
            filters = validated(AuditFilter, {**values, "limit": PAGE})
            with reading(self.distro) as session:
                events = audit_events(session, filters, actor=self.distro.current_actor())
                codes = family_codes(session, events)
                zone = ngo_zone(session)
        except DomainError as error:
            self.app.call_from_thread(self.show_problem, str(error))
            return
        self.app.call_from_thread(self.show_rows, events, codes, zone)

    def show_rows(self, events: list[AuditEvent], codes: dict[int, str], zone: tzinfo) -> None:
        """Fill the table with one page of rows, their times on the NGO's clock (`zone`)."""

        self.events, self.zone = events, zone
        table = self.query_one("#audit-table", DataTable)
        table.clear()
        masked = self.distro.privacy.on
        for event in events:
            label = record_label(event, codes)
            summary = mask_names_in(event.summary, names_in(event)) if masked else event.summary
            table.add_row(
                moment_text(event.at, zone), event.actor, event.action, label, cell(summary)
            )
        found = f"{len(events)} shown, newest first" if events else "No change matches"
        self.query_one("#audit-status", Static).update(f"{found}. {HINT}")

    def show_problem(self, problem: str) -> None:
        """Say what is wrong with a filter, and show no rows rather than the wrong ones."""
        self.events = []
        self.query_one("#audit-table", DataTable).clear()
        self.query_one("#audit-status", Static).update(problem)

    @on(Worker.StateChanged)
    def _load_failed(self, event: Worker.StateChanged) -> None:
        """A failure no rule foresaw (the database gone, say) is said plainly, not dropped."""
        if event.state == WorkerState.ERROR:
            self.show_problem(f"The audit log could not be read: {event.worker.error}")

    @on(DataTable.RowSelected, "#audit-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.events):
            chosen = self.events[event.cursor_row]
            self.app.push_screen(AuditDetail(chosen, self.zone, masked=self.distro.privacy.on))


def names_in(event: AuditEvent) -> list[str]:
    """Members' full names in a change's before and after, to mask them in its summary."""
    names: list[str] = []
    for snapshot in (event.before, event.after):
        members = json.loads(snapshot).get("members", []) if snapshot else []
        names += [member["full_name"] for member in members if member.get("full_name")]
    return names


class AuditDetail(UsesDistro, ModalScreen[None]):
    """One change in full: who, when, why, and each field before and after."""

    CSS_PATH = "../styles/audit.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "Close", id="close-audit-detail"),
    ]

    def __init__(self, event: AuditEvent, zone: tzinfo, *, masked: bool) -> None:
        super().__init__()
        self.event, self.zone = event, zone
        self.masked = masked
        """Privacy mode was on when the row was chosen: personal values are masked."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form-dialog", id="audit-detail-box"):
            yield Static(f"{self.event.action}  (row {self.event.id})  Esc closes")
            names = names_in(self.event)
            detail = describe_change(self.event, self.zone, masked=self.masked, names=names)
            yield Static(detail, id="audit-detail")
