"""Provides the dialog that adds or edits a basket rule: the item and how many, per household
or per member, the household and age bands, the substitute for diets that rule the item out,
and a note. Ages are typed as years ("12") or months ("6m")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.markup import escape

from distro.domain.core.errors import InvalidInput
from distro.domain.core.inputs import validated
from distro.domain.distribution.basket_rules import (
    RuleIn,
    add_rule,
    age_text,
    parse_age,
    update_rule,
)
from distro.tui.base import writing
from distro.tui.counter.round_form import on_fields
from distro.tui.stock.fields import ItemField
from distro.tui.widgets.form import FieldSpec, FormFields
from distro.tui.widgets.form_modal import FormModal

if TYPE_CHECKING:
    from sqlmodel import Session

    from distro.domain.distribution.basket_rules import RuleIn
    from distro.domain.distribution.basket_views import RuleView
    from distro.domain.stock.models import Item

AGES = ("age_from_months", "age_under_months")
RULE_FIELDS = (
    FieldSpec("quantity", "Quantity *", "int", max_length=7),
    FieldSpec(
        "per",
        "Per",
        "choice",
        (("household", "Household"), ("member", "Member (by sex and age)")),
    ),
    FieldSpec("household_from", "Household size from", "int", placeholder="any", max_length=2),
    FieldSpec("household_to", "Household size up to", "int", placeholder="any", max_length=2),
    FieldSpec(
        "sex",
        "Sex (per member)",
        "choice",
        (("any", "Anyone"), ("female", "Female"), ("male", "Male")),
    ),
    FieldSpec("age_from_months", "Age from (per member)", placeholder="12, or 6m", max_length=8),
    FieldSpec("age_under_months", "Age under (per member)", placeholder="51, or 12m", max_length=8),
)
NOTE_FIELDS = (FieldSpec("note", "Note", placeholder="why, for whoever reads it", max_length=120),)
SUBSTITUTE_FIELD = FieldSpec(
    "item", "Instead (optional)", placeholder="given when the diet rules the item out"
)
MOVES = {
    "item_id": "item",
    "substitute": "substitute.item",
    "substitute_item_id": "substitute.item",
}
"""Where the service's problems are shown: the substitute has its own item field."""


class SubstituteField(ItemField):
    """An item field that may stay empty, labelled as the substitute."""

    def __init__(self, *, prefix: str, typed: str = "") -> None:
        # ItemField fixes the label; its own __init__ does nothing more than this.
        FormFields.__init__(self, (SUBSTITUTE_FIELD,), {"item": typed}, prefix=prefix)

    def look_up(self) -> Item | None:
        """An empty field is no mistake here: there is no substitute."""
        if self.input.value.strip():
            return super().look_up()
        self.show_problems({})
        self.show_found("")
        return None

    def resolve_id(self, session: Session) -> int | None:
        """The substitute's id, None when the field is empty; problems under this field."""
        if not self.input.value.strip():
            return None
        try:
            return self.resolve(session).id
        except InvalidInput as problem:
            raise on_fields(problem, {"item": "substitute.item"}) from None


def initial_values(rule: RuleView | None) -> dict[str, Any]:
    """A rule's values as the fields show them (a new rule: once per household)."""
    if rule is None:
        return {"per": "household", "sex": "any"}
    return {
        "quantity": rule.quantity,
        "per": rule.per,
        "household_from": rule.household_from,
        "household_to": rule.household_to,
        "sex": rule.sex or "any",
        "age_from_months": age_text(rule.age_from_months),
        "age_under_months": age_text(rule.age_under_months),
    }


def parsed_ages(values: dict[str, Any]) -> dict[str, int | None]:
    """Both ages in months, or InvalidInput naming each one that is not an age."""
    ages: dict[str, int | None] = {}
    problems: dict[str, str] = {}
    for field in AGES:
        try:
            ages[field] = parse_age(values.get(field, ""))
        except ValueError as problem:
            problems[field] = str(problem)
    if problems:
        raise InvalidInput(problems)
    return ages


class RuleFormModal(FormModal[str]):
    """Adds a rule at the end of the basket, or changes `rule`; dismisses with what was done."""

    def __init__(self, basket: str, rule: RuleView | None = None) -> None:
        super().__init__()
        self.basket = basket
        self.rule = rule
        which = f"Rule {rule.position}" if rule else "New rule"
        self.form_title = f"{which} of {escape(basket)}"
        self.item = ItemField(prefix="rule-item", typed=rule.item_name if rule else "")
        self.details = FormFields(RULE_FIELDS, initial_values(rule), prefix="rule")
        substitute = rule.substitute_name if rule else ""
        self.substitute = SubstituteField(prefix="rule-substitute", typed=substitute)
        self.note = FormFields(NOTE_FIELDS, {"note": rule.note if rule else ""}, prefix="rule-note")

    def field_groups(self) -> list[tuple[str, FormFields, str]]:
        return [
            ("", self.item, ""),
            ("", self.details, ""),
            ("", self.substitute, "substitute."),
            ("", self.note, ""),
        ]

    def pick_item(self, item_id: int) -> None:
        """A product scanned while the cursor was on another field: it is the rule's item."""
        self.item.pick(item_id)

    def submit(self) -> str:
        values = {**self.details.values(), **self.note.values()}
        values.update(parsed_ages(values))
        with writing(self.distro) as session:
            item = self.item.resolve(session)
            values["item_id"] = item.id
            values["substitute_item_id"] = self.substitute.resolve_id(session)
            rule_in = self._checked(values)
            self._save(session, rule_in)
        done = "changed" if self.rule else "added"
        return f"Rule for {item.name} {done} in {self.basket}."

    def _checked(self, values: dict[str, Any]) -> RuleIn:
        try:
            return validated(RuleIn, values)
        except InvalidInput as problem:
            raise on_fields(problem, MOVES) from None

    def _save(self, session: Session, rule_in: RuleIn) -> None:
        actor, now = self.distro.current_actor(), self.distro.clock()
        try:
            if self.rule is None:
                add_rule(session, self.basket, rule_in, actor=actor, now=now)
            else:
                update_rule(session, self.rule.id, rule_in, actor=actor, now=now)
        except InvalidInput as problem:
            raise on_fields(problem, MOVES) from None
