"""Provides the benchmark's counter figures: a card scanned to the family's entitlement, the
handout confirmed to committed, and its slip rendered as a PDF, next to a history of ten past
handouts per family (written by distro.bench.handout_history, not timed).

The scan is timed as the service the counter screen calls on the UI thread when a card is
scanned, `entitlement_for_code` in a fresh reading session, not through the app like the
families scan: that service is the part that grows with the registry and the history, and the
app's own share (the key posted, the table drawn, Textual's frame pacing) is what the families
scan figure already shows on the same machine.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlmodel import col, select

from distro.bench.handout_history import Distribution, build_distribution
from distro.bench.plan import BENCH_VOLUNTEER
from distro.bench.timing import percentiles
from distro.domain.core.access import Actor, Role
from distro.domain.core.clock import utc_now
from distro.domain.core.db import reading, unit_of_work
from distro.domain.distribution.entitlement import Entitlement, entitlement_for_code
from distro.domain.distribution.handout_request import entitled_request
from distro.domain.distribution.handouts import hand_out
from distro.domain.distribution.models import DistributionRound
from distro.domain.distribution.slips import slip_view
from distro.domain.families.models import Family, FamilyStatus
from distro.printing.slip import SlipLayout
from distro.printing.slip_pdf import slip_pdf

COUNTER_SCAN_P95_GOAL_MS = 50.0
CONFIRM_P95_GOAL_MS = 30.0
SLIP_P95_GOAL_MS = 100.0
VISITS = 200
"""Families scanned and served at the counter, after one more that warms the caches up."""
SLIPS = 100
UNITS_PER_VISIT = 20
"""Fresh stock of every basket item per visit, several times what a household's rules give
on average, so no handout is refused for stock."""
ORGANISATION = "Bench food bank"
VOLUNTEER = Actor(name=BENCH_VOLUNTEER, role=Role.VOLUNTEER)

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class HandoutFigures:
    """The counter measured on a large distribution history, in milliseconds."""

    past_rounds: int
    past_handouts: int
    past_lines: int
    build_s: float
    """Writing the basket, the rounds and the history; not a goal."""
    visits: int
    """Families scanned and served in the open round."""
    scan_p50_ms: float
    scan_p95_ms: float
    """entitlement_for_code in a fresh session: what the counter shows on a scan."""
    confirm_p50_ms: float
    confirm_p95_ms: float
    """hand_out of the whole entitlement in its own unit of work, up to the commit."""
    slip_p50_ms: float
    slip_p95_ms: float
    """slip_view in a fresh session, then the receipt-roll PDF rendered."""


@dataclass
class _Counter:
    """The seconds each step took, warm-up first, and the handouts written."""

    scans: list[float]
    confirms: list[float]
    handout_ids: list[int]


def measure_handouts(engine: Engine, seed: int) -> HandoutFigures:
    """Write the history and an open round, then serve families at the counter and print
    their slips."""
    start = time.perf_counter()
    history = build_distribution(engine, seed, utc_now(), UNITS_PER_VISIT * (VISITS + 1))
    build_s = time.perf_counter() - start
    counter = _serve(engine, history.round_id, _visitors(engine, seed))
    slips = [
        _timed(_slip, engine, handout_id)[0] for handout_id in counter.handout_ids[: SLIPS + 1]
    ]
    return _figures(history, build_s, counter, slips)


def _visitors(engine: Engine, seed: int) -> list[str]:
    """Card codes of active families, who may collect in the open round."""
    with reading(engine) as session:
        codes = session.exec(
            select(Family.code)
            .where(Family.status == FamilyStatus.ACTIVE.value, col(Family.merged_into_id).is_(None))
            .order_by(col(Family.id))
        ).all()
    return random.Random(seed).sample(list(codes), min(len(codes), VISITS + 1))


def _serve(engine: Engine, round_id: int, codes: list[str]) -> _Counter:
    """Each family scanned, then its whole entitlement handed out, as at the counter."""
    with reading(engine) as session:
        distribution = session.get(DistributionRound, round_id)
    assert distribution is not None
    counter = _Counter([], [], [])
    for code in codes:
        seconds, entitlement = _timed(_scan, engine, distribution, code)
        counter.scans.append(seconds)
        seconds, handout_id = _timed(_confirm, engine, entitlement)
        counter.confirms.append(seconds)
        counter.handout_ids.append(handout_id)
    return counter


def _scan(engine: Engine, distribution: DistributionRound, code: str) -> Entitlement:
    with reading(engine) as session:
        return entitlement_for_code(session, distribution, code, utc_now())


def _confirm(engine: Engine, entitlement: Entitlement) -> int:
    with unit_of_work(engine) as session:
        request = entitled_request(entitlement)
        handed = hand_out(session, request, actor=VOLUNTEER, now=utc_now(), counter="bench")
    return handed.handout_id


def _slip(engine: Engine, handout_id: int) -> bytes:
    with reading(engine) as session:
        view = slip_view(session, handout_id, ORGANISATION)
    return slip_pdf(view, SlipLayout.RECEIPT)


def _timed(step: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> tuple[float, T]:
    """Seconds `step` took, and what it returned."""
    start = time.perf_counter()
    result = step(*args, **kwargs)
    return time.perf_counter() - start, result


def _figures(
    history: Distribution, build_s: float, counter: _Counter, slips: list[float]
) -> HandoutFigures:
    """Percentiles without the first try of each step, which warms the caches up."""

    scan, confirm, slip = (
        percentiles(seconds[1:]) for seconds in (counter.scans, counter.confirms, slips)
    )
    return HandoutFigures(
        past_rounds=history.past_rounds,
        past_handouts=history.handouts,
        past_lines=history.lines,
        build_s=build_s,
        visits=scan.count,
        scan_p50_ms=scan.p50_ms,
        scan_p95_ms=scan.p95_ms,
        confirm_p50_ms=confirm.p50_ms,
        confirm_p95_ms=confirm.p95_ms,
        slip_p50_ms=slip.p50_ms,
        slip_p95_ms=slip.p95_ms,
    )
