"""Between a form definition, a record and a submitted form.

`flatten` turns a record into the strings a form shows, `build_record` turns submitted strings
back into a record (dates from dd/mm/yyyy, lines into lists, empty rows and sections dropped,
keys in the schema's order), and `layout` makes the concrete tree a template renders: every
input with its name, label, choices, value and the diagnostics placed at it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kinerja_build import schema
from kinerja_build.formdef import (
    ChoiceContext,
    Field,
    Form,
    Group,
    Item,
    Repeat,
    choices,
    date_for_form,
    date_from_form,
)

Values = Mapping[str, Sequence[str]]  # submitted name → values (a checkbox list has several)
MAX_ROWS = 50


# -- the schema node behind a path ------------------------------------------------------------


def schema_node(kind: str, path: Sequence[str]) -> dict[str, Any]:
    """The compiled schema node of a path (`*` or a number stands for a list item)."""
    node: dict[str, Any] = schema.compiled_schema(kind)
    for part in path:
        item = part == "*" or part.isdigit()
        node = node.get("items", {}) if item else node.get("properties", {}).get(part, {})
    return node


def _required(kind: str, path: Sequence[str]) -> bool:
    parent = schema_node(kind, path[:-1])
    return path[-1] in parent.get("required", [])


# -- record → form values ---------------------------------------------------------------------


def flatten(form: Form, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The values a form shows for a record."""
    values: dict[str, list[str]] = {}
    for step in form.steps:
        _flatten_items(step.items, "", data, values)
    return values


def _flatten_items(
    items: Iterable[Item], prefix: str, data: Mapping[str, Any], values: dict[str, list[str]]
) -> None:
    for item in items:
        name = f"{prefix}{item.key}"
        if isinstance(item, Field):
            _flatten_field(item, name, data.get(item.key), values)
        elif isinstance(item, Group):
            inner = data.get(item.key) if item.key else data
            if isinstance(inner, Mapping):
                _flatten_items(item.items, f"{name}." if item.key else prefix, inner, values)
        else:
            rows = data.get(item.key)
            for index, row in enumerate(rows if isinstance(rows, list) else []):
                if isinstance(row, Mapping):
                    _flatten_items(item.items, f"{name}.{index}.", row, values)


