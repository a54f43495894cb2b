"""Provides the masked forms of a family's personal data, for screens the queue can read.

The counter PC faces the queue, so by default a screen shows enough to serve the family in
front of it (a first name, the last two digits of a phone) and not enough for someone behind
them to note down who they are or how to reach them. Masks are plain ASCII, so they read the
same on a Linux console, and have a fixed length, so they do not tell how long the value is.
"""

from __future__ import annotations

import unicodedata

PHONE_MASK = "**** **"
"""Stands for every digit of a phone but the last two."""
CLAIM_REF_MASK = "********"
HIDDEN = "(hidden)"
SHOWN_PHONE_DIGITS = 2
_UNSPACED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR")
"""Scripts written without spaces between words, where one 'word' is the whole name."""


def mask_name(full_name: str) -> str:
    """The first name and the initial of the rest: "Amina Yusuf Ali" -> "Amina Y.".

    A single word is already only a first name and is shown as it is, except in scripts
    written without spaces ("陳大文"), where it holds the whole name: then only its first
    character shows ("陳.")."""
    words = full_name.split()
    if not words:
        return ""
    first = words[0]
    if len(words) == 1:
        return f"{_initial(first)}." if _unspaced(first) else first
    if _unspaced(first):
        first = f"{_initial(first)}."
    return f"{first} {_initial(words[1])}."


def mask_phone(number: str) -> str:
    """Only the last two digits, after a mask that hides how many there were: "**** **67"."""
    digits = [character for character in number if character.isdigit()]
    if not digits:
        return ""
    if len(digits) <= SHOWN_PHONE_DIGITS * 2:
        return f"{PHONE_MASK}**"
    return PHONE_MASK + "".join(digits[-SHOWN_PHONE_DIGITS:])


def mask_claim_ref(claim_ref: str) -> str:
    """Nothing of a claim reference: it names the person to the authorities."""
    return CLAIM_REF_MASK if claim_ref.strip() else ""


def mask_address(address: str) -> str:
    """Nothing of an address: it says where the family can be found."""
    return HIDDEN if address.strip() else ""


def mask_names_in(text: str, full_names: list[str]) -> str:
    """`text` with every one of `full_names` in it masked (for sentences such as "Added X")."""
    for name in sorted({name for name in full_names if name.strip()}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def _initial(word: str) -> str:
    """The word's first letter with any accents or vowel signs written on it."""
    initial = word[0]
    for character in word[1:]:
        if not unicodedata.category(character).startswith("M"):
            break
        initial += character
    return initial


def _unspaced(word: str) -> bool:
    name = unicodedata.name(word[0], "")
    return name.startswith(_UNSPACED_SCRIPTS)
