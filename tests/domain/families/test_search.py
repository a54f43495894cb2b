"""Search-as-you-type: names in every script, aliases, members, phone fragments, codes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, text

from distro.domain.core.access import Actor
from distro.domain.core.db import make_engine, migrate, reading, unit_of_work
from distro.domain.core.inputs import validated
from distro.domain.core.prefix_search import RESULT_LIMIT
from distro.domain.families.members import remove_member
from distro.domain.families.models import Family
from distro.domain.families.registry import change_status, load_family
from distro.domain.families.schemas import StatusChange
from distro.domain.families.search import count_families, query_words, reindex_all, search_families
from tests.builders.clock import FIXED_NOW
from tests.builders.families import Registrar, register_into


@dataclass
class Registry:
    """Six households with names in several scripts, on one database."""

    engine: Engine
    amina: Family
    chan: Family
    tamil: Family
    arabic: Family
    amharic: Family
    nguyen: Family

    def code(self, name: str) -> str:
        family: Family = getattr(self, name)
        return family.code


def build_registry(engine: Engine, now: datetime) -> Registry:
    def register(*names: str, **kwargs: Any) -> Family:
        return register_into(engine, now, *names, **kwargs)

    return Registry(
        engine=engine,
        amina=register(
            members=[
                {"full_name": "Amina Yusuf", "aliases": ["Umm Sami"]},
                {"full_name": "Omar Yusuf", "relationship": "child"},
            ],
            phones=["9123 4567"],
        ),
        chan=register("Chan Tai Man", "陳美玲", phones=["6789 0123"], district="Kwun Tong"),
        tamil=register("முருகன் செல்வி", "Priya Raman"),
        arabic=register("محمد علي", "Muhammad Al-Hassan"),
        amharic=register("አበበ በቀለ", "Abebe Bikila", phones=["+44 20 7946 0958"]),
        nguyen=register("Nguyễn Thị Lan"),
    )


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """The six households on a database shared by the tests that only read (faster)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('search') / 'shared.sqlite3'}")
    migrate(engine)
    yield build_registry(engine, FIXED_NOW)
    engine.dispose()


@pytest.fixture
def registry(engine: Engine, now: datetime) -> Registry:
    """The six households on the test's own database, for tests that change them."""
    return build_registry(engine, now)


def codes(engine: Engine, query: str, limit: int = RESULT_LIMIT) -> set[str]:
    with reading(engine) as session:
        hits = search_families(session, query, limit=limit)
    found = [hit.code for hit in hits]
    assert len(found) == len(set(found)), "a family is listed twice"
    return set(found)


@pytest.mark.parametrize("query", ["a", "am", "ami", "AMI", "Amina", "yus", "y"])
def test_name_prefixes_of_one_to_three_letters(shared: Registry, query: str) -> None:
    assert shared.code("amina") in codes(shared.engine, query)


def test_prefixes_do_not_match_the_middle_of_words(shared: Registry) -> None:
    assert codes(shared.engine, "mina") == set()
    assert codes(shared.engine, "usuf") == set()


def test_by_alias(shared: Registry) -> None:
    assert codes(shared.engine, "umm") == {shared.code("amina")}
    assert codes(shared.engine, "umm sami") == {shared.code("amina")}


def test_by_any_member_not_only_the_head(shared: Registry) -> None:
    assert codes(shared.engine, "omar") == {shared.code("amina")}
    assert codes(shared.engine, "priya") == {shared.code("tamil")}
    assert codes(shared.engine, "bikila") == {shared.code("amharic")}


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("陳", "chan"),
        ("陳美玲", "chan"),
        ("முரு", "tamil"),
        ("செல்வி", "tamil"),
        ("முருகன் செல்வி", "tamil"),
        ("محم", "arabic"),
        ("علي", "arabic"),
        ("አበ", "amharic"),
        ("በቀለ", "amharic"),
    ],
)
def test_by_names_in_other_scripts(shared: Registry, query: str, name: str) -> None:
    assert codes(shared.engine, query) == {shared.code(name)}


@pytest.mark.parametrize("query", ["nguyen", "Nguyễn", "NGUYEN THI", "lan nguyen", "thi"])
def test_accents_case_and_word_order_do_not_matter(shared: Registry, query: str) -> None:
    assert codes(shared.engine, query) == {shared.code("nguyen")}


def test_hyphenated_names(shared: Registry) -> None:
    assert codes(shared.engine, "Al-Hassan") == {shared.code("arabic")}
    assert codes(shared.engine, "hassan") == {shared.code("arabic")}


@pytest.mark.parametrize(
    "query",
    [
        "9123",  # first 4
        "4567",  # last 4
        "2345",  # middle
        "1234",
        "567",
        "91234567",
        "9123 4567",
        "9123-4567",
        "+852 9123 4567",
        "852 9123 4567",
        "85291234567",
    ],
)
def test_by_phone_fragments(shared: Registry, query: str) -> None:
    assert codes(shared.engine, query) == {shared.code("amina")}


def test_by_foreign_phone(shared: Registry) -> None:
    for query in ("7946", "0958", "+44 20 7946 0958", "4420"):
        assert codes(shared.engine, query) == {shared.code("amharic")}, query


