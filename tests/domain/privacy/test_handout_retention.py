"""Retention and handouts: erasing a family takes its handouts and their lines (and the name of
whoever collected for it) while the stock ledger keeps every movement; anonymising blanks the
proxy collector and notes but keeps what was handed out, for the statistics."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import SQLModel, col, select

from distro.domain.admin.checks import check_database
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import NotFound
from distro.domain.distribution.handouts import HandedOut
from distro.domain.distribution.models import Handout, HandoutLine
from distro.domain.distribution.slips import void_slip
from distro.domain.families.merge import merge_families
from distro.domain.families.models import Family
from distro.domain.privacy.retention import anonymise_family, erase_family, purge_freed_pages
from distro.domain.scan import resolve_scan
from distro.domain.stock.models import StockLot, StockMovement
from tests.builders.distribution import Basket, hand_out_to, stocked_basket
from tests.builders.families import ACTOR, Registrar

PROXY = "Zenobia Quillfeather"
NOTE = "Quillfeather collects on Fridays"


@pytest.fixture
def basket(engine: Engine, now: datetime) -> Basket:
    return stocked_basket(engine, now)


def collected_for(engine: Engine, basket: Basket, family: Family, now: datetime) -> HandedOut:
    """A handout voided and made again, the second one collected by a proxy with a note."""
    first = hand_out_to(engine, basket, family, now)
    with unit_of_work(engine) as session:
        void_slip(session, first.code, "wrong bag", actor=ACTOR, now=now)
    later = now + timedelta(minutes=5)
    return hand_out_to(
        engine, basket, family, later, proxy_name=PROXY, proxy_relation="neighbour", note=NOTE
    )


def count(engine: Engine, model: type[SQLModel]) -> int:
    with reading(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def ledger(engine: Engine) -> tuple[list[tuple[object, ...]], list[int]]:
    """Every movement (lot, kind, quantity, reference) and every lot's on hand."""
    with reading(engine) as session:
        movements = session.exec(
            select(
                StockMovement.lot_id,
                StockMovement.kind,
                StockMovement.quantity,
                StockMovement.reference,
            ).order_by(col(StockMovement.id))
        ).all()
        lots = session.exec(select(StockLot.on_hand).order_by(col(StockLot.id))).all()
    return [tuple(row) for row in movements], list(lots)


