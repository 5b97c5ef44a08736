"""Benchmark `kinerja validate` against the floor: the raw libraries on the same files.

    python benchmarks/bench_validate.py                 # both scenarios, median of 3 runs
    python benchmarks/bench_validate.py --repeat 5 --files 20000
    python benchmarks/bench_validate.py --profile       # also: where kinerja spends its time

Scenarios (about `--files` record files each, 10,000 by default):

* `satu-sekolah`: one school with enough teachers, checked by one `kinerja validate --root`
  subprocess (the command a school runs in CI).
* `banyak-sekolah`: several schools of `--school-size` (60) teachers, all validated in one
  Python process (`kinerja_build.validate.validate()` once per school, then the text report,
  as the CLI does), the way a Dinas-wide check would run them.

For each scenario, every run starts fresh subprocesses for (a) kinerja and (b) the floor
(`_workers.py floor`: os.walk + read + `yaml.load(CSafeLoader)` + one compiled
`Draft202012Validator` per kind with the same schemas, registry and `date` format checker; no
rules). Reported: medians of wall time and of peak RSS (`ru_maxrss` of exactly that child, from
`os.wait4`), the ratio a/b (target ≤ 2.0) and kinerja's peak RSS (target < 400 MB). Nothing is
asserted: this is a report. The table is printed as Markdown and written, with every sample and
the environment, to benchmarks/results/validate.json.

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
TARGET_RATIO = 2.0
TARGET_RSS_MB = 400.0

if __package__ in (None, ""):
    sys.path.insert(0, str(REPO))
from benchmarks import synth  # noqa: E402


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
    command: list[str]
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
        return {
            "command": " ".join(_short(part) for part in self.command),
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
    checked: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.kinerja.wall / self.floor.wall

    @property
    def cpu_ratio(self) -> float:
        return self.kinerja.cpu / self.floor.cpu

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
        [sys.executable, "-m", "kinerja_build", "--version"],
        [sys.executable, str(WORKERS), "floor", str(_schemas_dir())],  # no roots: imports only
    ):
        subprocess.run(command, check=True, capture_output=True, env=child_env(), cwd=REPO)


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


def measure(command: list[str]) -> Sample:
    """Wall time and peak RSS of one fresh subprocess (rusage of exactly that child)."""
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


def run_scenarios(scenarios: list[Scenario], repeat: int) -> None:
    for run in range(repeat):
        for scenario in scenarios:
            # Alternate the order so neither side always runs on a warmer/cooler machine.
            sides = [scenario.kinerja, scenario.floor]
            for side in sides if run % 2 == 0 else reversed(sides):
                sample = measure(side.command)
                if sample.returncode != 0:
                    print(sample.stdout[-2000:], sample.stderr[-2000:], sep="\n", file=sys.stderr)
                    raise SystemExit(
                        f"{scenario.id}: {' '.join(side.command)} exited {sample.returncode}"
                    )
                side.samples.append(sample)
                label = "kinerja" if side is scenario.kinerja else "floor"
                print(
                    f"  run {run + 1}/{repeat} {scenario.id:<15} {label:<8}"
                    f"{sample.wall_s:7.2f} s wall {sample.cpu_s:7.2f} s CPU {sample.rss_mb:7.1f} MB",
                    flush=True,
                )
        for scenario in scenarios:
            if run == 0:
                scenario.checked = {
                    "kinerja": outcome(scenario.kinerja.samples[0]),
                    "floor": outcome(scenario.floor.samples[0]),
                }


def startup(repeat: int) -> dict[str, float]:
    """Fixed cost of starting each side with no files: interpreter plus imports."""
    kinerja = [sys.executable, "-m", "kinerja_build", "--version"]
    floor = [sys.executable, str(WORKERS), "floor", str(_schemas_dir())]  # no roots
    return {
        "kinerja_version_s": round(
            statistics.median(measure(kinerja).wall_s for _ in range(repeat)), 3
        ),
        "floor_no_files_s": round(
            statistics.median(measure(floor).wall_s for _ in range(repeat)), 3
        ),
    }


# --------------------------------------------------------------------------------------------
# Profile
# --------------------------------------------------------------------------------------------

_STAGES = (
    ("discover (walk records/)", "kinerja_build/project.py", "discover"),
    ("load (read + compose + convert)", "kinerja_build/load.py", "load_file"),
    ("schema (jsonschema iter_errors)", "kinerja_build/schema.py", "check"),
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
    lines.append(f"{'stage':<40} {'cumulative s':>12} {'share':>7}")
    for label, filename, function in _STAGES:
        cumulative = sum(
            entry[3]
            for (file, _, name), entry in table.items()
            if file.replace(os.sep, "/").endswith(filename) and name == function
        )
        lines.append(f"{label:<40} {cumulative:>12.2f} {cumulative / total:>7.1%}")
    lines.append(f"{'total':<40} {total:>12.2f}")
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
        "referencing": version("referencing"),
        "kinerja": version("kinerja"),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--", "kinerja_build", "schemas")),
    }


def _verdict(value: float, limit: float, below: bool) -> str:
    ok = value < limit if below else value <= limit
    return "" if ok else " ⚠"


def markdown(
    scenarios: list[Scenario], env: dict[str, Any], repeat: int, start: dict[str, float]
) -> str:
    rows = [
        "| Scenario | Record files | (a) `kinerja validate` | (b) floor | (c) ratio a/b (target ≤ 2.0) "
        "| (d) kinerja peak RSS (target < 400 MB) | floor peak RSS | kinerja files/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scenarios:
        rows.append(
            f"| {s.title} | {s.files:,} | {s.kinerja.wall:.2f} s | {s.floor.wall:.2f} s "
            f"| {s.ratio:.2f}{_verdict(s.ratio, TARGET_RATIO, below=False)} "
            f"| {s.kinerja.rss:.0f} MB{_verdict(s.kinerja.rss, TARGET_RSS_MB, below=True)} "
            f"| {s.floor.rss:.0f} MB | {s.files / s.kinerja.wall:,.0f} |"
        )
    cpu = ", ".join(f"{s.title.split('.')[0]} {s.cpu_ratio:.2f}" for s in scenarios)
    notes = (
        f"Median of {repeat} runs, each a fresh subprocess, files in the page cache; ratio "
        f"by CPU time (user + sys): {cpu}. Floor = "
        "os.walk + read + `yaml.load` (CSafeLoader, dates kept as text) + one compiled "
        "`Draft202012Validator` per kind (same schemas and registry, `date` format checker), no "
        f"rules. Start-up alone: `kinerja --version` {start['kinerja_version_s']:.2f} s, floor "
        f"with no files {start['floor_no_files_s']:.2f} s. Python {env['python']}, PyYAML "
        f"{env['pyyaml']} (libyaml {env['libyaml']}), jsonschema {env['jsonschema']}, "
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
    schemas_dir = str(_schemas_dir())

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
                Side([sys.executable, "-m", "kinerja_build", "validate", "--root", str(roots[0])]),
                Side([sys.executable, str(WORKERS), "floor", schemas_dir, str(roots[0])]),
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
                Side([sys.executable, str(WORKERS), "kinerja", *map(str, roots)]),
                Side([sys.executable, str(WORKERS), "floor", schemas_dir, *map(str, roots)]),
            )
        )
    for scenario in scenarios:
        _warm(scenario.roots)

    print(f"Measuring ({args.repeat} runs)", flush=True)
    run_scenarios(scenarios, args.repeat)
    start = startup(args.repeat)
    env = environment()
    table = markdown(scenarios, env, args.repeat, start)

    problems = []
    for s in scenarios:
        k, f = s.checked["kinerja"], s.checked["floor"]
        if k.get("errors") or k.get("warnings") or f.get("invalid"):
            problems.append(
                f"{s.id}: data not clean (kinerja {k}, floor {f}); timings are not comparable"
            )
        if k.get("files") != s.files or f.get("files") != s.files:
            problems.append(
                f"{s.id}: expected {s.files} files, kinerja {k.get('files')}, floor {f.get('files')}"
            )

    payload = {
        "benchmark": "validate",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "repeat": args.repeat,
        "targets": {"ratio_max": TARGET_RATIO, "kinerja_peak_rss_mb_max": TARGET_RSS_MB},
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
                "ratio": round(s.ratio, 3),
                "cpu_ratio": round(s.cpu_ratio, 3),
                "ratio_per_run": [round(r, 3) for r in s.run_ratios],
                "within_targets": {
                    "ratio": s.ratio <= TARGET_RATIO,
                    "kinerja_peak_rss": s.kinerja.rss < TARGET_RSS_MB,
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


def _schemas_dir() -> Path:
    from kinerja_build import resources

    return resources.schemas_dir()


if __name__ == "__main__":
    sys.exit(main())
