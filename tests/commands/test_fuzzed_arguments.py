"""Every command's arguments, fuzzed with Hypothesis: whatever is typed, `distro` answers with
output or a plain refusal (exit 0, 1, or argparse's 2), never a traceback and never the safety
net's "did not expect", and the database still passes `distro db check` afterwards.

The commands are found by walking the parser, so a command added later is fuzzed too. Values
are a mix of nasty ones (huge and negative numbers, 10,000 characters, control characters,
NUL, right-to-left marks, emoji, impossible dates, folders where files are expected) and real
ones from the prepared database, so the fuzzing also reaches past the first refusal."""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distro.cli import build_parser, main
from distro.commands.arguments import file_name
from distro.domain.admin.checks import check_database
from distro.domain.core.access import Role
from distro.domain.core.clock import local_date, utc_now
from distro.domain.core.db import make_engine
from tests.builders.cli import CLI_PIN, add_role_users
from tests.builders.clock import HONG_KONG
from tests.builders.distribution import BASKET, stocked_basket
from tests.builders.families import register_into

SKIPPED = {"demo", "bench"}
"""The demo opens the app and writes its own database; the benchmark runs for minutes."""

WRITERS = {"export", "card", "slip", "labels", "count-sheet", "backup", "decrypt-backup"}
"""The commands that write a file."""

EXAMPLES_PER_COMMAND = 15
FAST_DISK = "/dev/shm" if Path("/dev/shm").is_dir() else None
"""Memory, where there is some: each example's commits wait for no disk."""

ROUND = "Food parcel, week 48"
LONG_TEXT = "x" * 10_000
NASTY_TEXT = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "😀" * 40,
    "\x1b[2J\x1b[31mred",
    "\n\t\r",
    "-",
    "--",
    "'; DROP TABLE family; --",
    "%s%n{0}",
    "../../etc/passwd",
    "ÅÄÖ Ɐ 名字 اسم",
)
NUMBERS = (
    "0",
    "1",
    "-1",
    "23",
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "1e9",
    "nan",
    "１２",
    "3.5",
)
DATES = (
    "99999-01-01",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "1900-01-01",
    "2026-12-07",
    "99999-01-01 10:00",
    "2026-12-07 25:61",
    "0001-01-01 00:00",
)


