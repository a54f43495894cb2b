"""Shared steps of Pilot tests."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select
from textual import events
from textual.app import App
from textual.pilot import Pilot

from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.inputs import validated
from distro.domain.families.models import Family, Member
from distro.domain.families.registry import register_family
from distro.domain.families.schemas import FamilyIn
from tests.builders.cli import CLI_PIN

SETUP = Actor(name="setup", role=Role.COORDINATOR)


async def sign_in(pilot: Pilot[None], name: str = "coordinator", pin: str = CLI_PIN) -> None:
    """Type a name and PIN on the sign-in screen and wait for the Families area."""
    await pilot.press(*name, "enter", *pin, "enter")
    await settle(pilot)


def add_family(engine: Engine, now: datetime, name: str, phone: str = "91234567") -> Family:
    """A family registered straight through the service."""
    data = validated(
        FamilyIn, {"district": "Yau Tsim Mong", "phones": [phone], "members": [{"full_name": name}]}
    )
    with unit_of_work(engine) as session:
        return register_family(session, data, actor=SETUP, now=now)


def add_family_with(
    engine: Engine, now: datetime, members: list[dict[str, Any]], **fields: Any
) -> Family:
    """A family with several members (the first is the head), registered through the service."""
    data = validated(FamilyIn, {"district": "Kwai Tsing", **fields, "members": members})
    with unit_of_work(engine) as session:
        return register_family(session, data, actor=SETUP, now=now)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for workers (search, scan, print) and for the messages they send back."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_family_by_name(pilot: Pilot[Any], name: str) -> None:
    """Sign in, type a name in the search box and press Enter on the single result."""
    await sign_in(pilot)
    await pilot.press(*name)
    await settle(pilot)
    await pilot.press("enter")
    await pilot.pause()


async def tab_to(pilot: Pilot[Any], widget_id: str, limit: int = 40) -> None:
    """Press Tab until the widget with this id has focus, as a volunteer would."""
    for _ in range(limit):
        focused = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}")


async def choose(pilot: Pilot[Any], widget_id: str, label: str) -> None:
    """Tab to a drop-down, open it with Enter, type the start of a label, Enter to pick it."""
    await tab_to(pilot, widget_id)
    await pilot.press("enter", *label, "enter")
    await pilot.pause()


def screen_text(app: App[Any]) -> str:
    """Everything the terminal shows now, as plain text."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def screen_lines(app: App[Any]) -> list[str]:
    """The terminal's lines now, as plain text, one per row (what a cut label looks like)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def notices(app: App[Any]) -> list[str]:
    """The notifications shown so far, as text."""
    return [str(notification.message) for notification in app._notifications]


def family_events(engine: Engine, family_id: int) -> list[AuditEvent]:
    """The history rows of one family, oldest first."""
    with reading(engine) as session:
        query = select(AuditEvent).where(AuditEvent.family_id == family_id)
        return list(session.exec(query.order_by(col(AuditEvent.id))).all())


def members_of(engine: Engine, family_id: int) -> list[Member]:
    """Every member row of a family, removed ones included, by position."""
    with reading(engine) as session:
        query = select(Member).where(Member.family_id == family_id)
        return list(session.exec(query.order_by(col(Member.position))).all())


def family_row(engine: Engine, family_id: int) -> Family:
    """The family's row as stored now."""
    with reading(engine) as session:
        family = session.get(Family, family_id)
    assert family is not None
    return family


KEY_NAMES = {"-": "minus"}
"""Textual's name for each key of a code that is not the character itself."""
END_CHARACTERS = {"ctrl+u": "\x15", "enter": "\r"}


async def burst(pilot: Pilot[Any], *texts: str, end: str = "ctrl+u") -> None:
    """Send each of `texts` as keys all at once, as a scanner does, each followed by `end`
    (Ctrl+U empties the scan line without routing what it holds); then let the app catch up.
    Pilot's own `press` waits for the app to idle after every key, which over hundreds of
    codes takes minutes."""
    driver = pilot.app._driver
    assert driver is not None
    for text in texts:
        keys = [(KEY_NAMES.get(character, character), character) for character in text]
        for name, character in [*keys, (end, END_CHARACTERS[end])]:
            key = events.Key(name, character)
            key.set_sender(pilot.app)
            driver.send_message(key)
    await pilot.pause()
