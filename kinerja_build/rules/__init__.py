"""The rule registry: every check kinerja can report, with a stable code.

A workflow rule is a small generator function registered with one decorator per scope:

- `@record_rule(kind=...)`: one record of a period kind (rencana, siklus, …) in one periode;
- `@person_rule`: every record of one person in one periode (the folder);
- `@pegawai_rule` / `@sekolah_rule`: one pegawai record / sekolah.yaml;
- `@school_rule`: the whole school, called once.

Each decorator checks the function against its Protocol (mypy), hands it only records that
passed their schema (their data is never None) and runs it only for the regimes it names;
scopes that are not bound to a periode take no `regimes=`. The engine turns what a rule yields
(Findings) into Diagnostics with file, line and column. Codes for the load, schema and output
stages are registered here too (`declare`), so `kinerja rules` and the documentation list every
code a user can see.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from kinerja_build import domain
from kinerja_build.diagnostics import JsonPath, Severity
from kinerja_build.layout import PERIOD_KINDS
from kinerja_build.model import Record, RecordFile, School

ALL_REGIMES: tuple[str, ...] = ("7607-2023", "4242-2024", "271-O-2025")
REGIME_2024 = ("7607-2023",)
REGIME_2025_ON = ("4242-2024", "271-O-2025")


class Scope(StrEnum):
    """What a rule looks at; the output stages declare codes under their own scope."""

    RECORD = "record"  # one record of a period kind (Rule.kind says which)
    PERSON = "folder"  # every record of one person in one periode
    PEGAWAI = "pegawai"
    SEKOLAH = "sekolah"
    SCHOOL = "school"
    LOAD = "load"
    SCHEMA = "schema"
    RENDER = "render"
    EKSPOR = "ekspor"
    REVIEW = "review"
    DINAS = "dinas"  # the district build (`kinerja dinas build`)


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found, before it is placed in a file."""

    json_path: JsonPath
    message: str
    hint: str
    file: str | None = None  # another record than the one checked (its repo-relative path)
    at_key: bool = False


@dataclass(slots=True)
class Context:
    """What every rule may look at: the school and the effective reference data."""

    school: School
    referensi: Mapping[str, Any]

    def indicators_for(self, role: str | None) -> dict[str, Mapping[str, Any]]:
        key = "indikator_kepala_sekolah" if role == "kepala_sekolah" else "indikator_guru"
        return {entry["id"]: entry for entry in self.referensi[key]}

    def tugas_tambahan(self) -> dict[str, Mapping[str, Any]]:
        return {entry["id"]: entry for entry in self.referensi["tugas_tambahan"]}


# -- what each scope's check looks like --------------------------------------------------------


class RecordCheck(Protocol):
    def __call__(
        self, ctx: Context, record: Record, periode: domain.Periode, /
    ) -> Iterator[Finding]: ...


class PersonCheck(Protocol):
    def __call__(
        self,
        ctx: Context,
        periode: domain.Periode,
        owner: str,
        records: Mapping[str, RecordFile],
        /,
    ) -> Iterator[Finding]: ...


class SingleCheck(Protocol):
    """A check of one pegawai record or of sekolah.yaml."""

    def __call__(self, ctx: Context, record: Record, /) -> Iterator[Finding]: ...


class SchoolCheck(Protocol):
    def __call__(self, ctx: Context, /) -> Iterator[Finding]: ...


