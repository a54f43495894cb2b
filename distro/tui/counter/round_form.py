"""Provides the dialog that sets up a round (its name, basket, days, who it is for, whether the
slip is collected at a second desk, and a note), and the steps that close and reopen one. The
round services decide; a refusal keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from textual.markup import escape

from distro.domain.audit.head import chain_head
from distro.domain.core.access import Permission
from distro.domain.core.errors import DomainError, InvalidInput
from distro.domain.core.inputs import validated
from distro.domain.distribution.basket_views import baskets
from distro.domain.distribution.models import Expected
from distro.domain.distribution.rounds import RoundIn, close_round, create_round, reopen_round
from distro.tui.base import Distro, reading, refuse, writing
from distro.tui.stock.text import may_change, today_at_counter
from distro.tui.widgets.confirm import ConfirmModal
from distro.tui.widgets.form import FieldSpec, FormFields
from distro.tui.widgets.form_modal import FormModal

if TYPE_CHECKING:
    from distro.domain.distribution.models import DistributionRound

Done = Callable[[str | None], None]
"""Told what was done (and reads the rows again); None when nothing was."""

DAYS = 7
"""A new round runs for a week unless the dates are changed."""
HEAD_NOTICE_SECONDS = 60
"""Long enough to copy the audit log's head onto the round's paper report."""
TWO_STEP = (
    ("no", "No: the bag is handed over at the counter"),
    ("yes", "Yes: the slip is collected at a second desk"),
)
EXPECTED = (
    ("all", "Every active family"),
    ("list", "A list of families (distro rounds list-add)"),
)


def on_fields(problem: InvalidInput, moves: dict[str, str]) -> DomainError:
    """The service's problems moved beside the fields the form shows them on; a problem of the
    whole form (two fields that disagree) becomes one plain line."""
    problems = {moves.get(field, field): why for field, why in problem.problems.items()}
    if set(problems) == {"form"}:
        return DomainError(f"Nothing was saved: {problems['form']}.")
    return InvalidInput(problems)


def round_fields(baskets: list[str]) -> tuple[FieldSpec, ...]:
    """The round's fields; the basket is one that has rules, or a new one typed below it."""
    return (
        FieldSpec("name", "Name *", placeholder="e.g. Food parcel, week 49", max_length=80),
        FieldSpec(
            "basket",
            "Basket",
            "choice",
            tuple((name, name) for name in baskets),
            placeholder="No basket has rules yet",
        ),
        FieldSpec("new_basket", "or a new basket", placeholder="type its name here", max_length=40),
        FieldSpec("starts_on", "First day *", "date", max_length=10),
        FieldSpec("ends_on", "Last day *", "date", max_length=10),
        FieldSpec("two_step", "Two-step", "choice", TWO_STEP),
        FieldSpec("expected", "For", "choice", EXPECTED),
        FieldSpec("note", "Note", max_length=300),
    )


class RoundFormModal(FormModal["DistributionRound"]):
    """A new round, open at once; dismisses with it."""

    form_title = "New round"

    def field_groups(self) -> list[tuple[str, FormFields, str]]:
        with reading(self.distro) as session:
            self.known = baskets(session)
        today = today_at_counter(self.distro)
        first = {
            "basket": self.known[0] if self.known else "",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=DAYS - 1)).isoformat(),
            "two_step": "no",
            "expected": "all",
        }
        self.fields = FormFields(round_fields(self.known), first, prefix="round")
        return [("", self.fields, "")]

    def submit(self) -> DistributionRound:
        values = self.fields.values()
        typed = values.pop("new_basket", "")
        if typed:
            values["basket"] = typed
        moves = {"form": "ends_on", "basket": "new_basket" if typed else "basket"}
        try:
            round_in = validated(RoundIn, values)
            with writing(self.distro) as session:
                distribution = create_round(
                    session, round_in, actor=self.distro.current_actor(), now=self.distro.clock()
                )
        except InvalidInput as problem:
            raise on_fields(problem, moves) from None
        self._point_out_what_is_missing(distribution)
        return distribution

    def _point_out_what_is_missing(self, distribution: DistributionRound) -> None:
        """A basket without rules is often a typo; a list round needs its list."""

        if distribution.basket not in self.known:
            self.app.notify(
                f"Basket {escape(distribution.basket)} has no rules yet: B opens them.",
                title="Rounds",
                severity="warning",
                timeout=10,
            )
        if distribution.expected == Expected.LIST.value:
            self.app.notify(
                "Put families on its list with `distro rounds list-add`.", title="Rounds"
            )


def close_after_asking(app: Distro, distribution: DistributionRound, done: Done) -> None:
    """Say what closing a round means, and close it on a yes (coordinators)."""

    if not may_change(app, Permission.MANAGE_ROUNDS):
        return
    if distribution.closed_at is not None:
        app.notify(f"{escape(distribution.name)} is closed already; O reopens it.", title="Rounds")
        return
    details = (
        "No family can be served in it any more. Slips already handed out can still be "
        "collected at the exit, or voided (M). O reopens it."
    )
    app.push_screen(
        ConfirmModal(f"Close {escape(distribution.name)}?", details),
        lambda yes: _closed(app, distribution, done) if yes else None,
    )


def _closed(app: Distro, distribution: DistributionRound, done: Done) -> None:
    """Close the round, then show the audit log's head for the round's paper report, long
    enough to copy: `distro db check --head` later shows the log was not rewritten since."""
    if not _change(app, close_round, distribution, "closed", done):
        return
    with reading(app) as session:
        head = chain_head(session.connection())
    app.notify(
        f"Write it on the round's report: `distro db check --head {head.label}` shows later "
        "that nothing before it was rewritten.",
        title=f"Audit log head {head.label}",
        timeout=HEAD_NOTICE_SECONDS,
    )


def reopen(app: Distro, distribution: DistributionRound, done: Done) -> None:
    """Open a closed round again (coordinators)."""

    if may_change(app, Permission.MANAGE_ROUNDS):
        _change(app, reopen_round, distribution, "open again", done)


def _change(
    app: Distro,
    service: Callable[..., Any],
    distribution: DistributionRound,
    state: str,
    done: Done,
) -> bool:
    """Change the round through `service`; whether it was changed (a refusal is shown)."""
    try:
        with writing(app) as session:
            service(session, distribution.id, actor=app.current_actor(), now=app.clock())
    except DomainError as refusal:
        refuse(app, refusal, title="Rounds", timeout=8)
        return False
    done(f"{distribution.name} is {state}.")
    return True
