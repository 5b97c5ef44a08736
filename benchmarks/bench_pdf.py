"""Benchmark the PDF stage of `kinerja build` against bare WeasyPrint on the same HTML.

    python benchmarks/bench_pdf.py                  # demo school + a synthetic 60-teacher school
    python benchmarks/bench_pdf.py --repeat 3 --guru 60

For each school, in one run (fresh subprocesses, files in the page cache):

* (a) `kinerja build --hanya pdf --jobs 1` with an empty output folder: validation, document
  planning, Jinja templates, the safe URL fetcher, PDF/A-2a, atomic writes, cache;
* (b) the floor: one Python process that renders exactly the same final HTML documents (dumped by
  kinerja's own planner beforehand) with bare `weasyprint.HTML(string=…).write_pdf()` and the
  same PDF variant, writing each to a file;
* per-document ratio a/b (target ≤ 1.15; both include their start-up, divided by the same number
  of documents);
* `--jobs 2` from scratch: speed-up over `--jobs 1` (target ≥ 1.7 on 2 cores) and the peak RSS of
  the largest process of that run (a worker: `ru_maxrss` over the waited-for descendants);
* a second `kinerja build --hanya pdf` with nothing changed, as a fraction of the full build
  (target ≤ 5%);
* the print packs (build/cetak/): a build where every document is cached but the packs were
  deleted, minus the no-change build, as a fraction of the full build (target ≤ 10%).

Nothing is asserted; the Markdown table goes to stdout and, with every sample, to
benchmarks/results/pdf.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
RESULTS = HERE / "results"

if __package__ in (None, ""):
    sys.path.insert(0, str(REPO))
from benchmarks import synth  # noqa: E402

FLOOR = """
import sys, json, pathlib, weasyprint
from weasyprint import HTML
jobs = json.loads(pathlib.Path(sys.argv[1]).read_text())
out = pathlib.Path(sys.argv[2])
for index, job in enumerate(jobs):
    html = pathlib.Path(job["html"]).read_text(encoding="utf-8")
    pdf = HTML(string=html, base_url=job["base_url"]).write_pdf(pdf_variant=job["variant"])
    (out / f"{index}.pdf").write_bytes(pdf)
print(len(jobs))
"""


@dataclass
class Run:
    wall: float
    rss_mb: float
    output: str


@dataclass
class School:
    name: str
    root: Path
    documents: int = 0
    samples: dict[str, list[Run]] = field(default_factory=dict)

    def median(self, key: str) -> float:
        return statistics.median(run.wall for run in self.samples[key])


def child_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    env["NO_COLOR"] = "1"
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def measure(command: list[str]) -> Run:
    """Wall time, and the largest RSS among the command and all its waited-for descendants."""
    wrapper = (
        "import resource, subprocess, sys, json\n"
        "result = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'rc': result.returncode, 'rss_kb': rss, "
        "'out': result.stdout[-3000:] + result.stderr[-2000:]}))\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=REPO,
        check=True,
    )
    wall = time.perf_counter() - started
    report = json.loads(done.stdout)
    if report["rc"] != 0:
        raise SystemExit(f"command failed ({report['rc']}): {command}\n{report['out']}")
    return Run(wall, report["rss_kb"] / 1024, report["out"])


def dump_html(root: Path, target: Path) -> list[dict[str, str]]:
    """kinerja's own final HTML for every document of the school, for the floor to render."""
    from kinerja_build import clock
    from kinerja_build.render.documents import plan_documents
    from kinerja_build.render.pdf import PDF_VARIANT
    from kinerja_build.render.stage import _logos, _stamp, _template_data
    from kinerja_build.render.templates import PACKAGE_TEMPLATES, TemplateSet
    from kinerja_build.stage import BuildContext, StageOutcome
    from kinerja_build.validate import validate

    result = validate(root)
    context = BuildContext(root, target, result)
    templates = TemplateSet(root)
    logos = _logos(context, StageOutcome("pdf"))
    jobs = []
    target.mkdir(parents=True, exist_ok=True)
    documents = plan_documents(result.school, result.config.referensi, clock.today())
    for index, document in enumerate(documents):
        data = _template_data(document, context, logos, _stamp(document, root))
        html = templates.render(document.template, data)
        assert isinstance(html, str), html
        path = target / f"{index}.html"
        path.write_text(html, encoding="utf-8")
        jobs.append(
            {
                "html": str(path),
                "base_url": PACKAGE_TEMPLATES.as_uri() + "/",
                "variant": PDF_VARIANT,
            }
        )
    return jobs


