"""Schema stage: check each record against its JSON Schema (2020-12) and explain errors in Indonesian.

Two validators per record kind, both compiled once per run (docs/decisions/0002):

* a fast one (jsonschema-rs, compiled to Rust) that only answers "valid or not". Almost every
  record of a school is valid, and for those this is the whole schema stage;
* python-jsonschema, which runs only for the records the fast one rejects: it exposes the failing
  keyword, its value and the sub-schema, from which the Indonesian messages are rebuilt.

The fast validator may be stricter than python-jsonschema, never more lenient: a record it accepts
must have no python-jsonschema error. Where the two engines differ (regex classes, the `date`
format), `fast_schema()` rewrites the schema so that holds; tests/test_schema_fast.py runs both on
every document of the test cases and the demo and fails on any disagreement.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from kinerja_build import resources
from kinerja_build.diagnostics import JsonPath
from kinerja_build.layout import RecordKind
from kinerja_build.layout import schema_file as schema_file  # re-exported for callers

if TYPE_CHECKING:  # python-jsonschema is imported only when a record fails the fast check
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

KINDS: tuple[RecordKind, ...] = tuple(RecordKind)
CONFIG_KIND = "kinerja-config"
DINAS_KIND = "dinas"  # dinas.yml of a district repository
SUPPORT_SCHEMAS = ("umum.schema.json",)


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One schema violation, already translated."""

    code: str
    json_path: JsonPath
    message: str
    hint: str
    at_key: bool = False


