"""Provides `distro db check`: integrity, the domain's invariants and the audit chain."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from distro.domain.audit.chain import chain_problems
from distro.domain.core.codes import CodeKind, parse_scan
from distro.domain.core.db import SCHEMA_HEAD, reading, schema_revision
from distro.domain.core.errors import CodeError
from distro.domain.core.numbering import CodeCounter
from distro.domain.distribution.models import Handout
from distro.domain.families.models import Family
from distro.domain.stock.models import Item

# Each invariant: a query returning the offending rows, and how to say what is wrong.
_INVARIANTS: tuple[tuple[str, str], ...] = (
    (
        "SELECT f.code FROM family f WHERE f.status <> 'merged' AND NOT EXISTS "
        "(SELECT 1 FROM member m WHERE m.family_id = f.id AND m.removed_at IS NULL)",
        "family {0} has no active member",
    ),
    (
        "SELECT f.code FROM family f WHERE f.status = 'merged' AND (f.merged_into_id IS NULL "
        "OR EXISTS (SELECT 1 FROM member m WHERE m.family_id = f.id))",
        "family {0} is marked merged but still has members or no survivor",
    ),
    (
        "SELECT f.code FROM family f WHERE f.status <> 'merged' AND NOT EXISTS "
        "(SELECT 1 FROM search_key k WHERE k.family_id = f.id)",
        "family {0} cannot be found by search (no search keys); run `distro db reindex`",
    ),
    (
        "SELECT f.code FROM family f WHERE f.status = 'anonymised' AND EXISTS "
        "(SELECT 1 FROM phone p WHERE p.family_id = f.id)",
        "family {0} is anonymised but still has phone numbers; anonymise it again",
    ),
    (
        "SELECT l.id, l.on_hand, COALESCE(SUM(m.quantity), 0) FROM stock_lot l "
        "LEFT JOIN stock_movement m ON m.lot_id = l.id GROUP BY l.id, l.on_hand "
        "HAVING l.on_hand <> COALESCE(SUM(m.quantity), 0)",
        "stock lot {0} shows {1} on hand but its movements add up to {2}",
    ),
    (
        "SELECT m.id, m.lot_id FROM stock_movement m JOIN stock_lot l ON l.id = m.lot_id "
        "WHERE m.item_id <> l.item_id",
        "stock movement {0} names another item than its lot {1}",
    ),
    (
        "SELECT h.code, l.units, -COALESCE(m.units, 0) FROM handout h "
        "JOIN (SELECT handout_id, SUM(quantity) AS units FROM handout_line "
        "GROUP BY handout_id) l ON l.handout_id = h.id "
        "LEFT JOIN (SELECT reference, SUM(quantity) AS units FROM stock_movement "
        "WHERE kind = 'handout' GROUP BY reference) m ON m.reference = h.code "
        "WHERE l.units <> -COALESCE(m.units, 0)",
        "handout {0} lists {1} units but its stock movements took {2}",
    ),
)


def check_database(engine: Engine) -> list[str]:
    """Every problem found, in plain words; an empty list means the database is sound."""
    problems: list[str] = []
    revision = schema_revision(engine)
    if revision != SCHEMA_HEAD:
        problems.append(f"schema is at {revision}, expected {SCHEMA_HEAD}; run `distro db upgrade`")
        return problems
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            result = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
            if result != ["ok"]:
                problems.extend(f"SQLite integrity: {line}" for line in result)
            for row in connection.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"table {row[0]} row {row[1]} points at a missing {row[2]}")
        for query, message in _INVARIANTS:
            problems.extend(message.format(*row) for row in connection.execute(text(query)))
        problems.extend(chain_problems(connection))
    with reading(engine) as session:
        problems.extend(_code_problems(session))
    return problems


def _code_problems(session: Session) -> list[str]:
    problems = []
    for kind, label, codes in (
        (CodeKind.FAMILY, "family", select(Family.code)),
        (CodeKind.ITEM, "item", select(Item.code)),
        (CodeKind.SLIP, "slip", select(Handout.code)),
    ):
        highest = 0
        for (code,) in session.execute(codes):
            try:
                parsed = parse_scan(code)
            except CodeError:
                problems.append(f"{label} code {code} has a wrong check character")
                continue
            if parsed.kind == kind and parsed.text == code:
                highest = max(highest, parsed.number)
        counter = session.get(CodeCounter, kind.value)
        if counter is None or counter.last_number < highest:
            behind = f"the {label} code counter is behind the highest code"
            problems.append(f"{behind} ({kind.value} number {highest})")
    return problems