def test_by_family_code(shared: Registry) -> None:
    amina = shared.code("amina")  # F-000001-0
    chan = shared.code("chan")  # F-000002-...
    for query in (
        amina,
        amina.lower(),
        amina.replace("-", ""),
        "f 000001 0",
        "F-000001",
        "F000001",
    ):
        assert codes(shared.engine, query) == {amina}, query
    assert codes(shared.engine, "000002") == {chan}
    assert codes(shared.engine, chan.replace("-", "")) == {chan}
    partial = codes(shared.engine, "F-0000")
    assert {amina, chan} <= partial and len(partial) == 6


def test_several_words_must_match_the_same_family(shared: Registry) -> None:
    assert codes(shared.engine, "amina omar") == {shared.code("amina")}
    assert codes(shared.engine, "omar amina") == {shared.code("amina")}
    assert codes(shared.engine, "yusuf 9123") == {shared.code("amina")}
    assert codes(shared.engine, "am om") == {shared.code("amina")}
    assert codes(shared.engine, "amina chan") == set()
    assert codes(shared.engine, "chan 陳") == {shared.code("chan")}


def test_limit_is_respected(engine: Engine, register: Registrar) -> None:
    for given in ("Ka Yan", "Siu Ming", "Wai Lun", "Hoi Yee", "Chi Keung"):
        register(f"Lee {given}")
    assert len(codes(engine, "lee", limit=3)) == 3
    assert len(codes(engine, "lee")) == 5
    assert len(codes(engine, "l", limit=1)) == 1


def test_a_removed_member_is_no_longer_found(
    engine: Engine, registry: Registry, now: datetime, actor: Actor
) -> None:
    assert registry.amina.id is not None
    with reading(engine) as session:
        omar_id = load_family(session, registry.amina.id).members[1].id
    assert omar_id is not None
    with unit_of_work(engine) as session:
        remove_member(session, omar_id, "moved out", actor=actor, now=now)
    assert codes(engine, "omar") == set()
    assert codes(engine, "amina") == {registry.code("amina")}


def test_hits_carry_head_size_district_and_status(
    engine: Engine, registry: Registry, now: datetime, actor: Actor
) -> None:
    assert registry.chan.id is not None
    suspend = validated(StatusChange, {"status": "suspended", "reason": "no show"})
    with unit_of_work(engine) as session:
        change_status(session, registry.chan.id, suspend, actor=actor, now=now)
    with reading(engine) as session:
        [amina] = search_families(session, "amina")
        [chan] = search_families(session, "陳")
    assert (amina.family_id, amina.code) == (registry.amina.id, registry.code("amina"))
    assert amina.head_name == "Amina Yusuf" and amina.household_size == 2
    assert amina.district == "Sham Shui Po" and amina.status == "active"
    assert chan.head_name == "Chan Tai Man" and chan.household_size == 2
    assert chan.district == "Kwun Tong" and chan.status == "suspended"


def test_a_canonical_spelling_finds_every_variant(engine: Engine, register: Registrar) -> None:
    mohamed = register("Mohamed Ali Abdi")
    assert codes(engine, "muhammad") == {mohamed.code}
    assert codes(engine, "mohamed") == {mohamed.code}


def test_joined_words_find_a_name_written_apart(engine: Engine, register: Registrar) -> None:
    family = register("Chan Mei Ling")
    assert codes(engine, "meiling") == {family.code}
    assert codes(engine, "chan meil") == {family.code}


@pytest.mark.parametrize(
    ("registered", "query"),
    [
        ("Muhammad Al-Hassan", "mohamed"),
        ("Muhammad Al-Hassan", "mohammed hassan"),
        ("Chan Tai Man", "chen"),
        ("Wong Siu Ming", "huang"),
    ],
)
def test_a_variant_spelling_finds_the_registered_name(
    engine: Engine, register: Registrar, registered: str, query: str
) -> None:
    family = register(registered)
    assert codes(engine, query) == {family.code}


def test_words_apart_find_a_joined_name(engine: Engine, register: Registrar) -> None:
    family = register("Chan Meiling")
    assert codes(engine, "mei ling") == {family.code}


@pytest.mark.parametrize("query", ["", "   ", "-", "%", "_", "' OR 1=1 --", "\\", "*"])
def test_odd_queries_find_nothing_and_do_not_fail(shared: Registry, query: str) -> None:
    assert codes(shared.engine, query) == set()


def test_reindex_all_rebuilds_the_keys(engine: Engine, registry: Registry) -> None:
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM search_key"))
    assert codes(engine, "omar") == set()
    with unit_of_work(engine) as session:
        assert reindex_all(session) == 6
    assert codes(engine, "omar") == {registry.code("amina")}
    with reading(engine) as session:
        assert count_families(session) == 6


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("Chan Mei", ["chan", "mei"]),
        ("  NGUYỄN   thị ", ["nguyen", "thi"]),
        ("Al-Hassan", ["al", "hassan"]),
        ("9123 4567", ["91234567"]),
        ("+852 9123-4567", ["91234567"]),
        ("852 9123 4567", ["91234567"]),
        ("123", ["123"]),
        ("F-000001-0", ["f0000010"]),
        ("f 000001", ["f000001"]),
        ("F000001", ["f000001"]),
        ("陳美玲", ["陳美玲"]),
        ("", []),
        ("  ", []),
    ],
)
def test_query_words(query: str, words: list[str]) -> None:
    assert query_words(query) == words
