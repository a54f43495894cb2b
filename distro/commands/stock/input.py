"""Provides the stock commands' choices and the small CSV files a person fills in for them
(receipt lines, count sheets), with plain messages when something is off.

A mistake raises a DomainError, so `distro` prints one plain line and exits non-zero, as it
does for a rule's refusal; a file's rows are numbered as a spreadsheet shows them (header = 1).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from distro.domain.core.csv_cells import BOM, unescape_cell
from distro.domain.core.errors import DomainError

# The choices argparse offers, spelled out so that building the parser does not import the
# database layer (the app starts faster); tests/commands/test_stock_cli.py checks they match the
# enums.
CATEGORIES = ("food", "baby", "hygiene", "household", "other")
UNITS = ("kg", "bag", "bottle", "can", "pack", "piece")
SOURCES = ("donor", "purchase", "transfer")
ADJUST_REASONS = ("damaged", "expired", "lost", "found", "correction")

Rows = list[tuple[int, dict[str, str]]]
"""(spreadsheet row, column name -> cell) for each non-blank row under the header."""


def read_rows(path: Path, *, required: Sequence[str], known: Sequence[str]) -> Rows:
    """The rows of a CSV file a person filled in (UTF-8, with or without a BOM); DomainError
    when it cannot be read or its header lacks a required column or names an unknown one.
    Headers are forgiving of case and spaces ("On hand" is `on_hand`)."""
    try:
        with path.open(encoding="utf-8", newline="") as source:
            records = list(csv.reader(source))
    except OSError as error:
        raise DomainError(f"cannot read {path}: {error.strerror or error}.") from None
    except UnicodeDecodeError:
        raise DomainError(
            f"{path} is not UTF-8 text; in the spreadsheet, save it as 'CSV UTF-8'."
        ) from None
    except csv.Error as error:
        raise DomainError(f"{path} cannot be read as CSV ({error}).") from None
    if not records:
        raise DomainError(f"{path} is empty; its first row must name the columns.")
    names = [cell.lstrip(BOM).strip().lower().replace(" ", "_") for cell in records[0]]
    wrong = [f"unknown column '{name}'" for name in names if name and name not in known]
    wrong += [f"column '{name}' is missing" for name in required if name not in names]
    if wrong:
        raise DomainError(
            f"{path}: " + "; ".join(wrong) + ". Its columns are: " + ", ".join(known) + "."
        )
    rows: Rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = dict.fromkeys(known, "")
        for name, raw in zip(names, record, strict=False):
            if name:
                cells[name] = unescape_cell(raw.strip())
        if any(cells.values()):
            rows.append((number, cells))
    return rows
