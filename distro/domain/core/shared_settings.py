"""Provides the settings table, shared by every counter on a database.

It sits in core, not admin, because the clock every capability keeps reads one of its rows
(the NGO's time zone); admin owns the rules for changing them.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class AppSetting(SQLModel, table=True):
    """A setting shared by every counter on this database (retention, lock time, time zone)."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)
    updated_at: datetime
    updated_by: str = Field(max_length=80)
