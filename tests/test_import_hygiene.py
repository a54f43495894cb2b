"""The import hygiene: the domain and printing never pull in Textual, and the app starts
without the database layer (each checked in a fresh subprocess)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "distro.domain.families.registry",
        "distro.domain.admin.checks",
        "distro.printing.card",
        "distro.cli",
    ],
)
def test_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_every_domain_module_is_free_of_the_ui() -> None:
    code = (
        "import pkgutil, importlib, sys, distro.domain as d\n"
        "for m in pkgutil.walk_packages(d.__path__, 'distro.domain.'):\n"
        "    importlib.import_module(m.name)\n"
        "ui = ('textual', 'distro.tui', 'distro.printing')\n"
        "print(sorted(n for n in sys.modules if n.startswith(ui)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_first_frame_waits_for_no_database_layer() -> None:
    """The sign-in screen is drawn before the database opens: starting the app (the command
    line, the app, its printer) must not import SQLAlchemy, SQLModel or pydantic."""
    code = (
        "import sys, distro.cli, distro.launch, distro.tui.app, distro.printing.printers\n"
        "print(sorted(n for n in ('sqlalchemy', 'sqlmodel', 'pydantic') if n in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