def interleaved(root: Path, count: int, rounds: int = 3) -> tuple[int, float, float]:
    """Per-document cost of kinerja's render step against bare WeasyPrint, interleaved.

    The same final HTML, one process, the two sides alternating document by document, so a
    machine shared with other work slows both alike (the full-build figures above do not
    survive a loaded machine). kinerja's side is `render_pdf`: the safe URL fetcher, PDF/A-2a
    and the finishing step (artifacts, PDF/UA identification, stamp).
    """
    from weasyprint import HTML

    from kinerja_build.render.pdf import PdfTask, render_pdf
    from kinerja_build.render.templates import TemplateSet

    scratch = Path(tempfile.mkdtemp(prefix="bench-pdf-", dir=WORK))
    try:
        jobs = dump_html(root, scratch / "html")
        step = max(len(jobs) // count, 1)
        chosen = jobs[::step][:count]
        allowed = tuple(TemplateSet(root).search)
        kinerja = floor = 0.0
        for turn in range(rounds):
            for index, job in enumerate(chosen):
                html = Path(job["html"]).read_text(encoding="utf-8")
                task = PdfTask(str(index), html, job["base_url"], allowed)
                sides = ("kinerja", "floor") if (turn + index) % 2 == 0 else ("floor", "kinerja")
                for side in sides:
                    started = time.perf_counter()
                    if side == "kinerja":
                        assert render_pdf(task).content is not None
                        kinerja += time.perf_counter() - started
                    else:
                        HTML(string=html, base_url=job["base_url"]).write_pdf(
                            pdf_variant=job["variant"]
                        )
                        floor += time.perf_counter() - started
        return len(chosen) * rounds, kinerja, floor
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def bench_school(school: School, repeat: int) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-pdf-", dir=WORK))
    try:
        jobs = dump_html(school.root, scratch / "html")
        school.documents = len(jobs)
        (scratch / "jobs.json").write_text(json.dumps(jobs))
        floor_out = scratch / "floor"
        kinerja = [sys.executable, "-m", "kinerja_build", "build", "--root", str(school.root)]
        for run in range(repeat):
            for side in ("kinerja", "floor") if run % 2 == 0 else ("floor", "kinerja"):
                if side == "floor":
                    shutil.rmtree(floor_out, ignore_errors=True)
                    floor_out.mkdir()
                    command = [
                        sys.executable,
                        "-c",
                        FLOOR,
                        str(scratch / "jobs.json"),
                        str(floor_out),
                    ]
                    school.samples.setdefault("floor", []).append(measure(command))
                    continue
                out = scratch / "out"
                shutil.rmtree(out, ignore_errors=True)
                args = ["--out", str(out), "--hanya", "pdf"]
                school.samples.setdefault("jobs1", []).append(measure([*kinerja, *args, "-j", "1"]))
                school.samples.setdefault("nochange", []).append(
                    measure([*kinerja, *args, "-j", "1"])
                )
                # Print packs alone: every document cached, only cetak/ to make again.
                shutil.rmtree(out / "cetak")
                school.samples.setdefault("packs", []).append(measure([*kinerja, *args, "-j", "1"]))
                shutil.rmtree(out)
                school.samples.setdefault("jobs2", []).append(measure([*kinerja, *args, "-j", "2"]))
            print(f"  {school.name}: run {run + 1}/{repeat} done", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def table(schools: list[School], repeat: int) -> str:
    rows = [
        "| School | Documents | (a) kinerja `-j 1` | (b) bare WeasyPrint | per-document ratio a/b "
        "(target ≤ 1.15) | `-j 2` | speed-up (target ≥ 1.7) | no-change rebuild (target ≤ 5%) "
        "| peak RSS, largest process of `-j 2` | print packs (target ≤ 10% of (a)) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for school in schools:
        a, b = school.median("jobs1"), school.median("floor")
        two, again = school.median("jobs2"), school.median("nochange")
        rss = statistics.median(run.rss_mb for run in school.samples["jobs2"])
        packs = max(school.median("packs") - again, 0.0)
        rows.append(
            f"| {school.name} | {school.documents} | {a:.1f} s ({1000 * a / school.documents:.0f} ms/doc) "
            f"| {b:.1f} s ({1000 * b / school.documents:.0f} ms/doc) | {a / b:.2f} | {two:.1f} s "
            f"| {a / two:.2f}× | {again:.2f} s ({100 * again / a:.1f}%) | {rss:.0f} MB "
            f"| {packs:.2f} s ({100 * packs / a:.1f}%) |"
        )
    note = (
        f"\nMedians of {repeat} run(s), each a fresh subprocess; {os.cpu_count()} CPUs. Both sides "
        "include their start-up; kinerja's includes validating the records.\n"
    )
    return "\n".join(rows) + "\n" + note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--guru", type=int, default=60, help="teachers of the synthetic school")
    parser.add_argument("--periode", nargs="+", default=["2025"])
    parser.add_argument("--output", type=Path, default=RESULTS / "pdf.json")
    parser.add_argument("--demo-only", action="store_true", help="skip the synthetic school")
    parser.add_argument(
        "--interleaved",
        type=int,
        default=0,
        metavar="N",
        help="only the interleaved per-document comparison on N demo documents",
    )
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    if args.interleaved:
        renders, kinerja, floor = interleaved(REPO, args.interleaved)
        print(
            f"interleaved, {renders} renders: kinerja {1000 * kinerja / renders:.0f} ms/doc, "
            f"bare WeasyPrint {1000 * floor / renders:.0f} ms/doc, ratio {kinerja / floor:.3f}"
        )
        return 0
    schools = [School("demo (SMP Negeri 3 Sukamaju)", REPO)]
    if not args.demo_only:
        synthetic = WORK / f"pdf-{args.guru}-{'-'.join(args.periode)}"
        if not synthetic.is_dir():
            synth.generate(synthetic, 1, args.guru, tuple(args.periode), 1)
        schools.append(
            School(
                f"synthetic, {args.guru} teachers, {' '.join(args.periode)}",
                synthetic / "sekolah-001",
            )
        )
    for school in schools:
        print(f"{school.name}:", flush=True)
        bench_school(school, args.repeat)
    text = table(schools, args.repeat)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    samples = {
        school.name: {
            "documents": school.documents,
            "samples": {
                key: [{"wall_s": run.wall, "rss_mb": run.rss_mb} for run in runs]
                for key, runs in school.samples.items()
            },
        }
        for school in schools
    }
    args.output.write_text(json.dumps({"table": text, "schools": samples}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
