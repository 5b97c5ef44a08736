"""What the build hands to each output stage and what a stage hands back.

Kept apart from build.py so that the stages (render, export, site) and the pipeline that runs
them both import this module, and neither imports the other's caller.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kinerja_build.clock import source_date_epoch as source_date_epoch  # re-exported
from kinerja_build.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:  # the CLI imports STAGES at start-up; validation is loaded when a command runs
    from kinerja_build.validate import Result

# The output stages in pipeline order, by the name `kinerja build --hanya` takes.
STAGES = ("pdf", "ekspor", "situs")


@dataclass
class BuildContext:
    """What every output stage gets: the validated school and the user's choices."""

    root: Path
    out_dir: Path
    result: Result
    jobs: int = 1
    publik: bool = False
    source_date_epoch: int | None = None  # from SOURCE_DATE_EPOCH; None: dates from the records
    # Render PDFs in recycled child processes even with one job: a long-lived host (a Dask
    # worker building school after school) then never holds WeasyPrint's growing memory.
    render_apart: bool = False

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


def judged(outcome: StageOutcome, context: BuildContext) -> StageOutcome:
    """The stage's diagnostics at the school's severities (registry, then kinerja.yml `aturan:`).

    Every way of running a stage goes through here: `build.run_stages` and the commands that
    run one stage on its own (`kinerja ekspor bkn`).
    """
    outcome.diagnostics = context.result.config.policy.judge(outcome.diagnostics)
    return outcome
