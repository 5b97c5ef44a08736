"""`kinerja isi`: fill a record in the terminal from its JSON Schema, without writing YAML.

Fields are asked in schema order (required ones always, optional ones after a yes/no), choices
as numbered menus, each answer checked against its own sub-schema before the next question.
Defaults come from `--dari-file` or from the person's record of the same kind in the previous
periode. Without a terminal, `--jawaban FILE` (YAML or JSON) supplies the answers, for scripts
and tests. The result is schema-checked as a whole before anything is written; it is written
atomically with its modeline and never over an existing file unless `--timpa` is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import jsonschema
import yaml

from kinerja_build import domain, layout
from kinerja_build.errors import UsageProblem
from kinerja_build.layout import RecordKind
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file
from kinerja_build.schema import ecma_validator_class


def target(root: Path, kind: str, pegawai: str, periode: str | None) -> Path:
    if kind == RecordKind.PEGAWAI:
        return layout.absolute(root, layout.record_path(RecordKind.PEGAWAI, owner=pegawai))
    if periode is None:
        raise UsageProblem(f"`kinerja isi {kind}` memerlukan --periode.")
    try:
        domain.parse_periode(periode)
    except domain.PeriodeError as error:
        raise UsageProblem(f"--periode: {error}.") from error
    return layout.absolute(root, layout.record_path(RecordKind(kind), periode, pegawai))


def previous(root: Path, kind: str, pegawai: str, periode: str | None) -> dict[str, Any]:
    """The person's record of this kind in the latest earlier periode (the defaults)."""
    if kind == RecordKind.PEGAWAI or periode is None:
        return {}
    folder = layout.absolute(root, layout.periods_dir())
    earlier = sorted(
        (entry.name for entry in folder.iterdir() if entry.is_dir() and entry.name < periode),
        reverse=True,
    ) if folder.is_dir() else []  # fmt: skip
    for name in earlier:
        path = layout.absolute(root, layout.record_path(RecordKind(kind), name, pegawai))
        if path.is_file():
            loaded = load_file(path, path.name, DEFAULT_MAX_BYTES)
            if loaded.ok and isinstance(loaded.data, dict):
                carried: dict[str, Any] = carry_over(loaded.data)
                return carried
    return {}


