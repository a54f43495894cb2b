"""Provides the merge plan dialog: who in the two records is one person, and what each person
who moves becomes to the surviving head, shown before anything is merged.

The coordinator corrects the plan with the keyboard (`m` on a row: the same person as another
member, or nobody; `r`: what the merged head is to the surviving head when the two are not one
person) and merges with Ctrl+S; the dialog returns the choices, and the merge computes the
same plan again in its transaction. Names are masked as on the family screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from distro.domain.families.masks import mask_name
from distro.domain.families.merge_plan import MemberMatch, MergePlan, plan_merge
from distro.domain.families.models import Member, Relationship
from distro.domain.families.schemas import MergeChoices
from distro.tui.base import UsesDistro
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter

HEAD_CHOICES: tuple[Relationship | None, ...] = (
    None,
    *(r for r in Relationship if r != Relationship.HEAD),
)
"""What `r` cycles through for the merged head; None: not known."""


def relationship_text(relationship: Relationship | None) -> str:
    """A relationship as a volunteer reads it."""
    return relationship.value.replace("_", " ") if relationship else "not known"


def head_line(head_is: Relationship | None) -> str:
    """What the relationships in the plan are based on."""
    if head_is == Relationship.HEAD:
        return "The two heads are one person: relationships stay as recorded."
    if head_is is None:
        return "Merged head not matched (m) nor given (r): relationships are guesses."
    return f"The merged head is the surviving head's {relationship_text(head_is)}."


class MergePlanModal(UsesDistro, ModalScreen[MergeChoices | None]):
    """The plan of merging one family into another, to correct and confirm or to cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "merge", "Merge", tooltip="Merge as planned", id="merge-plan-yes"),
        Binding("m", "cycle_match", "Same person as", id="merge-plan-match"),
        Binding("r", "cycle_head", "Head is", id="merge-plan-head"),
        Binding("escape", "cancel", "Cancel", tooltip="Merge nothing", id="merge-plan-no"),
    ]

    def __init__(self, plan: MergePlan) -> None:
        super().__init__()
        self.plan = plan
        self.choices = MergeChoices()

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog"):
            yield Static(id="merge-plan-heading")
            table: DataTable[str] = DataTable(id="merge-plan-table", cursor_type="row")
            table.add_columns(f"From {self.plan.gone.family.code}", "Born", "Becomes")
            yield table
            yield Static(id="merge-plan-head-line")
            yield Static("m and r correct the plan. Ctrl+S merges, for good; Esc merges nothing.")
        yield CounterFooter()

    def on_mount(self) -> None:
        self._draw()
        self.query_one(DataTable).focus()

    def redraw_privacy(self) -> None:
        """Privacy mode changed: the same plan, masked or not."""
        self._draw()

    def action_merge(self) -> None:
        self.dismiss(self.choices)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_cycle_match(self) -> None:
        """The highlighted person is the same as the next free surviving member, or nobody."""
        row = self.query_one(DataTable).cursor_row
        member = self.plan.gone.members[row]
        assert member.id is not None
        fate = self.plan.fate(member)
        current = fate.kept.id if isinstance(fate, MemberMatch) else None
        taken = {m.kept.id for m in self.plan.matches} - {current}
        options = [None, *(m.id for m in self.plan.keep.members if m.id not in taken)]
        chosen = options[(options.index(current) + 1) % len(options)]
        same = {k: v for k, v in self.choices.same.items() if k != member.id}
        apart = self.choices.apart - {member.id}
        if chosen is None:
            apart |= {member.id}
        else:
            same[member.id] = chosen
        self._replan(self.choices.model_copy(update={"same": same, "apart": apart}))

    def action_cycle_head(self) -> None:
        """The next relationship the merged head may have to the surviving head."""
        if any(m.dropped.relationship == Relationship.HEAD for m in self.plan.matches):
            self.notify("The two heads are matched: their relationship follows from that.")
            return
        following = HEAD_CHOICES[(HEAD_CHOICES.index(self.choices.head_is) + 1) % len(HEAD_CHOICES)]
        self._replan(self.choices.model_copy(update={"head_is": following}))

    def _replan(self, choices: MergeChoices) -> None:
        self.choices = choices
        self.plan = plan_merge(self.plan.keep, self.plan.gone, choices)
        self._draw()

    def _draw(self) -> None:
        plan = self.plan
        keep, gone = plan.keep.family, plan.gone.family
        self.query_one("#merge-plan-heading", Static).update(
            f"[b]Merge {gone.code} into {keep.code}?[/b]\n"
            f"{keep.code} stays, {gone.code} closes and its card opens {keep.code}.\n"
            f"Household of {plan.keep.household_size} now, {plan.household_size} after."
        )
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for member in plan.gone.members:
            born = member.birth_date.isoformat() if member.birth_date else "?"
            table.add_row(
                cell(self._shown_name(member, gone.id)), born, cell(self._becomes(member))
            )
        table.move_cursor(row=row)
        self.query_one("#merge-plan-head-line", Static).update(head_line(plan.head_is))

    def _becomes(self, member: Member) -> str:
        fate = self.plan.fate(member)
        if isinstance(fate, MemberMatch):
            return f"= {self._shown_name(fate.kept, self.plan.keep.family.id)} (one person)"
        check = "" if fate.rebased.derived else "  ? check"
        return relationship_text(fate.rebased.relationship) + check

    def _shown_name(self, member: Member, family_id: int | None) -> str:
        masked = self.distro.privacy.masks(family_id)
        return mask_name(member.full_name) if masked else member.full_name
