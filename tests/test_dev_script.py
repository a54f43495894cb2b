"""`python3 dev.py demo` on a fresh clone: the install it starts with says what it is doing
and that it takes a while, instead of half a minute of silence."""

from __future__ import annotations

import venv
from pathlib import Path

import pytest

import dev


@pytest.fixture
def commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """A fresh clone's .venv under `tmp_path`, made without a real venv or pip: the commands
    dev.py would run are collected instead."""
    venv_dir = tmp_path / ".venv"
    monkeypatch.setattr(dev, "VENV", venv_dir)
    monkeypatch.setattr(dev, "PYTHON", venv_dir / "bin" / "python")
    monkeypatch.setattr(venv.EnvBuilder, "create", lambda _self, path: Path(path).mkdir())
    ran: list[list[str]] = []
    monkeypatch.setattr(dev, "run", ran.append)
    return ran


def test_the_first_install_says_what_it_does_and_how_long_it_takes(
    commands: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    dev.ensure_environment("")
    said = capsys.readouterr().out
    assert "first time only" in said and "a minute or two" in said
    assert said.rstrip().endswith("Ready.")
    [pip] = commands
    assert pip[1:4] == ["-m", "pip", "install"] and "-q" not in pip  # pip shows its progress


def test_an_environment_already_installed_is_used_without_a_word(
    commands: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    dev.ensure_environment("")
    capsys.readouterr()
    dev.ensure_environment("")
    assert capsys.readouterr().out == "" and len(commands) == 1
