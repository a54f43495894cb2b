"""Provides the names under which the app's own folder holds a family's slips and cards, and
their removal when the family is erased or anonymised.

The folder printer files a slip as `<slip code>.pdf` and the family screen's card as
`card-<family code>.pdf` (both through `safe_filename`); `distro slip CODE -o` may have saved a
slip as `<slip code>.txt` there too. Files are found by these names, from the codes the erase
returns, rather than by opening every PDF in the folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from distro.printing.printers import safe_filename

_SLIP_SUFFIXES = (".pdf", ".txt")


@dataclass(frozen=True)
class Removal:
    """What removing a family's files did: the files removed, and one plain line per file that
    could not be."""

    removed: tuple[Path, ...]
    failures: tuple[str, ...]


def card_document_name(family_code: str) -> str:
    """The document name a family card is printed under."""
    return f"card-{family_code}"


def remove_family_files(
    folder: Path, *, slip_codes: Iterable[str], family_codes: Iterable[str]
) -> Removal:
    """Delete the slips and cards of these codes from `folder`; a file that is not there is
    not a failure (the slip went to another printer, or was never printed)."""
    stems = [safe_filename(code).removesuffix(".pdf") for code in slip_codes]
    names = [stem + suffix for stem in stems for suffix in _SLIP_SUFFIXES]
    names += [safe_filename(card_document_name(code)) for code in family_codes]
    removed: list[Path] = []
    failures: list[str] = []
    for name in names:
        path = folder / name
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            failures.append(f"could not remove {path}: {error.strerror or error}")
            continue
        removed.append(path)
    return Removal(removed=tuple(removed), failures=tuple(failures))
