"""A family's history reads in the forms' words: field names a volunteer knows, lists as text,
numbers that agree with their nouns."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine

from distro.domain.core.db import reading
from distro.domain.families.history import family_history, field_name, value_words
from tests.builders.clock import HONG_KONG
from tests.builders.families import register_into


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("code", "card code"),
        ("removed_at", "left on"),
        ("consent_recorded_by", "consent recorded by"),
    ],
)
def test_fields_no_form_shows_have_names_in_words(field: str, name: str) -> None:
    assert field_name(field) == name


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("phones", ["91234567", "98765432"], "91234567, 98765432"),
        ("dietary", "halal|no_pork", "halal, no pork"),
        ("status", "left_hk", "left Hong Kong"),
        ("relationship", "other_relative", "other relative"),
        ("birth_date_estimated", True, "yes"),
        ("removed_at", "2026-11-25 09:30:00+00:00", "2026-11-25 17:30"),
        ("handed_out_at", "2026-11-25T09:30:00+00:00", "2026-11-25 17:30"),
        ("phones", [], "-"),
        ("notes", "", "-"),
    ],
)
def test_values_read_as_text(field: str, value: object, words: str) -> None:
    assert value_words(field, value, HONG_KONG) == words


@pytest.mark.parametrize(
    ("names", "said"), [(("Amina Yusuf",), "(1 member)"), (("A B", "C D"), "(2 members)")]
)
def test_registering_says_how_many_members_in_agreement(
    engine: Engine, now: datetime, names: tuple[str, ...], said: str
) -> None:
    family = register_into(engine, now, *names)
    assert family.id is not None
    with reading(engine) as session:
        [registered] = family_history(session, family.id)
    assert registered.summary.endswith(said)


def test_a_handout_in_the_history_names_its_slip_and_items() -> None:
    assert field_name("code", "handout") == "slip"
    assert field_name("code") == "card code"
    line = {"item": "S-000004-5", "quantity": 2, "entitled": 2, "instead_of": "S-000003-7"}
    assert value_words("lines", [line], HONG_KONG) == "2 S-000004-5 instead of S-000003-7"
    short = {"item": "S-000001-B", "quantity": 1, "entitled": 2}
    assert value_words("lines", [short], HONG_KONG) == "1 S-000001-B (2 due)"
