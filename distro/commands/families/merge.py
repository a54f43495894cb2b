"""Provides `distro families merge`: the merge plan printed, corrected with options, applied.

Members are named by their number in the printed plan (1 for the first member of a record),
so a coordinator can run it once with --dry-run, read the plan, and run it again with the
people the automatic rule missed (--same) or wrongly joined (--apart).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, say

if TYPE_CHECKING:
    from distro.domain.families.merge_plan import MergePlan
    from distro.domain.families.models import Member
    from distro.domain.families.registry import FamilyRecord
    from distro.domain.families.schemas import MergeChoices

RELATIONSHIPS = (
    "spouse",
    "child",
    "parent",
    "sibling",
    "grandchild",
    "grandparent",
    "other_relative",
    "other",
)
"""What --head-is accepts: every relationship but head (the same person is --same)."""


def add_merge_command(actions: Any, common: argparse.ArgumentParser) -> None:
    """Add `families merge`."""
    merge = actions.add_parser(
        "merge", parents=[common], help="merge DUPLICATE into KEEP, a person in both kept once"
    )
    merge.add_argument("keep")
    merge.add_argument("duplicate")
    merge.add_argument("--reason", required=True)
    merge.add_argument(
        "--same",
        action="append",
        default=[],
        metavar="D=K",
        help="member D of DUPLICATE is member K of KEEP (numbers as the plan prints them)",
    )
    merge.add_argument(
        "--apart",
        action="append",
        default=[],
        type=int,
        metavar="D",
        help="member D of DUPLICATE is nobody in KEEP, even with the same name and birth date",
    )
    merge.add_argument(
        "--head-is",
        choices=RELATIONSHIPS,
        help="what DUPLICATE's head is to KEEP's head, when they are not the same person",
    )
    merge.add_argument("--dry-run", action="store_true", help="print the plan, merge nothing")
    merge.set_defaults(run=merge_command)


def merge_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Print the plan, then merge as it says in one transaction (unless --dry-run)."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.families.merge import merge_families, preview_merge
    from distro.domain.families.registry import find_family_by_code

    actor = context.actor()
    with unit_of_work(context.engine) as session:
        keep = find_family_by_code(session, args.keep)
        duplicate = find_family_by_code(session, args.duplicate)
        assert keep.id is not None and duplicate.id is not None
        choices = _choices(args, preview_merge(session, keep.id, duplicate.id))
        if args.dry_run:
            plan = preview_merge(session, keep.id, duplicate.id, choices)
        else:
            plan = merge_families(
                session,
                keep.id,
                duplicate.id,
                args.reason,
                actor=actor,
                now=context.clock(),
                choices=choices,
            )
    for line in plan_lines(plan):
        say(line)
    say(
        "Nothing merged (--dry-run)."
        if args.dry_run
        else f"{duplicate.code} merged into {keep.code}."
    )
    return 0


def _choices(args: argparse.Namespace, plan: MergePlan) -> MergeChoices:
    """The options as MergeChoices, member numbers turned into ids (InvalidInput if wrong)."""
    from distro.domain.core.inputs import validated
    from distro.domain.families.schemas import MergeChoices

    same: dict[int, int] = {}
    for pair in args.same:
        gone_number, _, keep_number = pair.partition("=")
        same[_member_id(plan.gone, gone_number)] = _member_id(plan.keep, keep_number)
    apart = [_member_id(plan.gone, str(number)) for number in args.apart]
    return validated(MergeChoices, {"same": same, "apart": apart, "head_is": args.head_is})


def _member_id(record: FamilyRecord, number: str) -> int:
    """The id of member `number` (from 1) of the record as the plan prints it."""
    from distro.domain.core.errors import InvalidInput

    if not number.isdigit() or not 1 <= int(number) <= len(record.members):
        raise InvalidInput({"member": f"{record.family.code} has no member number {number}"})
    member_id = record.members[int(number) - 1].id
    assert member_id is not None
    return member_id


def plan_lines(plan: MergePlan) -> list[str]:
    """The plan as the terminal shows it: both records numbered, then what each person of the
    merged record becomes."""
    keep, gone = plan.keep.family.code, plan.gone.family.code
    lines = [f"Keeps {keep}:"]
    lines += [f"  {n}. {_person(m)}" for n, m in enumerate(plan.keep.members, 1)]
    lines.append(f"Merges {gone} (its card will open {keep}):")
    for number, member in enumerate(plan.gone.members, 1):
        lines.append(f"  {number}. {_person(member)} -> {_becomes(plan, member)}")
    lines.append(f"Household of {plan.household_size} after the merge.")
    return lines


def _person(member: Member) -> str:
    born = member.birth_date.isoformat() if member.birth_date else "born ?"
    return f"{member.full_name} ({member.relationship}, {born})"


def _becomes(plan: MergePlan, member: Member) -> str:
    from distro.domain.families.merge_plan import MemberMatch

    fate = plan.fate(member)
    if isinstance(fate, MemberMatch):
        how = "picked" if fate.picked else "same name and date of birth"
        return f"the same person as {fate.kept.full_name} ({how})"
    relationship = fate.rebased.relationship.value
    return relationship if fate.rebased.derived else f"{relationship} (a guess: check it)"
