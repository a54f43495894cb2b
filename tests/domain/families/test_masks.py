"""Tests of the masks a counter shows in privacy mode: no database, no screen."""

from __future__ import annotations

import pytest

from distro.domain.families.masks import (
    mask_address,
    mask_claim_ref,
    mask_name,
    mask_names_in,
    mask_phone,
)


@pytest.mark.parametrize(
    ("full_name", "masked"),
    [
        ("Amina Yusuf", "Amina Y."),
        ("Amina Yusuf Ali", "Amina Y."),
        ("  Abdi   Hassan  ", "Abdi H."),
        ("أمينة يوسف", "أمينة ي."),
        ("Тарас Шевченко", "Тарас Ш."),
        ("ह्रदय सिंह", "ह्रदय सिं."),
        ("Oğuz Çelik", "Oğuz Ç."),
        ("Amina", "Amina"),
        ("陳大文", "陳."),
        ("김민준", "김."),
        ("山田 太郎", "山. 太."),
        ("", ""),
        ("   ", ""),
    ],
)
def test_a_name_keeps_the_first_name_and_an_initial(full_name: str, masked: str) -> None:
    assert mask_name(full_name) == masked


def test_an_initial_keeps_its_combining_accent() -> None:
    decomposed = "Jose E\u0301lan"
    assert mask_name(decomposed) == "Jose E\u0301."


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+85291234567", "**** **67"),
        ("+852 9123 4567", "**** **67"),
        ("+4915112345678", "**** **78"),
        ("1234", "**** ****"),
        ("", ""),
    ],
)
def test_a_phone_shows_only_its_last_two_digits(number: str, masked: str) -> None:
    assert mask_phone(number) == masked


def test_the_mask_does_not_tell_how_long_the_number_is() -> None:
    assert len(mask_phone("+85291234567")) == len(mask_phone("+4915112345678"))


def test_a_claim_reference_and_an_address_are_hidden_whole() -> None:
    assert mask_claim_ref("USM-2023-00417") == mask_claim_ref("X1") == "********"
    assert mask_claim_ref(" ") == ""
    assert mask_address("Flat 3B, 12 Kwai Chung Road") == "(hidden)"
    assert mask_address("") == ""


def test_names_inside_a_sentence_are_masked_longest_first() -> None:
    text = "Removed Amina Yusuf Ali; Amina Yusuf stays"
    masked = mask_names_in(text, ["Amina Yusuf", "Amina Yusuf Ali", ""])
    assert masked == "Removed Amina Y.; Amina Y. stays"