# What never carries over into a new periode: the approval history, the periode itself, last
# year's decrees (an SK is issued per year; copying its number and date is a false record) and
# last year's evidence files.
_NOT_CARRIED = frozenset({"periode", "status", "sha256", "sk", "bukti"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


def carry_over(value: Any) -> Any:
    """A record of an earlier periode as defaults for a new one: without statuses, SK numbers
    or dates (every date belongs to its own periode)."""
    if isinstance(value, dict):
        return {
            key: carry_over(item)
            for key, item in value.items()
            if key not in _NOT_CARRIED and not _is_date(item)
        }
    if isinstance(value, list):
        return [carry_over(item) for item in value if not _is_date(item)]
    return value


def _is_date(value: Any) -> bool:
    return isinstance(value, str) and bool(_ISO_DATE.match(value))


def read_answers(path: Path) -> dict[str, Any]:
    loaded = load_file(path, path.name, DEFAULT_MAX_BYTES)
    if not loaded.ok or not isinstance(loaded.data, dict):
        messages = "; ".join(d.message for d in loaded.diagnostics) or "bukan pemetaan"
        raise UsageProblem(f"Berkas jawaban {path} tidak dapat dibaca: {messages}")
    data: dict[str, Any] = loaded.data
    return data


def problem_text(node: dict[str, Any], value: Any) -> str | None:
    """An Indonesian sentence saying what is wrong with one answer, or None when it is fine."""
    validator = ecma_validator_class()(node, format_checker=jsonschema.FormatChecker())
    error = next(iter(validator.iter_errors(value)), None)
    if error is None:
        return None
    keyword = error.validator
    if keyword == "enum":
        return f"pilih salah satu: {', '.join(map(str, node.get('enum', [])))}"
    if keyword in ("minLength", "pattern") and (value is None or not str(value).strip()):
        return "tidak boleh kosong"
    if keyword == "pattern":
        return f"bentuknya tidak sesuai ({node.get('description') or node.get('pattern')})"
    if keyword == "format":
        return "tulis tanggal sebagai TTTT-BB-HH, mis. 2025-01-20"
    if keyword in ("maxLength", "maxItems"):
        return "terlalu panjang"
    if keyword in ("minimum", "maximum"):
        return f"harus antara {node.get('minimum')} dan {node.get('maximum')}"
    if keyword == "type":
        return f"jenis nilai harus {node.get('type')}"
    return "nilai tidak sesuai skema"


@dataclass
class Prompter:
    """Interactive questions through click (works on a terminal and through a pty)."""

    echo: Callable[[str], None] = click.echo

    def text(self, label: str, node: dict[str, Any], default: Any) -> Any:
        while True:
            if "enum" in node:
                value: Any = self.choose(label, list(node["enum"]), default)
            elif node.get("type") == "boolean":
                value = click.confirm(label, default=bool(default))
            elif node.get("type") in ("integer", "number"):
                kind = int if node["type"] == "integer" else float
                value = click.prompt(label, type=kind, default=default)
            else:
                value = click.prompt(label, default=default if default is not None else None)
            problem = problem_text(node, value)
            if problem is None:
                return value
            self.echo(f"  ✗ {problem}")

    def choose(self, label: str, options: list[Any], default: Any) -> Any:
        for index, option in enumerate(options, start=1):
            self.echo(f"  {index}) {option}")
        chosen = click.prompt(
            label,
            type=click.IntRange(1, len(options)),
            default=options.index(default) + 1 if default in options else None,
        )
        return options[chosen - 1]

    def confirm(self, label: str, default: bool) -> bool:
        return click.confirm(label, default=default)


def ask(
    node: dict[str, Any], prompter: Prompter, label: str, default: Any, fixed: dict[str, Any]
) -> Any:
    """One value for `node`, asking as many questions as its shape needs."""
    kind = node.get("type")
    title = node.get("title") or label
    if kind == "object" and "properties" in node:
        result: dict[str, Any] = {}
        required = set(node.get("required", []))
        given: dict[str, Any] = default if isinstance(default, dict) else {}
        for key, child in node["properties"].items():
            if key in fixed:
                result[key] = fixed[key]
                continue
            child_title = child.get("title") or key
            if key not in required and not prompter.confirm(
                f"Isi {child_title} ({key})?", key in given
            ):
                continue
            result[key] = ask(child, prompter, f"{child_title} ({key})", given.get(key), {})
        return result
    if kind == "array":
        items = node.get("items", {})
        seeds: list[Any] = default if isinstance(default, list) else []
        if items.get("type") == "object":
            values: list[Any] = []
            while len(values) < int(node.get("maxItems", 50)):
                first = not values and node.get("minItems", 0) > 0
                if not first and not prompter.confirm(
                    f"Tambah butir {title}?", len(values) < len(seeds)
                ):
                    break
                seed = seeds[len(values)] if len(values) < len(seeds) else None
                values.append(ask(items, prompter, title, seed, {}))
            return values
        shown = ", ".join(map(str, seeds)) if seeds else None
        if "enum" in items:
            prompter.echo(f"  pilihan: {', '.join(map(str, items['enum']))}")
        raw = click.prompt(f"{title} (pisahkan dengan koma)", default=shown)
        return [part.strip() for part in str(raw).split(",") if part.strip()]
    return prompter.text(title, node, default)


def to_yaml(kind: str, data: dict[str, Any], depth: int) -> str:
    """The record with its modeline; ids quoted, unicode kept, control characters escaped."""
    modeline = layout.modeline_target(depth, kind)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    # A NIP must stay a string: safe_dump quotes digit-only strings already; keep it explicit.
    body = re.sub(
        r"^(\s*(?:- )?(?:pegawai|penilai|pengamat|oleh|nip): )'(\d+)'$", r'\1"\2"', body, flags=re.M
    )
    return f"# yaml-language-server: $schema={modeline}\n{body}"
