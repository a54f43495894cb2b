"""Provides `distro stock levels|lots|history|expiring`: what is on the shelves, read-only.

Tables fit an 80-column terminal; `levels --json` is for scripts, with keys that stay put.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, say
from distro.commands.arguments import DAYS, ROWS, clip
from distro.commands.stock.input import CATEGORIES

if TYPE_CHECKING:
    from distro.domain.stock.levels import ItemLevel

LEVEL_SORTS = {
    "name": "NAME",
    "on-hand": "ON_HAND",
    "days": "DAYS_OF_STOCK",
    "expiring": "EXPIRING",
    "low": "LOW",
}
"""The --sort words, short for the shell, and the name of the `LevelSort` each one means."""
LEVELS_HEADER = (
    f"{'CODE':<10}  {'ITEM':<22}  {'ON HAND':>7} {'UNIT':<6}  {'EXPIRED':>7}  "
    f"{'SOON':>6}  {'DAYS':>5}  LOW"
)
LEVELS_LEGEND = "SOON: units expiring within 30 days · DAYS: days of stock at the recent rate"


def add_actions(actions: Any, common: argparse.ArgumentParser) -> None:
    """Add levels, lots, history and expiring under `distro stock`."""
    levels = actions.add_parser("levels", parents=[common], help="stock per item, as a table")
    levels.add_argument("--json", action="store_true", help="a JSON list, for scripts")
    levels.add_argument("--category", choices=CATEGORIES)
    levels.add_argument("--sort", choices=tuple(LEVEL_SORTS), default="name")
    levels.add_argument("--low", action="store_true", help="only items below their threshold")
    levels.set_defaults(run=levels_command)
    lots = actions.add_parser("lots", parents=[common], help="an item's lots, first expiry first")
    lots.add_argument("item", metavar="ITEM", help="an item code, a product barcode or a name")
    lots.set_defaults(run=lots_command)
    history = actions.add_parser("history", parents=[common], help="an item's movements")
    history.add_argument("item", metavar="ITEM", help="an item code, a product barcode or a name")
    history.add_argument("--limit", type=ROWS, default=50, metavar="N", help="newest N (50)")
    history.set_defaults(run=history_command)
    expiring = actions.add_parser(
        "expiring", parents=[common], help="lots expiring soon, and expired ones still on hand"
    )
    expiring.add_argument("--days", type=DAYS, default=30, metavar="N", help="within N days (30)")
    expiring.set_defaults(run=expiring_command)


def levels_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The stock levels as a table, or JSON with --json."""
    from distro.domain.core.db import reading
    from distro.domain.core.zone import counter_today
    from distro.domain.stock.levels import LevelSort, stock_levels
    from distro.domain.stock.models import ItemCategory

    context.actor()
    category = ItemCategory(args.category) if args.category else None
    with reading(context.engine) as session:
        levels = stock_levels(
            session,
            today=counter_today(session, context.clock()),
            category=category,
            sort=LevelSort[LEVEL_SORTS[args.sort]],
        )
    if args.low:
        levels = [level for level in levels if level.below_threshold]
    if args.json:
        say(json.dumps([level_json(level) for level in levels], indent=2, ensure_ascii=False))
        return 0
    if not levels:
        of = f" of category {args.category}" if args.category else ""
        say(f"No item{of} is below its threshold." if args.low else f"No item{of} in use.")
        return 0
    say(LEVELS_HEADER)
    for level in levels:
        say(level_line(level))
    say(LEVELS_LEGEND)
    return 0


def level_json(level: ItemLevel) -> dict[str, Any]:
    """One item's level for scripts; the keys and their order are part of the interface."""
    return {
        "code": level.code,
        "name": level.name,
        "category": level.category.value,
        "unit": level.unit.value,
        "pack_size": level.pack_size,
        "on_hand": level.on_hand,
        "expired_on_hand": level.expired_on_hand,
        "expiring_soon": level.expiring_soon,
        "next_expiry": level.next_expiry.isoformat() if level.next_expiry else None,
        "threshold": level.threshold,
        "below_threshold": level.below_threshold,
        "daily_rate": round(level.daily_rate, 2),
        "days_of_stock": None if level.days_of_stock is None else round(level.days_of_stock, 1),
    }


