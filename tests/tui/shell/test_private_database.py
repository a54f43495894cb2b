"""The app, like every command, makes a database readable by others its owner's alone, and
says so on the screen (it holds the terminal, so a line on stderr would go unseen)."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import Engine

from distro.launch import app_opening_database
from distro.settings import load_settings
from tests.tui.helpers import notices, settle


async def test_the_app_makes_a_shared_database_private_and_says_so(
    engine: Engine, tmp_path: Path
) -> None:
    database = Path(str(engine.url.database))
    database.chmod(0o644)
    app = app_opening_database(load_settings({"DISTRO_SLIPS": str(tmp_path)}, str(database)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert f"{database} was readable by other users of this computer" in " ".join(notices(app))
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
