"""Handout reports: a round's progress, who is missing at the exit, a family's collections and
the handouts CSV, all read from real handouts; the round's queries keep to its index slice."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from distro.domain.core.db import reading, unit_of_work
from distro.domain.distribution.entitlement import family_entitlement
from distro.domain.distribution.handout_request import entitled_request
from distro.domain.distribution.handouts import HandedOut, hand_out
from distro.domain.distribution.reports import (
    COLUMNS,
    export_handouts,
    family_handouts,
    round_progress,
    uncollected_slips,
)
from distro.domain.distribution.rounds import RoundIn, create_round, get_round
from distro.domain.distribution.slips import collect_slip, void_slip
from distro.domain.families.models import Family
from tests.builders.databases import recorded_statements
from tests.builders.distribution import BASKET, Basket, stocked_basket
from tests.builders.families import ACTOR, Registrar, mother_and_baby

OTHER_ROUNDS_HANDOUTS = 200_000


@pytest.fixture
def basket(engine: Engine, now: datetime) -> Basket:
    """A two-step round, so slips wait at the exit until collected."""
    return stocked_basket(engine, now, two_step=True)


def single_man(register: Registrar, name: str = "Omar Ali") -> Family:
    """Rice 1, oil 1, pork 2: four units."""
    return register(members=[{"full_name": name, "sex": "male", "birth_date": "1985-01-01"}])


def give(
    engine: Engine, round_id: int, family: Family, at: datetime, **fields: object
) -> HandedOut:
    """Hand out the family's whole entitlement at counter "Counter 1"."""
    assert family.id is not None
    with unit_of_work(engine) as session:
        found = family_entitlement(session, get_round(session, round_id), family.id, at)
        request = entitled_request(found, **fields)
        return hand_out(session, request, actor=ACTOR, now=at, counter="Counter 1")


def second_round(engine: Engine, now: datetime, name: str = "Food parcel, week 49") -> int:
    """Another open round on the same basket."""
    round_in = RoundIn(
        name=name,
        basket=BASKET,
        starts_on=now.date() - timedelta(days=1),
        ends_on=now.date() + timedelta(days=5),
    )
    with unit_of_work(engine) as session:
        distribution = create_round(session, round_in, actor=ACTOR, now=now)
        assert distribution.id is not None
        return distribution.id


