"""Provides the sign-in screen, and SignInForm (name, PIN, recent names), which the lock screen
shares so that unlocking checks a PIN exactly as signing in does."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, OptionList, Static

from distro.domain.core.access import Actor
from distro.tui.base import UsesDistro, await_database, reading
from distro.tui.widgets.footer import CounterFooter


class SignInForm(UsesDistro, Vertical):
    """Name, then PIN; posts SignedIn once they match a user, or shows the domain's reason."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "focus_names", "Recent names", show=False, id="recent-names"),
    ]

    class SignedIn(Message):
        """A name and PIN matched: `actor` is who is at the counter now."""

        def __init__(self, actor: Actor) -> None:
            super().__init__()
            self.actor = actor

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Your name, then Enter", id="sign-in-name", max_length=80)
        yield Input(
            placeholder="Your PIN, then Enter", id="sign-in-pin", password=True, max_length=128
        )
        yield Label("", id="sign-in-error", classes="field-error")
        yield Static("Recently here (Down, then Enter):", id="recent-title")
        yield OptionList(id="recent-names")

    def on_mount(self) -> None:
        self.query_one("#recent-title").display = False
        self.query_one(OptionList).display = False
        self.query_one("#sign-in-name", Input).focus()
        self.load_recent_names()

    @work(thread=True, exclusive=True, group="recent-names", exit_on_error=False)
    def load_recent_names(self) -> None:
        """Fill the pick list once the database is open, without delaying the first frame."""
        await_database(self.distro)
        from distro.domain.users.accounts import recent_users

        with reading(self.distro) as session:
            names = recent_users(session)
        self.app.call_from_thread(self.show_recent_names, names)

    def show_recent_names(self, names: list[str]) -> None:
        """Show the names seen most recently, if any."""
        self.query_one(OptionList).add_options(names)
        self.query_one("#recent-title").display = bool(names)
        self.query_one(OptionList).display = bool(names)

    def action_focus_names(self) -> None:
        names = self.query_one(OptionList)
        if names.option_count:
            names.focus()
            names.highlighted = 0

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#sign-in-name", Input).value = str(event.option.prompt)
        self.query_one("#sign-in-pin", Input).focus()

    @on(Input.Submitted, "#sign-in-name")
    def _typed_name(self) -> None:
        self.query_one("#sign-in-pin", Input).focus()

    @on(Input.Submitted, "#sign-in-pin")
    def _typed_pin(self) -> None:
        name = self.query_one("#sign-in-name", Input).value
        pin_field = self.query_one("#sign-in-pin", Input)
        pin, pin_field.value = pin_field.value, ""
        self._sign_in(name, pin)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def _sign_in(self, name: str, pin: str) -> None:
        """Check the PIN off the UI thread: the slow hash takes a good part of a second."""
        await_database(self.distro)
        from distro.domain.users.sign_in import attempt_sign_in

        outcome = attempt_sign_in(self.distro.engine, name, pin, now=self.distro.clock())
        if outcome.actor is None:
            self.app.call_from_thread(self._refused, outcome.problem)
            return
        if outcome.advice and not self.distro.settings.demo:  # the demo's PIN is shown to all
            self.app.call_from_thread(
                self.app.notify, outcome.advice, severity="warning", timeout=15
            )
        self.app.call_from_thread(self.post_message, self.SignedIn(outcome.actor))

    def _refused(self, why: str) -> None:
        self.query_one("#sign-in-error", Label).update(why)
        self.query_one("#sign-in-pin", Input).focus()


class SignInScreen(UsesDistro, Screen[Actor]):
    """Dismisses with the signed-in actor; on a database nobody can sign in to yet, asks for
    the first admin instead."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sign-in"):
            yield Static("[b]Who is at the counter?[/b]", id="sign-in-title")
            yield Static("Every change you make is recorded under your name.")
            if self.distro.settings.demo:
                yield Static(
                    "Demo: fictional families. Users volunteer, coordinator and admin, PIN 1234."
                )
            yield SignInForm()
        yield CounterFooter()

    def on_mount(self) -> None:
        self.check_for_users()

    @work(thread=True, exclusive=True, group="first-admin", exit_on_error=False)
    def check_for_users(self) -> None:
        """A new database has nobody to sign in as: then the first admin is made here."""
        await_database(self.distro)
        from distro.domain.users.accounts import has_users

        with reading(self.distro) as session:
            anyone = has_users(session)
        if not anyone:
            self.app.call_from_thread(self._ask_for_first_admin)

    def _ask_for_first_admin(self) -> None:
        from distro.tui.shell.first_admin import FirstAdminScreen

        self.app.push_screen(FirstAdminScreen(), callback=self._first_admin_made)

    def _first_admin_made(self, admin: Actor | None) -> None:
        if admin is not None:
            self.dismiss(admin)

    @on(SignInForm.SignedIn)
    def _signed_in(self, event: SignInForm.SignedIn) -> None:
        self.dismiss(event.actor)