def file_bytes(engine: Engine) -> bytes:
    path = Path(str(engine.url.database))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_erasing_a_family_deletes_its_handouts_but_keeps_the_ledger(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family, other = register("Amina Yusuf"), register("Grace Mensah")
    done = collected_for(engine, basket, family, now)
    kept = hand_out_to(engine, basket, other, now)
    before = ledger(engine)
    assert count(engine, Handout) == 3
    with unit_of_work(engine) as session:
        erase_family(session, family.id or 0, "asked to be forgotten", actor=ACTOR, now=now)
    with reading(engine) as session:
        left = session.exec(select(Handout.code)).all()
        lines = session.exec(select(HandoutLine.handout_id).distinct()).all()
    assert left == [kept.code]
    assert lines == [kept.handout_id]
    assert ledger(engine) == before
    assert any(reference == done.code for *_row, reference in before[0])
    assert check_database(engine) == []


def test_an_erased_familys_slip_scans_as_unknown(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = register("Amina Yusuf")
    done = collected_for(engine, basket, family, now)
    with unit_of_work(engine) as session:
        erase_family(session, family.id or 0, "asked to be forgotten", actor=ACTOR, now=now)
    with reading(engine) as session, pytest.raises(NotFound, match=done.code):
        resolve_scan(session, done.code)


def test_erasing_a_survivor_takes_the_handouts_of_the_family_merged_into_it(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    keep, gone = register("Amina Yusuf"), register("Amina Yusuf", reason="registered twice")
    assert keep.id and gone.id
    hand_out_to(engine, basket, gone, now, proxy_name=PROXY)
    with unit_of_work(engine) as session:
        merge_families(session, keep.id, gone.id, "same household", actor=ACTOR, now=now)
        erase_family(session, keep.id, "asked to be forgotten", actor=ACTOR, now=now)
    assert (count(engine, Handout), count(engine, HandoutLine), count(engine, Family)) == (0, 0, 0)
    assert count(engine, StockMovement) > 0
    assert check_database(engine) == []


def test_erasing_returns_every_slip_code_of_the_family_and_of_those_merged_in(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    """The codes the command and the screen remove the slips' files by (voided slips were
    printed too); another family's slip is not among them."""
    keep, gone, other = (
        register("Amina Yusuf"),
        register("Amina Yusuf", reason="registered twice"),
        register("Grace Mensah"),
    )
    assert keep.id and gone.id
    collected_for(engine, basket, keep, now)
    with reading(engine) as session:
        voided_and_collected = session.exec(
            select(Handout.code).where(Handout.family_id == keep.id)
        ).all()
    assert len(voided_and_collected) == 2
    merged = hand_out_to(engine, basket, gone, now).code
    kept = hand_out_to(engine, basket, other, now).code
    with unit_of_work(engine) as session:
        merge_families(session, keep.id, gone.id, "same household", actor=ACTOR, now=now)
        forgotten = erase_family(session, keep.id, "asked to be forgotten", actor=ACTOR, now=now)
    assert sorted(forgotten.slip_codes) == sorted([*voided_and_collected, merged])
    assert kept not in forgotten.slip_codes
    assert forgotten.family_codes == (keep.code, gone.code)


def test_erasing_leaves_no_bytes_of_the_proxy_collector(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = register("Amina Yusuf")
    collected_for(engine, basket, family, now)
    assert PROXY.encode() in file_bytes(engine)  # the test looks in the right place
    with unit_of_work(engine) as session:
        erase_family(session, family.id or 0, "asked to be forgotten", actor=ACTOR, now=now)
    assert purge_freed_pages(engine)
    engine.dispose()
    stored = file_bytes(engine)
    for needle in (PROXY, "Quillfeather", "Zenobia"):
        assert needle.encode() not in stored, needle
    assert check_database(engine) == []


def test_anonymising_blanks_the_proxy_and_notes_but_keeps_what_was_handed_out(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = register("Amina Yusuf")
    done = collected_for(engine, basket, family, now)
    before = ledger(engine)
    with unit_of_work(engine) as session:
        anonymise_family(session, family.id or 0, "no contact since 2023", actor=ACTOR, now=now)
    with reading(engine) as session:
        handouts = session.exec(select(Handout).order_by(col(Handout.id))).all()
        units = session.exec(
            select(func.sum(HandoutLine.quantity)).where(HandoutLine.handout_id == done.handout_id)
        ).one()
    assert [(h.proxy_name, h.proxy_relation, h.note) for h in handouts] == [("", "", "")] * 2
    assert [h.voided_at is None for h in handouts] == [False, True]
    assert units == done.units
    assert ledger(engine) == before
    assert purge_freed_pages(engine)
    engine.dispose()
    assert b"Quillfeather" not in file_bytes(engine)
    assert check_database(engine) == []


def test_anonymising_a_survivor_blanks_the_merged_familys_handouts_too(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    keep, gone = register("Amina Yusuf"), register("Amina Yusuf", reason="registered twice")
    assert keep.id and gone.id
    hand_out_to(engine, basket, gone, now, proxy_name=PROXY, proxy_relation="aunt", note=NOTE)
    with unit_of_work(engine) as session:
        merge_families(session, keep.id, gone.id, "same household", actor=ACTOR, now=now)
        anonymise_family(session, keep.id, "no contact", actor=ACTOR, now=now)
    with reading(engine) as session:
        handout = session.exec(select(Handout)).one()
    assert (handout.family_id, handout.proxy_name, handout.proxy_relation, handout.note) == (
        gone.id,
        "",
        "",
        "",
    )
    assert check_database(engine) == []
