"""Provides `distro bench`: build synthetic registries, time the app on them, print the figures."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, refuse, say
from distro.commands.arguments import file_name

if TYPE_CHECKING:
    from distro.bench.figures import Check, SizeReport
    from distro.bench.handouts import HandoutFigures
    from distro.bench.timing import Percentiles

DESCRIPTION = """\
Builds a synthetic registry of N households in a temp folder (your database is never
touched) and measures, next to a bare Textual app with the same widgets started the same way:
startup to first frame and peak memory (cold processes, medians), search-as-you-type latency
for 1-3 letter name prefixes and 3-4 digit phone fragments (key to results in the table; the
frame that shows them is reported too), and scan to family screen shown. A stock ledger
grows with the registry, one item per 10 households up to 2,000 items (so from 20,000
households on, 2,000 items, 50,000 lots and 500,000 movements): the stock levels view, and an
issue committed next to a bare SQLite insert in its own transaction on the same file.
Then ten past rounds with one handout of five lines per family (200,000 handouts at 20,000
households) and an open round: a card scanned to the entitlement shown, the handout confirmed
to committed, and its slip rendered as a receipt-roll PDF.
Give several sizes (--families 20000 100000) or a saved --json output (--compare-with) to also
check how the figures grow from the smallest registry to the largest.
With --import, only imports are timed: families files of 1,000, 3,000 and 10,000 member rows
(as coordinators fill them, with repeated names) each imported into a new database.
Progress goes to stderr; a figure that misses its goal does not change the exit status."""


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the bench command."""
    bench = subparsers.add_parser(
        "bench",
        parents=[common],
        help="measure startup, search, scan, memory, stock and the counter on a synthetic registry",
        description=DESCRIPTION,
    )
    bench.add_argument(
        "--families",
        type=_positive,
        nargs="+",
        default=[20_000],
        metavar="N",
        help="households in the synthetic registry; several sizes are measured in turn "
        "(default: 20000)",
    )
    bench.add_argument(
        "--import",
        dest="imports",
        action="store_true",
        help="time only importing families files of 1,000, 3,000 and 10,000 member rows",
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object, no table")
    bench.add_argument(
        "--compare-with",
        type=file_name,
        metavar="FILE",
        help="a saved --json output whose sizes join this run's for the growth checks",
    )
    bench.add_argument("--repeats", type=_positive, default=5, help="cold starts per kind")
    bench.add_argument("--samples", type=_positive, default=120, help="queries per kind")
    bench.add_argument("--scans", type=_positive, default=50, help="codes scanned")
    bench.add_argument("--seed", type=int, default=852, help="seed of the synthetic data")
    bench.set_defaults(run=bench_command)


def bench_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Run the benchmark; the database of `context` is not used."""
    from distro.bench.figures import SizeReport

    if args.imports:
        return import_bench(args)
    from distro.bench.plan import BenchError
    from distro.bench.run import BenchOptions, bench_object, bench_size

    earlier: list[SizeReport] = []
    if args.compare_with is not None:
        try:
            saved = json.loads(args.compare_with.read_text(encoding="utf-8"))
            earlier = [SizeReport.from_dict(size) for size in saved["sizes"]]
        except (OSError, ValueError, KeyError, TypeError) as error:
            return refuse(f"cannot read {args.compare_with} as bench output: {error}")
    options = BenchOptions(
        repeats=args.repeats,
        samples=args.samples,
        scans=args.scans,
        seed=args.seed,
        progress=_progress,
    )
    try:
        measured = [bench_size(families, options) for families in args.families]
    except BenchError as error:
        return refuse(f"bench stopped: {error}")
    kept = [report for report in earlier if report.families not in set(args.families)]
    result = bench_object([*kept, *measured])
    say(json.dumps(result, indent=2) if args.json else render_table(result))
    return 0


def import_bench(args: argparse.Namespace) -> int:
    """Time importing families files of each size; print the figures."""
    from distro.bench.figures import machine
    from distro.bench.imports import IMPORT_ROWS, measure_imports
    from distro.bench.plan import BenchError

    try:
        figures = measure_imports(IMPORT_ROWS, args.seed, _progress)
    except BenchError as error:
        return refuse(f"bench stopped: {error}")
    result = {"machine": machine(), "imports": asdict(figures)}
    say(json.dumps(result, indent=2) if args.json else render_import_table(result))
    return 0


def render_import_table(result: dict[str, Any]) -> str:
    """Each file's import time, then the goals, as plain text."""
    from distro.bench.figures import Check

    imports = result["imports"]
    lines = [_machine_line(result["machine"]), "", "Importing families files"]
    lines += [
        f"  {run['member_rows']:>7,} member rows ({run['households']:,} households): "
        f"{run['seconds']:.1f} s, {1000 * run['seconds'] / run['member_rows']:.2f} ms a row"
        for run in imports["runs"]
    ]
    lines += [_check_line(Check(**found)) for found in imports["checks"]]
    return "\n".join(lines)


def render_table(result: dict[str, Any]) -> str:
    """Each size's figures and goals, then the growth checks, as plain text."""
    from distro.bench.figures import Check, SizeReport

    lines = [_machine_line(result["machine"])]
    for size in result["sizes"]:
        lines += _size_lines(SizeReport.from_dict(size))
    if result["comparisons"]:
        lines += ["", "Growth from the smallest registry to the largest"]
        lines += [_check_line(Check(**check)) for check in result["comparisons"]]
    return "\n".join(lines)


def _machine_line(machine: dict[str, str]) -> str:
    return (
        f"Python {machine['python']}, Textual {machine['textual']}, {machine['cpus']} CPUs, "
        f"load {machine['load_average']} (other work on the machine shows in every figure)"
    )


def _size_lines(report: SizeReport) -> list[str]:
    startup, memory, scan = report.startup, report.memory, report.scan
    lines = [
        "",
        f"{report.families:,} families (database built in {report.build_s:.1f} s)",
        f"  {'figure':<40} {'value':>9}  {'goal':>8}",
        *(_check_line(check) for check in report.checks),
        f"  startup (median ms): distro {startup.distro_ms:.0f} of {_runs(startup.distro_runs_ms)}"
        f"; bare Textual app {startup.bare_ms:.0f} of {_runs(startup.bare_runs_ms)}",
        f"  memory: bare {memory.bare_mb:.1f} MiB, distro at first frame "
        f"{memory.first_frame_mb:.1f} MiB, after ~20 searches and 2 scans "
        f"{memory.after_work_mb:.1f} MiB",
    ]
    for label, figures in (("names", report.search_names), ("phones", report.search_phones)):
        lines.append(
            f"  search {label} (p50/p95 ms, {figures.painted.count} keys): "
            f"query {_pair(figures.service)}, in table {_pair(figures.shown)}, "
            f"on screen {_pair(figures.painted)}"
        )
    lines.append(f"  scan (p50/p95 ms, {scan.count} codes): {_pair(scan)}")
    if report.access:
        access = report.access
        lines.append(
            f"  family edit (median ms, each committed): {access.edit_plain_ms:.1f} alone, "
            f"{access.edit_audited_ms:.1f} with role check and audit row; "
            f"sign-in {access.sign_in_ms:.0f} ms"
        )
    if report.stock:
        stock = report.stock
        lines += [
            f"  stock ({stock.items:,} items, {stock.lots:,} lots, {stock.movements:,} movements, "
            f"written in {stock.build_s:.1f} s; p50/p95 ms):",
            f"    levels view {stock.levels_p50_ms:.1f}/{stock.levels_p95_ms:.1f}; "
            f"issue committed {stock.issue_p50_ms:.2f}/{stock.issue_p95_ms:.2f}; "
            f"bare insert committed {stock.bare_insert_p50_ms:.2f}/{stock.bare_insert_p95_ms:.2f}",
        ]
    if report.handouts:
        lines += _handout_lines(report.handouts)
    return lines


def _handout_lines(handouts: HandoutFigures) -> list[str]:
    return [
        f"  counter: {handouts.past_handouts:,} past handouts in {handouts.past_rounds} rounds, "
        f"{handouts.past_lines:,} lines, written in {handouts.build_s:.1f} s",
        f"    p50/p95 ms of {handouts.visits} families: scan to entitlement "
        f"{handouts.scan_p50_ms:.1f}/{handouts.scan_p95_ms:.1f}; confirm to committed "
        f"{handouts.confirm_p50_ms:.1f}/{handouts.confirm_p95_ms:.1f}; slip PDF "
        f"{handouts.slip_p50_ms:.1f}/{handouts.slip_p95_ms:.1f}",
    ]


def _check_line(check: Check) -> str:
    value = (
        f"{check.value:.2f}{check.unit}" if check.unit == "x" else f"{check.value:.1f} {check.unit}"
    )
    goal = (
        f"<= {check.goal:g}{check.unit}" if check.unit == "x" else f"<= {check.goal:g} {check.unit}"
    )
    return f"  {check.figure:<40} {value:>9}  {goal:>8}  {'PASS' if check.passed else 'MISS'}"


def _runs(milliseconds: list[float]) -> str:
    return " ".join(f"{value:.0f}" for value in milliseconds)


def _pair(figures: Percentiles) -> str:
    return f"{figures.p50_ms:.1f}/{figures.p95_ms:.1f}"


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
