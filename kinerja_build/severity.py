"""The one maker of diagnostics: how serious a code is comes from the rule registry, then from
the school's `aturan:` in kinerja.yml, for every stage (load, schema, rules, PDF, export, site,
review, signatures).

Stages never choose a severity. They make a diagnostic with `make(code, …)`, which takes the
registry's (`kinerja rules` lists it), and the school's overrides are applied by
`Severities.judge` where a stage's diagnostics leave it: `validate()` for load, schema and rules,
`build.run_stages` for the output stages, and the commands that run a stage on its own. Whether
a code may be overridden is the registry's `overridable` flag: a file that could not be read
stays an error whatever kinerja.yml says, and such an override is refused (KIN014).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kinerja_build.diagnostics import Diagnostic, JsonPath, Severity

OFF = "mati"  # the `aturan:` value that silences a code


@functools.cache
def _registered(code: str) -> Severity:
    from kinerja_build import rules  # the registry imports the model; load it when first needed

    return rules.get(code).severity


def _overridable(code: str) -> bool | None:
    """Whether kinerja.yml may change the code's severity; None for a code nobody registered."""
    from kinerja_build import rules

    entry = rules.all_codes().get(code)
    return entry.overridable if entry is not None else None


def make(
    code: str,
    file: str,
    message: str,
    hint: str = "",
    json_path: JsonPath = (),
    line: int = 0,
    column: int = 0,
) -> Diagnostic:
    """A diagnostic at the registry's severity for its code (the school's overrides come later)."""
    return Diagnostic(code, _registered(code), file, message, hint, json_path, line, column)


@dataclass(frozen=True, slots=True)
class Severities:
    """The school's `aturan:` overrides over the registry: code → galat, peringatan or mati."""

    overrides: Mapping[str, str] = field(default_factory=dict)

    def of(self, code: str) -> Severity | None:
        """The effective severity of a code; None when the school switched it off."""
        label = self.overrides.get(code)
        if label is None or not _overridable(code):
            return _registered(code)
        return None if label == OFF else Severity.from_label(label)

    def judge(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics at their effective severity; those switched off are left out."""
        judged = []
        for diagnostic in diagnostics:
            code = diagnostic.code
            severity = self.of(code) if code in self.overrides else diagnostic.severity
            if severity is None:
                continue
            if severity is not diagnostic.severity:
                diagnostic = Diagnostic(
                    diagnostic.code,
                    severity,
                    diagnostic.file,
                    diagnostic.message,
                    diagnostic.hint,
                    diagnostic.json_path,
                    diagnostic.line,
                    diagnostic.column,
                )
            judged.append(diagnostic)
        return judged

    def refused(self) -> list[tuple[str, str]]:
        """(code, why in Indonesian) of every override that cannot apply."""
        found = []
        for code in self.overrides:
            overridable = _overridable(code)
            if overridable is None:
                found.append((code, f"Kode `{code}` tidak dikenal."))
            elif not overridable:
                severity = _registered(code).label
                found.append((code, f"Tingkat `{code}` tetap {severity} dan tidak dapat diubah."))
        return found
