"""Provides FormFields: labelled fields whose values feed a pydantic model, with errors beside
each field in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Select, SelectionList

from distro.tui.widgets.ticks import TickList

FieldKind = Literal["text", "list", "choice", "multi", "date", "int"]
LIST_HINT = "separate several with ;"


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form: the model's field name, its label, and how it is typed."""

    name: str
    label: str
    kind: FieldKind = "text"
    choices: tuple[tuple[str, str], ...] = ()
    placeholder: str = ""
    max_length: int = 120


class FormFields(Vertical):
    """A group of fields; `values()` gives a dict for the model, `show_problems` marks errors."""

    DEFAULT_CSS = """
    FormFields { height: auto; }
    FormFields .field-row { height: auto; }
    FormFields .field-label { width: 28; padding: 0 1 0 0; }
    FormFields .field-error {
        color: $error; width: 1fr; height: auto; padding-left: 28; display: none;
    }
    FormFields .field-error.-shown { display: block; }
    FormFields Input { width: 1fr; height: 1; border: none; padding: 0 1; }
    FormFields Input:focus { background: $accent 40%; }
    FormFields Select { width: 1fr; }
    FormFields Select > SelectCurrent { border: none; height: 1; padding: 0 1; }
    FormFields Select:focus > SelectCurrent { border: none; background: $accent 40%; }
    FormFields SelectionList { width: 1fr; height: auto; border: none; padding: 0; }
    FormFields SelectionList:focus { background: $accent 20%; }
    """

    def __init__(
        self, specs: tuple[FieldSpec, ...], values: dict[str, Any] | None = None, *, prefix: str
    ) -> None:
        super().__init__(id=f"{prefix}-fields")
        self.specs = specs
        self.initial = values or {}
        self.prefix = prefix

    def compose(self) -> ComposeResult:
        for spec in self.specs:
            with Horizontal(classes="field-row"):
                yield Label(spec.label, classes="field-label")
                yield self._widget(spec, self.initial.get(spec.name))
            yield Label("", id=self._error_id(spec), classes="field-error")

    def _widget(self, spec: FieldSpec, value: Any) -> Widget:
        widget_id = f"{self.prefix}-{spec.name}"
        if spec.kind == "choice":
            return Select(
                [(label, key) for key, label in spec.choices],
                value=value if value else Select.NULL,
                id=widget_id,
                prompt=spec.placeholder or "Choose",
                compact=True,
            )
        if spec.kind == "multi":
            chosen = set(value or [])
            return TickList(
                *[(label, key, key in chosen) for key, label in spec.choices], id=widget_id
            )
        text = (
            "; ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
        )
        placeholder = spec.placeholder or (LIST_HINT if spec.kind == "list" else "")
        if spec.kind == "date":
            placeholder = placeholder or "YYYY-MM-DD"
        return Input(
            value=text,
            placeholder=placeholder,
            id=widget_id,
            max_length=spec.max_length * (10 if spec.kind == "list" else 1),
            type="integer" if spec.kind == "int" else "text",
            compact=True,
        )

    def values(self) -> dict[str, Any]:
        """The typed values, shaped for the model (lists split, empty optional values left out)."""
        result: dict[str, Any] = {}
        for spec in self.specs:
            widget = self.query_one(f"#{self.prefix}-{spec.name}")
            if isinstance(widget, Select):
                if widget.value != Select.NULL:
                    result[spec.name] = widget.value
            elif isinstance(widget, SelectionList):
                result[spec.name] = list(widget.selected)
            elif isinstance(widget, Input):
                text = widget.value.strip()
                if spec.kind == "list":
                    result[spec.name] = [part.strip() for part in text.split(";") if part.strip()]
                elif text or spec.kind == "text":
                    result[spec.name] = text
        return result

    def state(self) -> dict[str, Any]:
        """What the fields hold now; the form compares it with what they held when it opened,
        to know whether closing it loses typed work."""
        return self.values()

    def show_problems(self, problems: dict[str, str], path: str = "") -> list[Widget]:
        """Put each problem under its field; returns the fields that have one, in order."""
        local = {field.removeprefix(path): text for field, text in problems.items()}
        marked: list[Widget] = []
        for spec in self.specs:
            message = next(
                (text for field, text in local.items() if field.split(".")[0] == spec.name), ""
            )
            error = self.query_one(f"#{self._error_id(spec)}", Label)
            error.update(message)
            error.set_class(bool(message), "-shown")
            if message:
                marked.append(self.query_one(f"#{self.prefix}-{spec.name}"))
        return marked

    def focus_first(self) -> None:
        """Focus the first field, where a volunteer starts typing."""
        self.query_one(f"#{self.prefix}-{self.specs[0].name}").focus()

    def _error_id(self, spec: FieldSpec) -> str:
        return f"{self.prefix}-{spec.name}-error"
