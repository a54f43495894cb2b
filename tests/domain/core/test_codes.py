"""Printable codes: they round-trip, refuse mistypes, and read forgivingly from scanners."""

from __future__ import annotations

import random
import unicodedata
from itertools import count

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distro.domain.core.codes import (
    ALPHABET,
    Code,
    CodeKind,
    check_character,
    format_code,
    parse_scan,
)
from distro.domain.core.errors import CodeError, DomainError

F = CodeKind.FAMILY
numbers = st.integers(min_value=1, max_value=999_999_999)
six_digit_numbers = st.integers(min_value=1, max_value=999_999)
# Characters a volunteer could hit by mistake in the check position: the whole alphabet plus
# the letters Crockford leaves out (I, L, O, U).
CHECK_KEYS = ALPHABET + "ILOU"
READ_AS = {"O": "0", "I": "1", "L": "1"}


def first_number_with_check(character: str) -> int:
    return next(n for n in count(1) if format_code(F, n).endswith(character))


def assert_plain(error: CodeError) -> None:
    """A message a volunteer can read: one line, no Python internals."""
    message = str(error)
    assert message
    assert "\n" not in message and "\r" not in message
    assert "Traceback" not in message and 'File "' not in message
    assert "Error" not in message  # no exception class names
    assert len(message) < 200


def test_format_known_codes() -> None:
    assert format_code(F, 1) == "F-000001-0"
    assert format_code(F, 4217) == "F-004217-B"
    assert format_code(F, 1_234_567) == "F-1234567-5"
    assert Code(F, 4217).text == "F-004217-B"


def test_numbers_start_at_one() -> None:
    with pytest.raises(ValueError):
        format_code(F, 0)


def test_check_character_is_in_the_alphabet_and_differs_between_neighbours() -> None:
    characters = [check_character(f"F{n:06d}") for n in range(1, 200)]
    assert set(characters) <= set(ALPHABET)
    assert all(a != b for a, b in zip(characters, characters[1:], strict=False))


@given(numbers)
def test_every_code_round_trips(number: int) -> None:
    text = format_code(F, number)
    parsed = parse_scan(text)
    assert parsed == Code(F, number)
    assert parsed.text == text


@settings(max_examples=300)
@given(six_digit_numbers)
def test_every_single_substitution_is_refused(number: int) -> None:
    text = format_code(F, number)  # F-NNNNNN-C
    digit_positions = range(2, 8)
    for position in digit_positions:
        for digit in "0123456789":
            if digit != text[position]:
                typo = text[:position] + digit + text[position + 1 :]
                with pytest.raises(CodeError, match="mistyped"):
                    parse_scan(typo)
    check = text[-1]
    for key in CHECK_KEYS:
        if key == check or READ_AS.get(key) == check:
            continue
        with pytest.raises(CodeError):
            parse_scan(text[:-1] + key)


def test_adjacent_transpositions_of_digits_are_mostly_refused() -> None:
    rng = random.Random(20261125)
    refused = tried = 0
    for number in rng.sample(range(1, 1_000_000), 4000):
        digits = f"{number:06d}"
        check = format_code(F, number)[-1]
        for i in range(5):
            if digits[i] == digits[i + 1]:
                continue
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            tried += 1
            try:
                parse_scan(f"F-{swapped}-{check}")
            except CodeError:
                refused += 1
    assert tried > 10_000
    # Luhn mod 32 over digit values 0-9 in fact catches every such swap; 90% is the promise.
    assert refused / tried >= 0.9


@pytest.mark.parametrize(
    "typed", ["f-004217-b", "F-004217-b", "f-004217-B", "F004217B", "f004217b", "F 004217 B"]
)
def test_case_insensitive_and_dashes_or_spaces_optional(typed: str) -> None:
    assert parse_scan(typed) == Code(F, 4217)


@pytest.mark.parametrize("typed", ["F-004217B", "F004217-B", "F 004217-B", "F-004217 B"])
def test_mixed_separators(typed: str) -> None:
    assert parse_scan(typed) == Code(F, 4217)


