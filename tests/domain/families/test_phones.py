"""Phone numbers: Hong Kong and foreign numbers normalised, bad ones refused, search keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distro.domain.core.errors import DomainError
from distro.domain.families.phones import (
    PhoneError,
    display_phone,
    local_digits,
    normalise_phone,
    phone_search_keys,
)


@pytest.mark.parametrize(
    "typed",
    [
        "9123 4567",
        "91234567",
        "9123-4567",
        "+852 9123-4567",
        "+85291234567",
        "852 9123 4567",
        "85291234567",
        "0085291234567",
        "00852 9123 4567",
        "(852) 9123 4567",
        " 9123.4567 ",
    ],
)
def test_hong_kong_numbers_normalise(typed: str) -> None:
    assert normalise_phone(typed) == "+85291234567"


@pytest.mark.parametrize("typed", ["2345 6789", "3123 4567", "5123 4567", "6123 4567", "8123 4567"])
def test_hong_kong_landlines_and_other_ranges(typed: str) -> None:
    assert normalise_phone(typed) == "+852" + typed.replace(" ", "")


separators = st.sampled_from(["", " ", "-", "  ", ".", " - "])


@given(st.integers(2, 9), st.integers(0, 9_999_999), separators, separators, separators)
def test_every_hong_kong_number_normalises_whatever_the_separators(
    first: int, rest: int, after_prefix: str, middle: str, before: str
) -> None:
    local = f"{first}{rest:07d}"
    expected = "+852" + local
    for prefix in ("", "+852", "852", "00852"):
        typed = before + prefix + after_prefix + local[:4] + middle + local[4:]
        assert normalise_phone(typed) == expected, typed


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("+1 (555) 123-4567", "+15551234567"),
        ("+880 1712-345678", "+8801712345678"),
        ("+63 917 123 4567", "+639171234567"),
    ],
)
def test_foreign_numbers_keep_their_country_code(typed: str, normalised: str) -> None:
    assert normalise_phone(typed) == normalised


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "1234 5678",  # Hong Kong numbers never start with 1
        "0123 4567",
        "9123 456",
        "9123 45678",
        "+852 1234 5678",
        "+852 9123 456",
        "phone",
        "9123 456a",
        "+12",
        "+1234567890123456",
        "447700900123",  # foreign number without +
    ],
)
def test_bad_numbers_are_refused_plainly(typed: str) -> None:
    with pytest.raises(PhoneError) as caught:
        normalise_phone(typed)
    message = str(caught.value)
    assert isinstance(caught.value, DomainError)
    assert "not a phone number" in message and "9123 4567" in message
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("typed", ["+８５２ ９１２３ ４５６７", "+٩٧١٥٠١٢٣٤٥٦٧", "9١٢٣٤٥٦٧"])
def test_non_ascii_digits_are_normalised_or_refused(typed: str) -> None:
    try:
        number = normalise_phone(typed)
    except PhoneError:
        return
    assert number.isascii(), number


def test_phone_search_keys_are_suffixes_and_the_full_number() -> None:
    keys = phone_search_keys("+85291234567")
    assert keys == {
        "91234567",
        "1234567",
        "234567",
        "34567",
        "4567",
        "567",
        "85291234567",
    }


def test_phone_search_keys_of_a_foreign_number() -> None:
    keys = phone_search_keys("+442079460958")
    assert "442079460958" in keys and "958" in keys and "79460958" in keys
    assert "58" not in keys


def test_local_digits_and_display() -> None:
    assert local_digits("+85291234567") == "91234567"
    assert local_digits("+442079460958") == "442079460958"
    assert display_phone("+85291234567") == "+852 9123 4567"
    assert display_phone("+442079460958") == "+442079460958"
