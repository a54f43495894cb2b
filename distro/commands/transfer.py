"""Provides `distro import WHAT FILE.csv` and `distro export WHAT FILE`: the two commands, with
one action per kind of record, each added by the capability that owns the records."""

from __future__ import annotations

import argparse
from typing import Any

from distro.commands.distribution import transfer as distribution_transfer
from distro.commands.families import transfer as families_transfer
from distro.commands.stock import transfer as stock_transfer

_CAPABILITIES = (families_transfer, stock_transfer, distribution_transfer)


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `import` and `export`, each with one action per kind of record."""
    importing = subparsers.add_parser("import", parents=[common], help="read records from CSV")
    kinds = importing.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    for capability in _CAPABILITIES:
        capability.add_import_kinds(kinds, common)
    exporting = subparsers.add_parser("export", parents=[common], help="write records to CSV")
    kinds = exporting.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    for capability in _CAPABILITIES:
        capability.add_export_kinds(kinds, common)