def test_progress_counts_families_units_voids_and_bags_at_the_exit(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    mother, man, other = (
        mother_and_baby(register),
        single_man(register),
        single_man(register, "Li Wei"),
    )
    give(engine, basket.round_id, mother, now)
    collected = give(engine, basket.round_id, man, now + timedelta(minutes=5))
    voided = give(engine, basket.round_id, other, now + timedelta(minutes=9))
    give(engine, second_round(engine, now), other, now)  # another round's slip counts not
    with unit_of_work(engine) as session:
        collect_slip(session, collected.code, actor=ACTOR, now=now + timedelta(minutes=6))
        void_slip(session, voided.code, "bag was torn", actor=ACTOR, now=now)
    with reading(engine) as session:
        progress = round_progress(session, basket.round_id)
    assert progress.round_name == "Food parcel, week 48" and progress.two_step
    assert (progress.families_served, progress.slips, progress.units_given) == (2, 2, 12)
    assert (progress.slips_voided, progress.waiting_at_exit) == (1, 1)
    totals = {item.name: item.units for item in progress.items}
    assert totals == {
        "Luncheon meat (pork)": 4,
        "Cooking oil": 2,
        "Rice 5 kg": 2,
        "Infant formula": 3,
        "Sanitary pads": 1,
    }
    assert progress.items[0].name == "Luncheon meat (pork)"  # most given first


def test_an_override_is_a_second_slip_of_the_same_family(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = single_man(register)
    give(engine, basket.round_id, family, now)
    give(engine, basket.round_id, family, now + timedelta(hours=1), override_reason="lost bag")
    with reading(engine) as session:
        progress = round_progress(session, basket.round_id)
    assert (progress.families_served, progress.slips, progress.units_given) == (1, 2, 8)


def test_an_empty_round_has_nothing_to_show(engine: Engine, basket: Basket) -> None:
    with reading(engine) as session:
        progress = round_progress(session, basket.round_id)
        assert uncollected_slips(session, basket.round_id) == []
    assert (progress.families_served, progress.units_given, progress.items) == (0, 0, ())


def test_missing_lists_slips_neither_collected_nor_voided_longest_wait_first(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    round_id = basket.round_id
    late = give(engine, round_id, single_man(register), now + timedelta(minutes=30))
    early = give(engine, round_id, mother_and_baby(register), now)
    collected = give(engine, round_id, single_man(register, "Li Wei"), now + timedelta(minutes=1))
    voided = give(engine, round_id, single_man(register, "Juan Cruz"), now + timedelta(minutes=2))
    with unit_of_work(engine) as session:
        collect_slip(session, collected.code, actor=ACTOR, now=now)
        void_slip(session, voided.code, "family left", actor=ACTOR, now=now)
    with reading(engine) as session:
        missing = uncollected_slips(session, basket.round_id)
        assert [slip.code for slip in uncollected_slips(session, basket.round_id, 1)] == [
            early.code
        ]
    assert [slip.code for slip in missing] == [early.code, late.code]
    first = missing[0]
    assert first.family_code.startswith("F-") and first.household_size == 2
    assert first.handed_out_at == now and first.counter == "Counter 1"


def test_a_family_sees_its_collections_newest_first_with_their_state(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = mother_and_baby(register)
    assert family.id is not None
    first = give(engine, basket.round_id, family, now)
    later = now + timedelta(days=1)
    second = give(engine, second_round(engine, now), family, later)
    with unit_of_work(engine) as session:
        void_slip(session, first.code, "handed out twice", actor=ACTOR, now=later)
    with reading(engine) as session:
        history = family_handouts(session, family.id)
        assert len(family_handouts(session, family.id, limit=1)) == 1
    assert [(h.code, h.round_name, h.units, h.state) for h in history] == [
        (second.code, "Food parcel, week 49", 8, "collected"),  # a one-step round
        (first.code, "Food parcel, week 48", 8, "voided"),
    ]
    assert history[0].handed_out_at == later


def exported(engine: Engine, round_id: int | None = None) -> tuple[str, list[dict[str, str]]]:
    """The CSV text and its rows as dicts."""
    stream = io.StringIO(newline="")
    with reading(engine) as session:
        count = export_handouts(session, stream, round_id=round_id)
    content = stream.getvalue()
    rows = list(csv.DictReader(io.StringIO(content.removeprefix("\ufeff"), newline="")))
    assert count == len(rows)
    return content, rows


def test_the_csv_has_one_row_per_line_in_hong_kong_time_and_no_names(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = mother_and_baby(register, dietary=["halal"])
    done = give(
        engine,
        basket.round_id,
        family,
        now,
        proxy_name="Fatima Yusuf",
        proxy_relation="sister",
    )
    content, rows = exported(engine)
    assert content.startswith("\ufeff") and tuple(rows[0]) == COLUMNS
    assert "Fatima" not in content and "Amina" not in content
    assert len(rows) == 5 and {row["slip_code"] for row in rows} == {done.code}
    chicken = next(row for row in rows if row["item_name"] == "Halal chicken")
    assert chicken["instead_of"] == "Luncheon meat (pork)"
    assert (chicken["quantity"], chicken["entitled"]) == ("2", "2")
    assert chicken["handed_out_at"] == "2026-11-25T17:30:00+08:00"
    assert chicken["family_code"] == family.code and chicken["household_size"] == "2"
    assert (chicken["proxy"], chicken["collected_at"], chicken["voided_at"]) == ("yes", "", "")
    assert chicken["round"] == "Food parcel, week 48" and chicken["volunteer"] == ACTOR.name


def test_the_csv_escapes_formulas_and_shows_voids_and_filters_by_round(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = single_man(register)
    give(engine, basket.round_id, family, now)
    again = give(engine, basket.round_id, family, now, override_reason="=HYPERLINK(1)")
    with unit_of_work(engine) as session:
        void_slip(session, again.code, "@twice", actor=ACTOR, now=now + timedelta(hours=2))
    give(engine, second_round(engine, now), family, now + timedelta(days=1))
    _content, rows = exported(engine, basket.round_id)
    assert len(rows) == 6 and {row["round"] for row in rows} == {"Food parcel, week 48"}
    voided = [row for row in rows if row["slip_code"] == again.code]
    assert {row["override_reason"] for row in voided} == {"'=HYPERLINK(1)"}
    assert {row["void_reason"] for row in voided} == {"'@twice"}
    assert {row["voided_at"] for row in voided} == {"2026-11-25T19:30:00+08:00"}
    assert {row["proxy"] for row in rows} == {"no"}
    assert len(exported(engine)[1]) == 9


def fill_other_round(session: Session, round_id: int, family_id: int, item_id: int) -> None:
    """`OTHER_ROUNDS_HANDOUTS` overridden slips of one family, one line each, in SQL."""
    session.execute(
        text(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
            "INSERT INTO handout (code, round_id, family_id, household_size, handed_out_at, "
            "counter, actor, proxy_name, proxy_relation, note, override_reason, collected_at, "
            "collected_by, voided_by, void_reason, printed_count) "
            "SELECT 'B-' || i, :round_id, :family_id, 1, '2026-10-01 09:00:00.000000', 'c', "
            "'a', '', '', '', 'bench', NULL, '', '', '', 0 FROM n"
        ),
        {"count": OTHER_ROUNDS_HANDOUTS, "round_id": round_id, "family_id": family_id},
    )
    session.execute(
        text(
            "INSERT INTO handout_line (handout_id, item_id, quantity, entitled) "
            "SELECT id, :item_id, 1, 1 FROM handout WHERE round_id = :round_id"
        ),
        {"item_id": item_id, "round_id": round_id},
    )


def test_a_round_reads_only_its_own_slice_among_200_000_other_handouts(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = single_man(register)
    assert family.id is not None
    other = second_round(engine, now, "Last month")
    with unit_of_work(engine) as session:
        fill_other_round(session, other, family.id, basket.rice)
    give(engine, basket.round_id, family, now)
    with reading(engine) as session, recorded_statements(engine) as seen:
        progress = round_progress(session, basket.round_id)
        missing = uncollected_slips(session, basket.round_id)
        export_handouts(session, io.StringIO(), round_id=basket.round_id)
    assert (progress.slips, progress.units_given, len(missing)) == (1, 4, 1)
    with engine.connect() as connection:
        for statement, parameters in seen:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            steps = [str(row[3]) for row in plan]
            assert not [step for step in steps if step.startswith("SCAN handout")], steps
