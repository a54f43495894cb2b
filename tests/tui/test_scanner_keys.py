"""No key a barcode scanner types can fire a binding on any screen or widget of distro.

A scanner types uppercase letters, digits and `-` (then Enter, which the scan detector takes
before any binding sees it). A binding on one of those keys would act on whatever is on screen
in the middle of a scan, as `-` once lowered a line of the counter's basket."""

from __future__ import annotations

import importlib
import pkgutil
import string

from textual.binding import Binding
from textual.dom import DOMNode

import distro.tui

SCANNER_KEYS = frozenset([*string.ascii_uppercase, *string.digits, "minus"])


def distro_nodes() -> list[type[DOMNode]]:
    """Every screen and widget class defined in distro.tui."""
    for module in pkgutil.walk_packages(distro.tui.__path__, "distro.tui."):
        importlib.import_module(module.name)
    found: list[type[DOMNode]] = []
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        node = pending.pop()
        pending.extend(node.__subclasses__())
        if node.__module__.startswith("distro.tui."):
            found.append(node)
    return found


def test_no_binding_is_a_key_a_scanner_types() -> None:
    nodes = distro_nodes()
    assert len(nodes) > 20
    clashes = [
        f"{node.__name__}: {key}"
        for node in nodes
        for binding in node.BINDINGS
        for key in (binding.key if isinstance(binding, Binding) else binding[0]).split(",")
        if key.strip() in SCANNER_KEYS
    ]
    assert clashes == []
