"""Duplicates looked up while a registration is typed: what is typed so far, valid or not."""

from __future__ import annotations

from sqlalchemy import Engine

from distro.domain.core.db import reading
from distro.domain.families.duplicates import duplicates_while_typing
from tests.builders.families import Registrar


def codes_while_typing(engine: Engine, name: str, phones: list[str]) -> list[str]:
    with reading(engine) as session:
        return [match.code for match in duplicates_while_typing(session, name, phones)]


def test_a_similar_name_is_found_before_the_form_is_valid(
    engine: Engine, register: Registrar
) -> None:
    existing = register("Amina Yusuf", phones=["9123 4567"])
    assert codes_while_typing(engine, "Amina Yusef", []) == [existing.code]


def test_a_whole_phone_is_found_and_half_a_phone_is_left_out(
    engine: Engine, register: Registrar
) -> None:
    existing = register("Amina Yusuf", phones=["9123 4567"])
    assert codes_while_typing(engine, "", ["9123 4567"]) == [existing.code]
    assert codes_while_typing(engine, "", ["9123 4"]) == []


def test_a_name_of_a_few_letters_is_not_looked_up(engine: Engine, register: Registrar) -> None:
    register("Ami Yu")
    assert codes_while_typing(engine, "Ami", []) == []


def test_at_most_the_limit(engine: Engine, register: Registrar) -> None:
    for _ in range(5):
        register("Amina Yusuf", reason="another household")
    with reading(engine) as session:
        assert len(duplicates_while_typing(session, "Amina Yusuf", [], limit=3)) == 3
