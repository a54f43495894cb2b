"""Name keys: folding, romanisation variants, every script, the words search matches on."""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distro.domain.core.names import canonical_name, canonical_word, fold, name_words, search_words


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Nguyễn", "nguyen"),
        ("NGUYỄN Thị Ánh", "nguyen thi anh"),
        ("Đặng", "dang"),
        ("Müller", "muller"),
        ("Çelik Şahin", "celik sahin"),
        ("Søren Łukasz", "soren lukasz"),
        ("José María", "jose maria"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
    ],
)
def test_fold_strips_latin_accents_and_case(written: str, folded: str) -> None:
    assert fold(written) == folded


def test_fold_is_the_same_for_composed_and_decomposed_input() -> None:
    composed = unicodedata.normalize("NFC", "Nguyễn")
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert composed != decomposed
    assert fold(composed) == fold(decomposed) == "nguyen"


def test_canonical_name_ignores_case_and_word_order() -> None:
    assert canonical_name("Chen Mei Ling") == canonical_name("LING mei chan")
    assert canonical_name("Chen Mei Ling") == "chan ling mei"
    assert canonical_name("Ali Mohammed") == canonical_name("MUHAMMAD ali")


def test_canonical_name_ignores_hyphens_apostrophes_and_extra_spaces() -> None:
    assert canonical_name("Chan Tai-Man") == canonical_name("  chan   tai man ")
    assert name_words("Al-Hassan O'Neil") == ["al", "hassan", "o", "neil"]
    assert name_words("Abd al‑Rahman") == ["abd", "al", "rahman"]  # non-breaking hyphen


@pytest.mark.parametrize(
    "spelling", ["Mohammed", "Muhammad", "Mohamed", "MOHAMMAD", "muhammed", "Mohamad"]
)
def test_romanisation_variants_share_a_canonical_word(spelling: str) -> None:
    assert canonical_word(fold(spelling)) == "muhammad"
    assert canonical_name(f"{spelling} Ali") == canonical_name("Muhammad Ali")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Chan", "Chen"),
        ("Wong", "Huang"),
        ("Cheung", "Zhang"),
        ("Yusuf", "Youssef"),
        ("Fatima", "Fatma"),
        ("Hussein", "Hussain"),
        ("Ahmed", "Ahmad"),
    ],
)
def test_more_variants(one: str, other: str) -> None:
    assert canonical_name(one) == canonical_name(other)


def test_different_names_stay_different() -> None:
    assert canonical_name("Amina Yusuf") != canonical_name("Amir Yusuf")
    assert canonical_word("ali") == "ali"
    assert canonical_name("Chan Tai Man") != canonical_name("Chan Tai Ming")


OTHER_SCRIPTS = [
    "முருகன் செல்வி",  # Tamil: vowel signs are combining marks
    "محمد علي",  # Arabic
    "አበበ በቀለ",  # Amharic (Ge'ez)
    "陳美玲",  # Chinese
    "김민준",  # Korean
    "ধনঞ্জয় দাস",  # Bengali, with a virama
    "नेहा शर्मा",  # Hindi (Devanagari)
    "ශ්‍රී ලංකා",  # Sinhala with a zero-width joiner
]


@pytest.mark.parametrize("name", OTHER_SCRIPTS)
def test_other_scripts_are_kept_as_written(name: str) -> None:
    words = name_words(name)
    assert words
    assert all(words)
    assert " ".join(words) == unicodedata.normalize("NFC", name)
    assert canonical_name(name)


def test_tamil_vowel_signs_are_kept() -> None:
    name = "முருகன்"
    vowel_sign_u = "\u0bc1"
    virama = "\u0bcd"
    assert unicodedata.category(vowel_sign_u).startswith("M")  # a mark, like Latin accents
    assert unicodedata.category(virama) == "Mn"
    assert fold(name) == name
    assert vowel_sign_u in fold(name) and virama in fold(name)
    assert fold("செல்வி") != fold("செல்வ")  # the vowel sign makes a different name


words = st.lists(
    st.text(alphabet=st.characters(categories=["L", "M", "N"]), min_size=1, max_size=8),
    min_size=1,
    max_size=4,
)


@given(words, st.randoms(use_true_random=False))
def test_canonical_name_ignores_order_case_and_spacing_between_words(
    parts: list[str], rng: random.Random
) -> None:
    shuffled = parts[:]
    rng.shuffle(shuffled)
    assert canonical_name(" ".join(parts)) == canonical_name("  ".join(shuffled))
    assert canonical_name(" ".join(parts).upper()) == canonical_name(" ".join(parts).lower())


@given(st.text(max_size=30))
def test_name_words_are_never_empty_or_spaced(text: str) -> None:
    assert all(word and " " not in word for word in name_words(text))


def test_full_width_letters_fold_to_plain_ones() -> None:
    assert fold("ＡＭＩＮＡ Ｙｕｓｕｆ") == "amina yusuf"


@pytest.mark.parametrize(
    ("written", "folded"),
    [("𝐀𝐦𝐢𝐧𝐚 𝐘𝐮𝐬𝐮𝐟", "amina yusuf"), ("Ǣsa", "aesa"), ("Ǿrsted", "orsted")],
)
def test_compatibility_letters_fold_like_plain_ones(written: str, folded: str) -> None:
    assert fold(written) == folded
    assert fold(fold(written)) == fold(written)


def test_search_words_include_words_canonical_forms_and_joined_neighbours() -> None:
    keys = search_words("Mohamed Al-Hassan")
    assert {"mohamed", "muhammad", "al", "hassan", "muhammadal", "alhassan"} <= keys
    assert "meiling" in search_words("Chan Mei Ling")
    assert search_words("Meiling") == {"meiling"}
    assert search_words("") == set()
