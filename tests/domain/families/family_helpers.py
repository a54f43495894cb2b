"""Reading a family back and building its edits in one line, for the family registry tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from distro.domain.audit.models import AuditEvent
from distro.domain.core.db import reading
from distro.domain.core.inputs import validated
from distro.domain.families.history import family_history
from distro.domain.families.registry import FamilyRecord, load_family
from distro.domain.families.schemas import FamilyDetails, MemberIn
from distro.domain.families.search import search_families


def load(engine: Engine, family_id: int | None) -> FamilyRecord:
    assert family_id is not None
    with reading(engine) as session:
        return load_family(session, family_id)


def history(engine: Engine, family_id: int | None) -> list[AuditEvent]:
    assert family_id is not None
    with reading(engine) as session:
        return family_history(session, family_id)


def details(**changes: Any) -> FamilyDetails:
    return validated(FamilyDetails, {"district": "Sham Shui Po", **changes})


def member(**fields: Any) -> MemberIn:
    return validated(MemberIn, fields)


def found(engine: Engine, query: str) -> list[str]:
    with reading(engine) as session:
        return [hit.code for hit in search_families(session, query)]
