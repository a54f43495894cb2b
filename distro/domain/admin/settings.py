"""Provides the settings every counter on a database shares, which only an admin changes.

Each setting has a default, so a new database needs none written; a change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from distro.domain.admin.models import AppSetting
from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import InvalidInput


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
    before = get_setting(session, key)
    stored = session.get(AppSetting, key.value)
    if stored is None:
        stored = AppSetting(key=key.value, value="", updated_at=now, updated_by=actor.name)
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
        summary=f"{key.value}: {before} -> {value}",
        before={key.value: before},
        after={key.value: value},
    )
