"""Provides `distro audit`: the audit log, filtered, newest first, one line per change."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, say
from distro.commands.arguments import checked_as

if TYPE_CHECKING:
    from datetime import tzinfo

    from distro.domain.audit.models import AuditEvent

FILTER = "distro.domain.admin.audit_log:AuditFilter"
"""The model whose fields check --limit and --before."""


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the audit command."""
    audit = subparsers.add_parser(
        "audit", parents=[common], help="who changed what, when (coordinators and admins)"
    )
    # --user already names who signs in (as on every command), so the filter is --by.
    audit.add_argument("--by", metavar="NAME", help="changes made by this user")
    audit.add_argument("--family", metavar="CODE", help="changes to this family record")
    audit.add_argument("--action", metavar="PREFIX", help="for example user. or family.merge")
    audit.add_argument("--since", metavar="YYYY-MM-DD", help="from this day on")
    audit.add_argument("--until", metavar="YYYY-MM-DD", help="up to and including this day")
    audit.add_argument(
        "--limit", type=checked_as(FILTER, "limit"), default=100, metavar="N", help="at most N rows"
    )
    audit.add_argument(
        "--before",
        type=checked_as(FILTER, "before_id"),
        metavar="ID",
        help="older than row ID (next page)",
    )
    audit.set_defaults(run=show_audit)


def show_audit(args: argparse.Namespace, context: CommandContext) -> int:
    """Print the matching rows and record that the log was read."""
    from distro.domain.admin.audit_log import (
        AuditFilter,
        audit_events,
        family_codes,
        record_audit_view,
    )
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.inputs import validated
    from distro.domain.core.zone import ngo_zone

    filters = validated(AuditFilter, _filter_fields(args))
    actor = context.actor()
    now = context.clock()
    with unit_of_work(context.engine) as session:
        events = audit_events(session, filters, actor=actor)
        codes = family_codes(session, events)
        zone = ngo_zone(session)
        record_audit_view(session, filters, actor=actor, now=now)
    for event in events:
        say(audit_line(event, codes, zone))
    if not events:
        say("No change matches these filters.")
    elif len(events) == filters.limit and events[-1].id is not None:
        say(f"(more: add --before {events[-1].id})")
    return 0


def _filter_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The options given, under the filter's field names (absent options are left out)."""
    given = {
        "user": args.by,
        "family_code": args.family,
        "action": args.action,
        "since": args.since,
        "until": args.until,
        "limit": args.limit,
        "before_id": args.before,
    }
    return {name: value for name, value in given.items() if value is not None}


def audit_line(event: AuditEvent, codes: dict[int, str], zone: tzinfo) -> str:
    """Time, who, what, on which record, and the summary, in columns."""
    from distro.domain.admin.audit_log import record_label
    from distro.domain.core.moments import moment_text

    return (
        f"{moment_text(event.at, zone)}  {event.actor:<14.14}  "
        f"{event.action:<22.22}  {record_label(event, codes):<10.10}  {event.summary}"
    )
