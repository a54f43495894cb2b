"""Provides `distro stock labels`: shelf labels whose barcode opens the item when scanned."""

from __future__ import annotations

import argparse
from typing import Any

from distro.commands import CommandContext, refuse, say
from distro.commands.arguments import file_name, how_many


def add_actions(actions: Any, common: argparse.ArgumentParser) -> None:
    """Add labels under `distro stock`."""
    labels = actions.add_parser(
        "labels", parents=[common], help="print shelf labels (A4, 24 a page) as PDF"
    )
    labels.add_argument(
        "file", type=file_name, metavar="FILE.pdf", help="where to write the labels"
    )
    labels.add_argument(
        "items", nargs="*", metavar="ITEM", help="the items to label (default: every active item)"
    )
    labels.add_argument(
        "--skip", type=int, default=0, metavar="N", help="leave the first N labels blank (0-23)"
    )
    labels.set_defaults(run=labels_command)


def labels_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Write the labels of the items named (or of the whole active catalogue)."""
    from distro.domain.core.db import reading
    from distro.domain.core.private_files import write_private_bytes
    from distro.domain.stock.item_lookup import catalogue_items, find_item
    from distro.printing.shelf_label import LABELS_PER_PAGE, label_for_item, shelf_labels_pdf

    if not 0 <= args.skip < LABELS_PER_PAGE:
        return refuse(f"--skip must be between 0 and {LABELS_PER_PAGE - 1}.")
    with reading(context.engine) as session:
        if args.items:
            items = [find_item(session, typed) for typed in args.items]
        else:
            items = catalogue_items(session)
    if not items:
        return refuse("The catalogue has no active item to label.")
    pdf = shelf_labels_pdf([label_for_item(item) for item in items], skip=args.skip)
    write_private_bytes(args.file, pdf)
    say(f"Wrote {how_many(len(items), 'shelf label')} to {args.file}.")
    return 0
