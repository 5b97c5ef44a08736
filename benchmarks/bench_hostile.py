"""Hostile inputs (issue 17): no hostile file in a demo-sized school may make `kinerja validate`,
`kinerja build` or `kinerja ekspor periksa` use more than 500 MB or take more than twice the time
of the same command on the clean school.

    python benchmarks/bench_hostile.py                  # median of 3 runs per case
    python benchmarks/bench_hostile.py --repeat 1 --only validate

The demo school is this repository's own `records/` (plus its mkdocs.yml and site/ for the site
stage). Each case copies it to benchmarks/.work/hostile/, adds one hostile input, and runs the
installed `kinerja` in a fresh subprocess; wall time and peak RSS (`ru_maxrss` of exactly that
child, `os.wait4`) are compared with the clean school under the same command. `build` is measured
with `--hanya situs --allow-errors` (the PDF stage renders every document, which would drown the
difference; templates are bounded separately, see README "Limits"). Nothing is asserted: the
table is printed as Markdown and written to benchmarks/results/hostile.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work" / "hostile"
RESULTS = REPO / "benchmarks" / "results" / "hostile.json"
PERSON = "records/kinerja/2025/198305172009011004"
LIMIT_MB = 500
LIMIT_RATIO = 2.0


def _alias_bomb(levels: int = 12) -> str:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for index in range(1, levels):
        previous, current = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{current}: &{current} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _write(relative: str, text: str) -> Callable[[Path], None]:
    def make(school: Path) -> None:
        (school / relative).parent.mkdir(parents=True, exist_ok=True)
        (school / relative).write_text(text, encoding="utf-8")

    return make


def _chain(relative: str, depth: int = 1500) -> Callable[[Path], None]:
    def make(school: Path) -> None:
        start = os.getcwd()
        (school / relative).mkdir(parents=True, exist_ok=True)
        os.chdir(school / relative)
        try:
            for _ in range(depth):
                os.mkdir("d")
                os.chdir("d")
        finally:
            os.chdir(start)

    return make


def _fifo(relative: str) -> Callable[[Path], None]:
    return lambda school: os.mkfifo(school / relative)


CASES: dict[str, Callable[[Path], None]] = {
    "bersih": lambda school: None,
    "bom-alias": _write(f"{PERSON}/siklus.yaml", _alias_bomb()),
    "banjir-kolom": _write(
        f"{PERSON}/tugas.yaml", "".join(f"kolom_{i}: x\n" for i in range(49_000))
    ),
    "angka-raksasa": _write(
        f"{PERSON}/penilaian.yaml", "nilai: 0x" + "f" * 500_000 + "\nb: 1" + ":59" * 100_000 + "\n"
    ),
    "rantai-folder": _chain("records/arsip"),
    "fifo": _fifo("records/pegawai/199999999999999999.yaml"),
    "mkdocs-bom-alias": _write("mkdocs.yml", "site_name: x\n" + _alias_bomb()),
    "mkdocs-hooks": _write("mkdocs.yml", "site_name: x\nhooks: [kait.py]\nplugins: [kinerja]\n"),
    "situs-rantai": _chain("site/dalam", 1200),
}

COMMANDS = {
    "validate": ["validate"],
    "build": ["build", "--hanya", "situs", "--allow-errors"],
}


def _school(case: str) -> Path:
    target = WORK / case
    if target.exists():
        subprocess.run(["rm", "-rf", str(target)], check=True)  # deep chains defeat rmtree
    target.mkdir(parents=True)
    for name in ("records", "schemas", "site"):
        shutil.copytree(REPO / name, target / name, symlinks=True)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    CASES[case](target)
    return target


def _run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, _status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def _kinerja() -> list[str]:
    return [sys.executable, "-m", "kinerja_build"]


def _bundle_cases() -> dict[str, Path]:
    folder = WORK / "bundles"
    folder.mkdir(parents=True, exist_ok=True)
    clean = _school("bersih")
    subprocess.run(
        [*_kinerja(), "ekspor", "bkn", "--root", str(clean), "--periode", "2025", "--tanpa-pdf"],
        capture_output=True,
        check=False,
    )
    bundles = sorted((clean / "build" / "ekspor-bkn").glob("*.zip"))
    cases: dict[str, Path] = {}
    if bundles:
        cases["bersih"] = bundles[0]
    flood = folder / "banjir-skema.zip"
    with zipfile.ZipFile(flood, "w", zipfile.ZIP_DEFLATED) as archive:
        rows = json.dumps([{"nip": "x" * 5, "tahun": "?"} for _ in range(200_000)])
        archive.writestr("manifest.json", '{"versi": 1}')
        archive.writestr("kinerja-periodik.json", rows)
    cases["banjir-skema"] = flood
    fifo = folder / "fifo.zip"
    if not fifo.exists():
        os.mkfifo(fifo)
    cases["fifo"] = fifo
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=[*COMMANDS, "periksa"], action="append")
    options = parser.parse_args()
    wanted = options.only or [*COMMANDS, "periksa"]
    rows: list[dict[str, object]] = []
    for command in [c for c in COMMANDS if c in wanted]:
        baseline = None
        for case in CASES:
            school = _school(case)
            samples = [
                _run([*_kinerja(), *COMMANDS[command], "--root", str(school)])
                for _ in range(options.repeat)
            ]
            rows.append(_row(command, case, samples, baseline))
            if case == "bersih":
                baseline = rows[-1]
    if "periksa" in wanted:
        baseline = None
        for case, bundle in _bundle_cases().items():
            samples = [
                _run([*_kinerja(), "ekspor", "periksa", str(bundle)]) for _ in range(options.repeat)
            ]
            rows.append(_row("periksa", case, samples, baseline))
            if case == "bersih":
                baseline = rows[-1]
    print("| perintah | kasus | waktu (s) | ×bersih | RSS puncak (MB) | dalam batas |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['command']} | {row['case']} | {row['seconds']:.2f} | {row['ratio']:.2f} | "
            f"{row['rss_mb']:.0f} | {'ya' if row['within'] else 'TIDAK'} |"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"limit_mb": LIMIT_MB, "limit_ratio": LIMIT_RATIO, "rows": rows}, indent=1)
        + "\n",
        encoding="utf-8",
    )


def _row(
    command: str, case: str, samples: list[tuple[float, float]], baseline: dict[str, object] | None
) -> dict[str, object]:
    seconds = statistics.median(sample[0] for sample in samples)
    rss = max(sample[1] for sample in samples)
    base_seconds = float(baseline["seconds"]) if baseline else seconds  # type: ignore[arg-type]
    ratio = seconds / base_seconds if base_seconds else 1.0
    return {
        "command": command,
        "case": case,
        "seconds": seconds,
        "ratio": ratio,
        "rss_mb": rss,
        "within": rss <= LIMIT_MB and ratio <= LIMIT_RATIO,
        "samples": samples,
    }


if __name__ == "__main__":
    main()
