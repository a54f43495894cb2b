"""Provides `distro stock ...`: receiving, issuing, adjusting and counting stock, the views of
what is on the shelves, and the item catalogue. ITEM is always an item code, a product barcode
or an unambiguous name; each area's actions live in a module of this package."""

from __future__ import annotations

import argparse
from typing import Any

from distro.commands.stock import count, items, labels, moves, reports


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `distro stock` and its actions."""
    stock = subparsers.add_parser(
        "stock", parents=[common], help="receive, issue, adjust and count stock; the catalogue"
    )
    actions = stock.add_subparsers(dest="stock_command", metavar="ACTION", required=True)
    for module in (moves, reports, count, items, labels):
        module.add_actions(actions, common)
