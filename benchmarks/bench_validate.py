"""Benchmark `kinerja validate` against parsing alone and against check-jsonschema, same files.

    python benchmarks/bench_validate.py                 # both scenarios, median of 3 runs
    python benchmarks/bench_validate.py --repeat 5 --files 20000
    python benchmarks/bench_validate.py --profile       # also: where kinerja spends its time

Scenarios (about `--files` record files each, 10,000 by default):

* `satu-sekolah`: one school with enough teachers, checked by one `kinerja validate --root`
  subprocess (the command a school runs in CI).
* `banyak-sekolah`: several schools of `--school-size` (60) teachers, all validated in one
  Python process (`kinerja_build.validate.validate()` once per school, then the text report,
  as the CLI does), the way a Dinas-wide check would run them.

For each scenario, every run starts fresh subprocesses for (a) kinerja, (b) the parse-only floor
(`_workers.py floor`: os.walk + read + `yaml.load(CSafeLoader)`, nothing else) and, in the first
`--cj-repeat` runs, (c) check-jsonschema: one `check-jsonschema --schemafile <kind>.schema.json
FILE…` call per record schema over the same files, times summed. Reported: medians of wall time,
CPU time and peak RSS (`ru_maxrss` of exactly that child, from `os.wait4`); the ratio a/b (target
≤ 1.5), the speed-up c/a (target ≥ 25) and kinerja's peak RSS (target < 150 MB); and, on its own,
the start-up of the installed `kinerja --version` (target ≤ 120 ms). Nothing is asserted: this is
a report. The table is printed as Markdown and written, with every sample and the environment,
to benchmarks/results/validate.json.

Generated schools live in benchmarks/.work/ (git-ignored) and are reused while the parameters
and synth.py are unchanged.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
RESULTS = HERE / "results"
WORKERS = HERE / "_workers.py"
TARGET_RATIO = 1.5  # kinerja / parse-only floor
TARGET_SPEEDUP = 25.0  # check-jsonschema / kinerja
TARGET_RSS_MB = 150.0
TARGET_VERSION_MS = 120.0

if __package__ in (None, ""):
    sys.path.insert(0, str(REPO))
from benchmarks import _workers, synth  # noqa: E402


@dataclass(slots=True)
class Sample:
    wall_s: float
    cpu_s: float  # user + sys of the child: less sensitive than wall time to a busy machine
    rss_mb: float
    returncode: int
    stdout: str
    stderr: str


@dataclass(slots=True)
class Side:
    """One contender: one or more commands run one after the other, measured as a whole."""

    commands: list[list[str]]
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall_s for s in self.samples)

    @property
    def rss(self) -> float:
        return statistics.median(s.rss_mb for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu_s for s in self.samples)

    def as_json(self) -> dict[str, Any]:
        first = " ".join(_short(part) for part in self.commands[0])
        calls = f" (+ {len(self.commands) - 1} more calls)" if len(self.commands) > 1 else ""
        return {
            "command": first[:300] + ("…" if len(first) > 300 else "") + calls,
            "wall_s": [round(s.wall_s, 3) for s in self.samples],
            "wall_median_s": round(self.wall, 3),
            "cpu_s": [round(s.cpu_s, 3) for s in self.samples],
            "cpu_median_s": round(self.cpu, 3),
            "peak_rss_mb": [round(s.rss_mb, 1) for s in self.samples],
            "peak_rss_median_mb": round(self.rss, 1),
        }


@dataclass(slots=True)
class Scenario:
    id: str
    title: str
    schools: int
    teachers: int
    periods: tuple[str, ...]
    roots: list[Path]
    files: int
    kinerja: Side
    floor: Side
    check_jsonschema: Side | None
    checked: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.kinerja.wall / self.floor.wall

    @property
    def cpu_ratio(self) -> float:
        return self.kinerja.cpu / self.floor.cpu

    @property
    def speedup(self) -> float | None:
        """How many times faster than check-jsonschema (wall time)."""
        side = self.check_jsonschema
        return side.wall / self.kinerja.wall if side and side.samples else None

    @property
    def run_ratios(self) -> list[float]:
        """a/b within each repeat (the two runs closest in time)."""
        return [
            k.wall_s / f.wall_s
            for k, f in zip(self.kinerja.samples, self.floor.samples, strict=True)
        ]


def _short(part: str) -> str:
    """Paths in commands relative to the repository, so results are machine-independent."""
    try:
        return str(Path(part).resolve().relative_to(REPO))
    except (ValueError, OSError):
        return Path(part).name if part == sys.executable else part


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def dataset(
    name: str, schools: int, teachers: int, periods: tuple[str, ...], seed: int, fresh: bool
) -> list[Path]:
    """Generated schools for one scenario, reused when parameters and generator are unchanged."""
    params = {
        "schools": schools,
        "teachers": teachers,
        "periods": list(periods),
        "seed": seed,
        "generator": synth.source_fingerprint(),
    }
    key = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:10]
    directory = WORK / f"{name}-{key}"
    manifest = directory / "dataset.json"
    roots = [directory / f"sekolah-{index:03d}" for index in range(1, schools + 1)]
    if not fresh and manifest.is_file() and json.loads(manifest.read_text()) == params:
        print(f"  data: reusing {_short(str(directory))}", flush=True)
        return roots
    WORK.mkdir(parents=True, exist_ok=True)
    for stale in WORK.glob(f"{name}-*"):  # other parameters of this scenario: ours, disposable
        shutil.rmtree(stale)
    started = time.perf_counter()
    roots = synth.generate(directory, schools, teachers, periods, seed)
    manifest.write_text(json.dumps(params, sort_keys=True) + "\n")
    print(
        f"  data: generated {_short(str(directory))} in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return roots


def _warm(roots: list[Path]) -> None:
    """Read every file once (page cache) and compile kinerja's bytecode, outside the timings."""
    for root in roots:
        for directory, _, names in os.walk(root / "records"):
            for name in names:
                with open(os.path.join(directory, name), "rb") as handle:
                    handle.read()
    for command in (
        _kinerja_command("--version"),
        [sys.executable, str(WORKERS), "floor"],  # no roots: imports only
    ):
        subprocess.run(command, check=True, capture_output=True, env=child_env(), cwd=REPO)


def _kinerja_command(*args: str) -> list[str]:
    """The installed console script next to this interpreter, as a user runs it."""
    script = Path(sys.executable).parent / "kinerja"
    if script.is_file():
        return [str(script), *args]
    return [sys.executable, "-m", "kinerja_build", *args]  # pragma: no cover - not installed


def _check_jsonschema_commands(roots: list[Path]) -> list[list[str]] | None:
    """One check-jsonschema call per record schema over the same files, or None if absent."""
    executable = Path(sys.executable).parent / "check-jsonschema"
    if not executable.is_file():
        return None
    schemas = _schemas_dir()
    return [
        [str(executable), "--schemafile", str(schemas / f"{kind}.schema.json"), *map(str, paths)]
        for kind, paths in sorted(_workers.files_by_kind(roots).items())
    ]


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    """The environment of every measured process.

    Bytecode caching is on (as on a user's machine) but goes to benchmarks/.work/pycache, so no
    __pycache__ appears anywhere else, even where PYTHONDONTWRITEBYTECODE is set.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    env["NO_COLOR"] = "1"
    return env


def measure(commands: list[list[str]]) -> Sample:
    """Wall time, CPU time and peak RSS of fresh subprocesses run one after another (rusage of
    exactly those children): times are summed, the peak is the largest."""
    total = Sample(0.0, 0.0, 0.0, 0, "", "")
    for command in commands:
        one = _measure_one(command)
        total.wall_s += one.wall_s
        total.cpu_s += one.cpu_s
        total.rss_mb = max(total.rss_mb, one.rss_mb)
        total.returncode = total.returncode or one.returncode
        total.stdout += one.stdout
        total.stderr += one.stderr
    return total


def _measure_one(command: list[str]) -> Sample:
    env = child_env()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=REPO, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(wall, cpu, usage.ru_maxrss / scale, process.returncode, stdout, stderr)


_SUMMARY = re.compile(
    r"(?:Bersih: (?P<clean>\d+) berkas diperiksa, tidak ada galat(?: \((?P<info>\d+) info\))?)"
    r"|(?:(?P<files>\d+) berkas diperiksa: (?P<e>\d+) galat, (?P<w>\d+) peringatan, (?P<i>\d+) info)"
)


def outcome(sample: Sample) -> dict[str, Any]:
    """What a run checked: from the worker's JSON line, or from the CLI's summary line."""
    lines = sample.stdout.strip().splitlines()
    if lines and lines[-1].startswith("{"):
        parsed: dict[str, Any] = json.loads(lines[-1])
        return parsed
    match = _SUMMARY.search(lines[-1]) if lines else None
    if match is None:
        return {"files": 0, "errors": -1, "warnings": -1, "unparsed": sample.stdout[-500:]}
    if match["clean"]:
        return {
            "files": int(match["clean"]),
            "errors": 0,
            "warnings": 0,
            "infos": int(match["info"] or 0),
        }
    return {
        "files": int(match["files"]),
        "errors": int(match["e"]),
        "warnings": int(match["w"]),
        "infos": int(match["i"]),
    }


def _check_jsonschema_outcome(sample: Sample, calls: int) -> dict[str, Any]:
    """check-jsonschema prints "ok -- validation done" once per clean call."""
    return {"calls": calls, "clean_calls": sample.stdout.count("ok -- validation done")}


def run_scenarios(scenarios: list[Scenario], repeat: int, cj_repeat: int) -> None:
    for run in range(repeat):
        for scenario in scenarios:
            sides = [("kinerja", scenario.kinerja), ("floor", scenario.floor)]
            if scenario.check_jsonschema is not None and run < cj_repeat:
                sides.append(("check-jsonschema", scenario.check_jsonschema))
            # Alternate the order so no side always runs on a warmer/cooler machine.
            for label, side in sides if run % 2 == 0 else reversed(sides):
                sample = measure(side.commands)
                if sample.returncode != 0:
                    print(sample.stdout[-2000:], sample.stderr[-2000:], sep="\n", file=sys.stderr)
                    raise SystemExit(f"{scenario.id}: {label} exited {sample.returncode}")
                side.samples.append(sample)
                print(
                    f"  run {run + 1}/{repeat} {scenario.id:<15} {label:<17}"
                    f"{sample.wall_s:7.2f} s wall {sample.cpu_s:7.2f} s CPU {sample.rss_mb:7.1f} MB",
                    flush=True,
                )
        for scenario in scenarios:
            if run == 0:
                scenario.checked = {
                    "kinerja": outcome(scenario.kinerja.samples[0]),
                    "floor": outcome(scenario.floor.samples[0]),
                }
                cj = scenario.check_jsonschema
                if cj is not None and cj.samples:
                    scenario.checked["check_jsonschema"] = _check_jsonschema_outcome(
                        cj.samples[0], len(cj.commands)
                    )


def startup(repeat: int) -> dict[str, float]:
    """Start-up alone: the installed `kinerja --version`, and a bare interpreter for scale."""
    kinerja = _kinerja_command("--version")
    bare = [sys.executable, "-c", "pass"]
    samples: dict[str, list[float]] = {"kinerja": [], "bare": []}
    for _ in range(repeat):  # interleaved, so both see the same machine
        samples["kinerja"].append(measure([kinerja]).wall_s)
        samples["bare"].append(measure([bare]).wall_s)
    return {
        "kinerja_version_ms": round(statistics.median(samples["kinerja"]) * 1000, 1),
        "kinerja_version_min_ms": round(min(samples["kinerja"]) * 1000, 1),
        "python_bare_ms": round(statistics.median(samples["bare"]) * 1000, 1),
        "runs": repeat,
    }


# --------------------------------------------------------------------------------------------
# Profile
# --------------------------------------------------------------------------------------------

_STAGES = (
    ("discover (walk records/)", "kinerja_build/project.py", "discover"),
    ("load (read + compose + convert)", "kinerja_build/load.py", "load_file"),
    ("schema (jsonschema-rs; python-jsonschema if rejected)", "kinerja_build/schema.py", "check"),
    ("rules (all workflow rules)", "kinerja_build/validate.py", "run_rules"),
    ("locate (positions for diagnostics)", "kinerja_build/load.py", "locate"),
    ("report (text output)", "kinerja_build/report.py", "format_text"),
)


def profile(root: Path, out: Path) -> str:
    """cProfile one `kinerja validate` run; stage shares and the hottest functions."""
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "kinerja.prof"
        command = [sys.executable, "-m", "cProfile", "-o", str(data), "-m", "kinerja_build",
                   "validate", "--root", str(root)]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True, cwd=REPO, env=child_env())
        stats = pstats.Stats(str(data))
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = max((entry[3] for entry in table.values()), default=0.0)
    lines = [
        f"cProfile of `kinerja validate` on {_short(str(root))} (profiler overhead included)",
        "",
    ]
    lines.append(f"{'stage':<55} {'cumulative s':>12} {'share':>7}")
    for label, filename, function in _STAGES:
        cumulative = sum(
            entry[3]
            for (file, _, name), entry in table.items()
            if file.replace(os.sep, "/").endswith(filename) and name == function
        )
        lines.append(f"{label:<55} {cumulative:>12.2f} {cumulative / total:>7.1%}")
    lines.append(f"{'total':<55} {total:>12.2f}")
    lines += ["", "Hottest functions by own time:", ""]
    ranked = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:25]
    lines.append(f"{'own s':>8} {'share':>7} {'calls':>10}  function")
    for (file, line, name), entry in ranked:
        where = _short(file) if file.startswith(str(REPO)) else _site(file)
        lines.append(
            f"{entry[2]:>8.2f} {entry[2] / total:>7.1%} {entry[1]:>10}  {where}:{line}({name})"
        )
    text = "\n".join(lines) + "\n"
    out.write_text(text, encoding="utf-8")
    return text


def _site(file: str) -> str:
    """Library paths without the interpreter's prefix: "jsonschema/validators.py"."""
    for marker in (
        "site-packages" + os.sep,
        f"python{sys.version_info[0]}.{sys.version_info[1]}" + os.sep,
    ):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def environment() -> dict[str, Any]:
    from importlib import metadata

    import yaml

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    libyaml = yaml._yaml.get_version_string() if yaml.__with_libyaml__ else "absent"
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "pyyaml": version("PyYAML"),
        "libyaml": libyaml,
        "jsonschema": version("jsonschema"),
        "jsonschema_rs": version("jsonschema-rs"),
        "check_jsonschema": version("check-jsonschema"),
        "kinerja": version("kinerja"),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--", "kinerja_build", "schemas")),
    }


