"""Removing a family's slip and card files from the slips folder: exactly theirs, found by
their codes; a file that cannot be removed is a plain line, not an exception."""

from __future__ import annotations

from pathlib import Path

from distro.printing.printed_files import card_document_name, remove_family_files
from distro.printing.printers import FolderPrinter


def print_into(folder: Path, *names: str) -> list[Path]:
    return [FolderPrinter(folder).print_pdf(name, b"%PDF-1.4 test") for name in names]


def test_removes_the_slips_and_card_of_these_codes_and_leaves_the_rest(tmp_path: Path) -> None:
    ours = print_into(tmp_path, "H-000001-A", "H-000002-B", card_document_name("F-0001-X"))
    saved_as_text = tmp_path / "H-000001-A.txt"
    saved_as_text.write_text("slip H-000001-A\n")
    theirs = print_into(tmp_path, "H-000003-C", card_document_name("F-0002-Y"))
    removal = remove_family_files(
        tmp_path,
        slip_codes=["H-000001-A", "H-000002-B", "H-000009-Z"],  # the last never printed here
        family_codes=["F-0001-X"],
    )
    assert sorted(removal.removed) == sorted([*ours, saved_as_text])
    assert removal.failures == ()
    assert sorted(tmp_path.iterdir()) == sorted(theirs)


def test_a_file_that_cannot_be_removed_is_one_plain_line(tmp_path: Path) -> None:
    (tmp_path / "H-000001-A.pdf").mkdir()  # what unlink cannot remove, even as root
    [printed] = print_into(tmp_path, "H-000002-B")
    removal = remove_family_files(
        tmp_path, slip_codes=["H-000001-A", "H-000002-B"], family_codes=[]
    )
    assert removal.removed == (printed,)
    [failure] = removal.failures
    assert failure.startswith(f"could not remove {tmp_path / 'H-000001-A.pdf'}: ")
    assert "\n" not in failure


def test_a_missing_slips_folder_removes_nothing_and_fails_nothing(tmp_path: Path) -> None:
    removal = remove_family_files(
        tmp_path / "never-printed", slip_codes=["H-000001-A"], family_codes=["F-0001-X"]
    )
    assert removal.removed == () and removal.failures == ()
