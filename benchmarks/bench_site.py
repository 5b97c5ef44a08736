"""Benchmark the progress site against a plain mkdocs build of the same pages.

    python benchmarks/bench_site.py                    # demo, synthetic 60 and 600 teachers
    python benchmarks/bench_site.py --guru 60 200

For each school, in the same run:

* (a) `kinerja build --hanya situs` in a fresh subprocess: validation, the plugin's page
  generation, mkdocs-material rendering, search index;
* (b) the floor: the same docs tree the plugin produces (every page, schema, CSS and data
  file), written beforehand as plain files, built by `mkdocs build` in a fresh subprocess with
  the same theme, navigation and search, no plugin;
* the ratio a/b (target ≤ 1.3), and the time per added teacher between the synthetic schools
  (a constant figure means linear growth);
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

CONFIG = {
    "site_name": "Kinerja",
    "use_directory_urls": False,
    "theme": {"name": "material", "language": "id", "font": False},
    "plugins": [{"search": {"lang": "id"}}, "kinerja"],
    "markdown_extensions": ["tables", "attr_list", "md_in_html", "admonition"],
    "validation": {"omitted_files": "ignore"},
}


def write_floor(school: Path, floor: Path) -> int:
    """The plugin's whole docs tree (pages, schemas, assets) as plain files, and its config.

    Runs the plugin's `config` and `files` events once, writes every file of the resulting
    collection (generated or hand-written) under floor/docs and a mkdocs.yml with the same
    theme, navigation, CSS and search but without the plugin. Returns the number of pages.
    """
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(config_file=str(school / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    pages_written = 0
    for file in files:
        target = floor / "docs" / file.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.content_bytes)
        pages_written += file.src_uri.endswith(".md")
    raw = yaml.safe_load((school / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = [p for p in raw.get("plugins", []) if p != "kinerja"]
    raw.update(
        plugins=plugins,
        nav=config.nav,
        extra_css=list(config.extra_css),
        docs_dir="docs",
        site_dir="site",
    )
    (floor / "mkdocs.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return pages_written


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
        # A copy of the school with a mkdocs.yml (the repository's own, or the default one).
        school = scratch / "school"
        shutil.copytree(root, school, ignore=shutil.ignore_patterns("build", ".git", "benchmarks"))
        if not (school / "mkdocs.yml").is_file():
            (school / "mkdocs.yml").write_text(
                yaml.safe_dump({**CONFIG, "docs_dir": "site", "site_dir": "build/site"}),
                encoding="utf-8",
            )
        (school / "site").mkdir(exist_ok=True)
        floor_dir = scratch / "floor"
        count = write_floor(school, floor_dir)
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
                        str(school),
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
        validation = statistics.median(
            timed([sys.executable, "-m", "kinerja_build", "validate", "--root", str(school)])
            for _ in range(repeat)
        )
        rebuild = serve_rebuild(school, scratch / "serve-site")
        a, b = statistics.median(kinerja), statistics.median(floor)
        return {
            "school": name,
            "teachers": teachers,
            "pages": count,
            "kinerja_s": a,
            "floor_s": b,
            "ratio": a / b,
            "validate_s": validation,
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
        "(target ≤ 1.3) | of (a): `kinerja validate` alone | (a) per added teacher "
        "| rebuild after one edit (as `mkdocs serve`) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous: dict[str, object] | None = None
    for row in rows:
        marginal = "—"
        if previous is not None and int(row["teachers"]) > int(previous["teachers"]):  # type: ignore[call-overload]
            added = int(row["teachers"]) - int(previous["teachers"])  # type: ignore[call-overload]
            seconds = float(row["kinerja_s"]) - float(previous["kinerja_s"])  # type: ignore[arg-type]
            marginal = f"{1000 * seconds / added:.0f} ms"
        if str(row["school"]).startswith("synthetic"):
            previous = row
        lines.append(
            f"| {row['school']} | {row['pages']} | {row['kinerja_s']:.1f} s | {row['floor_s']:.1f} s "
            f"| {row['ratio']:.2f} | {row['validate_s']:.1f} s | {marginal} "
            f"| {row['rebuild_s']:.1f} s |"
        )
    table = "\n".join(lines) + "\n"
    print(table)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"table": table, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
