"""Provides what a scanned code refers to, for the scan line and `distro scan`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from distro.domain.codes import CodeKind, parse_scan
from distro.domain.families import find_family_by_code
from distro.domain.search import describe_families


@dataclass(frozen=True)
class ScanResult:
    """The thing a code names: its kind, its id, and one line describing it."""

    kind: CodeKind
    target_id: int
    description: str


def resolve_scan(session: Session, scanned: str) -> ScanResult:
    """What `scanned` names, or CodeError / NotFound saying plainly why it names nothing."""
    code = parse_scan(scanned)
    family = find_family_by_code(session, code.text)
    assert family.id is not None
    [hit] = describe_families(session, [family.id])
    via = "" if family.code == code.text else f" (card {code.text} was merged into it)"
    return ScanResult(
        kind=CodeKind.FAMILY,
        target_id=family.id,
        description=f"family {family.code}{via}: {hit.household_size} members, "
        f"{hit.district}, {hit.status}",
    )
