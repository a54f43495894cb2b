"""Provides the names of the people working at the counter (sign-in with roles comes later)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field
from sqlmodel import Session, col, select

from distro.domain.models import AppUser
from distro.domain.schemas import clean_line, validated


class ActorName(BaseModel):
    """The name a volunteer types at start; every change they make records it."""

    name: Annotated[str, BeforeValidator(clean_line), Field(min_length=1, max_length=80)]


def remember_user(session: Session, name: str, *, now: datetime) -> AppUser:
    """The user called `name`, created on first use; their last-seen time is updated."""
    clean = validated(ActorName, {"name": name}).name
    user = session.exec(select(AppUser).where(AppUser.name == clean)).first()
    if user is None:
        user = AppUser(name=clean, created_at=now, last_seen_at=now)
        session.add(user)
    user.last_seen_at = now
    session.flush()
    return user


def recent_users(session: Session, limit: int = 8) -> list[str]:
    """Names seen most recently at this database, for the start screen's pick list."""
    query = select(AppUser.name).order_by(col(AppUser.last_seen_at).desc()).limit(limit)
    return list(session.exec(query).all())
