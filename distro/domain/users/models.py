"""Provides the users table: who may sign in at the counters."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class AppUser(SQLModel, table=True):
    """Someone who works at the counters: a role, and a slow salted hash of their PIN.

    Users are never deleted (the audit log names them); `disabled_at` stops their sign-in.
    `failed_attempts` counts wrong PINs in a row, to slow down whoever is guessing.
    """

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    role: str = Field(default="volunteer", max_length=16)
    pin_hash: str = Field(default="", max_length=200)
    disabled_at: datetime | None = None
    failed_attempts: int = 0
    last_failed_at: datetime | None = None
    created_at: datetime
    last_seen_at: datetime