def _flatten_field(item: Field, name: str, value: Any, values: dict[str, list[str]]) -> None:
    if value is None:
        return
    if item.widget == "checkboxes":
        values[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    elif item.widget == "lines":
        values[name] = ["\n".join(str(v) for v in value) if isinstance(value, list) else str(value)]
    elif item.widget == "date":
        values[name] = [date_for_form(value)]
    elif isinstance(value, bool):
        values[name] = ["true" if value else "false"]
    else:
        values[name] = [str(value)]


# -- form values → record ---------------------------------------------------------------------


def build_record(form: Form, values: Values) -> dict[str, Any]:
    """The record the submitted values describe (only what the form covers)."""
    data: dict[str, Any] = {}
    for step in form.steps:
        data.update(_build_items(form.kind, step.items, [], values))
    return _schema_order(form.kind, [], data)


def _build_items(
    kind: str, items: Iterable[Item], path: list[str], values: Values
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for item in items:
        here = [*path, item.key] if item.key else path
        if isinstance(item, Field):
            value = _field_value(kind, item, here, values.get(".".join(here), []))
            if value is not None:
                data[item.key] = value
        elif isinstance(item, Group):
            inner = _build_items(kind, item.items, here, values)
            if item.key and inner:
                data[item.key] = inner
            elif not item.key:
                data.update(inner)
        else:
            rows = []
            for index in range(row_count(values, ".".join(here))):
                row = _build_items(kind, item.items, [*here, str(index)], values)
                if row:
                    rows.append(row)
            if rows:
                data[item.key] = rows
    return data


def _field_value(kind: str, item: Field, path: list[str], raw: Sequence[str]) -> Any:
    texts = [text.replace("\r\n", "\n") for text in raw]
    if item.widget == "checkboxes":
        return [text for text in texts if text] or None
    text = texts[0] if texts else ""
    if item.widget == "lines":
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        return lines or None
    if not text.strip():
        return None
    if item.widget == "date":
        return date_from_form(text)
    if item.widget == "number":
        return _number(text, schema_node(kind, path).get("type"))
    if item.widget in ("text",):
        return text.strip()
    return text.strip() if item.widget != "textarea" else text.strip("\n").rstrip()


def _number(text: str, kind: Any) -> Any:
    cleaned = text.strip().replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return text.strip()  # the schema reports it at its field
    if kind == "integer" and number.is_integer():
        return int(number)
    return int(number) if number.is_integer() and kind != "number" else number


def _schema_order(kind: str, path: list[str], data: dict[str, Any]) -> dict[str, Any]:
    order = list(schema_node(kind, path).get("properties", {}))
    rank = {key: index for index, key in enumerate(order)}
    result: dict[str, Any] = {}
    for key in sorted(data, key=lambda k: rank.get(k, len(rank))):
        value = data[key]
        if isinstance(value, dict):
            value = _schema_order(kind, [*path, key], value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            value = [_schema_order(kind, [*path, key, "*"], row) for row in value]
        result[key] = value
    return result


def schema_order(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The record with its keys in the order of its schema (as people read the YAML)."""
    return _schema_order(kind, [], data)


def top_keys(form: Form) -> set[str]:
    """The record's top-level keys that the form fills."""
    return {path.split(".", 1)[0] for path, _ in form.fields()}


def row_count(values: Values, name: str) -> int:
    """How many rows of a repeated group the submitted (or flattened) values hold."""
    pattern = re.compile(rf"^{re.escape(name)}\.(\d+)\.")
    indexes = [int(m[1]) for key in values if (m := pattern.match(key))]
    return min(max(indexes) + 1, MAX_ROWS) if indexes else 0


# -- the concrete tree a template renders -----------------------------------------------------


@dataclass
class Input:
    name: str
    id: str
    label: str
    widget: str
    help: str
    required: bool
    value: str
    selected: list[str]
    options: list[tuple[str, str]]
    maxlength: int | None
    errors: list[str] = field(default_factory=list)


@dataclass
class Box:
    """A fieldset: a nested object, a repeated group, or one of its rows."""

    title: str
    help: str
    children: list[Input | Box]
    repeat: str = ""  # the list's name, for the "add a row" button
    errors: list[str] = field(default_factory=list)


@dataclass
class Section:
    number: int
    title: str
    help: str
    anchor: str
    children: list[Input | Box]


def layout(
    form: Form,
    values: Values,
    context: ChoiceContext,
    errors: Mapping[str, list[str]],
    extra_rows: Mapping[str, int] | None = None,
) -> list[Section]:
    """Sections of concrete inputs for these values, with each field's diagnostics."""
    builder = _Layout(form.kind, values, context, errors, extra_rows or {})
    return [
        Section(number, step.title, step.help, f"langkah-{number}", builder.items(step.items, []))
        for number, step in enumerate(form.steps, start=1)
    ]


@dataclass
class _Layout:
    kind: str
    values: Values
    context: ChoiceContext
    errors: Mapping[str, list[str]]
    extra_rows: Mapping[str, int]

    def items(self, items: Iterable[Item], path: list[str]) -> list[Input | Box]:
        result: list[Input | Box] = []
        for item in items:
            here = [*path, item.key] if item.key else path
            if isinstance(item, Field):
                result.append(self.input(item, here))
            elif isinstance(item, Group):
                children = self.items(item.items, here)
                if item.title:
                    result.append(Box(item.title, item.help, children))
                else:
                    result.extend(children)
            else:
                result.append(self.repeat(item, here))
        return result

    def repeat(self, item: Repeat, path: list[str]) -> Box:
        name = ".".join(path)
        maximum = int(schema_node(self.kind, path).get("maxItems", MAX_ROWS))
        count = row_count(self.values, name) + 1 + self.extra_rows.get(name, 0)
        rows: list[Input | Box] = [
            Box(f"{item.row_title} {index + 1}", "", self.items(item.items, [*path, str(index)]))
            for index in range(min(count, maximum, MAX_ROWS))
        ]
        return Box(item.title, item.help, rows, name, list(self.errors.get(name, [])))

    def input(self, item: Field, path: list[str]) -> Input:
        name = ".".join(path)
        node = schema_node(self.kind, path)
        raw = list(self.values.get(name, []))
        options = choices(item.choices, self.context) if item.choices else []
        value = raw[0] if raw else ""
        widget = item.widget
        if not options and item.choices in ChoiceContext.OPTIONAL_SOURCES:
            widget = "text"
        if options and value and value not in dict(options):
            options = [*options, (value, value)]  # keep an unknown value visible, not lost
        return Input(
            name=name,
            id="f-" + name.replace(".", "-").replace("_", "-"),
            label=item.label,
            widget=widget,
            help=item.help,
            required=_required(self.kind, path),
            value=value,
            selected=raw,
            options=options,
            maxlength=node.get("maxLength"),
            errors=list(self.errors.get(name, [])),
        )


def field_names(sections: Sequence[Section]) -> dict[str, str]:
    """Every input name of a laid-out form with its widget ("repeat" for a list)."""
    names: dict[str, str] = {}

    def visit(children: Sequence[Input | Box]) -> None:
        for child in children:
            if isinstance(child, Input):
                names[child.name] = child.widget
            else:
                if child.repeat:
                    names[child.repeat] = "repeat"
                visit(child.children)

    for section in sections:
        visit(section.children)
    return names
