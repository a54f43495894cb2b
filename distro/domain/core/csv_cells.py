"""Provides what every CSV file distro writes or reads shares: the BOM that makes Excel read
UTF-8, and the escaping that keeps a spreadsheet from running a cell as a formula."""

from __future__ import annotations

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet run a cell as a formula (OWASP, "CSV injection")."""
ESCAPE = "'"


def escape_cell(text: str) -> str:
    """The text as a cell that a spreadsheet shows and never runs as a formula.

    A leading apostrophe is added before a formula character, and before an apostrophe too,
    so that `unescape_cell` always removes exactly what was added.
    """
    return ESCAPE + text if text.startswith((*FORMULA_STARTS, ESCAPE)) else text


def unescape_cell(cell: str) -> str:
    """The text `escape_cell` was given: one leading apostrophe removed, if there is one."""
    return cell.removeprefix(ESCAPE)


def choice(text: str) -> str:
    """The value of a choice: "No pork", "no-pork" and "NO_PORK" all mean no_pork."""
    return "_".join(text.replace("-", " ").split()).lower()
