"""Provides the users table (who may sign in at the counters) and the count of wrong sign-in
tries per typed name."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class AppUser(SQLModel, table=True):
    """Someone who works at the counters: a role, and a slow salted hash of their PIN.

    Users are never deleted (the audit log names them); `disabled_at` stops their sign-in.
    """

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    role: str = Field(default="volunteer", max_length=16)
    pin_hash: str = Field(default="", max_length=200)
    disabled_at: datetime | None = None
    created_at: datetime
    last_seen_at: datetime


class WrongSignIns(SQLModel, table=True):
    """Wrong tries in a row for one typed name, whether or not anyone has that name, so that
    guessing is slowed the same for every name and the slowdown tells nobody who is a user.

    Keyed by a digest of the cleaned, case-folded name: the table keeps no name as typed (a PIN
    typed into the name field never lands here). Rows go a day after their last wrong try."""

    __tablename__ = "wrong_sign_ins"

    name_key: str = Field(primary_key=True, max_length=64)
    wrong_in_a_row: int = 0
    last_wrong_at: datetime = Field(index=True)
