"""Provides importing and exporting basket rules as a CSV file.

Columns: basket, item, quantity, per, household_from, household_to, sex, age_from, age_under,
substitute, note; only basket, item and quantity are required. Items and substitutes are named by
item code or name; ages are years ("12") or months ("6m"). Every basket the file names gets exactly
the file's rows for it, in file order; baskets it does not name are left alone. The file follows the
catalogue CSV's conventions (`distro.domain.stock.catalogue_csv`): UTF-8 with a BOM, cells escaped
against formulas, rows numbered as a spreadsheet shows them, all rows or none."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from sqlmodel import Session

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.csv_cells import BOM, choice, escape_cell
from distro.domain.core.csv_reading import Row, RowProblem, table_rows
from distro.domain.core.errors import DomainError, InvalidInput
from distro.domain.core.inputs import validated
from distro.domain.distribution.basket_rules import (
    MAX_RULES_PER_BASKET,
    RuleIn,
    age_text,
    basket_name,
    parse_age,
    replace_basket,
)
from distro.domain.distribution.basket_views import RuleView, basket_rules, baskets
from distro.domain.stock.item_lookup import find_item

RULE_COLUMNS = (
    "basket",
    "item",
    "quantity",
    "per",
    "household_from",
    "household_to",
    "sex",
    "age_from",
    "age_under",
    "substitute",
    "note",
)
REQUIRED_RULE_COLUMNS = ("basket", "item", "quantity")
_COLUMN_OF_FIELD = {
    "item_id": "item",
    "substitute_item_id": "substitute",
    "age_from_months": "age_from",
    "age_under_months": "age_under",
}
"""RuleIn fields that a column of another name fills; the others share their column's name."""


@dataclass(frozen=True)
class ImportedBasket:
    """A basket the file names: how many rules it now has and what the import did to it."""

    name: str
    rules: int
    outcome: str
    """"added" (a new basket), "replaced" or "unchanged"."""


@dataclass
class RuleImportReport:
    """What an import did: rules written only if `written`, otherwise every problem."""

    baskets: list[ImportedBasket]
    problems: list[RowProblem]
    dry_run: bool

    @property
    def written(self) -> bool:
        """True when the rules are in the caller's transaction (no problem, no dry run)."""
        return not self.problems and not self.dry_run

    @property
    def rule_count(self) -> int:
        """How many rules the file holds, over all its baskets."""
        return sum(basket.rules for basket in self.baskets)

    def count(self, outcome: str) -> int:
        """How many baskets had `outcome` ("added", "replaced", "unchanged")."""
        return sum(basket.outcome == outcome for basket in self.baskets)


@requires(Permission.MANAGE_ROUNDS)
def import_rules(
    session: Session, stream: TextIO, *, actor: Actor, now: datetime, dry_run: bool = False
) -> RuleImportReport:
    """Replace the rules of every basket named in `stream` (CSV text, BOM optional) with the
    file's rows for it, all baskets or none; one audit row tells what the file changed.

    Every row is checked before anything is written, so a problem or a dry run leaves the
    database as it was."""
    rows, problems = table_rows(stream, RULE_COLUMNS, REQUIRED_RULE_COLUMNS, "rules")
    by_basket = _rules_by_basket(session, rows, problems)
    if problems:
        return RuleImportReport([], sorted(problems, key=lambda problem: problem.row), dry_run)
    imported = [
        ImportedBasket(name, len(rules), _outcome(session, name, rules))
        for name, rules in by_basket.items()
    ]
    if not dry_run:
        _write(session, imported, by_basket, actor=actor, now=now)
    return RuleImportReport(imported, [], dry_run)


def export_rules(session: Session, stream: TextIO) -> int:
    """Write every basket's rules, basket by basket in their order, in the format
    `import_rules` reads; return how many. Open `stream` with newline="" and UTF-8."""
    stream.write(BOM)
    writer = csv.writer(stream)
    writer.writerow(RULE_COLUMNS)
    count = 0
    for basket in baskets(session):
        for rule in basket_rules(session, basket):
            cells = _rule_cells(rule)
            writer.writerow([escape_cell(cells[column]) for column in RULE_COLUMNS])
            count += 1
    return count


def _rule_cells(rule: RuleView) -> dict[str, str]:
    return {
        "basket": rule.basket,
        "item": rule.item_name,
        "quantity": str(rule.quantity),
        "per": rule.per,
        "household_from": str(rule.household_from or ""),
        "household_to": str(rule.household_to or ""),
        "sex": rule.sex,
        "age_from": age_text(rule.age_from_months),
        "age_under": age_text(rule.age_under_months),
        "substitute": rule.substitute_name,
        "note": rule.note,
    }


