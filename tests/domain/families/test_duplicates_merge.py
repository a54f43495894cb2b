"""Duplicate detection at registration, and merging two records of one household."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from distro.domain.admin.checks import check_database
from distro.domain.core.access import Actor
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import DomainError, InvalidInput
from distro.domain.core.inputs import validated
from distro.domain.core.numbering import CodeCounter
from distro.domain.families.duplicates import DuplicateMatch, PossibleDuplicates, find_duplicates
from distro.domain.families.history import family_history
from distro.domain.families.members import remove_member
from distro.domain.families.merge import merge_families
from distro.domain.families.models import Family
from distro.domain.families.registry import (
    FamilyRecord,
    find_family_by_code,
    load_family,
    update_family,
)
from distro.domain.families.schemas import FamilyDetails
from distro.domain.families.search import count_families, search_families
from distro.domain.scan import resolve_scan
from tests.builders.families import FamilyBuilder, Registrar


def matches(
    engine: Engine, family_in: FamilyBuilder, *names: str, **kwargs: object
) -> list[DuplicateMatch]:
    with reading(engine) as session:
        return find_duplicates(session, family_in(*names, **kwargs))


def matched_codes(
    engine: Engine, family_in: FamilyBuilder, *names: str, **kwargs: object
) -> list[str]:
    return [match.code for match in matches(engine, family_in, *names, **kwargs)]


def load(engine: Engine, family_id: int | None) -> FamilyRecord:
    assert family_id is not None
    with reading(engine) as session:
        return load_family(session, family_id)


def born(day: str, name: str) -> dict[str, str]:
    return {"full_name": name, "birth_date": day}


# --- finding duplicates ---------------------------------------------------------------------


def test_same_phone(engine: Engine, register: Registrar, family_in: FamilyBuilder) -> None:
    existing = register("Amina Yusuf", phones=["9123 4567"])
    register("Someone Else", phones=["6000 0000"])
    [match] = matches(engine, family_in, "Totally Different", phones=["+852 9123-4567"])
    assert match.code == existing.code and match.family_id == existing.id
    assert match.reasons == ("same phone +852 9123 4567",)
    assert match.score == 100


def test_same_birth_date_and_similar_name(
    engine: Engine, register: Registrar, family_in: FamilyBuilder
) -> None:
    existing = register(members=[born("1990-05-01", "Fatima Hassan")])
    [match] = matches(engine, family_in, members=[born("1990-05-01", "Fatma Hasan")])
    assert match.code == existing.code
    assert any("same date of birth" in reason for reason in match.reasons)


def test_same_birth_date_lowers_the_bar(
    engine: Engine, register: Registrar, family_in: FamilyBuilder
) -> None:
    """Names about 75% alike (a middle name left out): a match only when the date of birth
    agrees as well."""
    existing = register(members=[born("1988-02-03", "Fatima Hassan Ali")])
    assert matched_codes(engine, family_in, members=[born("1988-02-03", "Fatima Ali")]) == [
        existing.code
    ]
    assert matched_codes(engine, family_in, members=[born("1975-09-09", "Fatima Ali")]) == []


@pytest.mark.parametrize(
    ("registered", "typed"),
    [
        ("Mohammed Ali", "Muhammad Ali"),
        ("Mohamed Ali", "MUHAMMAD ALI"),
        ("Chan Tai Man", "CHEN tai-man"),
        ("Chan Tai Man", "Tai Man Chan"),
        ("Ali Hassan Omar", "Omar Ali Hassan"),
        ("Nguyễn Văn An", "Nguyen Van An"),
        ("NGUYEN van an", "Nguyễn Văn Ân"),
        ("Fatima Yusuf", "Fatma Youssef"),
    ],
)
def test_the_same_name_written_differently_is_a_likely_duplicate(
    engine: Engine, register: Registrar, family_in: FamilyBuilder, registered: str, typed: str
) -> None:
    existing = register(registered)
    [match] = matches(engine, family_in, typed)
    assert match.code == existing.code
    assert match.reasons == (f"similar name: {registered}",) and match.score >= 88


@pytest.mark.parametrize(
    ("registered", "typed"), [("Chan Mei Ling", "Chan Meiling"), ("Mei Ling", "Meiling")]
)
def test_joined_given_names_are_a_likely_duplicate(
    engine: Engine, register: Registrar, family_in: FamilyBuilder, registered: str, typed: str
) -> None:
    existing = register(registered)
    assert matched_codes(engine, family_in, typed) == [existing.code]


@pytest.mark.parametrize(
    ("registered", "typed"),
    [
        ("Amina Yusuf", "Amina Yusuff"),
        ("Tesfaye Bekele", "Tesfaye Bekelle"),
        ("Ali Hassan", "Aly Hassan"),
    ],
)
def test_a_small_spelling_difference_is_a_likely_duplicate(
    engine: Engine, register: Registrar, family_in: FamilyBuilder, registered: str, typed: str
) -> None:
    existing = register(registered)
    assert matched_codes(engine, family_in, typed) == [existing.code]


@pytest.mark.parametrize(
    ("registered", "typed"),
    [
        ("Amina Yusuf", "Chan Tai Man"),
        ("Mohammed Ali", "Mohammed Khan"),  # a shared common first name alone
        ("Chan Tai Man", "Chan Siu Ming"),  # a shared family name alone
        ("Wong Ka Yan", "Lee Ka Yan"),
        ("Tesfaye Bekele", "Abebe Bikila"),
    ],
)
def test_unrelated_names_are_not_matched(
    engine: Engine, register: Registrar, family_in: FamilyBuilder, registered: str, typed: str
) -> None:
    register(registered, phones=["9123 4567"])
    assert matched_codes(engine, family_in, typed, phones=["6123 4567"]) == []


def test_the_same_birth_date_alone_is_not_a_match(
    engine: Engine, register: Registrar, family_in: FamilyBuilder
) -> None:
    register(members=[born("2019-01-01", "Amina Yusuf")])
    assert matched_codes(engine, family_in, members=[born("2019-01-01", "Chan Tai Man")]) == []


def test_any_member_can_match(
    engine: Engine, register: Registrar, family_in: FamilyBuilder
) -> None:
    existing = register("Amina Yusuf", "Omar Abdullahi Yusuf")
    assert matched_codes(engine, family_in, "Unrelated Head", "Omar Abdullahi Yusuf") == [
        existing.code
    ]


def test_removed_members_and_merged_families_are_not_matched(
    engine: Engine, register: Registrar, family_in: FamilyBuilder, now: datetime, actor: Actor
) -> None:
    family = register("Amina Yusuf", "Omar Abdullahi")
    omar_id = load(engine, family.id).members[1].id
    assert omar_id is not None
    with unit_of_work(engine) as session:
        remove_member(session, omar_id, "moved out", actor=actor, now=now)
    assert matched_codes(engine, family_in, "Omar Abdullahi") == []
    keep = register("Tesfaye Bekele")
    gone = register("Tesfaye Bekelle", reason="checked the paper file")
    assert keep.id is not None and gone.id is not None
    with unit_of_work(engine) as session:
        merge_families(session, keep.id, gone.id, "same household", actor=actor, now=now)
    assert matched_codes(engine, family_in, "Tesfaye Bekele") == [keep.code]


def test_best_matches_first_and_limited(
    engine: Engine, register: Registrar, family_in: FamilyBuilder
) -> None:
    by_phone_and_name = register("Amina Yusuf", phones=["9123 4567"])
    by_name = register("Yusuf Amina", reason="test set-up")
    for n in range(6):
        register(f"Family {n}", phones=[f"5123 456{n}"])
    phones = ["9123 4567"] + [f"5123 456{n}" for n in range(6)]
    found = matches(engine, family_in, "Amina Yusuf", phones=phones)
    assert len(found) == 5
    assert found[0].code == by_phone_and_name.code and len(found[0].reasons) == 2
    assert by_name.code not in [m.code for m in found]  # fewer reasons, cut by the limit
    with reading(engine) as session:
        data = family_in("Amina Yusuf", phones=phones)
        codes = [m.code for m in find_duplicates(session, data, limit=10)]
        assert by_name.code in codes
        assert by_phone_and_name.id is not None
        excluded = find_duplicates(session, data, exclude_family_id=by_phone_and_name.id)
        assert by_phone_and_name.code not in [m.code for m in excluded]


def test_register_refuses_a_likely_duplicate_without_a_reason(
    engine: Engine, register: Registrar
) -> None:
    existing = register("Mohammed Ali", phones=["9123 4567"])
    for reason in ("", "   "):
        with pytest.raises(PossibleDuplicates) as caught:
            register("Muhammad Ali", reason=reason)
        assert [m.code for m in caught.value.matches] == [existing.code]
        assert existing.code in str(caught.value) and "reason" in str(caught.value)
    with reading(engine) as session:
        assert len(session.exec(select(Family)).all()) == 1
        counter = session.get(CodeCounter, "F")
        assert counter is not None and counter.last_number == 1


def test_register_goes_on_with_a_reason_and_keeps_it(engine: Engine, register: Registrar) -> None:
    existing = register("Mohammed Ali", phones=["9123 4567"])
    second = register("Muhammad Ali", reason="  different person, checked ID  ")
    assert second.code != existing.code
    with reading(engine) as session:
        assert second.id is not None
        [event] = family_history(session, second.id)
    assert event.action == "family.register"
    assert existing.code in event.reason
    assert event.reason.endswith(": different person, checked ID")


# --- merging --------------------------------------------------------------------------------


@pytest.fixture
def pair(engine: Engine, register: Registrar, now: datetime, actor: Actor) -> tuple[Family, Family]:
    """Two records of one household; the second has a removed member and a shared phone."""
    keep = register(
        "Amina Yusuf",
        "Omar Yusuf",
        phones=["9123 4567"],
        dietary=["halal"],
        allergies="peanuts",
        notes="Prefers Arabic",
    )
    gone = register(
        "Amina Yussuf",
        "Sara Yusuf",
        "Hamza Yusuf",
        phones=["6123 4567", "+852 9123 4567"],
        dietary=["no_pork", "halal"],
        allergies="shellfish",
        notes="Registered at the second centre",
        reason="not sure it is the same family",
    )
    sara_id = load(engine, gone.id).members[1].id
    assert sara_id is not None
    with unit_of_work(engine) as session:
        remove_member(session, sara_id, "moved to Canada", actor=actor, now=now)
    return keep, gone


MERGE_REASON = "same household, seen both cards"


def merge(engine: Engine, keep: Family, gone: Family, now: datetime, actor: Actor) -> None:
    assert keep.id is not None and gone.id is not None
    with unit_of_work(engine) as session:
        merge_families(
            session, keep.id, gone.id, "same household, seen both cards", actor=actor, now=now
        )


def test_merge_keeps_every_member_phone_need_and_note(
    engine: Engine, pair: tuple[Family, Family], now: datetime, actor: Actor
) -> None:
    keep, gone = pair
    merge(engine, keep, gone, now, actor)
    survivor = load(engine, keep.id)
    assert [m.full_name for m in survivor.members] == [
        "Amina Yusuf",
        "Omar Yusuf",
        "Amina Yussuf",
        "Hamza Yusuf",
    ]
    assert [m.full_name for m in survivor.removed_members] == ["Sara Yusuf"]
    positions = [m.position for m in survivor.members + survivor.removed_members]
    assert len(set(positions)) == len(positions)
    assert [p.number for p in survivor.phones] == ["+85291234567", "+85261234567"]
    assert survivor.family.dietary.split("|") == ["halal", "no_pork"]
    assert survivor.family.allergies == "peanuts; shellfish"
    assert survivor.family.notes == (
        f"Prefers Arabic\n[from {gone.code}] Registered at the second centre"
    )
    assert survivor.household_size == 4
    merged = load(engine, gone.id)
    assert merged.family.status == "merged" and merged.family.merged_into_id == keep.id
    assert merged.members == [] and merged.removed_members == [] and merged.phones == []
    assert check_database(engine) == []


def test_merge_keeps_both_histories(
    engine: Engine, pair: tuple[Family, Family], now: datetime, actor: Actor
) -> None:
    keep, gone = pair
    merge(engine, keep, gone, now, actor)
    assert keep.id is not None
    with reading(engine) as session:
        events = family_history(session, keep.id)
    seen = [(event.family_id, event.action) for event in events]
    assert seen == [
        (gone.id, "family.merge"),
        (keep.id, "family.merge"),
        (gone.id, "member.remove"),
        (gone.id, "family.register"),
        (keep.id, "family.register"),
    ]
    merge_events = [e for e in events if e.action == "family.merge"]
    assert all(e.reason == MERGE_REASON for e in merge_events)
    kept_after = json.loads(merge_events[1].after or "")
    assert len(kept_after["members"]) == 4


def test_a_merged_card_still_opens_the_survivor(
    engine: Engine, pair: tuple[Family, Family], now: datetime, actor: Actor
) -> None:
    keep, gone = pair
    merge(engine, keep, gone, now, actor)
    with reading(engine) as session:
        assert find_family_by_code(session, gone.code).id == keep.id
        assert find_family_by_code(session, gone.code.replace("-", "").lower()).id == keep.id
        result = resolve_scan(session, f"]C1{gone.code}\r\n")
        assert result.target_id == keep.id
        assert keep.code in result.description
        assert f"card {gone.code} was merged into it" in result.description
        assert "4 members" in result.description
        direct = resolve_scan(session, keep.code)
        assert direct.target_id == keep.id and "merged" not in direct.description


def test_a_merged_family_is_gone_from_search(
    engine: Engine, pair: tuple[Family, Family], now: datetime, actor: Actor
) -> None:
    keep, gone = pair
    with reading(engine) as session:
        assert count_families(session) == 2
    merge(engine, keep, gone, now, actor)
    with reading(engine) as session:
        for query in ("yusuf", "hamza", "6123", "amina yussuf"):
            assert [hit.family_id for hit in search_families(session, query)] == [keep.id]
        assert search_families(session, "sara") == []  # removed before the merge
        assert count_families(session) == 1


def test_merging_into_itself_is_refused(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register("Amina Yusuf")
    assert family.id is not None
    with pytest.raises(DomainError, match="into itself"), unit_of_work(engine) as session:
        merge_families(session, family.id, family.id, "oops", actor=actor, now=now)


@pytest.mark.parametrize("reason", ["", "   "])
def test_merging_needs_a_reason(
    engine: Engine, pair: tuple[Family, Family], now: datetime, actor: Actor, reason: str
) -> None:
    keep, gone = pair
    assert keep.id is not None and gone.id is not None
    with pytest.raises(InvalidInput) as caught, unit_of_work(engine) as session:
        merge_families(session, keep.id, gone.id, reason, actor=actor, now=now)
    assert "reason" in caught.value.problems
    assert load(engine, gone.id).family.status == "active"


def test_a_merged_family_cannot_be_merged_again(
    engine: Engine, pair: tuple[Family, Family], register: Registrar, now: datetime, actor: Actor
) -> None:
    keep, gone = pair
    merge(engine, keep, gone, now, actor)
    third = register("Tesfaye Bekele")
    assert keep.id is not None and gone.id is not None and third.id is not None
    for keep_id, merge_id in ((third.id, gone.id), (gone.id, third.id)):
        with pytest.raises(DomainError, match="already merged"), unit_of_work(engine) as session:
            merge_families(session, keep_id, merge_id, "again", actor=actor, now=now)


def test_a_failed_merge_changes_nothing(
    engine: Engine, pair: tuple[Family, Family], now: datetime, actor: Actor
) -> None:
    keep, gone = pair
    assert keep.id is not None and gone.id is not None

    class Boom(Exception):
        pass

    with pytest.raises(Boom), unit_of_work(engine) as session:
        merge_families(session, keep.id, gone.id, "same", actor=actor, now=now)
        raise Boom
    assert load(engine, keep.id).household_size == 2
    assert load(engine, gone.id).household_size == 2
    assert load(engine, gone.id).family.status == "active"


def test_the_survivor_can_be_edited_after_a_merge(
    engine: Engine, pair: tuple[Family, Family], now: datetime, actor: Actor
) -> None:
    keep, gone = pair
    merge(engine, keep, gone, now, actor)
    assert keep.id is not None
    with unit_of_work(engine) as session:
        update_family(
            session,
            keep.id,
            validated(FamilyDetails, {"district": "Eastern"}),
            actor=actor,
            now=now,
        )
    assert load(engine, keep.id).family.district == "Eastern"


def test_the_survivor_keeps_one_head(
    engine: Engine, pair: tuple[Family, Family], now: datetime, actor: Actor
) -> None:
    keep, gone = pair
    merge(engine, keep, gone, now, actor)
    relationships = [(m.full_name, m.relationship) for m in load(engine, keep.id).members]
    assert relationships == [
        ("Amina Yusuf", "head"),
        ("Omar Yusuf", "other"),
        ("Amina Yussuf", "other_relative"),
        ("Hamza Yusuf", "other"),
    ]
    with reading(engine) as session:
        [hit] = search_families(session, keep.code)
    assert hit.head_name == "Amina Yusuf"


def test_history_follows_a_chain_of_merges(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    first = register("Tesfaye Bekele")
    second = register("Tesfaye Bekelle", reason="set-up")
    third = register("Tesfaye Beqele", reason="set-up")
    assert first.id is not None and second.id is not None and third.id is not None
    with unit_of_work(engine) as session:
        merge_families(session, second.id, first.id, "same", actor=actor, now=now)
    with unit_of_work(engine) as session:
        merge_families(session, third.id, second.id, "same", actor=actor, now=now)
    with reading(engine) as session:
        assert find_family_by_code(session, first.code).id == third.id
        families = {event.family_id for event in family_history(session, third.id)}
    assert families == {first.id, second.id, third.id}
