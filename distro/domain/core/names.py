"""Provides the normalised keys that make names findable across spellings and scripts.

A volunteer types "mohamed" and the card says "Muhammad Al-Hassan"; a name is written
"NGUYỄN Thị" once and "nguyen thi" the next time. Keys are casefolded, stripped of accents,
split into words on spaces, hyphens and apostrophes, and each word has a canonical form that
folds common romanisation variants together. Letters of every script (Tamil, Arabic, Amharic,
Chinese ...) are kept as they are, so those names are searchable too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD_SPLIT = re.compile(r"[\s\-‐‑‒–—'’`.,/()]+")

# Spellings that the same person is registered under in different documents.
_VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("muhammad", "mohammed", "mohamed", "mohammad", "muhammed", "mohamad", "mohamud", "mahomed"),
    ("chan", "chen"),
    ("wong", "huang", "wang"),
    ("lee", "li", "lie"),
    ("cheung", "zhang", "chang"),
    ("ahmed", "ahmad", "ahmet"),
    ("hussain", "hussein", "husain", "hossain", "hosseini"),
    ("abdul", "abdel", "abdal", "abd"),
    ("mustafa", "mostafa", "moustafa"),
    ("yusuf", "yousef", "youssef", "yousuf", "yusef"),
    ("ibrahim", "ebrahim", "ibraheem"),
    ("osman", "othman", "usman", "uthman"),
    ("fatima", "fatma", "fatimah", "fathima"),
    ("aisha", "ayesha", "aysha", "aishah"),
    ("mariam", "maryam", "miriam", "mariyam"),
    ("nguyen", "nguyenn"),
    ("siddiqui", "siddiqi", "sadiqi"),
    ("rahman", "rehman"),
    ("khadija", "khadijah", "khadeeja"),
)
_UNDECOMPOSABLE = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i"})
_CANONICAL = {variant: group[0] for group in _VARIANT_GROUPS for variant in group}


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Casefold and strip accents, keeping letters and digits of every script.

    Decomposing first (NFKD) turns styled letters pasted from social media into plain ones
    before casefolding; folding twice gives the same result as folding once. Remembered:
    a duplicate check compares a name with hundreds of candidates whose names repeat, and an
    import of thousands of households folds the same names again and again.
    """
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    kept = "".join(ch for ch in decomposed if not _is_optional_mark(ch))
    plain = unicodedata.normalize("NFKD", kept.translate(_UNDECOMPOSABLE))
    return unicodedata.normalize("NFC", "".join(ch for ch in plain if not _is_optional_mark(ch)))


def _is_optional_mark(mark: str) -> bool:
    """Latin accents (U+0300-U+036F) and Arabic short-vowel marks (harakat), which names are
    written with or without. Other scripts' marks are vowels of the word and must stay."""
    code = ord(mark)
    return 0x0300 <= code <= 0x036F or 0x064B <= code <= 0x065F or code == 0x0670


def name_words(text: str) -> list[str]:
    """The folded words of a name, in order, without punctuation."""
    return [word for word in _WORD_SPLIT.split(fold(text)) if word]


def canonical_word(word: str) -> str:
    """One spelling for every known romanisation variant of `word` (already folded)."""
    return _CANONICAL.get(word, word)


@lru_cache(maxsize=65_536)
def canonical_name(text: str) -> str:
    """The name as sorted canonical words: equal for "Chen Mei Ling" and "LING mei chan".

    Remembered, as `fold` is: each candidate's name is compared again for every new name."""
    return " ".join(sorted(canonical_word(word) for word in name_words(text)))


def search_words(text: str) -> set[str]:
    """Every key a name can be found by: its words, their canonical spellings, and each pair of
    neighbouring words joined, so that "Mei Ling" and "Meiling" find each other."""
    words = name_words(text)
    canonical = [canonical_word(word) for word in words]
    joined = {first + second for first, second in zip(canonical, canonical[1:], strict=False)}
    return set(words) | set(canonical) | joined
