"""distro works from a built wheel: the files it reads at run time travel inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEEDED_AT_RUN_TIME = (
    "distro/data/districts.csv",
    "distro/data/catalogue.csv",
    "distro/data/common_pins.txt",
    "distro/migrations/env.py",
    "distro/migrations/versions/0001_initial.py",
    "distro/tui/styles/app.tcss",
)


def test_the_wheel_carries_data_migrations_and_styles(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("distro-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in NEEDED_AT_RUN_TIME if name not in names]
    assert missing == []
    assert any(name.startswith("distro/data/demo/") for name in names)
    assert not any("tests/" in name for name in names)
