"""Provides `distro scan`, `distro card` and `distro families search|show|history|status`
and the retention review: `distro families retention|anonymise|erase`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, refuse, say, warn
from distro.commands.arguments import ROWS, file_name
from distro.commands.families.forgotten import clear_outside
from distro.commands.families.merge import add_merge_command

if TYPE_CHECKING:
    from sqlalchemy import Engine


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the scan, card and families commands."""
    scan = subparsers.add_parser("scan", parents=[common], help="what a scanned code refers to")
    scan.add_argument("code")
    scan.set_defaults(run=scan_code)
    card = subparsers.add_parser("card", parents=[common], help="print a family card as PDF")
    card.add_argument("code")
    card.add_argument("-o", "--output", type=file_name, required=True, metavar="FILE")
    card.set_defaults(run=print_card)

    families = subparsers.add_parser("families", parents=[common], help="find and manage families")
    actions = families.add_subparsers(dest="families_command", metavar="ACTION", required=True)
    search = actions.add_parser("search", parents=[common], help="find by name, phone or code")
    search.add_argument("query")
    search.add_argument("--limit", type=ROWS, default=20)
    search.set_defaults(run=search_command)
    show = actions.add_parser("show", parents=[common], help="one family, members and phones")
    show.add_argument("code")
    show.set_defaults(run=show_command)
    history = actions.add_parser("history", parents=[common], help="every change to a family")
    history.add_argument("code")
    history.set_defaults(run=history_command)
    status = actions.add_parser("status", parents=[common], help="change a family's status")
    status.add_argument("code")
    status.add_argument("status", choices=["active", "suspended", "left_hk", "resettled"])
    status.add_argument("--reason", default="")
    status.set_defaults(run=status_command)
    add_merge_command(actions, common)
    _add_retention_commands(actions, common)


def _add_retention_commands(actions: Any, common: argparse.ArgumentParser) -> None:
    retention = actions.add_parser(
        "retention", parents=[common], help="families inactive for the retention period"
    )
    retention.add_argument("--limit", type=ROWS, default=200)
    retention.set_defaults(run=retention_command)
    reason_help = "why (kept after the family's data is gone, so write no names)"
    anonymise = actions.add_parser(
        "anonymise", parents=[common], help="erase a family's personal data, keep its counts"
    )
    anonymise.add_argument("code")
    anonymise.add_argument("--reason", required=True, help=reason_help)
    anonymise.set_defaults(run=anonymise_command)
    erase = actions.add_parser(
        "erase", parents=[common], help="delete a family and its personal history for good"
    )
    erase.add_argument("code")
    erase.add_argument("--reason", required=True, help=reason_help)
    erase.add_argument("--yes", action="store_true", help="do not ask to type the code again")
    erase.set_defaults(run=erase_command)


def scan_code(args: argparse.Namespace, context: CommandContext) -> int:
    """Print what the code names; CodeError or NotFound give the plain reason and exit 1."""
    context.actor()  # personal data is shown only to someone signed in
    from distro.domain.core.db import reading
    from distro.domain.scan import resolve_scan

    with reading(context.engine) as session:
        say(resolve_scan(session, args.code).description)
    return 0


def print_card(args: argparse.Namespace, context: CommandContext) -> int:
    """Write the family's card PDF to FILE, recorded first (with FILE) like an export."""
    from distro.domain.audit.disclosure import record_card_print
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.private_files import check_target, write_private_bytes
    from distro.domain.families.registry import find_family_by_code, load_family
    from distro.printing.card import card_for_family, render_family_card

    actor = context.actor()  # signs in with its own transaction: not inside another
    check_target(args.output)  # a folder or a link is refused before the card is recorded
    with unit_of_work(context.engine) as session:
        family = find_family_by_code(session, args.code)
        assert family.id is not None
        card = card_for_family(load_family(session, family.id), context.settings.organisation)
        where = str(args.output.resolve())
        record_card_print(session, family.id, card.code, where, actor=actor, now=context.clock())
    write_private_bytes(args.output, render_family_card(card))
    say(f"Card for {card.code} written to {args.output}.")
    return 0


def search_command(args: argparse.Namespace, context: CommandContext) -> int:
    """One line per matching family."""
    context.actor()  # personal data is shown only to someone signed in
    from distro.domain.core.db import reading
    from distro.domain.families.search import search_families

    with reading(context.engine) as session:
        hits = search_families(session, args.query, limit=args.limit)
    for hit in hits:
        say(
            f"{hit.code}  {hit.head_name:<32.32}  {hit.household_size:>2} pers.  "
            f"{hit.district:<20}  {hit.status}"
        )
    if not hits:
        say("No family matches.")
    return 0


