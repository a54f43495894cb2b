"""Provides reading a CSV file into rows (one row per thing: items, basket rules, members),
and what is wrong with its rows.

Only the shape of the file is checked here (text, columns); whether each row is valid is the
importing capability's job. Rows are numbered as a spreadsheet
shows them: the header is row 1.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from distro.domain.core.csv_cells import BOM, unescape_cell
from distro.domain.core.inputs import TRIMMED


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be imported; row 0 means the file as a whole."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class CellChange:
    """Something an import changed in a cell on its own (spaces trimmed, control characters
    removed): listed, so that nothing in a file is changed without a word."""

    row: int
    column: str
    change: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.change}"


Row = tuple[int, dict[str, str]]
"""A row of a table file: its spreadsheet number and its cells by column."""


def table_rows(
    source: TextIO, columns: Sequence[str], required: Sequence[str], what: str
) -> tuple[list[Row], list[RowProblem]]:
    """The non-blank rows under the header of a one-row-per-thing file (items, rules), and
    what cannot be read; `what` names the things ("items") for an empty file."""
    problems: list[RowProblem] = []
    records = csv_records(source, problems)
    header = next(records, None)
    if header is None:
        return [], problems or [RowProblem(0, "", "is empty; its first row must name the columns")]
    names = header_names(header[1], problems, columns, required)
    if problems:
        return [], problems
    rows = []
    for row, record in records:
        cells = row_cells(row, record, names, problems)
        if cells is not None and any(cells.values()):
            rows.append((row, cells))
    if not rows and not problems:
        problems.append(RowProblem(0, "", f"has no {what} under the header row"))
    return rows, problems


def csv_records(source: TextIO, problems: list[RowProblem]) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row, cells) of each record; stops at the first unreadable one.

    A file cut off while it was copied or saved is refused rather than read as far as it
    goes: its last record (without a line break after it) is left out and reported when it
    ends inside a quoted cell, or has fewer cells than the header.
    """
    lines = _RecordLines(source)
    reader = csv.reader(lines)
    row = 0
    header_cells = 0
    held: tuple[int, list[str]] | None = None  # only the last record can be cut: hold it back
    try:
        for row, record in enumerate(reader, start=1):
            header_cells = header_cells or len(record)
            if held is not None:
                yield held
            held = row, record
        if held is not None:
            cut = lines.cut_off(held[1], header_cells)
            if cut:
                problems.append(RowProblem(0, "", cut + ": it looks cut off"))
                return
            yield held
    except UnicodeDecodeError:
        message = "is not UTF-8 text; in the spreadsheet, save it as 'CSV UTF-8'"
        problems.append(RowProblem(0, "", message))
    except csv.Error as error:
        problems.append(RowProblem(row + 1, "", f"cannot be read as CSV ({error})"))


class _RecordLines:
    """The file's lines as the CSV reader takes them, remembering those of the last record
    and the line it started on, so that a record cut off at the end of the file is seen."""

    def __init__(self, source: TextIO) -> None:
        self._source = iter(source)
        self._record: list[str] = []
        self._lines_read = 0
        self._first_line = 1

    def __iter__(self) -> _RecordLines:
        return self

    def __next__(self) -> str:
        if self._record and self._record[-1].endswith(("\n", "\r")) and not self._open_quote():
            self._first_line, self._record = self._lines_read + 1, []
        line = next(self._source)
        self._lines_read += 1
        self._record.append(line)
        return line

    def _open_quote(self) -> bool:
        return sum(line.count('"') for line in self._record) % 2 == 1

    def _ends_inside_quotes(self) -> bool:
        """Whether the last record's lines end inside a quoted cell, as the CSV reader sees
        them (a lone `"` inside an unquoted cell, like `5" tablet`, is text, not a quote)."""
        try:
            for _record in csv.reader(self._record, strict=True):
                pass
        except csv.Error as error:
            return "unexpected end of data" in str(error)
        return False

    def cut_off(self, record: list[str], header_cells: int) -> str:
        """How the file's last record shows the file was cut, or "": it ends inside a quoted
        cell (line breaks may come before the cut), or no line break follows it and it has
        fewer cells than the header."""
        if not self._record:
            return ""
        if self._ends_inside_quotes():
            return f"ends inside a quoted cell on line {self._first_line}"
        if self._record[-1].endswith(("\n", "\r")) or len(record) >= header_cells:
            return ""
        cells = f"{len(record)} of the header's {header_cells} cells"
        return f"ends on line {self._lines_read} with {cells}"


def header_names(
    cells: list[str],
    problems: list[RowProblem],
    columns: Sequence[str],
    required: Sequence[str],
) -> list[str]:
    """Column names (forgiving case and spaces); unknown, repeated or missing ones reported."""
    names = [cell.lstrip(BOM).strip().lower().replace(" ", "_") for cell in cells]
    if not any(names):
        problems.append(RowProblem(1, "", "must name the columns: " + ", ".join(columns)))
        return names
    wrong = _unknown_or_repeated(cells, names, columns)
    wrong += [f"required column '{name}' is missing" for name in required if name not in names]
    if wrong:
        wrong.append("the columns distro reads are: " + ", ".join(columns))
    problems += [RowProblem(1, "", message) for message in wrong]
    return names


def _unknown_or_repeated(cells: list[str], names: list[str], columns: Sequence[str]) -> list[str]:
    """What is wrong with each column name, in order."""
    wrong = []
    for index, name in enumerate(names):
        if name and name not in columns:
            hint = "; columns must be separated by commas" if ";" in name or "\t" in name else ""
            wrong.append(f"unknown column '{cells[index].strip()}'{hint}")
        elif name and name in names[:index]:
            wrong.append(f"column '{name}' appears twice")
    return wrong


def row_cells(
    row: int,
    record: list[str],
    names: list[str],
    problems: list[RowProblem],
    changes: list[CellChange] | None = None,
) -> dict[str, str] | None:
    """Column -> unescaped text, spaces at the ends trimmed (each trim added to `changes` when
    given); None when a value sits in a column without a name."""
    cells = dict.fromkeys(names, "")
    for index, raw in enumerate(record):
        name = names[index] if index < len(names) else ""
        stripped = raw.strip()
        value = unescape_cell(stripped)
        if name:
            cells[name] = value
            if changes is not None and stripped != raw:
                changes.append(CellChange(row, name, TRIMMED))
        elif value:
            problems.append(
                RowProblem(row, "", f"has a value in column {index + 1}, which has no name")
            )
            return None
    cells.pop("", None)
    return cells
