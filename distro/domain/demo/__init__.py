"""Provides fictional households for the demo and the benchmarks. ALL NAMES FICTIONAL.

`demo_families` builds believable households of the communities a Hong Kong counter serves,
from the name lists in data/demo/ (combined at random, so no real person is described).
`create_demo` registers them through the real services, so history, duplicate checks and codes
work as they do at a counter, and gives the demo a stock (`create_demo_stock`: the starter
catalogue and months of deliveries and issues) and a counter (`create_demo_handouts`: the
starter basket rules, last week's round and this week's, open). `bulk_synthetic` writes tens
of thousands of them fast for the benchmarks: same tables, same row shapes, same search keys,
but no duplicate checks or history.
"""

from distro.domain.demo.bulk import bulk_synthetic
from distro.domain.demo.data import communities, demo_districts
from distro.domain.demo.handouts import create_demo_handouts, needs_demo_handouts
from distro.domain.demo.households import demo_families, registered_at
from distro.domain.demo.registry import (
    DEMO_ACTOR,
    DEMO_FAMILIES,
    DEMO_PIN,
    DEMO_SEED,
    DEMO_USERS,
    create_demo,
)
from distro.domain.demo.stock import create_demo_stock, needs_demo_stock

__all__ = [
    "DEMO_ACTOR",
    "DEMO_FAMILIES",
    "DEMO_PIN",
    "DEMO_SEED",
    "DEMO_USERS",
    "bulk_synthetic",
    "communities",
    "create_demo",
    "create_demo_handouts",
    "create_demo_stock",
    "demo_districts",
    "demo_families",
    "needs_demo_handouts",
    "needs_demo_stock",
    "registered_at",
]
