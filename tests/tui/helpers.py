"""Shared steps of Pilot tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from textual.pilot import Pilot

from distro.domain.db import unit_of_work
from distro.domain.families import register_family
from distro.domain.models import Family
from distro.domain.schemas import FamilyIn, validated


async def sign_in(pilot: Pilot[None], name: str = "Volunteer Vi") -> None:
    """Type a name on the start screen and wait for the Families area."""
    await pilot.press(*name, "enter")
    await pilot.pause()


def add_family(engine: Engine, now: datetime, name: str, phone: str = "91234567") -> Family:
    """A family registered straight through the service."""
    data = validated(
        FamilyIn, {"district": "Yau Tsim Mong", "phones": [phone], "members": [{"full_name": name}]}
    )
    with unit_of_work(engine) as session:
        return register_family(session, data, actor="setup", now=now)
