"""The fixed time every test change happens at (the `now` fixture returns it)."""

from __future__ import annotations

from datetime import UTC, datetime

FIXED_NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
