"""Sets up a private virtual environment and runs distro or its whole check.

    python3 dev.py demo          install what the app needs, then open it on the demo database
    python3 dev.py check         install the test tools too, then ruff, mypy, the import
                                 contracts and every test (what CI runs)
    python3 dev.py check --fast  the same without the slow tests (races between processes,
                                 crashes, the benchmark): for a developer between two edits
    python3 dev.py run ARGS      install, then run `distro ARGS`

Only the standard library is used here, so a fresh machine with python3 (>= 3.11) and git is
enough. On Windows type `py dev.py demo` / `py dev.py check`. The environment lives in `.venv/`
and is reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment(extras: str) -> None:
    """Create .venv and install distro (editable) with `extras`, unless already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may run on an older python3)
        sys.exit("distro needs Python 3.11 or newer; this is " + sys.version.split()[0])
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'app'}"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    name = f"distro[{extras}]" if extras else "distro"
    if not PYTHON.exists():
        # Without a word here a first `dev.py demo` looks hung for the minute pip takes.
        print(
            f"Setting up {name} in .venv, its own Python environment (first time only: "
            "a minute or two while pip downloads and installs what it needs) ...",
            flush=True,
        )
        venv.EnvBuilder(with_pip=True).create(VENV)
    else:
        print(
            f"Installing {name} into .venv (new extras, or pyproject.toml changed) ...", flush=True
        )
    # pip at its normal verbosity: each package it collects and installs is the progress.
    target = f".[{extras}]" if extras else "."
    run([str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-e", target])
    stamp.write_text(wanted)
    print("Ready.", flush=True)


def run(command: list[str]) -> None:
    """Run a command in the project folder and stop with its status when it fails."""
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(result.returncode)


def check(fast: bool) -> None:
    """The whole check, in the order that fails fastest. The tests run in parallel: most of a
    screen test's time is spent waiting for the app, so two processes per core keep a small
    machine busy."""
    ensure_environment("test")
    workers = str(2 * (os.cpu_count() or 1))
    only_fast = ["-m", "not slow"] if fast else []
    code = ["distro", "tests", "dev.py", "setup.py"]
    steps = [
        ("ruff lint", [str(BIN / "ruff"), "check", *code]),
        ("ruff format", [str(BIN / "ruff"), "format", "--check", *code]),
        ("mypy --strict distro", [str(BIN / "mypy")]),
        ("import contracts", [str(BIN / "lint-imports")]),
        (
            "pytest",
            [
                str(PYTHON),
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                "-n",
                workers,
                "--dist",
                "loadgroup",
                *only_fast,
            ],
        ),
    ]
    for title, command in steps:
        print(f"== {title}", flush=True)
        run(command)


def main(argv: list[str]) -> None:
    verb = argv[0] if argv else "demo"
    if verb == "check":
        check(fast="--fast" in argv[1:])
    elif verb == "demo":
        ensure_environment("")
        run([str(PYTHON), "-m", "distro", "demo", *argv[1:]])
    elif verb == "run":
        ensure_environment("")
        run([str(PYTHON), "-m", "distro", *argv[1:]])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
