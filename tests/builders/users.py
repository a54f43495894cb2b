"""Users as older versions of distro left them, written straight into the table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from distro.domain.core.access import Role
from distro.domain.core.db import unit_of_work
from distro.domain.users.models import AppUser
from distro.domain.users.pins import hash_pin


def add_user_with_old_pin(
    engine: Engine, name: str, pin: str, now: datetime, role: Role = Role.COORDINATOR
) -> None:
    """A user whose PIN was set before today's rules, which might refuse it now."""
    with unit_of_work(engine) as session:
        session.add(
            AppUser(
                name=name, role=role.value, pin_hash=hash_pin(pin), created_at=now, last_seen_at=now
            )
        )