# Runs a check over the school: yields (the record checked, or None; what it found).
Runner = Callable[[Context], Iterator[tuple[Record | None, Finding]]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    scope: Scope
    regimes: tuple[str, ...]
    title: str
    kind: str | None = None  # the record kind of a RECORD rule
    overridable: bool = True  # whether kinerja.yml `aturan:` may change its severity
    check: object = field(
        default=None, compare=False
    )  # the function: its docstring documents the rule
    run: Runner | None = field(default=None, compare=False)

    @property
    def description(self) -> str:
        """The rule's documentation: the docstring of its check, or its title."""
        doc = inspect.getdoc(self.check) if self.check else None
        return doc or self.title


REGISTRY: dict[str, Rule] = {}

RecordCheckT = TypeVar("RecordCheckT", bound=RecordCheck)
PersonCheckT = TypeVar("PersonCheckT", bound=PersonCheck)
SingleCheckT = TypeVar("SingleCheckT", bound=SingleCheck)
SchoolCheckT = TypeVar("SchoolCheckT", bound=SchoolCheck)


def record_rule(
    code: str,
    name: str,
    title: str,
    *,
    kind: str,
    severity: Severity = Severity.ERROR,
    regimes: tuple[str, ...] = ALL_REGIMES,
) -> Callable[[RecordCheckT], RecordCheckT]:
    """Register a rule over each valid record of `kind`, in periodes of the given regimes."""
    if kind not in PERIOD_KINDS:
        raise RuntimeError(f"{code}: {kind} is not a period record kind")

    def register(check: RecordCheckT) -> RecordCheckT:
        def run(ctx: Context) -> Iterator[tuple[Record | None, Finding]]:
            for periode, owner, files in _folders(ctx.school, regimes):
                found = files.get(kind)
                record = found.record if found is not None else None
                # Rules about a person's records need the person: KIN701 reports a missing one.
                if record is not None and owner in ctx.school.pegawai:
                    for finding in check(ctx, record, periode):
                        yield record, finding

        _add(Rule(code, name, severity, Scope.RECORD, regimes, title, kind, True, check, run))
        return check

    return register


def person_rule(
    code: str,
    name: str,
    title: str,
    *,
    severity: Severity = Severity.ERROR,
    regimes: tuple[str, ...] = ALL_REGIMES,
) -> Callable[[PersonCheckT], PersonCheckT]:
    """Register a rule over every record of one person in one periode (valid or not)."""

    def register(check: PersonCheckT) -> PersonCheckT:
        def run(ctx: Context) -> Iterator[tuple[Record | None, Finding]]:
            for periode, owner, files in _folders(ctx.school, regimes):
                for finding in check(ctx, periode, owner, files):
                    yield None, finding

        _add(Rule(code, name, severity, Scope.PERSON, regimes, title, None, True, check, run))
        return check

    return register


def pegawai_rule(
    code: str, name: str, title: str, *, severity: Severity = Severity.ERROR
) -> Callable[[SingleCheckT], SingleCheckT]:
    """Register a rule over each valid pegawai record (not bound to a periode)."""
    return _single_rule(
        code, name, title, severity, Scope.PEGAWAI, lambda school: school.pegawai.values()
    )


def sekolah_rule(
    code: str, name: str, title: str, *, severity: Severity = Severity.ERROR
) -> Callable[[SingleCheckT], SingleCheckT]:
    """Register a rule over sekolah.yaml, when it passed its schema."""
    return _single_rule(code, name, title, severity, Scope.SEKOLAH, lambda school: [school.sekolah])


def _single_rule(
    code: str,
    name: str,
    title: str,
    severity: Severity,
    scope: Scope,
    files_of: Callable[[School], Iterable[RecordFile | None]],
) -> Callable[[SingleCheckT], SingleCheckT]:
    def register(check: SingleCheckT) -> SingleCheckT:
        def run(ctx: Context) -> Iterator[tuple[Record | None, Finding]]:
            for found in files_of(ctx.school):
                record = found.record if found is not None else None
                if record is not None:
                    for finding in check(ctx, record):
                        yield record, finding

        _add(Rule(code, name, severity, scope, ALL_REGIMES, title, None, True, check, run))
        return check

    return register


def school_rule(
    code: str, name: str, title: str, *, severity: Severity = Severity.ERROR
) -> Callable[[SchoolCheckT], SchoolCheckT]:
    """Register a rule over the whole school, called once; findings name their file."""

    def register(check: SchoolCheckT) -> SchoolCheckT:
        def run(ctx: Context) -> Iterator[tuple[Record | None, Finding]]:
            for finding in check(ctx):
                yield None, finding

        _add(Rule(code, name, severity, Scope.SCHOOL, ALL_REGIMES, title, None, True, check, run))
        return check

    return register


def declare(
    code: str,
    name: str,
    title: str,
    *,
    scope: Scope,
    severity: Severity = Severity.ERROR,
    overridable: bool = True,
) -> None:
    """Register a code that a stage emits itself (load, schema, PDF, export, review)."""
    _add(Rule(code, name, severity, scope, ALL_REGIMES, title, None, overridable))


def _folders(
    school: School, regimes: tuple[str, ...]
) -> Iterator[tuple[domain.Periode, str, Mapping[str, RecordFile]]]:
    """Each person-periode folder whose periode is governed by one of `regimes`."""
    for periode_id, people in school.periods.items():
        periode = school.periode(periode_id)
        if periode is None or periode.regime.id not in regimes:
            continue  # KIN201 reports a folder that is no periode
        for owner, files in people.items():
            yield periode, owner, files


def _add(entry: Rule) -> None:
    if entry.code in REGISTRY:
        raise RuntimeError(f"duplicate rule code {entry.code}")
    REGISTRY[entry.code] = entry


def all_rules() -> list[Rule]:
    _load_rule_modules()
    return sorted(REGISTRY.values(), key=lambda r: r.code)


def get(code: str) -> Rule:
    _load_rule_modules()
    return REGISTRY[code]


def all_codes() -> Mapping[str, Rule]:
    """Every registered code, by code."""
    _load_rule_modules()
    return REGISTRY


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
        tenggat,
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
