"""The import contracts bite: lint-imports passes on the code as it is, and a forbidden import
added to a copy of the code breaks the contract that names it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the code and of the contracts, to break on purpose."""
    shutil.copytree(
        ROOT / "distro", tmp_path / "distro", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on the copy (found first on the path, before the installed distro)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(tree / "pyproject.toml")],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_code_as_it_is_keeps_every_contract(tree: Path) -> None:
    result = lint(tree)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("domain/core/clock.py", "import textual", "The domain and printing never reach"),
        ("printing/slip.py", "import distro.tui.app", "The domain and printing never reach"),
        ("domain/families/registry.py", "import distro.printing.card", "The domain never prints"),
        ("domain/stock/ledger.py", "import distro.domain.distribution.handouts", "Capabilities:"),
        ("domain/core/codes.py", "import distro.domain.families.models", "Capabilities:"),
        (
            "migrations/versions/0003_stock.py",
            "import distro.domain.tables",
            "Migrations are frozen",
        ),
        ("bench/run.py", "import distro.cli", "Layers:"),
        ("tui/scanning.py", "import distro.commands", "Layers:"),
        ("domain/core/errors.py", "import distro.domain.core.codes", "No import circle"),
        ("tui/privacy.py", "import distro.tui.base", "No import circle"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tree: Path, module: str, line: str, contract: str
) -> None:
    source = tree / "distro" / module
    source.write_text(source.read_text() + f"\n{line}  # noqa: E402, F401\n")
    result = lint(tree)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken
