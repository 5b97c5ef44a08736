"""Validate stage: load every record, check it against its schema, then run the workflow rules.

Gather first, judge second: every file is loaded and checked before any rule runs, and every
rule runs, so one broken file never hides problems in another (STYLE.md, "gather, validate,
then write").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kinerja_build import clock, layout, rules, schema
from kinerja_build.config import Config, load_config
from kinerja_build.diagnostics import Diagnostic, Report
from kinerja_build.load import load_file, locate
from kinerja_build.model import Calendar, Record, RecordFile, School
from kinerja_build.project import Found, discover
from kinerja_build.rules import Context, Finding, Rule
from kinerja_build.severity import make

_MODELINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(?P<target>\S+)\s*$")


@dataclass(slots=True)
class Result:
    """The outcome of validating one school repository."""

    root: Path
    report: Report
    school: School
    config: Config
    config_problems: list[Diagnostic] = field(default_factory=list)

    @property
    def usage_error(self) -> bool:
        """True when the run could not judge the records (bad kinerja.yml)."""
        return bool(self.config_problems)


def validate(root: Path, today: dt.date | None = None) -> Result:
    """Validate the school repository at `root`; deadlines are judged on `today` (build date)."""
    root = root.resolve()
    config, config_problems = load_config(root)
    report = Report()
    calendar = Calendar(tuple(config.referensi["tenggat"]), tuple(config.tenggat))
    school = School(root, calendar=calendar, today=today or clock.today())
    if config_problems:
        report.extend(config_problems)
        return Result(root, report, school, config, config_problems)
    found, layout_problems = discover(root)
    report.extend(layout_problems)
    with _records_out_of_cycle_collection():
        for item in found:
            report.extend(_load_record(item, school, config))
        report.files_checked = len(found)
        context = Context(school, config.referensi)
        report.extend(run_rules(context))
    report.diagnostics = config.policy.judge(report.diagnostics)
    return Result(root, report, school, config)


@contextlib.contextmanager
def _records_out_of_cycle_collection() -> Iterator[None]:
    """Keep the cycle collector from walking the school again and again while it is built.

    Loaded records hold no reference cycles (they are freed by reference counting), yet every
    pass of the collector walks all objects alive: ~7 % of validating 10,000 files (issue 16).
    The collector is paused while records are loaded and judged; on the way out, freeze() +
    unfreeze() hand everything made meanwhile to the oldest generation without a walk, so the
    caller's next young collection does not walk the school either. Nothing stays exempt.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _load_record(item: Found, school: School, config: Config) -> list[Diagnostic]:
    """Load and schema-check one file, then place it in the school (valid or not)."""
    loaded = load_file(item.absolute, item.rel, config.max_bytes)
    if not loaded.ok:
        school.add(RecordFile(item.kind, item.rel, item.absolute, None, item.periode, item.owner))
        return loaded.diagnostics
    diagnostics = list(_modeline(item, loaded.first_line))
    problems = schema.check(item.kind, loaded.data)
    for problem in problems:
        line, column = locate(item.absolute, problem.json_path, key=problem.at_key)
        diagnostics.append(
            make(
                problem.code,
                item.rel,
                problem.message,
                problem.hint,
                problem.json_path,
                line,
                column,
            )
        )
    data = None if problems else loaded.data
    school.add(RecordFile(item.kind, item.rel, item.absolute, data, item.periode, item.owner))
    return diagnostics


def _inside_repository(item: Found, target: str) -> bool:
    """Whether a relative modeline target stays inside the repository (no file is touched)."""
    if os.path.isabs(target):
        return False
    root = os.path.normpath(item.absolute.parents[item.rel.count("/")])
    resolved = os.path.normpath(os.path.join(item.absolute.parent, target))
    return resolved.startswith(root + os.sep)


def _modeline(item: Found, first_line: str) -> Iterator[Diagnostic]:
    match = _MODELINE.match(first_line)
    expected = layout.schema_file(item.kind)
    target = match["target"] if match else ""
    if not match:
        message = "Baris pertama bukan modeline skema untuk editor."
    elif target.rsplit("/", 1)[-1] != expected:
        message = f"Modeline merujuk skema yang salah (seharusnya {expected})."
    elif "://" not in target and not _inside_repository(item, target):
        # Never look at files outside the repository: a record could probe for them.
        message = f"Modeline merujuk berkas di luar repositori ({target})."
    elif "://" not in target and not os.path.isfile(os.path.join(item.absolute.parent, target)):
        message = (
            f"Modeline merujuk berkas yang tidak ada ({target}); editor tidak dapat memakainya."
        )
    else:
        return
    suggestion = layout.modeline_target(item.rel.count("/"), item.kind)
    yield make(
        "KIN013",
        item.rel,
        message,
        f"Jadikan baris pertama: `# yaml-language-server: $schema={suggestion}` agar editor "
        "melengkapi dan memeriksa isian.",
        (),
        1,
        1,
    )


def run_rules(context: Context) -> Iterator[Diagnostic]:
    """Run every registered workflow rule over the school."""
    for entry in rules.all_rules():
        if entry.run is None:
            continue  # a code a stage emits itself
        for record, finding in entry.run(context):
            yield _to_diagnostic(entry, context.school, record, finding)


def _to_diagnostic(
    entry: Rule, school: School, record: Record | None, finding: Finding
) -> Diagnostic:
    rel = finding.file or (record.rel if record else "")
    absolute = school.root / rel if rel else None
    line, column = locate(absolute, finding.json_path, key=finding.at_key) if absolute else (0, 0)
    return make(
        entry.code,
        rel,
        finding.message,
        finding.hint,
        finding.json_path,
        line,
        column,
    )
