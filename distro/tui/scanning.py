"""Provides ScanDetector: tells a barcode scanner's burst of keys from a person typing.

A USB scanner types like a keyboard, but fast: a whole code in a few milliseconds, then
Enter. The detector watches every key before any widget sees it; when Enter ends a burst of
printable keys that came faster than a person types, the burst is a scan.
"""

from __future__ import annotations

import time
from collections.abc import Callable

MAX_GAP_SECONDS = 0.08
"""Longest pause between two keys of one scan; people type slower than this."""
MIN_LENGTH = 8
"""Shortest burst worth reading as a code (F-000001-0 is 10 characters)."""


class ScanDetector:
    """Feed it every key; it returns the scanned text when Enter ends a fast burst."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, max_gap: float = MAX_GAP_SECONDS
    ) -> None:
        self._clock = clock
        self.max_gap = max_gap
        self._burst: list[str] = []
        self._last_key_at = 0.0

    def feed(self, key: str, character: str | None) -> str | None:
        """The scanned text if `key` completes a scan, else None."""
        now = self._clock()
        gap = now - self._last_key_at
        self._last_key_at = now
        if key == "enter":
            burst, self._burst = "".join(self._burst), []
            return burst if len(burst) >= MIN_LENGTH and gap <= self.max_gap else None
        if character is None or not character.isprintable():
            self._burst = []
            return None
        if gap > self.max_gap:
            self._burst = []
        self._burst.append(character)
        return None


def looks_scannable(text: str) -> bool:
    """Whether a burst of keys is a code or a product barcode. Asked only when a burst ends
    with Enter, so the domain's scan module (and the database layer it needs) is not imported
    before the first frame."""
    from distro.domain.scan import looks_scannable as code_or_product_barcode

    return code_or_product_barcode(text)


def without_scan(value: str, scanned: str) -> str:
    """`value` without the keys of a scan that landed at its end: all of them, or what a length
    limit or a digits-only field let through, which is the scan with some keys left out."""
    unmatched = iter(reversed(scanned))
    kept = len(value)
    while kept and value[kept - 1] in unmatched:
        kept -= 1
    return value[:kept]
