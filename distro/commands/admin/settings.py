"""Provides `distro settings show|set`: the settings every counter on the database shares."""

from __future__ import annotations

import argparse
from typing import Any

from distro.commands import CommandContext, say


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the settings commands."""
    settings = subparsers.add_parser("settings", parents=[common], help="shared settings")
    actions = settings.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", parents=[common], help="every setting and its meaning")
    show.set_defaults(run=show_command)
    change = actions.add_parser("set", parents=[common], help="change a setting (admins)")
    change.add_argument("key", help="a name that `distro settings show` lists")
    change.add_argument("value", help="a whole number, or for time_zone a name like Asia/Hong_Kong")
    change.set_defaults(run=set_command)


def show_command(_args: argparse.Namespace, context: CommandContext) -> int:
    """Each setting's value, range and meaning; no sign-in, as none of it is personal."""
    from distro.domain.admin.settings import SETTING_RULES, get_setting
    from distro.domain.core.db import reading
    from distro.domain.core.zone import DEFAULT_TIME_ZONE, TIME_ZONE_KEY, ngo_zone

    with reading(context.engine) as session:
        values = {key: get_setting(session, key) for key in SETTING_RULES}
        zone = ngo_zone(session)
    for key, rule in SETTING_RULES.items():
        bounds = f"{rule.lowest}-{rule.highest}, default {rule.default}"
        say(f"{key.value:<18} {values[key]:>4}  ({bounds}): {rule.meaning}")
    say(
        f"{TIME_ZONE_KEY:<18} {zone}  (an IANA name, default {DEFAULT_TIME_ZONE}): "
        "the zone every counter shows times and counts days in"
    )
    return 0


def set_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Change one setting for every counter. The key is checked here, not by argparse
    choices, which would import the domain each time distro starts just to build the parser."""
    from distro.domain.admin.settings import SettingKey, set_setting, set_time_zone
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.errors import InvalidInput, NotFound
    from distro.domain.core.zone import TIME_ZONE_KEY

    known = [*SettingKey, TIME_ZONE_KEY]
    if args.key not in known:
        listed = ", ".join(known)
        raise NotFound(f"There is no setting called {args.key}; the settings are: {listed}.")
    actor = context.actor()
    with unit_of_work(context.engine) as session:
        if args.key == TIME_ZONE_KEY:
            set_time_zone(session, args.value, actor=actor, now=context.clock())
        elif args.value.strip().lstrip("-").isdigit():
            set_setting(
                session, SettingKey(args.key), int(args.value), actor=actor, now=context.clock()
            )
        else:
            raise InvalidInput({args.key: "must be a whole number"})
    say(f"{args.key} is now {args.value.strip()} on every counter.")
    return 0
