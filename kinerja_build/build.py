"""The build pipeline after validation: official PDFs, BKN export bundle, progress site.

`kinerja build` validates first (validate.py), then hands one BuildContext to each output stage
in turn. A stage never raises for bad input: it returns a StageOutcome whose diagnostics join the
validation report, so the terminal, `build/validasi.json` and the site all show one list.

The stages are imported here directly (a missing one is an import error, not a skipped stage);
they import kinerja_build.stage, never this module. The CLI imports this module only when
`kinerja build` runs, so the other commands start without WeasyPrint and mkdocs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kinerja_build.export import build_exports
from kinerja_build.render import build_pdfs
from kinerja_build.site import build_site
from kinerja_build.stage import STAGES, BuildContext, StageFunction, StageOutcome, judged

# In pipeline order (stage.STAGES): the export bundle attaches the PDFs, the site copies both.
STAGE_FUNCTIONS: dict[str, StageFunction] = {
    "pdf": build_pdfs,
    "ekspor": build_exports,
    "situs": build_site,
}
if tuple(STAGE_FUNCTIONS) != STAGES:  # pragma: no cover - a programming error, caught at import
    raise RuntimeError(f"build stages {tuple(STAGE_FUNCTIONS)} differ from {STAGES}")


def run_stages(context: BuildContext, wanted: Iterable[str] = STAGES) -> Iterator[StageOutcome]:
    """Run the wanted output stages in pipeline order, one outcome at a time.

    A generator, so the caller can add each stage's diagnostics to the report before the next
    stage runs (the site lists the diagnostics of the PDF and export stages too).
    """
    chosen = set(wanted)
    for name, function in STAGE_FUNCTIONS.items():
        if name in chosen:
            yield judged(function(context), context)
