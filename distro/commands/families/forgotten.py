"""Provides what `distro families erase|anonymise` do and say once the database is cleared: the
family's slip and card files removed from the slips folder, and the copies written out before
(exports, cards, access reports, backups) listed with their dates, for the coordinator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from distro.commands import say, warn
from distro.commands.arguments import how_many

if TYPE_CHECKING:
    from datetime import tzinfo
    from pathlib import Path

    from distro.domain.privacy.retention import Forgotten


def clear_outside(forgotten: Forgotten, slips_dir: Path, zone: tzinfo) -> None:
    """Remove the files and list the copies; a file that cannot be removed is one warning line
    (the erase stands)."""
    from distro.domain.privacy.copies import copies_in_words, copy_line
    from distro.printing.printed_files import remove_family_files

    removal = remove_family_files(
        slips_dir, slip_codes=forgotten.slip_codes, family_codes=forgotten.family_codes
    )
    if removal.removed:
        files = how_many(len(removal.removed), "file")
        say(f"Removed {files} of its slips and cards from {slips_dir}.")
    for failure in removal.failures:
        warn(f"{failure}; delete it by hand.")
    if not forgotten.copies:
        return
    say(
        f"Still holding {forgotten.code}, made before now ({copies_in_words(forgotten.copies)}): "
        "delete each, or keep it safe until it is. This list is not kept."
    )
    for copy in forgotten.copies:
        say(f"  {copy_line(copy, zone)}")