@functools.cache
def registry() -> Registry[Any]:
    """All schemas, registered under their file names so relative `$ref`s resolve offline."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    names = [schema_file(kind) for kind in (*KINDS, CONFIG_KIND, DINAS_KIND)] + list(
        SUPPORT_SCHEMAS
    )
    resources_ = [
        (
            name,
            Resource.from_contents(resources.load_schema(name), default_specification=DRAFT202012),
        )
        for name in names
    ]
    return Registry().with_resources(resources_)


@functools.cache
def compiled_schema(kind: str) -> dict[str, Any]:
    """The schema of a record kind with every `$ref` inlined.

    Our schemas are not recursive, so inlining is exact; it removes ~200,000 registry look-ups
    per 10,000 records (3× faster validation) and puts the titles and descriptions of shared
    types right where error messages look for them. The published files keep their `$ref`s.
    """
    name = schema_file(kind)
    inlined: dict[str, Any] = _inline(resources.load_schema(name), name, 0)
    return inlined


def _inline(node: Any, base: str, depth: int) -> Any:
    if depth > 32:
        raise RuntimeError(f"schema {base}: $ref nesting too deep (recursive schema?)")
    if isinstance(node, list):
        return [_inline(item, base, depth) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" not in node:
        return {key: _inline(value, base, depth) for key, value in node.items()}
    target_file, _, pointer = str(node["$ref"]).partition("#")
    target_base = target_file or base
    target: Any = resources.load_schema(target_base)
    for part in filter(None, pointer.split("/")):
        target = target[part]
    merged = dict(_inline(target, target_base, depth + 1))
    for key, value in node.items():
        # The referenced definition wins (its description explains the format), except for
        # the title, which names the field at this place.
        if key != "$ref" and (key == "title" or key not in merged):
            merged[key] = _inline(value, base, depth)
    return merged


@functools.cache
def validator(kind: str) -> Draft202012Validator:
    """python-jsonschema for a record kind: slow, but explains every error (see `check`)."""

    checker: Draft202012Validator = ecma_validator_class()(
        compiled_schema(kind), registry=registry(), format_checker=_format_checker()
    )
    return checker


@functools.cache
def ecma_validator_class() -> Any:
    """Draft 2020-12 with ECMA-262's `$`: python-jsonschema runs `pattern` through `re.search`,
    where `$` also matches before a final newline, so `^[0-9]{18}$` accepted a NIP with a
    trailing newline (and the public site's mask missed it). Here `$` means the end of the text,
    as in JSON Schema's own regex dialect and in jsonschema-rs."""
    from jsonschema import Draft202012Validator, ValidationError, validators

    def pattern(validator: Any, expected: str, instance: Any, _schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not _python_regex(expected).search(instance):
            yield ValidationError(f"{instance!r} does not match {expected!r}")

    return validators.extend(Draft202012Validator, {"pattern": pattern})  # type: ignore[no-untyped-call]


@functools.cache
def _python_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(python_pattern(pattern))


def python_pattern(pattern: str) -> str:
    """A schema regex for Python's `re` with ECMA-262's meaning of `$` (the end of the text)."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = "\\Z"
        out.append(char)
        index += 1
    return "".join(out)


@functools.cache
def _format_checker() -> Any:
    from jsonschema import FormatChecker

    return FormatChecker(CHECKED_FORMATS)


CHECKED_FORMATS = ("date",)

# Python's `\s` in a str pattern: every character for which str.isspace() is true. The regex
# engine of jsonschema-rs leaves out U+001C–U+001F and U+0085 and adds U+FEFF, so `\s`/`\S` are
# spelled out for it (tests/test_schema_fast.py checks this list against str.isspace()).
PYTHON_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Keywords whose value is a schema, a list of schemas, or a map of names to schemas.
_SUBSCHEMA = frozenset(
    {
        "items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "contains",
        "propertyNames", "not", "if", "then", "else", "contentSchema",
    }
)  # fmt: skip
_SUBSCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SUBSCHEMA_MAPS = frozenset({"properties", "$defs", "dependentSchemas"})


class UnsupportedPattern(ValueError):
    """A schema regex whose meaning may differ between Python's `re` and jsonschema-rs."""


@functools.cache
def fast_validator(kind: str) -> jsonschema_rs.Validator:
    """jsonschema-rs for a record kind: answers only "valid or not", about 40× faster."""
    return jsonschema_rs.Draft202012Validator(
        fast_schema(kind), formats={"date": is_date}, validate_formats=True
    )


def fast_verdict(kind: str, data: Any) -> bool:
    """True when the record is certainly valid; False sends it to python-jsonschema."""
    try:
        return fast_validator(kind).is_valid(data)
    except ValueError:  # not representable as JSON for Rust (e.g. lone surrogates)
        return False


@functools.cache
def fast_schema(kind: str) -> dict[str, Any]:
    """`compiled_schema(kind)` for jsonschema-rs: regexes with Python's meaning, only the
    formats python-jsonschema asserts, and no prose."""
    converted: dict[str, Any] = _for_rust(compiled_schema(kind))
    return converted


def _for_rust(node: Any) -> Any:
    if not isinstance(node, dict):
        return node  # `true`/`false` schemas
    converted: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SUBSCHEMA:
            converted[key] = _for_rust(value)
        elif key in _SUBSCHEMA_LISTS:
            converted[key] = [_for_rust(item) for item in value]
        elif key in _SUBSCHEMA_MAPS:
            converted[key] = {name: _for_rust(item) for name, item in value.items()}
        elif key == "patternProperties":
            converted[key] = {rust_pattern(name): _for_rust(item) for name, item in value.items()}
        elif key == "pattern":
            converted[key] = rust_pattern(value)
        elif key == "format" and value not in CHECKED_FORMATS:
            continue  # python-jsonschema annotates other formats without checking them
        elif key not in ("title", "description", "examples", "$comment"):
            converted[key] = value
    return converted


def rust_pattern(pattern: str) -> str:
    """The regex for jsonschema-rs that matches what `re.search(pattern, …)` matches.

    Only the constructs our schemas use are translated; anything else raises, so a new schema
    cannot silently validate differently in the two engines. `$` is the end of the text in
    both (python_pattern() gives Python's `re` that meaning too).
    """
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        pair = pattern[index : index + 2]
        if char == "\\":
            if pair == "\\s":
                out.append(PYTHON_SPACE if in_class else f"[{PYTHON_SPACE}]")
            elif pair == "\\S" and not in_class:
                out.append(f"[^{PYTHON_SPACE}]")
            elif len(pair) == 2 and not pair[1].isalnum():
                out.append(pair)  # an escaped punctuation character means itself in both
            else:
                raise UnsupportedPattern(pattern)
            index += 2
            continue
        if in_class:
            if char == "[" or pair in ("&&", "--", "~~"):
                raise UnsupportedPattern(pattern)  # set operations in Rust, literals in Python
            in_class = char != "]"
        elif char == "[":
            in_class = True
            opening = pattern[index : index + 3]
            if opening.startswith("[]") or opening == "[^]":
                raise UnsupportedPattern(pattern)  # a literal `]` in Python, an error in Rust
        elif pair == "(?" and pattern[index : index + 3] != "(?:":
            raise UnsupportedPattern(pattern)  # named groups, flags, look-arounds
        elif char == "$":
            out.append("$")  # without the m flag: the end of the text, as ECMA-262 means it
            index += 1
            continue
        elif char == ".":
            out.append("[^\\n]")  # jsonschema-rs' `.` also stops at \r, U+2028 and U+2029
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_date(value: object) -> bool:
    """python-jsonschema's `date` format check (RFC 3339 full-date, years 0001–9999), written
    out so the fast path does not import python-jsonschema."""
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.fullmatch(value) and dt.date.fromisoformat(value))
    except ValueError:
        return False


def check(kind: str, data: Any) -> list[SchemaProblem]:
    """All schema problems of one record, most specific first, in document order."""
    if fast_verdict(kind, data):
        return []
    # Bounded: a hostile record can hold millions of violations (3 GB of diagnostics once).
    scanned = itertools.islice(validator(kind).iter_errors(data), MAX_ERRORS_SCANNED)
    errors = sorted(scanned, key=lambda e: _path_key(e.absolute_path))
    problems: list[SchemaProblem] = []
    rest = 0
    for index, error in enumerate(errors):
        problems.extend(_translate(error))
        if len(problems) > MAX_PROBLEMS_PER_FILE:
            # Count the rest without translating it (a suggestion per unknown key is costly).
            rest = len(problems) - MAX_PROBLEMS_PER_FILE
            rest += sum(_weight(later) for later in errors[index + 1 :])
            break
    if rest or len(errors) == MAX_ERRORS_SCANNED:
        more = "atau lebih " if len(errors) == MAX_ERRORS_SCANNED else ""
        problems = problems[:MAX_PROBLEMS_PER_FILE]
        problems.append(
            SchemaProblem(
                "KIN017",
                (),
                f"{max(rest, 0)} {more}pelanggaran skema lain di berkas ini tidak ditampilkan.",
                "Perbaiki masalah yang ditampilkan lalu periksa lagi; berkas dengan ribuan "
                "pelanggaran biasanya salah tempat atau rusak.",
            )
        )
    return problems


MAX_ERRORS_SCANNED = 2_000


def _weight(error: ValidationError) -> int:
    """How many problems _translate makes of an error (one per unknown key, else one)."""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return sum(1 for key in error.instance if key not in known) or 1
    return 1


MAX_PROBLEMS_PER_FILE = 100


def _path_key(path: Any) -> tuple[str, ...]:
    return tuple(f"{part:08d}" if isinstance(part, int) else str(part) for part in path)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 60 else f'"{value[:57]}…"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "kosong (null)"
    if isinstance(value, dict):
        return "pemetaan"
    if isinstance(value, list):
        return "daftar"
    return json.dumps(value)


_TYPE_NAMES = {
    "string": "teks",
    "integer": "bilangan bulat",
    "number": "angka",
    "boolean": "true/false",
    "array": "daftar",
    "object": "pemetaan (kunci: nilai)",
    "null": "kosong",
}


def _field(path: JsonPath) -> str:
    named = [part for part in path if isinstance(part, str)]
    return f"`{named[-1]}`" if named else "nilai"


def _translate(error: ValidationError) -> Iterator[SchemaProblem]:
    path: JsonPath = tuple(error.absolute_path)
    keyword = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    subschema: dict[str, Any] = dict(error.schema) if isinstance(error.schema, Mapping) else {}
    where = _field(path)
    if keyword == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        for name in missing:
            title = _property_title(subschema, name)
            yield SchemaProblem(
                "KIN101",
                path,
                f"Kolom wajib `{name}` belum diisi{title}.",
                f"Tambahkan `{name}: …` di tingkat ini. Lihat skema untuk contoh isian.",
            )
    elif keyword in ("additionalProperties", "unevaluatedProperties"):
        allowed = sorted(subschema.get("properties", {}))
        extras = [name for name in instance if name not in subschema.get("properties", {})]
        for name in extras:
            suggestion = _closest(name, allowed)
            hint = (
                f"Mungkin maksudnya `{suggestion}`?" if suggestion else ""
            ) + f" Kolom yang dikenal: {', '.join(allowed)}."
            yield SchemaProblem(
                "KIN102",
                (*path, name),
                f"Kolom `{name}` tidak dikenal.",
                hint.strip(),
                at_key=True,
            )
    elif keyword == "type":
        expected = value if isinstance(value, list) else [value]
        names = " atau ".join(_TYPE_NAMES.get(str(t), str(t)) for t in expected)
        hint = f"Ganti nilainya dengan {names}."
        if (
            "string" in expected
            and isinstance(instance, int | float)
            and not isinstance(instance, bool)
        ):
            hint = 'Apit nilai dengan tanda kutip, mis. "198703152010012004", agar dibaca sebagai teks.'
        elif "string" in expected and isinstance(instance, bool):
            hint = "YAML membaca yes/no/on/off sebagai true/false; apit nilai dengan tanda kutip."
        yield SchemaProblem(
            "KIN103", path, f"{where} harus berupa {names}, bukan {_value(instance)}.", hint
        )
    elif keyword in ("enum", "const"):
        options = value if keyword == "enum" else [value]
        suggestion = _closest(str(instance), [str(o) for o in options])
        hint = f"Pilihan: {', '.join(str(o) for o in options)}."
        if suggestion:
            hint = f"Mungkin maksudnya `{suggestion}`? " + hint
        yield SchemaProblem(
            "KIN104", path, f"Nilai {_value(instance)} tidak ada dalam daftar untuk {where}.", hint
        )
    elif keyword in ("pattern", "format"):
        description = _description_of(subschema)
        if keyword == "format" or subschema.get("format") == "date":
            message = f"{where}: {_value(instance)} bukan tanggal yang sah."
            hint = "Tulis tanggal sebagai TTTT-BB-HH, mis. 2025-01-08, dan pastikan tanggalnya ada."
        elif subschema.get("pattern") == "\\S":
            message = f"{where} tidak boleh hanya berisi spasi."
            hint = "Isi dengan teks, atau hapus kolom ini bila opsional."
        else:
            message = f"{where}: bentuk {_value(instance)} tidak sesuai."
            hint = description or f"Bentuk yang diharapkan (regex): {value}"
        yield SchemaProblem("KIN105", path, message, hint)
    elif keyword in (
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "uniqueItems",
        "minProperties",
    ):
        yield SchemaProblem(
            "KIN106", path, _range_message(keyword, value, where), _range_hint(keyword)
        )
    elif keyword in ("anyOf", "oneOf") and _required_only(value):
        names = " atau ".join(f"`{branch['required'][0]}`" for branch in value)
        yield SchemaProblem(
            "KIN107",
            path,
            f"{where} harus berisi salah satu dari {names}.",
            f"Tambahkan {names} di tingkat ini.",
        )
    else:
        yield SchemaProblem(
            "KIN107",
            path,
            f"{where} tidak sesuai skema (aturan `{keyword}`).",
            "Bandingkan dengan skema di folder schemas/ atau jalankan `kinerja init` untuk contoh.",
        )


def _required_only(branches: Any) -> bool:
    return isinstance(branches, list) and all(
        isinstance(b, dict) and set(b) == {"required"} and len(b["required"]) == 1 for b in branches
    )


def _property_title(schema: dict[str, Any], name: str) -> str:
    prop = schema.get("properties", {}).get(name, {})
    title = prop.get("title") if isinstance(prop, dict) else None
    return f" ({title})" if title else ""


def _description_of(schema: dict[str, Any]) -> str:
    description = schema.get("description")
    return description if isinstance(description, str) else ""


def _range_message(keyword: str, value: Any, where: str) -> str:
    return {
        "minLength": f"{where} terlalu pendek (minimal {value} karakter).",
        "maxLength": f"{where} terlalu panjang (maksimal {value} karakter).",
        "minItems": f"{where} harus berisi minimal {value} butir.",
        "maxItems": f"{where} berisi terlalu banyak butir (maksimal {value}).",
        "minimum": f"{where} minimal {value}.",
        "maximum": f"{where} maksimal {value}.",
        "exclusiveMinimum": f"{where} harus lebih dari {value}.",
        "exclusiveMaximum": f"{where} harus kurang dari {value}.",
        "uniqueItems": f"{where} berisi butir yang sama lebih dari sekali.",
        "minProperties": f"{where} tidak boleh kosong.",
    }[keyword]


def _range_hint(keyword: str) -> str:
    if keyword == "uniqueItems":
        return "Hapus butir yang berulang."
    if keyword in ("minItems", "minLength", "minProperties"):
        return "Lengkapi isian ini."
    return "Sesuaikan nilai dengan batas yang disebutkan."


def _closest(word: str, options: list[str]) -> str | None:
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    return matches[0] if matches else None
