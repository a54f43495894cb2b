"""Provides the rules a new PIN must meet: long enough, and not one a guesser tries first.

Someone at a counter left alone, or holding a copy of the database, starts with the most
common PINs (a shipped list drawn from published leaks, data/common_pins.txt), then repeats,
counted runs, keyboard and keypad runs, dates and the user's own name. A PIN that is one of
those is refused in words that say which, so the person choosing knows what to avoid.
PINs chosen before a rule existed keep working (sign-in advises a new one).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date
from functools import cache
from importlib import resources
from itertools import permutations

MIN_PIN_LENGTH = 6
MAX_PIN_LENGTH = 128
KEY_RUNS = (
    "1234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "789456123",
    "147258369",
    "741852963",
)
"""Runs of keys side by side: keyboard rows and columns, and a keypad's rows and columns (a
PIN that is part of one, either way round, is refused)."""
DATE_LAYOUTS = {8: ("YYYYMMDD", "DDMMYYYY", "MMDDYYYY"), 6: ("YYMMDD", "DDMMYY")}
PLAUSIBLE_YEARS = range(1900, 2100)
"""Years a birthday or an anniversary falls in; other 8-digit numbers are not dates."""
LEET = str.maketrans("0134578@$!", "oieastbasi")
"""Digits and symbols put in place of letters ("p@ssw0rd"), read back as the letters."""


def pin_problem(pin: str, *, name: str = "") -> str | None:
    """Why `pin` may not be chosen (by the user called `name`), in words for the person
    choosing it, or None if it may."""
    if len(pin) < MIN_PIN_LENGTH:
        return f"use at least {MIN_PIN_LENGTH} characters (a longer passphrase is safer)"
    if len(pin) > MAX_PIN_LENGTH:
        return f"use at most {MAX_PIN_LENGTH} characters"
    if not pin.isprintable():
        return "use letters, digits and punctuation only"
    reason = guessable_because(pin, name)
    if reason:
        return f"that PIN is too easy to guess: {reason}; choose another"
    return None


def guessable_because(pin: str, name: str = "") -> str | None:
    """Which guess finds `pin` early, or None if none of them does."""
    folded = pin.casefold()
    rules: tuple[tuple[Callable[[str], bool], str], ...] = (
        (lambda text: text in common_pins(), "it is one of the most common PINs"),
        (_repeats, "it repeats the same few characters"),
        (_counts, "it counts up or down"),
        (_runs_along_keys, "it is a run of keys side by side"),
        (_reads_as_date, "it reads as a date"),
        (lambda text: _uses_name(text, name), "it is made from your name"),
        (_common_word_dressed_up, "it is a common word with digits or symbols added"),
    )
    return next((reason for broken, reason in rules if broken(folded)), None)


@cache
def common_pins() -> frozenset[str]:
    """The shipped list of the most common PINs and passwords, case-folded."""
    text = resources.files("distro.data").joinpath("common_pins.txt").read_text("utf-8")
    lines = (line.strip().casefold() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _repeats(pin: str) -> bool:
    """Made of one shorter piece said again: 111111, 121212, 123123, abcabc."""
    return any(
        len(pin) % size == 0 and pin == pin[:size] * (len(pin) // size)
        for size in range(1, len(pin) // 2 + 1)
    )


def _counts(pin: str) -> bool:
    """Every step the same: 123456, 654321, 135791, 890123 (digits wrap round), abcdef."""
    wrap = 10 if pin.isdigit() else 1_114_112
    return len({(ord(b) - ord(a)) % wrap for a, b in zip(pin, pin[1:], strict=False)}) == 1


def _runs_along_keys(pin: str) -> bool:
    return any(pin in run or pin in run[::-1] for run in KEY_RUNS)


def _reads_as_date(pin: str) -> bool:
    """A valid day in one of the usual layouts: 19900101, 01011990, 12311990, 900101, 010190."""
    if not pin.isdigit():
        return False
    return any(_is_day(pin, layout) for layout in DATE_LAYOUTS.get(len(pin), ()))


def _is_day(pin: str, layout: str) -> bool:
    def field(letter: str) -> int:
        return int("".join(digit for digit, at in zip(pin, layout, strict=True) if at == letter))

    year = field("Y")
    if layout.count("Y") == 2:
        year += 2000  # any two-digit year is plausible; 2000 is a leap year like most
    elif year not in PLAUSIBLE_YEARS:
        return False
    try:
        date(year, field("M"), field("D"))
    except ValueError:
        return False
    return True


def _uses_name(pin: str, name: str) -> bool:
    """The name (or part of it, or its parts in another order) with digits or symbols around
    it, or the whole name anywhere in the PIN."""
    parts = [part for part in name.casefold().split() if len(part) >= 2][:4]
    if not parts:
        return False
    letters = "".join(character for character in pin if character.isalpha())
    orders = {
        "".join(order) for count in range(1, len(parts) + 1) for order in permutations(parts, count)
    }
    whole = "".join(parts)
    return letters in orders or whole in "".join(pin.split())


def _common_word_dressed_up(pin: str) -> bool:
    """A listed word with digits or symbols before or after it, or some letters swapped for
    look-alikes: password1, monkey2024, !qwerty!, p@ssw0rd."""
    core = pin.strip(string.digits + string.punctuation + " ")
    return len(core) >= 4 and (core in common_pins() or core.translate(LEET) in common_pins())
