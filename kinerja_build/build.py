"""The build pipeline after validation: official PDFs, BKN export bundle, progress site.

`kinerja build` validates first (validate.py), then hands one BuildContext to each output stage
in turn. A stage never raises for bad input: it returns a StageOutcome whose diagnostics join the
validation report, so the terminal, `build/validasi.json` and the site all show one list.

Order matters: the export bundle attaches the PDFs, and the site copies both.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kinerja_build.clock import source_date_epoch as source_date_epoch  # re-exported
from kinerja_build.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:  # the CLI imports STAGES at start-up; validation is loaded when a command runs
    from kinerja_build.validate import Result

STAGES = ("pdf", "ekspor", "situs")

# File names of the documents rendered per person and periode, under pdf/<periode>/<id>/.
PDF_DOCUMENTS = {
    "rencana": "rencana-kinerja.pdf",
    "observasi": "lembar-observasi.pdf",
    "kompetensi": "pengembangan-kompetensi.pdf",
    "evaluasi": "evaluasi-kinerja.pdf",
    "angka_kredit": "konversi-angka-kredit.pdf",
}
RECAP_DOCUMENT = "rekap-kinerja-sekolah.pdf"  # under pdf/<periode>/


def pdf_path(out_dir: Path, periode: str, pegawai_id: str, document: str) -> Path:
    """Where the build puts one person's document, e.g. document="evaluasi"."""
    return out_dir / "pdf" / periode / pegawai_id / PDF_DOCUMENTS[document]


@dataclass
class BuildContext:
    """What every output stage gets: the validated school and the user's choices."""

    root: Path
    out_dir: Path
    result: Result
    jobs: int = 1
    publik: bool = False
    source_date_epoch: int | None = None  # from SOURCE_DATE_EPOCH; None: dates from the records

    @functools.cached_property
    def error_files(self) -> frozenset[str]:
        """Record paths (relative to the root) with at least one error-severity diagnostic."""
        return frozenset(
            diagnostic.file
            for diagnostic in self.result.report.diagnostics
            if diagnostic.severity is Severity.ERROR and diagnostic.file
        )

    def blocked_by(self, rels: Iterable[str]) -> list[str]:
        """Which of these record files have errors (a document built from them is refused)."""
        return sorted(set(rels) & self.error_files)


@dataclass(slots=True)
class StageOutcome:
    """What one stage produced and what it wants the user to know."""

    stage: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # summary for the terminal, in Indonesian
    written: list[Path] = field(default_factory=list)


StageFunction = Callable[[BuildContext], StageOutcome]


STAGE_MODULES = {
    "pdf": ("kinerja_build.render", "build_pdfs"),
    "ekspor": ("kinerja_build.export", "build_exports"),
    "situs": ("kinerja_build.site", "build_site"),
}


def stage_function(stage: str) -> StageFunction | None:
    """One output stage, imported only when wanted (`kinerja build --hanya pdf` loads no more)."""
    module_name, function_name = STAGE_MODULES[stage]
    if importlib.util.find_spec(module_name) is None:  # stage not in this checkout yet
        return None
    function: StageFunction = getattr(importlib.import_module(module_name), function_name)
    return function


def run_stages(context: BuildContext, wanted: Iterable[str] = STAGES) -> Iterator[StageOutcome]:
    """Run the wanted output stages in pipeline order, one outcome at a time.

    A generator, so the caller can add each stage's diagnostics to the report before the next
    stage runs (the site lists the diagnostics of the PDF and export stages too).
    """
    chosen = set(wanted)
    for name in STAGES:
        function = stage_function(name) if name in chosen else None
        if function is not None:
            yield function(context)
