"""Provides the settings table, shared by every counter on a database."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class AppSetting(SQLModel, table=True):
    """A setting shared by every counter on this database (retention period, lock time)."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)
    updated_at: datetime
    updated_by: str = Field(max_length=80)
