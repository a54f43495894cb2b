"""Provides `distro bench`: how fast and how big the app is on a large synthetic registry.

Each size gets its own database in a temp folder, filled by `bulk_synthetic`. Startup and
memory are measured in child processes (see distro.bench.child), each started cold and the
same way as a bare Textual app with the sign-in screen's widgets, so the figures are ratios
to what any Textual app costs on this machine. Search and scan latency are measured on the
real app in this process, keys posted as a terminal posts them, up to the frame that shows
the result. A stock ledger sized with the registry (distro.bench.stock), then ten past handouts
per family and the counter serving families (distro.bench.handouts), are measured in the same
database. The goals are the ones the issues asking for these figures set.
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from distro.bench.access import measure_access
from distro.bench.figures import (
    Memory,
    SearchFigures,
    SizeReport,
    Startup,
    access_checks,
    compare_sizes,
    goals,
    handout_checks,
    machine,
    size_checks,
    stock_checks,
)
from distro.bench.handouts import (
    measure_handouts,
)
from distro.bench.plan import BENCH_PIN, BENCH_VOLUNTEER, BenchError, Keystroke, Plan, Timings
from distro.bench.stock import (
    ledger_items,
    measure_stock,
)
from distro.bench.timing import percentiles

WORK_PLAN_SIZE = (4, 2)
"""Name prefixes and phone fragments the `work` child types: 4 x 3 + 2 x 4 = 20 searches
(after a warm-up search and scan), then it scans one code."""
CHILD_TIMEOUT_S = 300
"""Longest a child process may run: like WAIT_SECONDS, a bound for a stuck app."""

Progress = Callable[[str], None]


@dataclass
class BenchOptions:
    """How much to measure; the defaults are what the issue asked for."""

    repeats: int = 5
    """Cold processes per kind (bare, distro, distro after work); the median is kept."""
    warmups: int = 1
    """Extra processes first, not counted: they compile bytecode and fill the page cache."""
    samples: int = 120
    """Queries per kind: name prefixes of 1-3 letters, phone fragments of 3-4 digits."""
    scans: int = 50
    seed: int = 852
    progress: Progress = field(default=lambda message: None)


def run_bench(sizes: Sequence[int], options: BenchOptions) -> dict[str, Any]:
    """Measure every size, compare the smallest with the largest; a JSON-ready object."""
    reports = [bench_size(families, options) for families in sizes]
    return bench_object(reports)


def bench_object(reports: Sequence[SizeReport]) -> dict[str, Any]:
    """The `--json` object: the machine, the goals, each size, and the cross-size checks."""
    ordered = sorted(reports, key=lambda report: report.families)
    comparisons = compare_sizes(ordered[0], ordered[-1]) if len(ordered) > 1 else []
    return {
        "machine": machine(),
        "goals": goals(),
        "sizes": [asdict(report) for report in ordered],
        "comparisons": [asdict(check) for check in comparisons],
    }


def bench_size(families: int, options: BenchOptions) -> SizeReport:
    """Build a registry of `families` households in a temp folder and measure everything."""
    with tempfile.TemporaryDirectory(prefix="distro-bench-") as name:
        folder = Path(name)
        options.progress(f"{families:,} families: building the database ...")
        engine, build_s = build_database(folder, families, options.seed)
        try:
            plan = sample_plan(engine, options)
            options.progress(f"{families:,} families: cold starts, bare app and distro ...")
            startup, memory = measure_processes(str(engine.url), folder, plan, options)
            options.progress(f"{families:,} families: search as you type and scans ...")
            timings = drive_app(engine, folder, plan)
            names = search_figures(engine, timings.names)
            phones = search_figures(engine, timings.phones)
            options.progress(f"{families:,} families: audited edits and sign-in ...")
            access = measure_access(engine, BENCH_VOLUNTEER, BENCH_PIN)
            items = ledger_items(families)
            options.progress(f"{families:,} families: stock ledger of {items:,} items ...")
            stock = measure_stock(engine, items, options.seed)
            options.progress(f"{families:,} families: past handouts and the counter ...")
            handouts = measure_handouts(engine, options.seed)
        finally:
            engine.dispose()
    scan = percentiles(timings.scans)
    checks = size_checks(startup, memory, names, phones, scan)
    checks += access_checks(access) + stock_checks(stock) + handout_checks(handouts)
    return SizeReport(
        families, build_s, startup, memory, names, phones, scan, checks, access, stock, handouts
    )


def build_database(folder: Path, families: int, seed: int) -> tuple[Engine, float]:
    """A migrated SQLite database with `families` synthetic households; seconds it took."""
    from distro.domain.core.clock import utc_now
    from distro.domain.demo import bulk_synthetic
    from distro.launch import open_engine
    from distro.settings import load_settings

    start = time.perf_counter()
    settings = load_settings({}, str(folder / "bench.sqlite3"))
    engine = open_engine(settings, create=True, notice=partial(print, file=sys.stderr))
    bulk_synthetic(engine, families, seed, utc_now())
    add_bench_users(engine)
    return engine, time.perf_counter() - start


def add_bench_users(engine: Engine) -> None:
    """An admin, and the volunteer the benchmark signs in as."""
    from distro.domain.core.access import Role
    from distro.domain.core.clock import utc_now
    from distro.domain.core.db import unit_of_work
    from distro.domain.users.accounts import add_first_admin, add_user

    with unit_of_work(engine) as session:
        admin = add_first_admin(session, "Bench admin", BENCH_PIN, now=utc_now())
        add_user(session, BENCH_VOLUNTEER, Role.VOLUNTEER, BENCH_PIN, actor=admin, now=utc_now())


def sample_plan(engine: Engine, options: BenchOptions) -> Plan:
    """Queries drawn from the registry: 3-letter starts of real name words, 4-digit pieces of
    real phones, and codes of families that are not merged (their code opens themselves)."""
    from sqlmodel import col, select

    from distro.domain.core.db import reading
    from distro.domain.core.names import name_words
    from distro.domain.families.models import Family, Member, Phone
    from distro.domain.families.phones import local_digits

    rng = random.Random(options.seed)
    name_count, phone_count = math.ceil(options.samples / 3), math.ceil(options.samples / 2)
    with reading(engine) as session:
        rows = session.exec(select(Family.id, Family.code).where(Family.status != "merged"))
        families = [(code, family_id) for family_id, code in rows if family_id is not None]
        picked = rng.sample(families, min(len(families), 2 * (name_count + phone_count)))
        ids = [family_id for _code, family_id in picked]
        full_names = session.exec(select(Member.full_name).where(col(Member.family_id).in_(ids)))
        numbers = session.exec(select(Phone.number).where(col(Phone.family_id).in_(ids))).all()
    words = {w[:3] for name in full_names for w in name_words(name) if w[:3].isalpha()}
    starts = sorted(start for start in words if len(start) == 3)
    digits = [local_digits(number) for number in numbers if len(local_digits(number)) >= 4]
    pieces = [(d, rng.randrange(len(d) - 3)) for d in rng.choices(digits, k=phone_count)]
    return Plan(
        names=rng.choices(starts, k=name_count),
        phones=[number[start : start + 4] for number, start in pieces],
        scans=rng.sample(families, min(len(families), options.scans)),
    )


def measure_processes(
    database_url: str, folder: Path, plan: Plan, options: BenchOptions
) -> tuple[Startup, Memory]:
    """Cold starts, interleaved so a busy moment of the machine hits every kind alike."""
    names, phones = WORK_PLAN_SIZE
    work = Plan(plan.names[:names], plan.phones[:phones], plan.scans[:1])
    arguments = {
        "bare": [],
        "distro": [database_url, str(folder / "slips")],
        "work": [database_url, str(folder / "slips"), work.to_json()],
    }
    runs: dict[str, list[tuple[float, float]]] = {mode: [] for mode in arguments}
    for round_number in range(options.warmups + options.repeats):
        for mode, extra in arguments.items():
            result = spawn(mode, extra, folder)
            if round_number >= options.warmups:
                runs[mode].append(result)
    seconds = {mode: statistics.median(s for s, _kb in results) for mode, results in runs.items()}
    kib = {mode: statistics.median(kb for _s, kb in results) for mode, results in runs.items()}
    ratio = seconds["distro"] / seconds["bare"]
    bare_runs, distro_runs = (
        [round(1000 * s, 1) for s, _kb in runs[m]] for m in ("bare", "distro")
    )
    startup = Startup(
        1000 * seconds["bare"], 1000 * seconds["distro"], ratio, bare_runs, distro_runs
    )
    bare, first, after = kib["bare"] / 1024, kib["distro"] / 1024, kib["work"] / 1024
    return startup, Memory(bare, first, after, first / bare, after / bare)


def spawn(mode: str, arguments: list[str], folder: Path) -> tuple[float, float]:
    """Start one child; seconds from spawn to its first frame (0 for `work`), and peak KiB."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    command = [sys.executable, "-m", "distro.bench.child", mode, *arguments]
    spawned = time.monotonic()
    try:
        finished = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=folder,
            env=environment,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"the {mode} child process ran past {CHILD_TIMEOUT_S} s") from None
    if finished.returncode != 0:
        raise BenchError(f"the {mode} child process failed:\n{finished.stderr[-2000:]}")
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    frame_at = float(result.get("frame_at", spawned))
    return frame_at - spawned, float(result["peak_kb"])


def drive_app(engine: Engine, folder: Path, plan: Plan) -> Timings:
    """Search and scan timings from the real app, run headless in this process."""
    from distro.bench.driver import drive
    from distro.printing.printers import FolderPrinter
    from distro.settings import Settings
    from distro.tui.app import DistroApp

    settings = Settings(database_url=str(engine.url), slips_dir=folder / "slips")
    return drive(DistroApp(settings, engine, FolderPrinter(settings.slips_dir)), plan)


def search_figures(engine: Engine, strokes: list[Keystroke]) -> SearchFigures:
    """Service, shown and painted latency of the queries the driver typed."""
    return SearchFigures(
        service=percentiles(service_times(engine, [stroke.query for stroke in strokes])),
        shown=percentiles([stroke.shown_s for stroke in strokes]),
        painted=percentiles([stroke.painted_s for stroke in strokes]),
    )


def service_times(engine: Engine, queries: list[str]) -> list[float]:
    """Seconds per query for search_families alone, in a fresh session as the worker does."""
    from distro.domain.core.db import reading
    from distro.domain.families.search import search_families

    times = []
    for query in queries:
        start = time.perf_counter()
        with reading(engine) as session:
            search_families(session, query)
        times.append(time.perf_counter() - start)
    return times