def show_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The family's fields, members and phones."""
    context.actor()  # personal data is shown only to someone signed in
    from distro.domain.core.db import reading
    from distro.domain.families.phones import display_phone
    from distro.domain.families.registry import find_family_by_code, load_family

    with reading(context.engine) as session:
        family = find_family_by_code(session, args.code)
        assert family.id is not None
        record = load_family(session, family.id)
    say(f"{family.code}  {family.status}  {family.district}  household of {record.household_size}")
    for phone in record.phones:
        say(f"  phone    {display_phone(phone.number)}")
    for member in record.members:
        born = member.birth_date.isoformat() if member.birth_date else "unknown"
        estimated = " (estimated)" if member.birth_date_estimated else ""
        say(f"  member   {member.full_name} - {member.relationship}, born {born}{estimated}")
    for label, value in (("diet", family.dietary.replace("|", ", ")), ("notes", family.notes)):
        if value:
            say(f"  {label:<8} {value}")
    return 0


def history_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Every change, newest first, with who and when."""
    context.actor()  # personal data is shown only to someone signed in
    from distro.domain.core.db import reading
    from distro.domain.core.moments import moment_text
    from distro.domain.core.zone import ngo_zone
    from distro.domain.families.history import family_history
    from distro.domain.families.registry import find_family_by_code

    with reading(context.engine) as session:
        family = find_family_by_code(session, args.code)
        assert family.id is not None
        events = family_history(session, family.id)
        zone = ngo_zone(session)
    for event in events:
        reason = f" ({event.reason})" if event.reason else ""
        say(f"{moment_text(event.at, zone)}  {event.actor:<16.16}  {event.summary}{reason}")
    return 0


def status_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Change the status in one transaction."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.inputs import validated
    from distro.domain.families.registry import change_status, find_family_by_code
    from distro.domain.families.schemas import StatusChange

    change = validated(StatusChange, {"status": args.status, "reason": args.reason})
    actor = context.actor()
    with unit_of_work(context.engine) as session:
        family = find_family_by_code(session, args.code)
        assert family.id is not None
        change_status(session, family.id, change, actor=actor, now=context.clock())
    say(f"{family.code} is now {change.status.value}.")
    return 0


def retention_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The families due for review, longest inactive first; codes only, no names."""
    context.actor()
    from distro.domain.admin.settings import SettingKey, get_setting
    from distro.domain.core.clock import local_date
    from distro.domain.core.db import reading
    from distro.domain.core.zone import ngo_zone
    from distro.domain.privacy.retention import families_due_for_review

    with reading(context.engine) as session:
        months = get_setting(session, SettingKey.RETENTION_MONTHS)
        due = families_due_for_review(session, now=context.clock(), limit=args.limit)
        zone = ngo_zone(session)
    if not due:
        say(f"No family has been inactive for more than {months} months.")
        return 0
    say(f"Inactive for more than {months} months (anonymise or erase each, or leave it):")
    for family in due:
        say(
            f"{family.code}  last active {local_date(family.last_active_at, zone)}  "
            f"{family.household_size:>2} pers.  {family.district:<20}  {family.status}"
        )
    return 0


def anonymise_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Anonymise in one transaction, then clear the erased data from the database files and
    the slips folder, and list the copies made before."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.zone import ngo_zone
    from distro.domain.families.registry import find_family_by_code
    from distro.domain.privacy.retention import anonymise_family

    actor = context.actor()
    with unit_of_work(context.engine) as session:
        family = find_family_by_code(session, args.code)
        assert family.id is not None
        forgotten = anonymise_family(
            session, family.id, args.reason, actor=actor, now=context.clock()
        )
        zone = ngo_zone(session)
    _purge(context.engine)
    say(f"{family.code} is anonymised: names, phones and notes are gone; its counts remain.")
    clear_outside(forgotten, context.settings.slips_dir, zone)
    return 0


def erase_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Erase after the code is typed again (or --yes), then clear the database files and the
    slips folder, and list the copies made before."""
    from distro.domain.core.access import Permission, require
    from distro.domain.core.db import reading, unit_of_work
    from distro.domain.core.zone import ngo_zone
    from distro.domain.families.registry import find_family_by_code
    from distro.domain.privacy.retention import erase_family

    actor = context.actor()
    require(actor, Permission.REVIEW_RETENTION)  # refuse before asking anything
    with reading(context.engine) as session:
        code = find_family_by_code(session, args.code).code
    if not args.yes and not sys.stdin.isatty():
        return refuse("erasing cannot be undone: add --yes to erase without a terminal.")
    if not args.yes and not _typed_again(code):
        return refuse(f"the code typed did not match {code}; nothing was erased.")
    with unit_of_work(context.engine) as session:
        family = find_family_by_code(session, code)
        assert family.id is not None
        forgotten = erase_family(session, family.id, args.reason, actor=actor, now=context.clock())
        zone = ngo_zone(session)
    _purge(context.engine)
    say(f"{code} is erased, with every record merged into it; the history keeps only the code.")
    clear_outside(forgotten, context.settings.slips_dir, zone)
    return 0


def _typed_again(code: str) -> bool:
    say(f"This deletes {code}, its members, phones and history details for good.")
    from distro.domain.core.codes import typed_again

    return typed_again(input("Type the code again to confirm: "), code)


def _purge(engine: Engine) -> None:
    from distro.domain.privacy.retention import purge_freed_pages

    if not purge_freed_pages(engine):
        warn(
            "another counter is reading the database, so the erased data may stay in its log "
            "file until every counter has closed distro."
        )
