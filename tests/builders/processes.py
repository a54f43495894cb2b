"""Counters in processes of their own on one SQLite file, released together at a start line."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing import Queue

START_TIMEOUT = 120.0
"""Seconds a counter waits for the others at the start line: spawning interpreters that import
SQLAlchemy and pydantic on a busy two-core machine takes a while."""
RESULT_TIMEOUT = 300.0


def released_together(target: Callable[..., None], arguments: list[tuple[Any, ...]]) -> list[Any]:
    """Start one process per tuple in `arguments`, running `target(*tuple, start, out)`:
    `start` is a barrier they all wait at, `out` the queue each puts its one result on. The
    results, in the order they arrive.

    The processes are forked from a clean server process that has imported `target`'s module
    once (a fork of the test process itself could inherit its threads' locks), so sixty
    counters do not each pay for importing SQLAlchemy and pydantic."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([target.__module__])
    start = context.Barrier(len(arguments))
    out: Queue[Any] = context.Queue()
    processes = [context.Process(target=target, args=(*args, start, out)) for args in arguments]
    for process in processes:
        process.start()
    try:
        return [out.get(timeout=RESULT_TIMEOUT) for _process in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
                process.join()
