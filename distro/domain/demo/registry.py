"""Provides `create_demo`: demo users, demo households registered through the real services
by the demo coordinator, and the demo's stock."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlmodel import Session

from distro.domain.core.access import Actor, Role
from distro.domain.demo.handouts import create_demo_handouts
from distro.domain.demo.households import demo_families, registered_at
from distro.domain.demo.near_duplicates import DUPLICATE_REASONS, near_duplicates
from distro.domain.demo.stock import create_demo_stock
from distro.domain.families.duplicates import PossibleDuplicates
from distro.domain.families.models import Family, FamilyStatus
from distro.domain.families.registry import change_status, register_family
from distro.domain.families.schemas import FamilyIn, StatusChange
from distro.domain.users.accounts import actor_of, add_demo_users, find_user

DEMO_SEED = 852
DEMO_FAMILIES = 300
DEMO_ACTOR = "demo"
"""Who the benchmarks' bulk-written families were created by."""
DEMO_PIN = "1234"
"""Every demo user's PIN; the demo's sign-in screen shows it (a real database refuses it)."""
DEMO_USERS = (Role.ADMIN, Role.VOLUNTEER, Role.COORDINATOR)
"""One demo user per role, named after the role; the admin adds the others."""
STATUS_CHANGES: tuple[tuple[FamilyStatus, float, tuple[str, ...]], ...] = (
    (
        FamilyStatus.SUSPENDED,
        0.03,
        (
            "Did not collect for three months; suspended until they call",
            "Phone number no longer works; suspended until we hear from them",
        ),
    ),
    (
        FamilyStatus.RESETTLED,
        0.02,
        (
            "Resettled to Canada; farewell pack given",
            "Resettled to the United States",
            "Resettled to Australia under a family reunion visa",
        ),
    ),
    (FamilyStatus.LEFT_HK, 0.01, ("Left Hong Kong after the claim was withdrawn",)),
)
"""Status a few families reach over time: how often, and the reasons a volunteer writes."""


def create_demo(
    session: Session,
    *,
    now: datetime,
    count: int = DEMO_FAMILIES,
    seed: int = DEMO_SEED,
) -> int:
    """Register `count` demo households through the real services; returns how many.

    Households that look like one already registered are skipped (the demo should not be full
    of warnings), except a few deliberate near-duplicates registered with a reason, so the
    duplicate warning and merging can be shown. A few families then change status, and the
    stock gets its catalogue and months of movements (`create_demo_stock`), and the counter
    its rounds and handouts (`create_demo_handouts`).
    Refused (Conflict) on a database that already has users: it is for a new demo database.
    """
    actor = create_demo_users(session, now=now)
    generated = demo_families(count + count // 5 + 5, seed, now.date())
    households = enumerate(sorted(generated, key=lambda data: data.consent_date or now.date()))
    wanted_duplicates = len(DUPLICATE_REASONS) if count >= 20 else 0
    registered = _register_households(session, households, count - wanted_duplicates, actor, now)
    rng = random.Random(seed)
    duplicates = near_duplicates([data for _, data in registered], rng, now.date())
    duplicates = duplicates[:wanted_duplicates]
    missing = wanted_duplicates - len(duplicates)
    registered += _register_households(session, households, missing, actor, now)
    for data, reason in duplicates:
        register_family(session, data, actor=actor, now=now, duplicate_reason=reason)
    _change_some_statuses(session, [family for family, _ in registered], rng, actor, now)
    create_demo_stock(session, now=now, seed=seed)
    create_demo_handouts(session, now=now, seed=seed)
    return len(registered) + len(duplicates)


def create_demo_users(session: Session, *, now: datetime) -> Actor:
    """The demo's users, one per role, all with the demo PIN; returns the coordinator."""
    add_demo_users(session, list(DEMO_USERS), DEMO_PIN, now=now)
    return actor_of(find_user(session, Role.COORDINATOR.value))


def _register_households(
    session: Session,
    households: Iterator[tuple[int, FamilyIn]],
    count: int,
    actor: Actor,
    now: datetime,
) -> list[tuple[Family, FamilyIn]]:
    """Register up to `count` of the households, skipping any that look like another."""
    registered: list[tuple[Family, FamilyIn]] = []
    while len(registered) < count:
        index, data = next(households, (-1, None))
        if data is None:
            break
        try:
            family = register_family(
                session, data, actor=actor, now=registered_at(data, index, now)
            )
        except PossibleDuplicates:
            continue
        registered.append((family, data))
    return registered


def _change_some_statuses(
    session: Session, families: list[Family], rng: random.Random, actor: Actor, now: datetime
) -> None:
    """Suspend a few families and mark a few as resettled or gone, as happens over time."""
    for family in families:
        change = _drawn_status_change(rng)
        if change is not None and family.id is not None:
            when = min(now, family.created_at + timedelta(days=rng.randint(30, 400)))
            change_status(session, family.id, change, actor=actor, now=when)


def _drawn_status_change(rng: random.Random) -> StatusChange | None:
    draw = rng.random()
    for status, share, reasons in STATUS_CHANGES:
        if draw < share:
            return StatusChange(status=status, reason=rng.choice(reasons))
        draw -= share
    return None
