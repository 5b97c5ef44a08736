"""The rule registry: every check kinerja can report, with a stable code.

A workflow rule is a small generator function registered with `@rule(...)`. It receives the
school and one record (or one person-period folder, or the whole school) and yields Findings;
the engine turns them into Diagnostics with file, line and column. All rules run: one failing
rule never hides another. Codes for the load and schema stages are registered here too, so
`kinerja rules` and the documentation list every code a user can see.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kinerja_build.diagnostics import JsonPath, Severity

ALL_REGIMES: tuple[str, ...] = ("7607-2023", "4242-2024", "271-O-2025")
REGIME_2024 = ("7607-2023",)
REGIME_2025_ON = ("4242-2024", "271-O-2025")

# What a rule receives: "sekolah", "pegawai", one of the period record kinds, "folder"
# (every record of one person in one periode) or "school" (called once).
SCOPES = ("sekolah", "pegawai", "rencana", "siklus", "pengembangan-kompetensi", "tugas",
          "penilaian", "folder", "school", "load", "schema", "render", "ekspor", "review",
          "dinas")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found, before it is placed in a file."""

    json_path: JsonPath
    message: str
    hint: str
    file: str | None = None  # another record than the one checked (its repo-relative path)
    at_key: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    scope: str
    regimes: tuple[str, ...]
    title: str
    check: Callable[..., Iterator[Finding]] | None = field(default=None, compare=False)

    @property
    def description(self) -> str:
        """The rule's documentation: the docstring of its check, or its title."""
        doc = inspect.getdoc(self.check) if self.check else None
        return doc or self.title


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    title: str,
    *,
    scope: str,
    severity: Severity = Severity.ERROR,
    regimes: tuple[str, ...] = ALL_REGIMES,
) -> Callable[[Callable[..., Iterator[Finding]]], Callable[..., Iterator[Finding]]]:
    """Register a workflow rule under a stable code."""

    def register(check: Callable[..., Iterator[Finding]]) -> Callable[..., Iterator[Finding]]:
        _add(Rule(code, name, severity, scope, regimes, title, check))
        return check

    return register


def declare(
    code: str, name: str, title: str, *, scope: str, severity: Severity = Severity.ERROR
) -> None:
    """Register a code that the load or schema stage emits (no check function)."""
    _add(Rule(code, name, severity, scope, ALL_REGIMES, title))


def _add(entry: Rule) -> None:
    if entry.code in REGISTRY:
        raise RuntimeError(f"duplicate rule code {entry.code}")
    if entry.scope not in SCOPES:
        raise RuntimeError(f"unknown scope {entry.scope} for {entry.code}")
    REGISTRY[entry.code] = entry


def all_rules() -> list[Rule]:
    _load_rule_modules()
    return sorted(REGISTRY.values(), key=lambda r: r.code)


def get(code: str) -> Rule:
    _load_rule_modules()
    return REGISTRY[code]


def _load_rule_modules() -> None:
    # Importing the modules registers their rules; the import order fixes nothing else.
    from kinerja_build.rules import (  # noqa: F401
        builtin,
        dinas,
        pegawai,
        penilaian,
        periode,
        rencana,
        siklus,
    )


def value_at(data: Any, path: JsonPath) -> Any:
    """The value at a json path, or None."""
    current = data
    for part in path:
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            return None
    return current


@dataclass(slots=True)
class Context:
    """What every rule may look at: the school and the effective reference data."""

    school: Any  # kinerja_build.model.School (Any avoids an import cycle for type checkers)
    referensi: dict[str, Any]

    def indicators_for(self, role: str | None) -> dict[str, dict[str, Any]]:
        key = "indikator_kepala_sekolah" if role == "kepala_sekolah" else "indikator_guru"
        return {entry["id"]: entry for entry in self.referensi[key]}

    def tugas_tambahan(self) -> dict[str, dict[str, Any]]:
        return {entry["id"]: entry for entry in self.referensi["tugas_tambahan"]}
