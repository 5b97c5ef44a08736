"""The fast schema check (jsonschema-rs) and python-jsonschema must give the same verdict.

Every record is first checked by the compiled validator; only the records it rejects go through
python-jsonschema for the Indonesian messages (docs/decisions/0002). The fast path is correct only
if a record it accepts has no python-jsonschema error, so:

* every document `kinerja validate` schema-checks in every test case and in the demo is checked
  by both, and any disagreement (valid vs invalid) fails;
* every regex of the schemas is run in both engines on strings built to hit their differences;
* hostile values (NaN, huge numbers, control characters, lone surrogates, odd dates) put into a
  valid record never make the fast validator accept what python-jsonschema rejects.
"""

from __future__ import annotations

import copy
import json
import math
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from jsonschema import FormatChecker
from test_cases import CASES, materialise

from kinerja_build import schema
from kinerja_build.load import load_file
from kinerja_build.validate import validate

REPO = Path(__file__).resolve().parent.parent


def _full_verdict(kind: str, data: Any) -> bool:
    return not any(True for _ in schema.validator(kind).iter_errors(data))


def _sources() -> list[str]:
    cases = sorted(
        f"{group}/{case.name}"
        for group in ("valid", "invalid")
        for case in (CASES / group).iterdir()
        if (case / "case.yaml").is_file()
    )
    return ["demo", "base", *cases]


def _schema_checked(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, Any, list[schema.SchemaProblem]]]:
    """Every (kind, document) `validate()` hands to the schema stage, with its problems."""
    seen: list[tuple[str, Any, list[schema.SchemaProblem]]] = []
    original = schema.check

    def recording(kind: str, data: Any) -> list[schema.SchemaProblem]:
        problems = original(kind, data)
        seen.append((kind, copy.deepcopy(data), problems))
        return problems

    monkeypatch.setattr(schema, "check", recording)
    validate(root)
    return seen


