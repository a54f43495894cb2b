"""Provides the bounds of what the database can store, for checks made before a query runs."""

LARGEST_ROW_ID = 2**63 - 1
"""The largest integer SQLite stores (PostgreSQL's bigint too): a larger id names no row, and
passing it to a query fails with an overflow instead of finding nothing."""
