"""Provides the first-start screen: on a database nobody can sign in to, make the first admin.

The PIN is checked on the UI thread against the same rule the domain applies (instant, and
the error sits beside the field); saving hashes it, which is slow, so that runs in a worker.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from distro.domain.core.access import Actor
from distro.domain.core.errors import Conflict, DomainError, InvalidInput
from distro.tui.base import UsesDistro, await_database, writing
from distro.tui.widgets.footer import CounterFooter

FIELDS = ("name", "pin", "pin-again")
"""The fields in the order Enter moves through them; ids are `admin-FIELD`."""


class FirstAdminScreen(UsesDistro, Screen[Actor | None]):
    """Name, PIN and PIN again; dismisses with the new admin, signed in (None: someone else
    was first, so sign in as usual)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="first-admin"):
            yield Static("[b]Set up this counter: who is the first admin?[/b]")
            yield Static("This person will manage users: add volunteers and reset their PINs.")
            yield from self._field("name", "Your name, then Enter", password=False)
            yield from self._field("pin", "Choose a PIN, then Enter", password=True)
            yield from self._field("pin-again", "The same PIN again, then Enter", password=True)
            yield Label("", id="admin-error", classes="field-error")
        yield CounterFooter()

    def _field(self, field: str, placeholder: str, *, password: bool) -> ComposeResult:
        with Horizontal(classes="admin-row"):
            yield Input(
                placeholder=placeholder, id=f"admin-{field}", password=password, max_length=128
            )
            yield Label("", id=f"admin-{field}-error", classes="field-error admin-field-error")

    def on_mount(self) -> None:
        self.query_one("#admin-name", Input).focus()

    def _value(self, field: str) -> str:
        return self.query_one(f"#admin-{field}", Input).value

    def _say(self, field: str, problem: str) -> None:
        """Show `problem` beside `field` (empty clears it) and put the cursor there."""
        self.query_one(f"#admin-{field}-error", Label).update(problem)
        if problem:
            self.query_one(f"#admin-{field}", Input).focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter checks the field and moves on; on the last field it saves."""
        field = (event.input.id or "").removeprefix("admin-")
        if not self._field_ok(field):
            return
        if field == FIELDS[-1]:
            self._save()
        else:
            self.query_one(f"#admin-{FIELDS[FIELDS.index(field) + 1]}", Input).focus()

    def _field_ok(self, field: str) -> bool:
        from distro.domain.users.pin_rules import pin_problem

        problem = ""
        if field == "name" and not self._value("name").strip():
            problem = "type your name"
        elif field == "pin":
            problem = pin_problem(self._value("pin"), name=self._value("name")) or ""
        elif field == "pin-again" and self._value("pin-again") != self._value("pin"):
            problem = "not the same PIN; type it again"
            self.query_one("#admin-pin-again", Input).value = ""
        self._say(field, problem)
        return not problem

    def _save(self) -> None:
        if all(self._field_ok(field) for field in FIELDS):
            self.query_one("#admin-error", Label).update("Saving ...")
            self.add_admin(self._value("name"), self._value("pin"))

    @work(thread=True, exclusive=True, group="first-admin", exit_on_error=False)
    def add_admin(self, name: str, pin: str) -> None:
        """Hash the PIN and write the user off the UI thread."""
        await_database(self.distro)
        from distro.domain.users.accounts import add_first_admin

        now = self.distro.clock()
        try:
            with writing(self.distro) as session:
                admin = add_first_admin(session, name, pin, now=now)
        except Conflict as too_late:  # another counter made the first admin meanwhile
            self.app.call_from_thread(self._back_to_sign_in, str(too_late))
            return
        except InvalidInput as invalid:
            self.app.call_from_thread(self._refused, invalid.problems)
            return
        except DomainError as refused:
            self.app.call_from_thread(self._refused, {"": str(refused)})
            return
        self.app.call_from_thread(self.dismiss, admin)

    def _back_to_sign_in(self, why: str) -> None:
        self.notify(why, severity="warning", timeout=8)
        self.dismiss(None)

    def _refused(self, problems: dict[str, str]) -> None:
        """Each problem beside its field; one the form has no field for, below the form."""
        self.query_one("#admin-error", Label).update("")
        for field, problem in problems.items():
            target = field.replace("_", "-") if field.replace("_", "-") in FIELDS else ""
            if target:
                self._say(target, problem)
            else:
                self.query_one("#admin-error", Label).update(problem)