def level_line(level: ItemLevel) -> str:
    """One row of the levels table, 79 characters at most."""
    low = "LOW" if level.below_threshold else ""
    line = (
        f"{level.code:<10}  {clip(level.name, 22):<22}  {level.on_hand:>7} {level.unit.value:<6}  "
        f"{level.expired_on_hand or '':>7}  {level.expiring_soon or '':>6}  "
        f"{_days(level.days_of_stock):>5}  {low}"
    )
    return line.rstrip()


def lots_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The item's lots with stock, soonest expiry first, as issuing takes them."""
    from distro.domain.core.db import reading
    from distro.domain.core.zone import counter_today
    from distro.domain.stock.item_lookup import find_item
    from distro.domain.stock.lists import item_lots

    context.actor()
    with reading(context.engine) as session:
        item = find_item(session, args.item)
        assert item.id is not None
        lots = item_lots(session, item.id, today=counter_today(session, context.clock()))
    if not lots:
        say(f"{item.name} ({item.code}): no stock on hand.")
        return 0
    usable = sum(lot.on_hand for lot in lots if not lot.expired)
    say(f"{item.name} ({item.code}): {usable} {item.unit} usable, in {len(lots)} lots")
    say(f"{'LOT':>6}  {'EXPIRY':<10}  {'RECEIVED':<10}  {'ON HAND':>13}  {'LOCATION':<12}  SOURCE")
    for lot in lots:
        expiry = lot.expiry.isoformat() if lot.expiry else "none"
        state = "EXPIRED " if lot.expired else ""
        line = (
            f"{lot.lot_id:>6}  {expiry:<10}  {lot.received_on.isoformat():<10}  "
            f"{f'{lot.on_hand} of {lot.received_quantity}':>13}  {clip(lot.location, 12):<12}  "
            f"{state}{lot.source}"
        )
        say(clip(line.rstrip(), 79))
    return 0


def history_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The item's movements, newest first: when, what, how many, which lot, who and why."""
    from distro.domain.core.clock import on_clock
    from distro.domain.core.db import reading
    from distro.domain.stock.item_lookup import find_item
    from distro.domain.stock.lists import item_movements

    context.actor()
    zone = context.clock().astimezone().tzinfo
    assert zone is not None
    with reading(context.engine) as session:
        item = find_item(session, args.item)
        assert item.id is not None
        movements = item_movements(session, item.id, limit=max(1, args.limit))
    if not movements:
        say(f"{item.name} ({item.code}): nothing has moved yet.")
        return 0
    say(f"{item.name} ({item.code}), in {item.unit}, newest first:")
    for movement in movements:
        why = " · ".join(part for part in (movement.reason, movement.reference) if part)
        say(
            f"{on_clock(movement.at, zone):%Y-%m-%d %H:%M}  {movement.kind.value:<8}  "
            f"{movement.quantity:>+7}  lot {movement.lot_id:<6}  {clip(movement.actor, 12):<12}  "
            f"{why}".rstrip()
        )
    return 0


def expiring_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Lots expiring within --days, and expired ones not yet written off, soonest first."""
    from distro.domain.core.db import reading
    from distro.domain.core.zone import counter_today
    from distro.domain.stock.lists import expiring_lots

    context.actor()
    with reading(context.engine) as session:
        lots = expiring_lots(
            session, today=counter_today(session, context.clock()), within_days=max(0, args.days)
        )
    if not lots:
        say(f"No stock expires within {args.days} days.")
        return 0
    for lot in lots:
        on_hand = f"{lot.on_hand} {lot.unit.value}"
        line = (
            f"{lot.expiry.isoformat()}  {_days_left(lot.days_left):<14}  {on_hand:>13}  "
            f"{lot.item_code}  {clip(lot.item_name, 22):<22}  lot {lot.lot_id}"
        )
        say(f"{line}  {lot.location}".rstrip())
    if any(lot.days_left < 0 for lot in lots):
        say("Expired lots are never issued: `distro stock write-off-expired` takes them off.")
    return 0


def _days(days: float | None) -> str:
    """Days of stock, as a coordinator reads them at a glance."""
    if days is None:
        return "-"
    return "999+" if days >= 1000 else str(int(days))


def _days_left(days: int) -> str:
    if days < 0:
        return f"expired {-days} d ago"
    return {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")
