"""Provides the catalogue commands: `distro stock item add|edit|retire|reactivate`,
`distro stock items` and `distro stock barcode`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, say
from distro.commands.arguments import clip
from distro.commands.stock.input import CATEGORIES, UNITS

if TYPE_CHECKING:
    from distro.domain.stock.models import Item

ITEM_HELP = "an item code, a product barcode or an unambiguous name"
DIETARY = ("halal", "contains_pork", "vegetarian")
"""catalogue.DIETARY_FLAGS, spelt out so that building the parser loads no database layer."""


def add_actions(actions: Any, common: argparse.ArgumentParser) -> None:
    """Add item (add, edit, retire, reactivate), items and barcode under `distro stock`."""
    item = actions.add_parser("item", parents=[common], help="add, edit or retire an item")
    verbs = item.add_subparsers(dest="item_command", metavar="ACTION", required=True)
    add = verbs.add_parser("add", parents=[common], help="add an item to the catalogue")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--category", choices=CATEGORIES, required=True)
    add.add_argument("--unit", choices=UNITS, required=True, help="what one unit is")
    add.add_argument("--pack-size", default="", metavar="TEXT", help='like "5 kg"')
    for flag in DIETARY:
        add.add_argument(_option(flag), dest=flag, action="store_true")
    add.add_argument("--threshold", type=int, default=0, metavar="N", help="low below N units")
    add.add_argument(
        "--barcode", dest="barcodes", action="extend", nargs="+", default=[], metavar="B"
    )
    add.set_defaults(run=add_item_command)

    edit = verbs.add_parser("edit", parents=[common], help="change an item's fields")
    edit.add_argument("item", metavar="ITEM", help=ITEM_HELP)
    edit.add_argument("--name")
    edit.add_argument("--category", choices=CATEGORIES)
    edit.add_argument("--unit", choices=UNITS)
    edit.add_argument("--pack-size", metavar="TEXT")
    for flag in DIETARY:
        edit.add_argument(_option(flag), dest=flag, action=argparse.BooleanOptionalAction)
    edit.add_argument("--threshold", dest="low_stock_threshold", type=int, metavar="N")
    edit.set_defaults(run=edit_item_command)

    retire = verbs.add_parser("retire", parents=[common], help="take an item out of use")
    retire.add_argument("item", metavar="ITEM", help=ITEM_HELP)
    retire.add_argument("--reason", default="")
    retire.set_defaults(run=retire_item_command)
    reactivate = verbs.add_parser("reactivate", parents=[common], help="bring an item back")
    reactivate.add_argument("item", metavar="ITEM", help=ITEM_HELP)
    reactivate.set_defaults(run=reactivate_item_command)

    items = actions.add_parser("items", parents=[common], help="the catalogue, by name")
    items.add_argument("--all", action="store_true", help="retired items too")
    items.set_defaults(run=items_command)
    barcode = actions.add_parser(
        "barcode", parents=[common], help="make a product barcode select an item"
    )
    barcode.add_argument("item", metavar="ITEM", help=ITEM_HELP)
    barcode.add_argument("barcode", metavar="BARCODE", help="EAN-13, EAN-8 or UPC-A digits")
    barcode.add_argument("--remove", action="store_true", help="detach it instead")
    barcode.set_defaults(run=barcode_command)


def add_item_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Add the item with a new code."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.inputs import validated
    from distro.domain.stock.catalogue import ItemIn, add_item

    data = validated(
        ItemIn,
        {
            "name": args.name,
            "category": args.category,
            "unit": args.unit,
            "pack_size": args.pack_size,
            **{flag: getattr(args, flag) for flag in DIETARY},
            "low_stock_threshold": args.threshold,
            "barcodes": args.barcodes,
        },
    )
    actor = context.actor()
    with unit_of_work(context.engine) as session:
        item = add_item(session, data, actor=actor, now=context.clock())
    say(f"Added {describe(item)}.")
    return 0


def edit_item_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Change the fields given; the others keep their values."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.errors import InvalidInput
    from distro.domain.core.inputs import validated
    from distro.domain.stock.catalogue import ITEM_FIELDS, ItemIn, update_item
    from distro.domain.stock.item_lookup import find_item

    changes = {field: getattr(args, field) for field in ITEM_FIELDS}
    changes = {field: value for field, value in changes.items() if value is not None}
    if not changes:
        options = ", ".join(_option(field) for field in ITEM_FIELDS)
        raise InvalidInput({"edit": f"nothing to change: give at least one of {options}"})
    actor = context.actor()
    with unit_of_work(context.engine) as session:
        item = find_item(session, args.item)
        assert item.id is not None
        data = validated(ItemIn, {**item.model_dump(include=set(ITEM_FIELDS)), **changes})
        item = update_item(session, item.id, data, actor=actor, now=context.clock())
    say(f"Now {describe(item)}.")
    return 0


def retire_item_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Retire the item; refused while any of it is on the shelves."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.stock.catalogue import retire_item
    from distro.domain.stock.item_lookup import find_item

    actor = context.actor()
    with unit_of_work(context.engine) as session:
        item = find_item(session, args.item)
        assert item.id is not None
        retire_item(session, item.id, actor=actor, now=context.clock(), reason=args.reason)
    say(f"{item.name} ({item.code}) is retired; its history stays.")
    return 0


def reactivate_item_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Bring a retired item back into use."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.stock.catalogue import reactivate_item
    from distro.domain.stock.item_lookup import find_item

    actor = context.actor()
    with unit_of_work(context.engine) as session:
        item = find_item(session, args.item)
        assert item.id is not None
        reactivate_item(session, item.id, actor=actor, now=context.clock())
    say(f"{item.name} ({item.code}) is in use again.")
    return 0


def items_command(args: argparse.Namespace, context: CommandContext) -> int:
    """One line per item, by name: code, name, category, unit, pack size, units on hand."""
    from distro.domain.core.db import reading
    from distro.domain.core.zone import counter_today
    from distro.domain.stock.levels import stock_levels

    context.actor()
    with reading(context.engine) as session:
        levels = stock_levels(
            session, today=counter_today(session, context.clock()), include_retired=args.all
        )
    if not levels:
        retired = "" if args.all else " (--all shows retired ones too)"
        say(f"No item is in the catalogue{retired}.")
        return 0
    say(f"{'CODE':<10}  {'ITEM':<28}  {'CATEGORY':<9}  {'UNIT':<6}  {'PACK':<10}  ON HAND")
    for level in levels:
        retired = "  retired" if level.retired else ""
        kind = f"{level.category.value:<9}  {level.unit.value:<6}  {clip(level.pack_size, 10):<10}"
        say(f"{level.code:<10}  {clip(level.name, 28):<28}  {kind}  {level.on_hand:>7}{retired}")
    return 0


def barcode_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Attach the product barcode to the item (or detach it with --remove)."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.stock.catalogue import attach_barcode, detach_barcode
    from distro.domain.stock.item_lookup import find_item
    from distro.domain.stock.product_barcodes import product_barcode

    change = detach_barcode if args.remove else attach_barcode
    actor = context.actor()
    with unit_of_work(context.engine) as session:
        item = find_item(session, args.item)
        assert item.id is not None
        change(session, item.id, args.barcode, actor=actor, now=context.clock())
    verb = "no longer selects" if args.remove else "now selects"
    say(f"Barcode {product_barcode(args.barcode)} {verb} {item.name} ({item.code}).")
    return 0


def describe(item: Item) -> str:
    """The item in one line: code, name, category, unit and pack, dietary flags, threshold."""
    pack = f" of {item.pack_size}" if item.pack_size else ""
    flags = [flag.replace("_", " ") for flag in DIETARY if getattr(item, flag)]
    details = [f"{item.category}", f"{item.unit}{pack}", *flags]
    if item.low_stock_threshold:
        details.append(f"low below {item.low_stock_threshold}")
    return f"{item.code} {item.name} ({', '.join(details)})"


def _option(field: str) -> str:
    """The command-line option for an item field."""
    return "--threshold" if field == "low_stock_threshold" else "--" + field.replace("_", "-")
