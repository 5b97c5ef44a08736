"""Benchmark the BKN export against writing the same JSON, CSV and zip with the stdlib alone.

    python benchmarks/bench_export.py                       # 100 schools × 60 teachers, 2025
    python benchmarks/bench_export.py --sekolah 20 --guru 60

One Python process walks the district school by school, as a Dinas-wide export would:
validate the school (not timed: that is `bench_validate.py`'s subject), then time

* (a) kinerja's export stage (`build_exports`: readiness checks, rows via `domain.py`, JSON, CSV,
  manifest with SHA-256, reproducible zip, atomic writes), and
* (b) the floor: `json.dumps` of the same objects, `csv.writer` of the same rows and a zip of
  the same files with `zipfile` at the same compression level, written to disk (the objects
  are read back from kinerja's bundle before the clock starts: the floor only writes),

and report the ratio a/b (target ≤ 1.5) and the process's peak RSS after 10%, 50% and 100% of
the schools (target: flat, because nothing is kept between schools). Results go to stdout and
benchmarks/results/export.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
RESULTS = HERE / "results"

if __package__ in (None, ""):
    sys.path.insert(0, str(REPO))
from benchmarks import synth  # noqa: E402
from kinerja_build.export import build_exports  # noqa: E402
from kinerja_build.stage import BuildContext  # noqa: E402
from kinerja_build.validate import validate  # noqa: E402


def parse(files: dict[str, bytes]) -> dict[str, Any]:
    """The bundle's contents as plain objects (done before timing: the floor only writes)."""
    parsed: dict[str, Any] = {}
    for name, content in files.items():
        if name.endswith(".json"):
            parsed[name] = json.loads(content)
        elif name.endswith(".csv"):
            parsed[name] = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        else:
            parsed[name] = content
    return parsed


def floor(parsed: dict[str, Any], out: Path) -> None:
    """The same JSON, CSV and zip, written with nothing but the standard library."""
    written: dict[str, bytes] = {}
    for name, value in parsed.items():
        if name.endswith(".json"):
            written[name] = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode()
        elif name.endswith(".csv"):
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=";").writerows(value)
            written[name] = buffer.getvalue().encode("utf-8")
        else:
            written[name] = value
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in written.items():
            archive.writestr(name, content)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sekolah", type=int, default=100)
    parser.add_argument("--guru", type=int, default=60)
    parser.add_argument("--periode", nargs="+", default=["2025"])
    parser.add_argument("--output", type=Path, default=RESULTS / "export.json")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    district = WORK / f"export-{args.sekolah}x{args.guru}-{'-'.join(args.periode)}"
    if not district.is_dir():
        started = time.perf_counter()
        synth.generate(district, args.sekolah, args.guru, tuple(args.periode), 1)
        print(
            f"generated {args.sekolah} schools in {time.perf_counter() - started:.1f} s", flush=True
        )
    roots = sorted(district.glob("sekolah-*"))
    scratch = Path(tempfile.mkdtemp(prefix="bench-export-", dir=WORK))
    kinerja_s = floor_s = 0.0
    exported = 0
    rss: dict[str, float] = {}
    checkpoints = {
        max(1, len(roots) // 10): "10%",
        max(1, len(roots) // 2): "50%",
        len(roots): "100%",
    }
    try:
        for index, root in enumerate(roots, start=1):
            result = validate(root)
            out = scratch / "out"
            context = BuildContext(root, out, result)
            started = time.perf_counter()
            outcome = build_exports(context)
            kinerja_s += time.perf_counter() - started
            for bundle in sorted((out / "ekspor-bkn").glob("*.zip")):
                with zipfile.ZipFile(bundle) as archive:
                    files = {name: archive.read(name) for name in archive.namelist()}
                exported += len(json.loads(files["kinerja-periodik.json"]))
                parsed = parse(files)
                started = time.perf_counter()
                floor(parsed, scratch / "floor.zip")
                floor_s += time.perf_counter() - started
            assert not [d for d in outcome.diagnostics if d.severity.value == "error"], (
                outcome.lines
            )
            shutil.rmtree(out)
            if index in checkpoints:
                rss[checkpoints[index]] = peak_rss_mb()
                print(
                    f"  {index}/{len(roots)} schools, peak RSS {rss[checkpoints[index]]:.0f} MB",
                    flush=True,
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    ratio = kinerja_s / floor_s
    table = (
        "| District | Exported pegawai | (a) kinerja export | (b) stdlib floor | ratio a/b (target ≤ 1.5) "
        "| peak RSS at 10% / 50% / 100% of schools |\n|---|---:|---:|---:|---:|---:|\n"
        f"| {len(roots)} schools × {args.guru} teachers, {' '.join(args.periode)} | {exported:,} "
        f"| {kinerja_s:.2f} s | {floor_s:.2f} s | {ratio:.2f} "
        f"| {rss.get('10%', 0):.0f} / {rss.get('50%', 0):.0f} / {rss.get('100%', 0):.0f} MB |\n"
    )
    print(table)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {
        "table": table,
        "kinerja_s": kinerja_s,
        "floor_s": floor_s,
        "rss_mb": rss,
    }
    args.output.write_text(json.dumps(record, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
