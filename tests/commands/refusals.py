"""Reading a command's refusal: the one plain line it prints, for the command tests."""

from __future__ import annotations


def plain_refusal(err: str) -> str:
    """The one line a refusal prints, without the program's name."""
    lines = [line for line in err.splitlines() if not line.startswith("distro: warning")]
    assert len(lines) == 1, err
    assert lines[0].startswith("distro: ")
    return lines[0].removeprefix("distro: ")
