"""Provides Settings: where the database and printed slips live, decided once at start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "distro"


@dataclass(frozen=True)
class Settings:
    """What the app and every command need to know about this machine."""

    database_url: str
    slips_dir: Path
    organisation: str = "distro"
    demo: bool = False
    counter: str = "counter"
    """This counter's name, on every slip and in the refusal of a second collection."""
    slip_printer: str = ""
    """Where slips go: "" (PDF files in `slips_dir`), "lp:NAME" or "escpos:DEVICE|HOST:PORT"."""
    slip_layout: str = "receipt"
    """The slip's layout: "receipt" (80 mm thermal), "a6" or "a4"."""
    anchors_dir: Path | None = None
    """Where this machine keeps each database's audit chain head, outside the database (see
    domain/audit/anchor.py); None keeps none (the demo's fictional data, the benchmark)."""


def database_url(value: str) -> str:
    """A SQLAlchemy URL; a bare path means an SQLite file at that path."""
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def data_dir() -> Path:
    """The platform's user-data folder for distro (created on first use)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """The platform's user-state folder for distro (on Linux ~/.local/state/distro)."""
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME, appauthor=False))


def load_settings(
    environ: Mapping[str, str], db: str | None = None, *, demo: bool = False
) -> Settings:
    """Settings from the command line (`db`) and the environment (DISTRO_DB, DISTRO_SLIPS ...)."""
    chosen = db or environ.get("DISTRO_DB") or str(data_dir() / "distro.sqlite3")
    url = database_url(chosen)
    slips = Path(environ.get("DISTRO_SLIPS") or data_dir() / "slips").expanduser()
    return Settings(
        database_url=url,
        slips_dir=slips,
        organisation=environ.get("DISTRO_ORGANISATION", "distro"),
        demo=demo,
        counter=" ".join(environ.get("DISTRO_COUNTER", "").split())[:40] or _host_name(),
        slip_printer=environ.get("DISTRO_SLIP_PRINTER", "").strip(),
        slip_layout=environ.get("DISTRO_SLIP_LAYOUT", "receipt").strip().lower() or "receipt",
        anchors_dir=None if demo else _anchors_dir(environ),
    )


def _anchors_dir(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("DISTRO_ANCHORS") or state_dir() / "anchors").expanduser()


def _host_name() -> str:
    """The machine's short name: the counter's name when DISTRO_COUNTER is not set."""
    import socket

    return socket.gethostname().split(".")[0][:40] or "counter"


def describe_url(url: str) -> str:
    """The database URL with any password hidden, for `distro info` and the screen."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The file an SQLite URL names; None for another database or one held in memory."""
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    return Path(url.removeprefix("sqlite:///"))


def database_place(url: str) -> str:
    """Where the database is, as a person looks for it: the file's path, or the URL (password
    hidden) of a database server."""
    file = sqlite_file(url)
    return str(file) if file is not None else describe_url(url)
