"""The item catalogue: validated items, unique folded names, barcodes, retiring, and finding an
item by code, product barcode or name."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from distro.domain.admin.checks import check_database
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import CodeError, Conflict, InvalidInput, NotAllowed, NotFound
from distro.domain.core.inputs import validated
from distro.domain.stock.catalogue import (
    ItemIn,
    add_item,
    attach_barcode,
    detach_barcode,
    reactivate_item,
    retire_item,
    update_item,
)
from distro.domain.stock.item_lookup import (
    AmbiguousItem,
    UnknownProductBarcode,
    find_item,
    fold_item_name,
    item_barcodes,
    search_items,
)
from distro.domain.stock.models import Item
from tests.builders.databases import query_plan
from tests.builders.families import ACTOR
from tests.builders.stock import EAN_13, OTHER_EAN_13, UPC_A, catalogue_item, item_in, receive_lots


def audit_rows(engine: Engine) -> list[AuditEvent]:
    with reading(engine) as session:
        return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all())


# --- folding names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Rice 5kg", "rice 5 KG"),
        ("Rice  5-kg", "RICE 5 kg"),
        ("Crème fraîche 200ml", "creme fraiche 200 ml"),
        ("Cooking oil 1,5 L", "cooking oil 1.5 l"),
        ("Ｒｉｃｅ５ｋｇ", "rice 5 kg"),
        ("Diapers (size XL)", "diapers size xl"),
    ],
)
def test_names_that_mean_the_same_item_fold_alike(one: str, other: str) -> None:
    assert fold_item_name(one) == fold_item_name(other)


def test_folding_keeps_other_scripts_whole_and_is_stable() -> None:
    assert fold_item_name("அரிசி 5kg") == "அரிசி 5 kg"
    assert fold_item_name("大米5公斤") == "大米 5 公斤"
    assert fold_item_name(fold_item_name("Rice 5kg")) == fold_item_name("Rice 5kg") == "rice 5 kg"
    assert fold_item_name("Rice 5 kg") != fold_item_name("Rice 15 kg")


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "name", "cannot be empty"),
        ({"name": "x" * 81}, "name", "is too long (at most 80 characters)"),
        ({"pack_size": "x" * 41}, "pack_size", "is too long (at most 40 characters)"),
        ({"category": "toys"}, "category", "must be one of"),
        ({"unit": "crate"}, "unit", "must be one of"),
        ({"low_stock_threshold": -1}, "low_stock_threshold", "must be at least 0"),
        ({"low_stock_threshold": 100_001}, "low_stock_threshold", "must be at most 100000"),
        ({"halal": True, "contains_pork": True}, "form", "contains pork cannot be halal"),
        ({"vegetarian": True, "contains_pork": True}, "form", "pork cannot be vegetarian"),
        ({"barcodes": ["4006381333932"]}, "barcodes.0", "check digit"),
        ({"barcodes": ["12345"]}, "barcodes.0", "is not a product barcode"),
    ],
)
def test_item_input_is_refused_in_plain_words(
    fields: dict[str, Any], field: str, message: str
) -> None:
    data = {"name": "Rice 5 kg", "category": "food", "unit": "bag", **fields}
    with pytest.raises(InvalidInput) as refused:
        validated(ItemIn, data)
    assert message in refused.value.problems[field]


def test_item_input_is_cleaned() -> None:
    data = item_in("  Rice\t5 kg\x00 ", pack_size=" 5 kg ", barcodes=[UPC_A, "0" + UPC_A])
    assert data.name == "Rice 5 kg" and data.pack_size == "5 kg"
    assert data.barcodes == ["0" + UPC_A]  # one product, typed two ways
    assert item_in("Soap").barcodes is None


# --- adding and editing ----------------------------------------------------------------------


def test_adding_an_item_gives_it_a_code_and_a_history_row(engine: Engine, now: datetime) -> None:
    item = catalogue_item(engine, now, "Rice 5kg", halal=True, vegetarian=True, barcodes=[EAN_13])

    assert item.code == format_code(CodeKind.ITEM, 1)
    assert item.name == "Rice 5kg" and item.name_key == "rice 5 kg"
    assert (item.category, item.unit, item.halal, item.retired_at) == ("food", "bag", True, None)
    [event] = audit_rows(engine)
    assert (event.action, event.entity, event.entity_id, event.actor) == (
        "item.add",
        "item",
        item.id,
        ACTOR.name,
    )
    assert event.summary == f"Added item {item.code} Rice 5kg"
    assert json.loads(event.after or "")["barcodes"] == [EAN_13]
    assert catalogue_item(engine, now, "Flour 1 kg").code == format_code(CodeKind.ITEM, 2)


def test_a_second_item_with_the_same_folded_name_is_refused(engine: Engine, now: datetime) -> None:
    first = catalogue_item(engine, now, "Rice 5 kg")
    with pytest.raises(Conflict) as refused:
        catalogue_item(engine, now, "rice 5KG")
    assert str(refused.value) == f"There is already an item called Rice 5 kg ({first.code})."
    assert len(audit_rows(engine)) == 1


def test_the_database_itself_refuses_a_repeated_name_key(engine: Engine, now: datetime) -> None:
    catalogue_item(engine, now, "Rice 5 kg")
    with pytest.raises(IntegrityError), unit_of_work(engine) as session:
        session.add(
            Item(
                code="I-999999-0",
                name="RICE 5 KG",
                name_key="rice 5 kg",
                created_at=now,
                updated_at=now,
            )
        )


def test_editing_changes_the_item_and_records_before_and_after(
    engine: Engine, now: datetime
) -> None:
    item = catalogue_item(engine, now, "Rice 5 kg", barcodes=[EAN_13])
    later = now + timedelta(hours=1)
    with unit_of_work(engine) as session:
        assert item.id is not None
        edited = update_item(
            session, item.id, item_in("Rice 10 kg", low_stock_threshold=12), actor=ACTOR, now=later
        )
        assert item_barcodes(session, item.id) == [EAN_13]  # barcodes=None keeps them
    assert (edited.name, edited.name_key, edited.low_stock_threshold) == (
        "Rice 10 kg",
        "rice 10 kg",
        12,
    )
    assert edited.updated_at == later
    event = audit_rows(engine)[-1]
    assert event.action == "item.edit"
    assert json.loads(event.before or "")["name"] == "Rice 5 kg"
    assert json.loads(event.after or "")["name"] == "Rice 10 kg"


def test_an_edit_that_changes_nothing_writes_nothing(engine: Engine, now: datetime) -> None:
    item = catalogue_item(engine, now, "Rice 5 kg", barcodes=[EAN_13])
    with unit_of_work(engine) as session:
        assert item.id is not None
        same = item_in("Rice 5 kg", barcodes=[EAN_13])
        update_item(session, item.id, same, actor=ACTOR, now=now + timedelta(days=1))
    assert len(audit_rows(engine)) == 1
    with reading(engine) as session:
        assert session.get(Item, item.id).updated_at == now  # type: ignore[union-attr]


def test_an_edit_replaces_the_barcodes_when_given(engine: Engine, now: datetime) -> None:
    item = catalogue_item(engine, now, "Rice 5 kg", barcodes=[EAN_13])
    with unit_of_work(engine) as session:
        assert item.id is not None
        update_item(
            session, item.id, item_in("Rice 5 kg", barcodes=[OTHER_EAN_13]), actor=ACTOR, now=now
        )
        assert item_barcodes(session, item.id) == [OTHER_EAN_13]


def test_an_edit_cannot_take_another_items_name(engine: Engine, now: datetime) -> None:
    rice = catalogue_item(engine, now, "Rice 5 kg")
    flour = catalogue_item(engine, now, "Flour 1 kg")
    with pytest.raises(Conflict, match=rf"called Rice 5 kg \({rice.code}\)"):
        with unit_of_work(engine) as session:
            assert flour.id is not None
            update_item(session, flour.id, item_in("RICE 5kg"), actor=ACTOR, now=now)


# --- retiring --------------------------------------------------------------------------------


def test_retire_and_reactivate(engine: Engine, now: datetime) -> None:
    item = catalogue_item(engine, now, "Rice 5 kg")
    assert item.id is not None
    with unit_of_work(engine) as session:
        retired = retire_item(session, item.id, actor=ACTOR, now=now, reason="no longer donated")
        assert retired.retired_at == now
        with pytest.raises(Conflict, match="is already retired"):
            retire_item(session, item.id, actor=ACTOR, now=now)
    with pytest.raises(Conflict, match="it is retired: reactivate it instead"):
        catalogue_item(engine, now, "rice 5 kg")
    with unit_of_work(engine) as session:
        assert reactivate_item(session, item.id, actor=ACTOR, now=now).retired_at is None
        with pytest.raises(Conflict, match="is not retired"):
            reactivate_item(session, item.id, actor=ACTOR, now=now)
    actions = [event.action for event in audit_rows(engine)]
    assert actions == ["item.add", "item.retire", "item.reactivate"]
    assert audit_rows(engine)[1].reason == "no longer donated"


def test_an_item_on_the_shelves_cannot_be_retired(engine: Engine, now: datetime) -> None:
    item = catalogue_item(engine, now, "Rice 5 kg")
    receive_lots(engine, now, item, 4, 3)
    with pytest.raises(Conflict) as refused, unit_of_work(engine) as session:
        assert item.id is not None
        retire_item(session, item.id, actor=ACTOR, now=now)
    assert str(refused.value) == (
        f"Rice 5 kg ({item.code}) still has 7 bag on hand; "
        "issue, adjust or write them off before retiring it."
    )


# --- barcodes --------------------------------------------------------------------------------


def test_attach_and_detach_a_barcode(engine: Engine, now: datetime) -> None:
    item = catalogue_item(engine, now, "Rice 5 kg")
    assert item.id is not None
    with unit_of_work(engine) as session:
        attach_barcode(session, item.id, f"]E0{EAN_13}\r", actor=ACTOR, now=now)
        attach_barcode(session, item.id, EAN_13, actor=ACTOR, now=now)  # again: nothing new
        attach_barcode(session, item.id, UPC_A, actor=ACTOR, now=now)
        assert item_barcodes(session, item.id) == ["0" + UPC_A, EAN_13]
        detach_barcode(session, item.id, EAN_13, actor=ACTOR, now=now)
        assert item_barcodes(session, item.id) == ["0" + UPC_A]
        with pytest.raises(NotFound, match=f"has no barcode {EAN_13}"):
            detach_barcode(session, item.id, EAN_13, actor=ACTOR, now=now)
    actions = [event.action for event in audit_rows(engine)]
    assert actions == [
        "item.add",
        "item.barcode.attach",
        "item.barcode.attach",
        "item.barcode.detach",
    ]


def test_a_barcode_of_another_item_is_refused_naming_it(engine: Engine, now: datetime) -> None:
    rice = catalogue_item(engine, now, "Rice 5 kg", barcodes=[EAN_13])
    flour = catalogue_item(engine, now, "Flour 1 kg")
    with pytest.raises(Conflict) as refused, unit_of_work(engine) as session:
        assert flour.id is not None
        attach_barcode(session, flour.id, EAN_13, actor=ACTOR, now=now)
    assert str(refused.value) == (
        f"Barcode {EAN_13} already belongs to Rice 5 kg ({rice.code}); "
        "detach it from that item first."
    )
    with pytest.raises(Conflict, match="already belongs to Rice 5 kg"):
        catalogue_item(engine, now, "Sugar 1 kg", barcodes=[EAN_13])


def test_a_barcode_with_a_wrong_check_digit_is_refused(engine: Engine, now: datetime) -> None:
    item = catalogue_item(engine, now, "Rice 5 kg")
    with pytest.raises(CodeError) as refused, unit_of_work(engine) as session:
        assert item.id is not None
        attach_barcode(session, item.id, "4006381333932", actor=ACTOR, now=now)
    assert "last digit (the check digit) does not match" in str(refused.value)


def test_a_volunteer_may_not_change_the_catalogue(engine: Engine, now: datetime) -> None:
    volunteer = Actor(name="Kit", role=Role.VOLUNTEER)
    with pytest.raises(NotAllowed, match="may not change the item catalogue"):
        with unit_of_work(engine) as session:
            add_item(session, item_in("Rice 5 kg"), actor=volunteer, now=now)


# --- finding ---------------------------------------------------------------------------------


@pytest.fixture
def shelf(engine: Engine, now: datetime) -> dict[str, Item]:
    names = [
        "Rice 5 kg",
        "Rice 1 kg",
        "Cooking oil 1 L",
        "Diapers size S",
        "Diapers size M",
        "Diapers size L",
        "Diapers size XL",
        "Brown rice 1 kg",
    ]
    items = {name: catalogue_item(engine, now, name) for name in names}
    with unit_of_work(engine) as session:
        attach_barcode(session, items["Cooking oil 1 L"].id, UPC_A, actor=ACTOR, now=now)  # type: ignore[arg-type]
    return items


def found(engine: Engine, typed: str) -> str:
    with reading(engine) as session:
        return find_item(session, typed).name


def test_find_an_item_by_code_barcode_or_name(engine: Engine, shelf: dict[str, Item]) -> None:
    oil = shelf["Cooking oil 1 L"]
    assert found(engine, oil.code) == "Cooking oil 1 L"
    assert found(engine, oil.code.replace("-", "").lower()) == "Cooking oil 1 L"
    assert found(engine, UPC_A) == found(engine, "0" + UPC_A) == "Cooking oil 1 L"
    assert found(engine, "rice 5KG") == "Rice 5 kg"  # exact, though "rice" starts several
    assert found(engine, "cooking") == "Cooking oil 1 L"  # the only name starting so
    assert found(engine, "oil") == "Cooking oil 1 L"  # the only name with a word starting so
    assert found(engine, "diapers l") == "Diapers size L"  # not XL: words start with "l"
    assert found(engine, "brown") == "Brown rice 1 kg"


def test_an_exact_name_finds_a_retired_item_but_a_partial_one_does_not(
    engine: Engine, now: datetime, shelf: dict[str, Item]
) -> None:
    oil = shelf["Cooking oil 1 L"]
    with unit_of_work(engine) as session:
        retire_item(session, oil.id, actor=ACTOR, now=now)  # type: ignore[arg-type]
    assert found(engine, "cooking oil 1l") == "Cooking oil 1 L"
    assert found(engine, oil.code) == "Cooking oil 1 L"
    with pytest.raises(NotFound, match="No item matches 'cooking'"):
        found(engine, "cooking")


def test_an_ambiguous_name_lists_the_candidates(engine: Engine, shelf: dict[str, Item]) -> None:
    with pytest.raises(AmbiguousItem) as refused:
        found(engine, "diapers")
    names = [item.name for item in refused.value.candidates]
    assert names == ["Diapers size L", "Diapers size M", "Diapers size S", "Diapers size XL"]
    s_code = shelf["Diapers size S"].code
    assert f"Diapers size S ({s_code})" in str(refused.value)
    assert str(refused.value).startswith("'diapers' matches several items: ")
    assert str(refused.value).endswith("Type more of the name, or the item's code.")


def test_an_ambiguous_name_shows_five_candidates_at_most(
    engine: Engine, now: datetime, shelf: dict[str, Item]
) -> None:
    for size in ("XXL", "Newborn"):
        catalogue_item(engine, now, f"Diapers size {size}")
    with pytest.raises(AmbiguousItem) as refused:
        found(engine, "diap")
    assert len(refused.value.candidates) == 5
    assert str(refused.value).count(f"({CodeKind.ITEM}-") == 5 and ", …." in str(refused.value)


def test_nothing_matching_is_said_plainly(engine: Engine, shelf: dict[str, Item]) -> None:
    with pytest.raises(NotFound) as refused:
        found(engine, "xyz")
    assert str(refused.value) == "No item matches 'xyz'."
    with pytest.raises(NotFound, match="Type an item's code"):
        found(engine, " - ")
    with pytest.raises(NotFound, match=f"No item has the code {format_code(CodeKind.ITEM, 99)}"):
        found(engine, format_code(CodeKind.ITEM, 99))


def test_an_unknown_product_barcode_says_how_to_attach_it(
    engine: Engine, shelf: dict[str, Item]
) -> None:
    with pytest.raises(UnknownProductBarcode) as refused:
        found(engine, f"]E0{EAN_13}")
    assert refused.value.barcode == EAN_13
    assert isinstance(refused.value, NotFound)
    message = str(refused.value)
    assert f"Product barcode {EAN_13} belongs to no item" in message
    assert f"distro stock barcode ITEM {EAN_13}" in message and "in the app" in message


def test_codes_of_other_things_and_mistypes_are_refused(
    engine: Engine, shelf: dict[str, Item]
) -> None:
    with pytest.raises(CodeError, match="is not an item code"):
        found(engine, format_code(CodeKind.FAMILY, 1))
    mistyped = shelf["Rice 5 kg"].code[:-1] + ("0" if shelf["Rice 5 kg"].code[-1] != "0" else "1")
    with pytest.raises(CodeError, match="looks mistyped"):
        found(engine, mistyped)
    with pytest.raises(CodeError, match="check digit"):
        found(engine, UPC_A[:-1] + "3")


def test_search_for_a_picker(engine: Engine, now: datetime, shelf: dict[str, Item]) -> None:
    with reading(engine) as session:
        assert [i.name for i in search_items(session, "rice")] == [
            "Rice 1 kg",
            "Rice 5 kg",
            "Brown rice 1 kg",
        ]
        assert [i.name for i in search_items(session, "rice", limit=2)] == [
            "Rice 1 kg",
            "Rice 5 kg",
        ]
        assert len(search_items(session, "")) == len(shelf)
        assert [i.name for i in search_items(session, UPC_A)] == ["Cooking oil 1 L"]
        assert search_items(session, EAN_13) == []
        assert search_items(session, "zzz") == []
    with unit_of_work(engine) as session:
        retire_item(session, shelf["Rice 1 kg"].id, actor=ACTOR, now=now)  # type: ignore[arg-type]
    with reading(engine) as session:
        assert "Rice 1 kg" not in [i.name for i in search_items(session, "rice")]


def test_a_name_prefix_is_an_index_range(engine: Engine) -> None:
    with Session(engine) as session:
        plan = query_plan(
            session,
            "SELECT * FROM item "
            "WHERE name_key >= 'rice' AND name_key < 'rice' || char(1114111) "
            "AND retired_at IS NULL ORDER BY name_key LIMIT 6",
        )
    assert "USING INDEX" in plan and "name_key>?" in plan


def test_db_check_finds_a_wrong_item_code_and_the_item_counter_behind(
    engine: Engine, now: datetime
) -> None:
    rice = catalogue_item(engine, now, "Rice 5 kg")
    catalogue_item(engine, now, "Flour 1 kg")
    assert check_database(engine) == []
    wrong = rice.code[:-1] + ("0" if rice.code[-1] != "0" else "1")
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE item SET code = :code WHERE id = :id"), {"code": wrong, "id": rice.id}
        )
        connection.execute(
            text("UPDATE code_counter SET last_number = 1 WHERE prefix = :prefix"),
            {"prefix": CodeKind.ITEM.value},
        )
    assert check_database(engine) == [
        f"item code {wrong} has a wrong check character",
        f"the item code counter is behind the highest code ({CodeKind.ITEM} number 2)",
    ]