@pytest.mark.parametrize("source", _sources())
def test_fast_and_full_validators_agree(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected_codes: set[str] = set()
    if source == "demo":
        root = REPO
    elif source == "base":
        root = tmp_path / "repo"
        shutil.copytree(CASES / "base", root)
    else:
        root = tmp_path / "repo"
        spec = materialise(CASES / source, root)
        expected_codes = {item["code"] for item in spec.get("harapan") or []}
    documents = _schema_checked(root, monkeypatch)
    assert documents, f"{source}: no document reached the schema stage"
    disagreements = []
    for kind, data, problems in documents:
        fast, full = schema.fast_verdict(kind, data), _full_verdict(kind, data)
        if fast != full:
            disagreements.append({"kind": kind, "fast": fast, "python-jsonschema": full})
        # The fast path must not change what the schema stage reports.
        assert (not problems) == full, (kind, problems)
    assert not disagreements, f"{source}: {json.dumps(disagreements, indent=1)}"
    schema_codes = {code for code in expected_codes if "KIN101" <= code <= "KIN107"}
    if schema_codes:  # the case is about a schema error: make sure the invalid side was exercised
        assert any(problems for _, _, problems in documents), source


# --------------------------------------------------------------------------------------------
# Regexes: Python's `re` (python-jsonschema) against jsonschema-rs with `rust_pattern()`
# --------------------------------------------------------------------------------------------

# One string matching each schema regex; a new regex needs an example here.
EXAMPLES = {
    r"\S": "Sri",
    r"^([0-9]{18}|[a-z][a-z0-9]*(-[a-z0-9]+)*)$": "198703152010012004",
    r"^KIN[0-9]{3}$": "KIN101",
    r"^[0-9A-Z]{8}$": "20100123",
    r"^[0-9]{16}$": "3201010101010001",
    r"^[0-9]{18}$": "198703152010012004",
    r"^[0-9]{4}(-[12])?$": "2024-1",
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "2025-01-08",
    r"^[0-9]{5}$": "40111",
    r"^[0-9a-f]{64}$": "a" * 64,
    r"^[A-Za-z0-9](-?[A-Za-z0-9]){0,38}$": "sri-wahyuni",
    r"^[^/\\].*\.(png|jpg|jpeg|svg)$": "aset/logo.png",
    r"^[^@\s]+@[^@\s]+$": "sri@example.sch.id",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "guru-bk",
    r"^https://": "https://example.org",
    r"^(https://|ssh://|git@|file://)[^\s]+$": "git@example.org:sekolah/kinerja.git",
    r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521"
    r"|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) AAAA[A-Za-z0-9+/]+={0,3}"
    r"( [ -~]{1,100})?$": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9x sri@sekolah",
    r"^[0-9a-f]{40}$": "0123456789abcdef0123456789abcdef01234567",
    r"^[A-Za-z0-9._/-]+$": "refs/heads/main",
    r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$": "Guru-BK",
}

# Characters the two engines are most likely to read differently: all C0/C1 controls, every
# whitespace of either engine, non-ASCII digits and letters, the BOM, astral characters.
INTERESTING = sorted(
    {chr(code) for code in range(0xA0)}
    | {chr(code) for code in range(0x3100) if chr(code).isspace()}
    | set("\ufeff\u180e\u200b\u2060\u0660\u0966\uff10\uff41\u00e9\u0130\u212a\U0001d7ce\U0001f600")
)


def _schema_patterns() -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted((REPO / "schemas").glob("*.schema.json")):  # the records' schemas
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def _variants(example: str) -> Iterator[str]:
    yield example
    yield example + "\n"
    yield ""
    for char in INTERESTING:
        yield char
        for position in sorted({0, len(example) // 2, len(example)}):
            yield example[:position] + char + example[position:]
        if example:
            yield example[:-1] + char  # replace the last character
            yield char + example[1:]  # replace the first character


@pytest.mark.parametrize("pattern", sorted(_schema_patterns()))
def test_schema_regexes_mean_the_same_in_both_engines(pattern: str) -> None:
    assert pattern in EXAMPLES, f"add an example string for the new schema regex {pattern!r}"
    fast = jsonschema_rs.Draft202012Validator({"pattern": schema.rust_pattern(pattern)})
    python = re.compile(schema.python_pattern(pattern))
    more_lenient, stricter = [], []
    for text in _variants(EXAMPLES[pattern]):
        expected = python.search(text) is not None
        if fast.is_valid(text) != expected:
            (stricter if expected else more_lenient).append(text)
    assert not more_lenient, f"jsonschema-rs accepts what Python rejects: {more_lenient[:10]!r}"
    # Both engines read `$` as ECMA-262 does: the end of the text, never before a final newline.
    assert not stricter, f"jsonschema-rs rejects what Python accepts: {stricter[:10]!r}"
    assert python.search(EXAMPLES[pattern] + "\n") is None or not pattern.endswith("$")


def test_python_space_class_is_str_isspace() -> None:
    spelled_out = re.compile(f"[{schema.PYTHON_SPACE}]")
    every = (chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    differ = [c for c in every if (spelled_out.fullmatch(c) is not None) != c.isspace()]
    assert not differ, [hex(ord(c)) for c in differ]


@pytest.mark.parametrize(
    "pattern",
    [r"\d", r"\w+", r"\bx", r"(?i)a", r"(?P<n>a)", r"(?=a)", r"[]a]", r"[a&&b]", r"[[a]]", r"\1"],
)
def test_regex_constructs_without_a_translation_are_refused(pattern: str) -> None:
    with pytest.raises(schema.UnsupportedPattern):
        schema.rust_pattern(pattern)


# --------------------------------------------------------------------------------------------
# The `date` format and hostile values
# --------------------------------------------------------------------------------------------

DATES = [
    "2025-01-08", "2024-02-29", "2023-02-29", "2025-13-01", "2025-00-10", "2025-04-31",
    "0000-01-01", "0001-01-01", "9999-12-31", "2025-1-08", "20250108", "2025-W01-1",
    "2025-01-08\n", " 2025-01-08", "2025-01-08T00:00", "２０２５-01-08", "2025-01-٠٨", "",
]  # fmt: skip


@pytest.mark.parametrize("value", DATES)
def test_date_check_is_python_jsonschemas(value: str) -> None:
    assert schema.is_date(value) == FormatChecker(["date"]).conforms(value, "date")


HOSTILE: list[Any] = [
    math.nan, math.inf, -math.inf, 10**30, -(10**30), 2**63, 2**64, -(2**63) - 1, 1.0, 0.5,
    True, False, None, "", " ", "\n", "\x1c", "\x85", "\ufeff", "\u2028", "\ud800",
    "2025-01-08\n", "0000-01-01", "198703152010012004\n", "x" * 10_000, [], {}, [None], {"": 1},
]  # fmt: skip


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    if path:
        yield path


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(document)
    target = changed
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return changed


@pytest.mark.parametrize("kind", schema.KINDS)
def test_hostile_values_never_pass_only_the_fast_check(kind: str) -> None:
    document = next(_demo_documents(kind))
    assert schema.fast_verdict(kind, document) and _full_verdict(kind, document)
    accepted_by_fast_only = []
    for path in _leaves(document):
        for value in HOSTILE:
            changed = _replaced(document, path, value)
            if schema.fast_verdict(kind, changed) and not _full_verdict(kind, changed):
                accepted_by_fast_only.append((path, value))
    assert not accepted_by_fast_only, accepted_by_fast_only[:10]


def _demo_documents(kind: str) -> Iterator[Any]:
    records = REPO / "records"
    if kind == "sekolah":
        paths = [records / "sekolah.yaml"]
    elif kind == "pegawai":
        paths = sorted((records / "pegawai").glob("*.yaml"))
    else:
        paths = sorted(records.glob(f"kinerja/*/*/{kind}.yaml"))
    for path in paths:
        loaded = load_file(path, path.name)
        assert loaded.ok, loaded.diagnostics
        yield loaded.data
