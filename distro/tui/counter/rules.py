"""Provides the Rules screen: one basket's rules in the order the counter lists them, and the
keys that add, edit and delete a rule (coordinators; volunteers may look)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.markup import escape

from distro.domain.core.access import Permission
from distro.domain.core.errors import DomainError
from distro.domain.distribution.basket_rules import remove_rule
from distro.domain.distribution.basket_views import basket_rules
from distro.tui.base import Distro, reading, writing
from distro.tui.counter.rule_form import RuleFormModal
from distro.tui.stock.text import may_change
from distro.tui.widgets.confirm import ConfirmModal
from distro.tui.widgets.list_screen import ListScreen

if TYPE_CHECKING:
    from distro.domain.distribution.basket_views import RuleView
    from distro.domain.distribution.models import DistributionRound

FILE_WAY = "A whole basket from a spreadsheet: `distro import rules FILE.csv`."


def open_basket_rules(app: Distro, distribution: DistributionRound | None) -> None:
    """The rules of the round the counter hands out in (the palette's "rules: edit")."""
    if distribution is None:
        app.notify("No round is chosen: Ctrl+O lists the rounds and their baskets.")
        return
    app.push_screen(RulesScreen(distribution.basket))


class RulesScreen(ListScreen[None, "RuleView"]):
    """A basket's rules; Enter or E edits the highlighted one."""

    COLUMNS = (
        ("Item", 22),
        ("Qty", 3),
        ("Per / who", 24),
        ("Instead", 12),
        ("Note", 7),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to where you were", id="rules-back"),
        Binding("a", "add_rule", "Add", tooltip="A new rule at the end", id="add-rule"),
        Binding("e", "edit_rule", "Edit", tooltip="Change the highlighted rule", id="edit-rule"),
        Binding("d", "delete_rule", "Delete", tooltip="Delete the highlighted rule", id="del-rule"),
    ]

    KEY_PERMISSIONS: ClassVar[dict[str, Permission]] = {
        "add_rule": Permission.MANAGE_ROUNDS,
        "edit_rule": Permission.MANAGE_ROUNDS,
        "delete_rule": Permission.MANAGE_ROUNDS,
    }
    PALETTE_AREA = "rules"
    PALETTE_TITLES: ClassVar[dict[str, str]] = {
        "add-rule": "add rule",
        "edit-rule": "edit rule",
        "del-rule": "delete rule",
    }
    PALETTE_HIDDEN = frozenset({"rules-back"})

    def __init__(self, basket: str) -> None:
        super().__init__()
        self.basket = basket
        self.heading = "Basket rules"

    def read_rows(self) -> list[RuleView]:
        with reading(self.distro) as session:
            return basket_rules(session, self.basket)

    def cells(self, row: RuleView) -> tuple[str, ...]:
        return (row.item_name, str(row.quantity), row.who, row.substitute_name, row.note)

    def key(self, row: RuleView) -> int:
        return row.id

    def status(self) -> str:
        basket = f"[b]{escape(self.basket)}[/b]"
        if not self.rows:
            return f"Basket {basket} has no rules yet: A adds one.\n{escape(FILE_WAY)}"
        return (
            f"Basket {basket}: {len(self.rows)} rules, in the order the counter lists them.\n"
            f"{escape(FILE_WAY)}"
        )

    def detail(self, row: RuleView) -> str:
        instead = (
            f"  Instead, when the diet rules it out: {escape(row.substitute_name)}."
            if row.substitute_name
            else ""
        )
        note = f"\nNote: {escape(row.note)}" if row.note else ""
        return (
            f"Rule {row.position}: [b]{row.quantity} x {escape(row.item_name)}[/b] "
            f"for {escape(row.who)}.{instead}{note}"
        )

    def choose(self) -> None:
        self.action_edit_rule()

    def action_add_rule(self) -> None:
        """A new rule at the end of the basket (coordinators)."""

        if may_change(self.distro, Permission.MANAGE_ROUNDS):
            self.app.push_screen(RuleFormModal(self.basket), self._saved)

    def action_edit_rule(self) -> None:
        """Change the highlighted rule (coordinators)."""

        rule = self.highlighted
        if rule is not None and may_change(self.distro, Permission.MANAGE_ROUNDS):
            self.app.push_screen(RuleFormModal(self.basket, rule), self._saved)

    def _saved(self, message: str | None) -> None:
        if message:
            self.notify(escape(message), title="Rules")
            self.load()

    def action_delete_rule(self) -> None:
        """Delete the highlighted rule, once the coordinator has confirmed."""
        rule = self.highlighted
        if rule is None or not may_change(self.distro, Permission.MANAGE_ROUNDS):
            return
        question = f"Delete rule {rule.position} of {escape(self.basket)}?"
        details = (
            f"{rule.quantity} x {rule.item_name} for {rule.who}. Families served from now on "
            "will not get it; handouts already made keep what they gave."
        )
        self.app.push_screen(
            ConfirmModal(question, escape(details)),
            lambda yes: self._delete(rule) if yes else None,
        )

    def _delete(self, rule: RuleView) -> None:
        try:
            with writing(self.distro) as session:
                remove_rule(
                    session, rule.id, actor=self.distro.current_actor(), now=self.distro.clock()
                )
        except DomainError as refusal:
            self.refuse(refusal, title="Rules", timeout=8)
            return
        self.notify(f"Deleted rule {rule.position} ({escape(rule.item_name)}).", title="Rules")
        self.load()
