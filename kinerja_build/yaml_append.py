"""Append one entry to a top-level block list of a YAML file, as text, in the file's own style.

Approval commands must change nothing but the lines they add (issue 18): re-dumping the document
with a round-trip library re-indents lists, re-wraps long scalars, rewrites escapes and drops
what precedes a `---`. Here the file is parsed only to find where the list ends and how its
entries are written (dash column, key column, quoting of each key's values, line ending, BOM);
the new lines are then inserted as text. The result is parsed again and must equal the old data
plus exactly the new entry, otherwise nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kinerja_build.load import load_text

try:  # same parser as the load stage, so marks agree with its line counting
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

BOM = "\ufeff"
# YAML's line breaks (1.1, as libyaml reads them): the same lines the parser's marks count.
_LINES = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029]|$)")
# Characters a double-quoted scalar must escape beyond what JSON escapes (YAML line breaks).
_YAML_ONLY_ESCAPES = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\ufeff": "\\ufeff"}


class AppendError(Exception):
    """The file cannot be extended as text without changing anything else (Indonesian message)."""


@dataclass(frozen=True, slots=True)
class _Layout:
    dash: int  # column of "-" of the list's entries
    key: int  # column of the entries' keys
    styles: dict[str, str | None]  # quoting used for each key's values in existing entries
    newline: str
    region: tuple[int, int]  # lines [first, end) after the list's key that may belong to it


def append_entry(raw: bytes, list_key: str, entry: Sequence[tuple[str, str | bool]]) -> bytes:
    """`raw` with `entry` appended to the top-level block list `list_key`; all else unchanged."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise AppendError("Berkas bukan teks UTF-8.") from error
    bom = BOM if text.startswith(BOM) else ""
    body = text.removeprefix(BOM)
    lines = _LINES.findall(body)
    if lines and lines[-1] == "":
        lines.pop()
    layout = _layout(body, lines, list_key)
    entry_lines = _entry_lines(entry, layout)
    expected = _expected_data(body, list_key, entry)
    for position in _insertion_points(lines, layout):
        candidate = _insert(lines, position, entry_lines, layout.newline)
        if load_text(candidate, "").data == expected:
            return (bom + candidate).encode("utf-8")
    raise AppendError(
        f"Tidak dapat menambahkan butir ke `{list_key}` tanpa mengubah baris lain di berkas ini."
    )


def _layout(body: str, lines: list[str], list_key: str) -> _Layout:
    try:
        root = yaml.compose(body, Loader=_Loader)
    except yaml.YAMLError as error:
        raise AppendError("Berkas YAML tidak dapat dibaca.") from error
    if not isinstance(root, MappingNode):
        raise AppendError("Isi berkas bukan pemetaan.")
    pairs = root.value
    index = next(
        (
            i
            for i, (key, _) in enumerate(pairs)
            if isinstance(key, ScalarNode) and key.value == list_key
        ),
        None,
    )
    if index is None:
        raise AppendError(f"Berkas tidak memiliki `{list_key}`.")
    key_node, sequence = pairs[index]
    if not isinstance(sequence, SequenceNode) or sequence.flow_style or not sequence.value:
        raise AppendError(
            f"`{list_key}` harus berupa daftar blok yang tidak kosong (satu butir per baris "
            "diawali `- `), bukan gaya `[...]`."
        )
    items = sequence.value
    if not all(isinstance(item, MappingNode) and not item.flow_style for item in items):
        raise AppendError(f"Setiap butir `{list_key}` harus berupa pemetaan blok.")
    last = items[-1]
    key_column = last.start_mark.column
    dash = _dash_column(lines[last.start_mark.line], key_column)
    if dash is None:
        raise AppendError(f"Butir `{list_key}` ditulis dalam bentuk yang tidak didukung.")
    first_line = key_node.start_mark.line + 1
    if index + 1 < len(pairs):
        end_line = pairs[index + 1][0].start_mark.line
    else:
        end_line = next(
            (n for n in range(first_line, len(lines)) if lines[n].startswith(("---", "..."))),
            len(lines),
        )
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    return _Layout(dash, key_column, _styles(items), newline, (first_line, end_line))


def _dash_column(line: str, key_column: int) -> int | None:
    before = line[:key_column]
    stripped = before.rstrip(" ")
    if not stripped.endswith("-") or stripped[:-1].strip(" "):
        return None
    return len(stripped) - 1


def _styles(items: list[Node]) -> dict[str, str | None]:
    """The quoting style of each key's scalar values; later entries win."""
    styles: dict[str, str | None] = {}
    for item in items:
        assert isinstance(item, MappingNode)
        for key, value in item.value:
            if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
                styles[key.value] = value.style or None  # libyaml says "" for plain
    return styles


def _entry_lines(entry: Sequence[tuple[str, str | bool]], layout: _Layout) -> list[str]:
    first = " " * layout.dash + "-" + " " * (layout.key - layout.dash - 1)
    lines = []
    for position, (key, value) in enumerate(entry):
        rendered = _scalar(value, layout.styles.get(key, _default_style(key, layout.styles)))
        lines.append(f"{first if position == 0 else ' ' * layout.key}{key}: {rendered}")
    return lines


def _default_style(key: str, styles: dict[str, str | None]) -> str | None:
    # An identifier is quoted like the other identifiers of the entries (ids may be all digits).
    if key == "oleh":
        return styles.get("oleh", '"')
    return styles.get("status")


def _scalar(value: str | bool, style: str | None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if style is None and _plain_safe(value):
        return value
    if style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return _double_quoted(value)


def _plain_safe(value: str) -> bool:
    if not value or value != value.strip() or not value.isprintable() or ": " in value:
        return False
    if value[0] in "!&*{}[]|>'\"%@`#,?:-" or " #" in value:
        return False
    return bool(load_text(f"x: {value}\n", "").data == {"x": value})


def _double_quoted(value: str) -> str:
    # A JSON string is a double-quoted YAML scalar, once YAML's extra line breaks are escaped.
    text = json.dumps(value, ensure_ascii=False)
    return "".join(_YAML_ONLY_ESCAPES.get(character, character) for character in text)


def _insertion_points(lines: list[str], layout: _Layout) -> list[int]:
    """Where the new lines may go: after the list's last content line, else before what follows."""
    first, end = layout.region
    last_content = first - 1
    for number in range(first, end):
        stripped = lines[number].strip()
        if not stripped:
            continue
        indent = len(lines[number]) - len(lines[number].lstrip(" "))
        if not stripped.startswith("#") or indent >= layout.key:
            last_content = number
    points = [last_content + 1]
    if end not in points:
        points.append(end)
    return points


def _insert(lines: list[str], position: int, new: list[str], newline: str) -> str:
    before = lines[:position]
    if before and not before[-1].endswith(("\n", "\r", "\x85", "\u2028", "\u2029")):
        before[-1] += newline  # the file's last line had no line break
    added = "".join(line + newline for line in new)
    return "".join(before) + added + "".join(lines[position:])


def _expected_data(body: str, list_key: str, entry: Sequence[tuple[str, str | bool]]) -> Any:
    data = load_text(body, "").data
    if not isinstance(data, dict) or not isinstance(data.get(list_key), list):
        raise AppendError(f"`{list_key}` tidak dapat dibaca sebagai daftar.")
    return {**data, list_key: [*data[list_key], dict(entry)]}
