"""Provides the start screen: the volunteer picks or types their name."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Label, OptionList, Static

from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from distro.tui.app import DistroApp


class SignInScreen(Screen[str]):
    """Dismisses with the volunteer's name once it is saved as a known user."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "focus_names", "Recent names", show=False, id="recent-names"),
    ]

    @property
    def distro(self) -> DistroApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sign-in"):
            yield Static("[b]Who is at the counter?[/b]", id="sign-in-title")
            yield Static("Every change you make is recorded under this name.")
            if self.distro.settings.demo:
                yield Static("Demo database: all families are fictional. Type any name.")
            yield Input(placeholder="Your name, then Enter", id="sign-in-name", max_length=80)
            yield Label("", id="sign-in-error", classes="field-error")
            yield Static("Recently here (Down, then Enter):", id="recent-title")
            yield OptionList(id="recent-names")
        yield CounterFooter()

    def on_mount(self) -> None:
        self.query_one("#recent-title").display = False
        self.query_one(OptionList).display = False
        self.query_one(Input).focus()
        self.load_recent_names()

    @work(thread=True, exclusive=True, group="recent-names", exit_on_error=False)
    def load_recent_names(self) -> None:
        """Fill the pick list once the database is open, without delaying the first frame."""
        from distro.domain.db import reading
        from distro.domain.users import recent_users

        with reading(self.distro.engine) as session:
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
        self._sign_in(str(event.option.prompt))

    @on(Input.Submitted, "#sign-in-name")
    def _typed(self, event: Input.Submitted) -> None:
        self._sign_in(event.value)

    def _sign_in(self, name: str) -> None:
        from distro.domain.db import unit_of_work
        from distro.domain.errors import DomainError
        from distro.domain.users import remember_user

        try:
            with unit_of_work(self.distro.engine) as session:
                user = remember_user(session, name, now=self.distro.clock())
        except DomainError:
            self.query_one("#sign-in-error", Label).update(
                "Type your name (at most 80 characters)."
            )
            return
        self.dismiss(user.name)
