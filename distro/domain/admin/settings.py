"""Provides the settings every counter on a database shares, which only an admin changes.

Each setting has a default, so a new database needs none written; a change is audited. The
whole-number settings share one rule shape; the time zone (a name, read by the clock in core)
has its own setter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import InvalidInput
from distro.domain.core.shared_settings import AppSetting
from distro.domain.core.zone import TIME_ZONE_KEY, checked_zone_name, ngo_zone


class SettingKey(StrEnum):
    """The settings there are."""

    RETENTION_MONTHS = "retention_months"
    LOCK_MINUTES = "lock_minutes"


@dataclass(frozen=True)
class SettingRule:
    """A whole-number setting's default, allowed range and meaning."""

    default: int
    lowest: int
    highest: int
    meaning: str


SETTING_RULES: dict[SettingKey, SettingRule] = {
    SettingKey.RETENTION_MONTHS: SettingRule(
        24, 1, 120, "months without activity before a family is listed for retention review"
    ),
    SettingKey.LOCK_MINUTES: SettingRule(
        5, 1, 60, "minutes without a key press before a counter locks itself"
    ),
}


def get_setting(session: Session, key: SettingKey) -> int:
    """The setting's value, or its default if nobody has set it."""
    stored = session.get(AppSetting, key.value)
    return int(stored.value) if stored else SETTING_RULES[key].default


@requires(Permission.MANAGE_SETTINGS)
def set_setting(
    session: Session, key: SettingKey, value: int, *, actor: Actor, now: datetime
) -> None:
    """Change a setting for every counter; refused outside its allowed range."""
    rule = SETTING_RULES[key]
    if not rule.lowest <= value <= rule.highest:
        raise InvalidInput({key.value: f"choose a number from {rule.lowest} to {rule.highest}"})
    _store(session, key.value, get_setting(session, key), value, actor=actor, now=now)


@requires(Permission.MANAGE_SETTINGS)
def set_time_zone(session: Session, name: str, *, actor: Actor, now: datetime) -> None:
    """Change the zone every counter shows times and counts days in; refused unless `name` is
    an IANA zone name."""
    zone = checked_zone_name(name)
    _store(session, TIME_ZONE_KEY, str(ngo_zone(session)), zone, actor=actor, now=now)


def _store(
    session: Session, key: str, before: object, value: object, *, actor: Actor, now: datetime
) -> None:
    """Write a setting's new value and its audit row."""
    stored = session.get(AppSetting, key)
    if stored is None:
        stored = AppSetting(key=key, value="", updated_at=now, updated_by=actor.name)
        session.add(stored)
    stored.value, stored.updated_at, stored.updated_by = str(value), now, actor.name
    record_change(
        session,
        actor=actor,
        now=now,
        action="setting.change",
        entity="setting",
        entity_id=None,
        family_id=None,
        summary=f"{key}: {before} -> {value}",
        before={key: before},
        after={key: value},
    )