def _verdict(ok: bool) -> str:
    return "" if ok else " ⚠"


def markdown(
    scenarios: list[Scenario], env: dict[str, Any], repeat: int, start: dict[str, float]
) -> str:
    rows = [
        "| Scenario | Record files | (a) `kinerja validate` | (b) parse-only floor "
        f"| a/b (target ≤ {TARGET_RATIO}) | (c) check-jsonschema "
        f"| c/a (target ≥ {TARGET_SPEEDUP:.0f}×) | kinerja peak RSS (target < {TARGET_RSS_MB:.0f} MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scenarios:
        cj = s.check_jsonschema
        speedup = s.speedup
        cj_cells = (
            f"{cj.wall:.1f} s | {speedup:.0f}×{_verdict(speedup >= TARGET_SPEEDUP)}"
            if cj is not None and speedup is not None
            else "— | —"
        )
        rows.append(
            f"| {s.title} | {s.files:,} | {s.kinerja.wall:.2f} s | {s.floor.wall:.2f} s "
            f"| {s.ratio:.2f}{_verdict(s.ratio <= TARGET_RATIO)} | {cj_cells} "
            f"| {s.kinerja.rss:.0f} MB{_verdict(s.kinerja.rss < TARGET_RSS_MB)} |"
        )
    cpu = ", ".join(f"{s.title.split('.')[0]} {s.cpu_ratio:.2f}" for s in scenarios)
    cj_runs = {len(s.check_jsonschema.samples) for s in scenarios if s.check_jsonschema}
    version_ok = start["kinerja_version_ms"] <= TARGET_VERSION_MS
    notes = (
        f"Medians of {repeat} runs (check-jsonschema: {', '.join(map(str, sorted(cj_runs))) or 0}), "
        "each a fresh subprocess, files in the page cache. Ratio a/b by CPU time (user + sys): "
        f"{cpu}. Floor = os.walk + read + `yaml.load(text, Loader=yaml.CSafeLoader)`, nothing "
        "else. check-jsonschema = one `check-jsonschema --schemafile schemas/<kind>.schema.json "
        "FILE…` call per record schema, times summed. Start-up: the installed `kinerja "
        f"--version` {start['kinerja_version_ms']:.0f} ms (target ≤ {TARGET_VERSION_MS:.0f} ms)"
        f"{_verdict(version_ok)}, median of {start['runs']}, fastest "
        f"{start['kinerja_version_min_ms']:.0f} ms; a bare `python -c pass` "
        f"{start['python_bare_ms']:.0f} ms on the same machine. Python {env['python']}, PyYAML "
        f"{env['pyyaml']} (libyaml {env['libyaml']}), jsonschema-rs {env['jsonschema_rs']}, "
        f"jsonschema {env['jsonschema']}, check-jsonschema {env['check_jsonschema']}, "
        f"{env['cpus']} CPUs; kinerja {env['git_commit'] or env['kinerja']}"
        f"{' (uncommitted changes)' if env['git_dirty'] else ''}."
    )
    return "\n".join(rows) + "\n\n" + notes + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="record files per scenario")
    parser.add_argument(
        "--school-size", type=int, default=60, help="teachers per school (banyak-sekolah)"
    )
    parser.add_argument("--periode", nargs="+", default=list(synth.DEFAULT_PERIODS))
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--cj-repeat", type=int, default=1, help="runs of check-jsonschema (slow; 0 skips it)"
    )
    parser.add_argument(
        "--version-repeat", type=int, default=15, help="runs of `kinerja --version` (median)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=("satu-sekolah", "banyak-sekolah"), action="append")
    parser.add_argument("--regenerate", action="store_true", help="rebuild generated data")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile kinerja (satu-sekolah)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "validate.json")
    args = parser.parse_args(argv)
    periods = tuple(args.periode)
    per_person = 1 + len(synth.PERIOD_KINDS) * len(periods)
    wanted = args.only or ["satu-sekolah", "banyak-sekolah"]

    print("Preparing data", flush=True)
    scenarios: list[Scenario] = []
    if "satu-sekolah" in wanted:
        teachers = max(1, math.ceil((args.files - 1) / per_person) - 1)  # + the kepala sekolah
        roots = dataset("satu-sekolah", 1, teachers, periods, args.seed, args.regenerate)
        scenarios.append(
            Scenario(
                "satu-sekolah",
                f"A. one school, {teachers} teachers + KS, {len(periods)} periods — one "
                "`kinerja validate --root` subprocess",
                1,
                teachers,
                periods,
                roots,
                synth.record_files(teachers, periods),
                Side([_kinerja_command("validate", "--root", str(roots[0]))]),
                Side([[sys.executable, str(WORKERS), "floor", str(roots[0])]]),
                _check_jsonschema_side(roots, args.cj_repeat),
            )
        )
    if "banyak-sekolah" in wanted:
        size = args.school_size
        count = max(1, round(args.files / synth.record_files(size, periods)))
        roots = dataset("banyak-sekolah", count, size, periods, args.seed, args.regenerate)
        scenarios.append(
            Scenario(
                "banyak-sekolah",
                f"B. {count} school{'s' if count > 1 else ''} × {size} teachers + KS, "
                f"{len(periods)} periods — all in one process (`validate()` per school)",
                count,
                size,
                periods,
                roots,
                count * synth.record_files(size, periods),
                Side([[sys.executable, str(WORKERS), "kinerja", *map(str, roots)]]),
                Side([[sys.executable, str(WORKERS), "floor", *map(str, roots)]]),
                _check_jsonschema_side(roots, args.cj_repeat),
            )
        )
    for scenario in scenarios:
        _warm(scenario.roots)

    print(f"Measuring ({args.repeat} runs)", flush=True)
    run_scenarios(scenarios, args.repeat, args.cj_repeat)
    print("Measuring start-up", flush=True)
    start = startup(args.version_repeat)
    env = environment()
    table = markdown(scenarios, env, args.repeat, start)

    problems = []
    for s in scenarios:
        k, f = s.checked["kinerja"], s.checked["floor"]
        if k.get("errors") or k.get("warnings"):
            problems.append(f"{s.id}: data not clean (kinerja {k}); timings are not comparable")
        if k.get("files") != s.files or f.get("files") != s.files:
            problems.append(
                f"{s.id}: expected {s.files} files, kinerja {k.get('files')}, floor {f.get('files')}"
            )
        cj = s.checked.get("check_jsonschema")
        if cj and cj["clean_calls"] != cj["calls"]:
            problems.append(f"{s.id}: check-jsonschema did not find every file valid ({cj})")
        if s.check_jsonschema is None:
            problems.append(f"{s.id}: check-jsonschema not installed (pip install -e '.[test]')")

    payload = {
        "benchmark": "validate",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "repeat": args.repeat,
        "targets": {
            "ratio_to_parse_only_floor_max": TARGET_RATIO,
            "speedup_over_check_jsonschema_min": TARGET_SPEEDUP,
            "kinerja_peak_rss_mb_max": TARGET_RSS_MB,
            "kinerja_version_ms_max": TARGET_VERSION_MS,
        },
        "environment": env,
        "startup": start,
        "scenarios": [
            {
                "id": s.id,
                "title": s.title,
                "schools": s.schools,
                "teachers_per_school": s.teachers,
                "periods": list(s.periods),
                "record_files": s.files,
                "kinerja": s.kinerja.as_json(),
                "floor": s.floor.as_json(),
                "check_jsonschema": s.check_jsonschema.as_json()
                if s.check_jsonschema and s.check_jsonschema.samples
                else None,
                "ratio": round(s.ratio, 3),
                "cpu_ratio": round(s.cpu_ratio, 3),
                "ratio_per_run": [round(r, 3) for r in s.run_ratios],
                "speedup_over_check_jsonschema": round(s.speedup, 1) if s.speedup else None,
                "within_targets": {
                    "ratio": s.ratio <= TARGET_RATIO,
                    "speedup": bool(s.speedup and s.speedup >= TARGET_SPEEDUP),
                    "kinerja_peak_rss": s.kinerja.rss < TARGET_RSS_MB,
                    "kinerja_version": start["kinerja_version_ms"] <= TARGET_VERSION_MS,
                },
                "checked": s.checked,
            }
            for s in scenarios
        ],
        "problems": problems,
        "markdown": table,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )

    print()
    print(table)
    for problem in problems:
        print(f"WARNING: {problem}")
    print(f"Written: {_short(str(args.output))}")
    if args.profile:
        target = next((s for s in scenarios if s.id == "satu-sekolah"), scenarios[0])
        out = args.output.with_name("validate-profile.txt")
        print()
        print(profile(target.roots[0], out))
        print(f"Written: {_short(str(out))}")
    return 0


def _check_jsonschema_side(roots: list[Path], cj_repeat: int) -> Side | None:
    commands = _check_jsonschema_commands(roots) if cj_repeat > 0 else None
    return Side(commands) if commands else None


def _schemas_dir() -> Path:
    from kinerja_build import resources

    return resources.schemas_dir()


if __name__ == "__main__":
    sys.exit(main())