def _rules_by_basket(
    session: Session, rows: list[Row], problems: list[RowProblem]
) -> dict[str, list[RuleIn]]:
    """Each basket's rules in file order; a row that is not a rule adds its problems instead."""
    by_basket: dict[str, list[RuleIn]] = {}
    for row, cells in rows:
        try:
            basket, rule_in = _basket_rule(session, cells)
        except InvalidInput as error:
            problems += [RowProblem(row, column, why) for column, why in error.problems.items()]
            continue
        rules = by_basket.setdefault(basket, [])
        if len(rules) == MAX_RULES_PER_BASKET:
            problems.append(
                RowProblem(row, "basket", f"has more than {MAX_RULES_PER_BASKET} rules")
            )
        rules.append(rule_in)
    return by_basket


def _basket_rule(session: Session, cells: dict[str, str]) -> tuple[str, RuleIn]:
    """The row's basket and rule, its items found and its ages read; InvalidInput with every
    problem of the row, by column."""
    problems: dict[str, str] = {}
    try:
        basket = basket_name(cells.get("basket", ""))
    except InvalidInput as error:
        basket, problems = "", dict(error.problems)
    data = _rule_data(session, cells, problems)
    try:
        rule_in = validated(RuleIn, data)
    except InvalidInput as error:
        for field, why in error.problems.items():
            problems.setdefault(_column(field), why)
        raise InvalidInput(problems) from None
    if problems:
        raise InvalidInput(problems)
    return basket, rule_in


def _rule_data(session: Session, cells: dict[str, str], problems: dict[str, str]) -> dict[str, Any]:
    """RuleIn's fields from the row's cells: items found, ages in months, "members" read as
    member; what cannot be read goes into `problems` by column."""
    data: dict[str, Any] = {
        column: cells[column]
        for column in ("quantity", "household_from", "household_to", "sex", "note")
        if cells.get(column)
    }
    if cells.get("per"):
        data["per"] = choice(cells["per"]).removesuffix("s")
    for column, field in (("item", "item_id"), ("substitute", "substitute_item_id")):
        if cells.get(column):
            data[field] = _item_id(session, cells[column], column, problems)
    for column, field in (("age_from", "age_from_months"), ("age_under", "age_under_months")):
        try:
            data[field] = parse_age(cells.get(column, ""))
        except ValueError as error:
            problems[column] = str(error)
    return data


def _item_id(session: Session, typed: str, column: str, problems: dict[str, str]) -> int | None:
    """The id of the active item `typed` names; None, with its problem noted, if none."""
    try:
        item = find_item(session, typed)
    except DomainError as error:
        problems[column] = str(error)
        return None
    if item.retired_at is not None:
        problems[column] = f"{item.name} ({item.code}) is retired; choose an item in use"
    return item.id


def _column(field: str) -> str:
    """The column a RuleIn problem belongs to; "" for the row as a whole (a band's rule)."""
    column = _COLUMN_OF_FIELD.get(field, field)
    return column if column in RULE_COLUMNS else ""


def _outcome(session: Session, basket: str, rules: list[RuleIn]) -> str:
    """Whether importing `rules` adds the basket, changes it or leaves it as it is."""
    current = [
        {field: getattr(rule, field) for field in RuleIn.model_fields}
        for rule in basket_rules(session, basket)
    ]
    if not current:
        return "added"
    wanted = [rule_in.model_dump(mode="json") for rule_in in rules]
    return "unchanged" if current == wanted else "replaced"


def _write(
    session: Session,
    imported: list[ImportedBasket],
    by_basket: dict[str, list[RuleIn]],
    *,
    actor: Actor,
    now: datetime,
) -> None:
    """Replace the baskets that change, and record them in one audit row (none if none do)."""
    changed = [basket for basket in imported if basket.outcome != "unchanged"]
    if not changed:
        return
    for basket in changed:
        replace_basket(session, basket.name, by_basket[basket.name], actor=actor, now=now)
    listed = ", ".join(f"{basket.name} ({basket.outcome}, {basket.rules})" for basket in changed)
    record_change(
        session,
        actor=actor,
        now=now,
        action="rules.import",
        entity="basket_rule",
        entity_id=None,
        family_id=None,
        summary=f"Imported basket rules: {listed}",
        after={basket.name: basket.rules for basket in changed},
    )