def leaf_commands(
    parser: argparse.ArgumentParser, words: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Each runnable command's words (`("stock", "item", "add")`) and its parser, found through
    argparse's subparsers."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield words, parser
        return
    for name, subparser in subparsers[0].choices.items():
        if words or name not in SKIPPED:
            yield from leaf_commands(subparser, (*words, name))


COMMANDS = dict(leaf_commands(build_parser()))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A small database with users, a stocked round open today, a family and one handout;
    returns its path and the real values the fuzzing mixes in."""
    path = tmp_path_factory.mktemp("fuzzed") / "prepared.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("distro.domain.users.pins.SCRYPT_COST", 2**10)
        add_role_users(str(path))
    engine = make_engine(f"sqlite:///{path}")
    stocked_basket(engine, utc_now())
    today = local_date(utc_now(), HONG_KONG)
    family = register_into(
        engine,
        utc_now(),
        members=[{"full_name": "Amina Yusuf", "birth_date": today - timedelta(days=36 * 365)}],
    )
    engine.dispose()
    slips = path.parent / "slips"
    with _environment(slips), contextlib.redirect_stdout(io.StringIO()) as out:
        with pytest.raises(SystemExit):
            main(["handout", family.code, "--db", str(path)])
    return {
        "path": str(path),
        "family": family.code,
        "code": family.code,
        "slip": out.getvalue().strip(),
        "keep": family.code,
        "item": "Rice 5 kg",
        "round": ROUND,
        "name": Role.VOLUNTEER.value,
        "basket": BASKET,
    }


@contextlib.contextmanager
def _environment(slips: Path) -> Iterator[None]:
    environment = {
        "DISTRO_USER": Role.ADMIN.value,
        "DISTRO_PIN": CLI_PIN,
        "DISTRO_SLIPS": str(slips),
        "DISTRO_BACKUP_PASSPHRASE": "a long passphrase for the tests",
    }
    with mock.patch.dict("os.environ", environment):
        yield


def values_for(
    command: tuple[str, ...], action: argparse.Action, real: dict[str, str], folder: Path
) -> st.SearchStrategy[str]:
    """What to type for one argument: its choices, numbers, dates, paths or the real values
    its name suggests; always with nasty text mixed in."""
    nasty = st.just(LONG_TEXT) | st.sampled_from(NASTY_TEXT) | st.text(max_size=20)
    named = f"{action.dest} {action.metavar or ''}".lower()
    hinted = [
        value for key, value in real.items() if key in named or (key == "slip" and "code" in named)
    ]
    text = st.sampled_from(hinted or sorted(real.values()))
    if action.choices:
        typed: st.SearchStrategy[str] = st.sampled_from(sorted(map(str, action.choices)))
    elif action.type is file_name:
        return _paths(command, folder)
    elif "yyyy" in named:
        typed = st.sampled_from(DATES)
    elif action.type not in (None, str) or "quantity" in named:
        typed = st.sampled_from(NUMBERS) | text  # numbers, or text checked as the domain does
    else:
        typed = text
    return st.one_of(typed, typed, nasty)


def _paths(command: tuple[str, ...], folder: Path) -> st.SearchStrategy[str]:
    """Files to read or write in `folder`: a new one, one full of garbage; to read, also one
    in a folder that is not there, the folder itself and nasty names. A command that writes
    is given only files: writing onto a folder, a name too long or a full disk is the file
    writer's to refuse (and is tested with it)."""
    files = st.sampled_from(["out.csv", "out.pdf", "garbage.csv"]).map(
        lambda name: str(folder / name)
    )
    if command[0] in WRITERS or command[-1] in WRITERS:
        return files
    elsewhere = st.sampled_from([str(folder), str(folder / "missing" / "file.csv")])
    return files | elsewhere | st.sampled_from(NASTY_TEXT)


@st.composite
def argument_lists(
    draw: st.DrawFn, command: tuple[str, ...], real: dict[str, str], folder: Path
) -> list[str]:
    """Positionals in order, then a random choice of the options, each with a drawn value."""
    words: list[str] = []
    for action in COMMANDS[command]._actions:
        if isinstance(action, argparse._HelpAction) or action.dest in ("db", "user"):
            continue
        if not action.option_strings:
            count = {"?": draw(st.integers(0, 1)), "*": draw(st.integers(0, 2))}.get(
                str(action.nargs), 1
            )
            words += [draw(values_for(command, action, real, folder)) for _ in range(count)]
        elif draw(st.booleans()):
            option = draw(st.sampled_from(action.option_strings))
            if action.nargs == 0:
                words.append(option)
            else:
                words.append(f"{option}={draw(values_for(command, action, real, folder))}")
    return words


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMANDS), ids=" ".join)
@settings(
    max_examples=EXAMPLES_PER_COMMAND,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_arguments_make_a_traceback_or_harm_the_database(
    command: tuple[str, ...], prepared: dict[str, str], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory(dir=FAST_DISK) as temporary:
        folder = Path(temporary)
        database = folder / "distro.sqlite3"
        shutil.copyfile(prepared["path"], database)
        (folder / "garbage.csv").write_bytes(b'\xff\xfe,\x00\n"unclosed')
        real = {name: value for name, value in prepared.items() if name != "path"}
        argv = [*command, *data.draw(argument_lists(command, real, folder))]
        status, output = _run([*argv, "--db", str(database)], folder)
        assert status in (0, 1, 2), (argv, output)
        assert "Traceback" not in output and "did not expect" not in output, (argv, output)
        engine = make_engine(f"sqlite:///{database}")
        try:
            assert check_database(engine) == [], argv
        finally:
            engine.dispose()


def _run(argv: list[str], folder: Path) -> tuple[int, str]:
    """`distro ARGV` in this process, in `folder`, signed in as an admin: its exit status and
    everything it printed, a traceback included."""
    output = io.StringIO()
    with (
        contextlib.chdir(folder),
        _environment(folder / "slips"),
        mock.patch("sys.stdin", io.StringIO()),
        contextlib.redirect_stdout(output),
        contextlib.redirect_stderr(output),
    ):
        try:
            main(argv)
        except SystemExit as exit_info:
            code = exit_info.code
            return (code if isinstance(code, int) else 1), output.getvalue()
        except Exception:
            import traceback

            traceback.print_exc(file=output)
            return -1, output.getvalue()
    return 0, output.getvalue()
