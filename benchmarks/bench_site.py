"""Benchmark the progress site against a plain mkdocs build of the same pages.

    python benchmarks/bench_site.py                    # demo, synthetic 60 and 600 teachers
    python benchmarks/bench_site.py --guru 60 200

For each school, in the same run:

* (a) `kinerja build --hanya situs` in a fresh subprocess: validation, the plugin's page
  generation, mkdocs-material rendering, search index;
* (b) the floor: the same Markdown pages, written beforehand as plain files, built by
  `mkdocs build` in a fresh subprocess with the same theme, navigation and search, no plugin;
* the ratio a/b (target ≤ 1.3), and the time per teacher (linear growth keeps it flat);
* the rebuild after editing one record, as `mkdocs serve` does it: a second build in the same
  process (mkdocs 1.6 rebuilds everything on a change; the config and imports are warm).

Nothing is asserted; the table goes to stdout and benchmarks/results/site.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
RESULTS = HERE / "results"

if __package__ in (None, ""):
    sys.path.insert(0, str(REPO))
from benchmarks import synth  # noqa: E402
from kinerja_build.site import pages  # noqa: E402
from kinerja_build.validate import validate  # noqa: E402

CONFIG = {
    "site_name": "Kinerja",
    "use_directory_urls": False,
    "theme": {"name": "material", "language": "id", "font": False},
    "plugins": ["search"],
    "markdown_extensions": ["tables", "attr_list", "md_in_html", "admonition"],
    "validation": {"omitted_files": "ignore"},
}


def write_pages(root: Path, docs: Path) -> tuple[int, list[object]]:
    """The plugin's pages as plain Markdown files; returns the page count and the nav."""
    result = validate(root)
    data = pages.SiteData(
        result.school, list(result.report.diagnostics), False, result.config.referensi
    )
    written = {"index.md": pages.home_page(data), "validasi.md": pages.validation_page(data)}
    written["referensi/aturan.md"] = pages.rules_page()
    periode_nav = []
    for periode_id in pages.periodes(data.school):
        written[f"periode/{periode_id}/index.md"] = pages.dashboard_page(data, periode_id)
        periode_nav.append({periode_id: f"periode/{periode_id}/index.md"})
        for pegawai_id in data.school.periods[periode_id]:
            uri = f"periode/{periode_id}/{data.slug(pegawai_id)}.md"
            written[uri] = pages.person_page(data, periode_id, pegawai_id)
    for uri, text in written.items():
        target = docs / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    nav = [{"Beranda": "index.md"}, {"Periode": periode_nav}, {"Validasi": "validasi.md"}]
    return len(written), nav


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=REPO)
    return time.perf_counter() - started


def serve_rebuild(root: Path, site: Path) -> float:
    """Seconds for the second build in one process after a record changed (as in serve)."""
    script = f"""
import time, pathlib
from mkdocs.config import load_config
from mkdocs.commands.build import build
root = pathlib.Path({str(root)!r})
config_file = root / "mkdocs.yml"
config = load_config(config_file=str(config_file), site_dir={str(site)!r})
build(config)
record = sorted((root / "records" / "kinerja").glob("*/*/penilaian.yaml"))[0]
record.write_text(record.read_text(encoding="utf-8") + "\\n", encoding="utf-8")
config = load_config(config_file=str(config_file), site_dir={str(site)!r})
started = time.perf_counter()
build(config)
print(time.perf_counter() - started)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=REPO
    )
    return float(done.stdout.strip().splitlines()[-1])


def bench(name: str, root: Path, teachers: int, repeat: int) -> dict[str, object]:
    scratch = Path(tempfile.mkdtemp(prefix="bench-site-", dir=WORK))
    try:
        floor_dir = scratch / "floor"
        count, nav = write_pages(root, floor_dir / "docs")
        (floor_dir / "mkdocs.yml").write_text(
            yaml.safe_dump({**CONFIG, "nav": nav, "docs_dir": "docs"}), encoding="utf-8"
        )
        kinerja, floor = [], []
        for _ in range(repeat):
            out = scratch / "out"
            shutil.rmtree(out, ignore_errors=True)
            kinerja.append(
                timed(
                    [
                        sys.executable,
                        "-m",
                        "kinerja_build",
                        "build",
                        "--root",
                        str(root),
                        "--out",
                        str(out),
                        "--hanya",
                        "situs",
                    ]
                )
            )
            floor.append(
                timed(
                    [
                        sys.executable,
                        "-m",
                        "mkdocs",
                        "build",
                        "-q",
                        "-f",
                        str(floor_dir / "mkdocs.yml"),
                        "-d",
                        str(scratch / "floor-site"),
                    ]
                )
            )
        copy = scratch / "school"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build", ".git", "benchmarks"))
        if not (copy / "mkdocs.yml").is_file():
            (copy / "mkdocs.yml").write_text(
                yaml.safe_dump({**CONFIG, "plugins": ["search", "kinerja"], "docs_dir": "site"}),
                encoding="utf-8",
            )
        (copy / "site").mkdir(exist_ok=True)
        rebuild = serve_rebuild(copy, scratch / "serve-site")
        a, b = statistics.median(kinerja), statistics.median(floor)
        return {
            "school": name,
            "teachers": teachers,
            "pages": count,
            "kinerja_s": a,
            "floor_s": b,
            "ratio": a / b,
            "rebuild_s": rebuild,
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--guru", type=int, nargs="+", default=[60, 600])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--output", type=Path, default=RESULTS / "site.json")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    rows = [bench("demo (14 people, 4 periodes)", REPO, 14, args.repeat)]
    for teachers in args.guru:
        folder = WORK / f"site-{teachers}"
        if not folder.is_dir():
            synth.generate(folder, 1, teachers, ("2025",), 1)
        rows.append(
            bench(
                f"synthetic, {teachers} teachers, 2025",
                folder / "sekolah-001",
                teachers,
                args.repeat,
            )
        )
        print(f"  {rows[-1]['school']}: done", flush=True)
    lines = [
        "| School | Pages | (a) `kinerja build --hanya situs` | (b) plain `mkdocs build` | ratio a/b "
        "(target ≤ 1.3) | per teacher | rebuild after one edit (as `mkdocs serve`) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['school']} | {row['pages']} | {row['kinerja_s']:.1f} s | {row['floor_s']:.1f} s "
            f"| {row['ratio']:.2f} | {1000 * float(row['kinerja_s']) / int(row['teachers']):.0f} ms "  # type: ignore[arg-type]
            f"| {row['rebuild_s']:.1f} s |"
        )
    table = "\n".join(lines) + "\n"
    print(table)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"table": table, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
