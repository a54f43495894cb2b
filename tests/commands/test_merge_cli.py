"""`distro families merge` prints the plan, takes a coordinator's picks and applies them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import Engine

from tests.builders.families import register_into
from tests.domain.families.family_helpers import load


def test_merge_prints_the_plan_and_honours_a_pick(
    engine: Engine,
    now: datetime,
    distro: Callable[..., int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    keep = register_into(engine, now, members=[{"full_name": "Nadia Rahman"}])
    gone = register_into(
        engine,
        now,
        members=[
            {"full_name": "Nadya Rachman"},
            {"full_name": "Omar Rahman", "relationship": "child"},
        ],
        reason="set-up",
    )
    merge = ("families", "merge", keep.code, gone.code, "--reason", "same household")
    assert distro(*merge, "--dry-run") == 0
    printed = capsys.readouterr().out
    assert "2. Omar Rahman (child, born ?) -> other_relative (a guess: check it)" in printed
    assert "Nothing merged" in printed and load(engine, gone.id).family.status == "active"
    assert distro(*merge, "--same", "1=1") == 0
    printed = capsys.readouterr().out
    assert "1. Nadya Rachman (head, born ?) -> the same person as Nadia Rahman (picked)" in printed
    assert "2. Omar Rahman (child, born ?) -> child" in printed
    assert "Household of 2 after the merge." in printed
    survivor = load(engine, keep.id)
    assert [(m.full_name, m.relationship) for m in survivor.members] == [
        ("Nadia Rahman", "head"),
        ("Omar Rahman", "child"),
    ]


def test_a_member_number_not_in_the_plan_is_refused(
    engine: Engine, now: datetime, distro: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    keep = register_into(engine, now, "Nadia Rahman")
    gone = register_into(engine, now, "Omar Rahman", reason="set-up")
    assert distro("families", "merge", keep.code, gone.code, "--reason", "x", "--same", "3=1") == 1
    assert "no member number 3" in capsys.readouterr().err
    assert load(engine, gone.id).family.status == "active"
