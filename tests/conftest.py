"""Shared fixtures: a real, migrated SQLite database in a temp folder, and a fixed clock.

Every migration runs once per test process, into a template file; each test gets its own copy
of that file, which is the same database at a fraction of the cost."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from distro.domain.core.db import make_engine, migrate, unit_of_work
from distro.domain.demo import create_demo
from tests.builders.clock import FIXED_NOW


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the current schema, made once per test process."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection to close folds the WAL into the file
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> Path:
    """The demo database at FIXED_NOW, made once per test process. It takes seconds, so the
    modules that read it share one test worker (`pytest.mark.xdist_group("demo")`)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(migrated_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with unit_of_work(engine) as session:
        create_demo(session, now=FIXED_NOW)
    engine.dispose()
    return path


@pytest.fixture
def engine(tmp_path: Path, migrated_template: Path) -> Iterator[Engine]:
    """A fresh database file with the current schema: a copy of the migrated template."""
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(migrated_template, path)
    path.chmod(0o600)  # as distro makes a database: others are told when it is not
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)  # a no-op at the current schema; kept so a stale template cannot pass
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def quick_pin_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash new PINs at a low scrypt cost, so tests that add users stay fast. Each hash keeps
    its own cost, so checking a PIN works the same; tests/domain/users/test_users.py checks the
    real cost is used when this is not in the way."""
    import distro.domain.users.pins

    monkeypatch.setattr(distro.domain.users.pins, "SCRYPT_COST", 2**10)


@pytest.fixture(autouse=True)
def anchors_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the commands a test runs keep audit chain anchors: a folder of the test's own,
    never the real user-state folder of whoever runs the tests."""
    folder = tmp_path_factory.mktemp("anchors")
    monkeypatch.setenv("DISTRO_ANCHORS", str(folder))
    return folder


@pytest.fixture
def now() -> datetime:
    """The time every test change happens at."""
    return FIXED_NOW


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests (races between processes, crashes, the benchmark) each start several
    processes; run in parallel they would starve one another on a small machine, so they share
    one test worker (`--dist loadgroup`, see dev.py) while the other workers run the rest."""
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.xdist_group("slow"))