@pytest.mark.parametrize(
    "scanned",
    [
        "]C1F-004217-B",  # Code 128 AIM symbology identifier
        "]C1F-004217-B\r\n",
        "]c1f004217b\r",
        "F-004217-B\r",
        "F-004217-B\n",
        "  F-004217-B  ",
        "\tF-004217-B\t",
        "\x02F-004217-B\x03",  # STX / ETX framing
        "\x1bF-004217-B\x00",
        "F-004217-\x07B",
        "  ]C1F-004217-B\r\n",
    ],
)
def test_junk_around_a_code_is_ignored(scanned: str) -> None:
    assert parse_scan(scanned) == Code(F, 4217)


junk = st.text(alphabet=st.sampled_from(" \t\r\n\x00\x02\x03\x1b\x7f\u200b"), max_size=5)


@given(six_digit_numbers, junk, junk)
def test_any_whitespace_or_control_junk_around_a_code_is_ignored(
    number: int, before: str, after: str
) -> None:
    assert parse_scan(before + format_code(F, number) + after) == Code(F, number)


def test_o_i_l_read_as_zero_and_one_in_the_check_character() -> None:
    zero = first_number_with_check("0")
    one = first_number_with_check("1")
    zero_text, one_text = format_code(F, zero), format_code(F, one)
    for typed in (zero_text[:-1] + "O", zero_text[:-1] + "o"):
        assert parse_scan(typed) == Code(F, zero)
    for typed in (one_text[:-1] + letter for letter in "IiLl"):
        assert parse_scan(typed) == Code(F, one)


def test_o_is_not_read_as_a_wrong_check_character() -> None:
    not_zero = first_number_with_check("B")
    with pytest.raises(CodeError):
        parse_scan(format_code(F, not_zero)[:-1] + "O")


def test_more_than_six_digits() -> None:
    assert parse_scan("F-1234567-5") == Code(F, 1_234_567)
    assert parse_scan("f12345675") == Code(F, 1_234_567)
    with pytest.raises(CodeError):
        parse_scan("F-1234567-6")


@pytest.mark.parametrize("scanned", ["X-004217-B", "Q004217B", "]C1Z-000001-0"])
def test_unknown_prefix_is_refused_plainly(scanned: str) -> None:
    with pytest.raises(CodeError) as caught:
        parse_scan(scanned)
    assert_plain(caught.value)
    assert "no distro code uses" in str(caught.value)


@pytest.mark.parametrize(
    "typed",
    [
        "hello",
        "Amina Yusuf",
        "12345",
        "9123 4567",
        "F-12345-B",
        "F-004217",
        "F-004217-BX",
        "FF004217B",
    ],
)
def test_non_code_text_is_refused_plainly(typed: str) -> None:
    with pytest.raises(CodeError) as caught:
        parse_scan(typed)
    assert_plain(caught.value)
    assert isinstance(caught.value, DomainError)


@pytest.mark.parametrize("typed", ["", "   ", "\r\n", "\x02\x03", "]C1"])
def test_nothing_scanned(typed: str) -> None:
    with pytest.raises(CodeError, match="Nothing was scanned"):
        parse_scan(typed)


def test_mistyped_code_says_so_plainly() -> None:
    with pytest.raises(CodeError) as caught:
        parse_scan("F-004217-C")
    assert_plain(caught.value)
    assert "mistyped" in str(caught.value)


def test_long_junk_is_shortened_in_the_message() -> None:
    with pytest.raises(CodeError) as caught:
        parse_scan("x" * 500)
    assert len(str(caught.value)) < 200


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_any_text_gives_a_code_or_a_plain_code_error(text: str) -> None:
    try:
        code = parse_scan(text)
    except CodeError as error:
        assert_plain(error)
        assert not any(unicodedata.category(ch).startswith("C") for ch in str(error))
    else:
        assert code.kind == F
        assert parse_scan(code.text) == code
