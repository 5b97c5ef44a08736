"""One diagnostics type shared by every pipeline stage, and the report that collects them."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

JsonPath = tuple[str | int, ...]


class Severity(enum.Enum):
    """How serious a finding is. Values are the machine names used in JSON output."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        """The Indonesian word shown to people."""
        return _LABELS[self]

    @classmethod
    def from_label(cls, label: str) -> Severity:
        return {value: key for key, value in _LABELS.items()}[label]


_LABELS = {Severity.ERROR: "galat", Severity.WARNING: "peringatan", Severity.INFO: "info"}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding about one place in one file (or about the repository when `file` is empty)."""

    code: str
    severity: Severity
    file: str
    message: str
    hint: str = ""
    json_path: JsonPath = ()
    line: int = 0
    column: int = 0

    @property
    def pointer(self) -> str:
        """The json_path as a JSON Pointer-like string ("/status/2/tanggal")."""
        return "".join(f"/{part}" for part in self.json_path)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)


MAX_DIAGNOSTICS = 20_000  # per run; a school with more findings is broken, not merely untidy


@dataclass(slots=True)
class Report:
    """Every diagnostic of a run, plus what was checked."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0
    omitted: int = 0  # diagnostics past MAX_DIAGNOSTICS: counted, not kept
    omitted_errors: int = 0

    def extend(self, items: Iterable[Diagnostic]) -> None:
        # Bounded memory whatever a repository holds; what is left out is still counted.
        for item in items:
            if len(self.diagnostics) < MAX_DIAGNOSTICS:
                self.diagnostics.append(item)
            else:
                self.omitted += 1
                self.omitted_errors += item.severity is Severity.ERROR

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.diagnostics, key=Diagnostic.sort_key)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def infos(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.INFO]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.omitted_errors

    def files_with_errors(self) -> set[str]:
        return {d.file for d in self.errors}

    def counts_by_code(self) -> Counter[str]:
        return Counter(d.code for d in self.diagnostics)

    def flatten(self) -> list[tuple[str, str, str]]:
        """Compact (file, code, pointer) triples, sorted: the form tests assert on."""
        return [(d.file, d.code, d.pointer) for d in self.sorted()]
