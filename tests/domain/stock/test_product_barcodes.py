"""Product barcodes: known ones read right, every mistyped digit is refused, UPC-A is stored as
the EAN-13 a scanner sends for it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distro.domain.core.errors import CodeError
from distro.domain.stock.product_barcodes import (
    check_digit,
    is_valid_product_barcode,
    looks_like_product_barcode,
    product_barcode,
)

EAN_13 = "4006381333931"
EAN_8 = "96385074"
UPC_A = "036000291452"

payloads_12 = st.text(alphabet="0123456789", min_size=12, max_size=12)


def test_known_barcodes_are_valid_and_kept_as_digits() -> None:
    assert product_barcode(EAN_13) == EAN_13
    assert product_barcode(EAN_8) == EAN_8
    assert check_digit(EAN_13[:-1]) == "1"


def test_upc_a_is_stored_as_the_ean_13_a_scanner_sends() -> None:
    assert product_barcode(UPC_A) == "0" + UPC_A
    assert product_barcode("0" + UPC_A) == product_barcode(UPC_A)


@pytest.mark.parametrize(
    "scanned",
    [f"]E0{EAN_13}\r\n", f"  {EAN_13}\t", "4006 3813 3393 1", "4-006381-333931", f"{EAN_13}\n"],
)
def test_scanner_prefixes_spaces_and_line_ends_are_ignored(scanned: str) -> None:
    assert product_barcode(scanned) == EAN_13
    assert looks_like_product_barcode(scanned)


@pytest.mark.parametrize(
    "typed", ["", "1234567", "12345678901", "12345678901234", "Rice 5 kg", "F-000001-0", "４００"]
)
def test_other_shapes_are_not_product_barcodes(typed: str) -> None:
    assert not looks_like_product_barcode(typed)
    assert not is_valid_product_barcode(typed)
    with pytest.raises(CodeError, match="is not a product barcode: those are 8, 12 or 13 digits"):
        product_barcode(typed)


def test_a_wrong_check_digit_is_refused_in_plain_words() -> None:
    mistyped = EAN_13[:-1] + "2"
    assert looks_like_product_barcode(mistyped)  # shaped right, so it gets this message
    with pytest.raises(CodeError) as refused:
        product_barcode(mistyped)
    assert str(refused.value) == (
        "4006381333932 looks mistyped: its last digit (the check digit) does not match. "
        "Scan the product again or check each digit."
    )


@settings(max_examples=300)
@given(payloads_12)
def test_every_valid_ean_13_is_accepted(payload: str) -> None:
    barcode = payload + check_digit(payload)
    assert is_valid_product_barcode(barcode)
    assert product_barcode(barcode) == barcode


@settings(max_examples=300)
@given(payloads_12, st.integers(min_value=0, max_value=12), st.integers(min_value=1, max_value=9))
def test_every_single_digit_change_is_refused(payload: str, position: int, shift: int) -> None:
    barcode = payload + check_digit(payload)
    changed = str((int(barcode[position]) + shift) % 10)
    typo = barcode[:position] + changed + barcode[position + 1 :]
    assert not is_valid_product_barcode(typo)
    with pytest.raises(CodeError, match="looks mistyped"):
        product_barcode(typo)


@given(st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_every_valid_ean_8_is_accepted_and_kept_at_8_digits(payload: str) -> None:
    barcode = payload + check_digit(payload)
    assert product_barcode(barcode) == barcode
