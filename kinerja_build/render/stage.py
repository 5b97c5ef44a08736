"""Render stage: plan the documents, skip what is unchanged, render the rest in parallel.

Gather, then write: every document's HTML is made first (cheap), its content hash compared
with the cache, and only changed documents go to WeasyPrint (expensive). Each PDF is written
atomically; a document that fails is never left half-written, and PDFs that no longer
correspond to a valid record are removed so nothing stale looks official.
"""

from __future__ import annotations

import base64
import concurrent.futures
import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from kinerja_build import __version__, layout
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.load import locate
from kinerja_build.output import active_tree, write_atomic
from kinerja_build.render.documents import Document, plan_documents
from kinerja_build.render.pdf import PDF_VARIANT, PdfResult, PdfTask, render_pdf
from kinerja_build.render.templates import PACKAGE_TEMPLATES, TemplateProblem, TemplateSet
from kinerja_build.severity import make
from kinerja_build.stage import BuildContext, StageOutcome

MAX_LOGO_BYTES = 2 * 1024 * 1024
_LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
TASKS_PER_WORKER = 150  # WeasyPrint's memory grows over long runs: recycle workers


def build_pdfs(
    context: BuildContext, wanted: Callable[[Document], bool] | None = None
) -> StageOutcome:
    """Render every official document of the school into <out>/pdf/.

    With `wanted`, only those documents (e.g. the Dokumen Evaluasi that `kinerja ekspor bkn`
    attaches); the other PDFs and their cache entries are left as they are.
    """
    outcome = StageOutcome("pdf")
    result = context.result
    templates = TemplateSet(context.root)
    logo_url, logo_path = _logo(context, outcome)
    allowed = tuple(templates.search)
    base_key = _base_key(templates, logo_path)
    cache = _read_cache(context.out_dir)
    keys: dict[str, str] = {}
    kept: set[str] = set()
    skipped: list[tuple[Document, list[str]]] = []

    def tasks() -> Iterator[PdfTask]:
        # A generator: workers start rendering while later documents are still being planned.
        for document in plan_documents(result.school, result.config.referensi):
            if wanted is not None and not wanted(document):
                continue
            blocked = sorted(set(context.blocked_by(document.sources)) | set(document.unusable))
            if blocked:
                skipped.append((document, blocked))
                continue
            data = _template_data(document, context, logo_url)
            html = templates.render(document.template, data)
            if isinstance(html, TemplateProblem):
                outcome.diagnostics.append(_template_diagnostic(html, document))
                continue
            key = hashlib.sha256((base_key + html).encode("utf-8")).hexdigest()
            keys[document.output] = key
            if (
                cache.get(document.output) == key
                and layout.output(context.out_dir, document.output).is_file()
            ):
                kept.add(document.output)
                continue
            yield PdfTask(document.output, html, PACKAGE_TEMPLATES.as_uri() + "/", allowed)

    written = _render_all(tasks(), context.jobs, context.out_dir, outcome)
    current = kept | {path.relative_to(context.out_dir).as_posix() for path in written}
    new_cache = {output: keys[output] for output in sorted(current)}
    if wanted is None:
        removed = _remove_stale(context.out_dir, current)
    else:  # a partial run cannot tell which other PDFs are stale
        removed = []
        new_cache = {**{k: v for k, v in cache.items() if k not in keys}, **new_cache}
    write_atomic(
        context.out_dir,
        layout.PDF_CACHE,
        (json.dumps(new_cache, indent=1, sort_keys=True) + "\n").encode("utf-8"),
    )
    outcome.written.extend(written)
    outcome.diagnostics.extend(_skip_diagnostics(skipped))
    outcome.diagnostics.sort(key=lambda item: item.sort_key())  # workers finish in any order
    outcome.lines.extend(_summary(len(written), len(kept), skipped, removed, context))
    return outcome


def _template_data(
    document: Document, context: BuildContext, logo_url: str | None
) -> dict[str, Any]:
    epoch = context.source_date_epoch
    if epoch is not None:
        stamp = dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        stamp = document.date.isoformat()
    sekolah = document.data.get("sekolah", {})
    meta = {
        "title": document.title,
        "author": sekolah.get("nama", ""),
        "subject": f"{document.data['judul']}, periode {document.data['periode']['label']}",
        "keywords": f"PKG, kinerja, {document.periode}",
        "created": stamp,
        "generator": f"kinerja {__version__}",
    }
    return {**document.data, "meta": meta, "logo": logo_url}


def _logo(context: BuildContext, outcome: StageOutcome) -> tuple[str | None, Path | None]:
    """The school's logo as a file URL when sekolah.yaml names one that is safe to embed."""
    sekolah = context.result.school.sekolah
    if sekolah is None or not sekolah.data or not sekolah.data.get("logo"):
        return None, None
    records = layout.records_dir(context.root).resolve()
    path = (records / sekolah.data["logo"]).resolve()
    problem = ""
    if records not in path.parents:
        problem = "berada di luar folder records/"
    elif not path.is_file():
        problem = "tidak ditemukan"
    elif path.stat().st_size > MAX_LOGO_BYTES:
        problem = f"lebih dari {MAX_LOGO_BYTES // (1024 * 1024)} MB"
    if not problem:
        # Inline as a data: URL: WeasyPrint names images after their URL, and a file path
        # would make the PDF bytes depend on where the repository is checked out.
        mime = _LOGO_TYPES.get(path.suffix.lower(), "application/octet-stream")
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"data:{mime};base64,{encoded}", path
    line, column = locate(sekolah.absolute, ("logo",))
    outcome.diagnostics.append(
        make(
            "KIN904",
            sekolah.rel,
            f"Logo sekolah `{sekolah.data['logo']}` {problem}; dokumen dibuat tanpa logo.",
            "Simpan logo (PNG, JPG, atau SVG) di folder records/, mis. records/logo.png, lalu "
            "tulis `logo: logo.png`; atau hapus baris logo.",
            ("logo",),
            line,
            column,
        )
    )
    return None, None


def _base_key(templates: TemplateSet, logo: Path | None) -> str:
    """What besides the HTML changes a PDF: renderer versions, assets, the logo bytes."""
    logo_hash = hashlib.sha256(logo.read_bytes()).hexdigest() if logo else ""
    weasyprint_version = metadata.version("weasyprint")  # importing WeasyPrint costs ~1 s
    parts = [__version__, weasyprint_version, PDF_VARIANT, templates.fingerprint(), logo_hash]
    return "\0".join(parts) + "\0"


def _read_cache(out_dir: Path) -> dict[str, str]:
    try:
        data = json.loads(layout.output(out_dir, layout.PDF_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no cache or a damaged one: render everything
    if not isinstance(data, dict):
        return {}
    return {str(key): str(value) for key, value in data.items()}


def _render_all(
    tasks: Iterator[PdfTask], jobs: int, out_dir: Path, outcome: StageOutcome
) -> list[Path]:
    written = []
    for result in _run(tasks, jobs):  # each PDF is written as soon as it is ready
        if result.refused:
            outcome.diagnostics.extend(_refusal_diagnostics(result))
        elif result.content is None:
            outcome.diagnostics.append(
                make(
                    "KIN905",
                    "",
                    f"PDF {result.key} gagal dibuat: {result.failure}",
                    "Periksa templat yang ditimpa sekolah di templates/pdf/; bila tidak ada, "
                    "laporkan ke pengembang kinerja.",
                )
            )
        else:
            written.append(write_atomic(out_dir, result.key, result.content))
    return written


def _run(tasks: Iterator[PdfTask], jobs: int) -> Iterator[PdfResult]:
    if jobs <= 1:
        yield from map(render_pdf, tasks)
        return
    # A fresh pool per batch recycles the workers. (max_tasks_per_child would do this, but on
    # Python 3.11 the executor deadlocks once a worker reaches its limit.)
    while batch := list(itertools.islice(tasks, 1)):
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(render_pdf, batch[0])]
            for task in itertools.islice(tasks, jobs * TASKS_PER_WORKER - 1):
                futures.append(pool.submit(render_pdf, task))
            for future in futures:
                yield future.result()


def _remove_stale(out_dir: Path, current: set[str]) -> list[str]:
    """Delete PDFs under pdf/ that an earlier build wrote and this one did not (records gone or
    now invalid). Files kinerja did not write (listed in no manifest) are never touched."""
    tree = active_tree(out_dir)
    stale = sorted(
        rel
        for rel in tree.previous
        if rel.startswith(f"{layout.PDF_DIR}/")
        and rel.endswith(layout.PDF_SUFFIX)
        and rel not in current
    )
    return [rel for rel in stale if tree.remove(rel)]


def _template_diagnostic(problem: TemplateProblem, document: Document) -> Diagnostic:
    return make(
        "KIN902",
        problem.template,
        f"Templat gagal untuk {document.output}: {problem.message}",
        "Perbaiki templat di baris ini (atau hapus templat sekolah agar templat bawaan dipakai).",
        (),
        problem.line,
        1 if problem.line else 0,
    )


def _refusal_diagnostics(result: PdfResult) -> Iterator[Diagnostic]:
    for url, reason in result.refused:
        shown = url if len(url) <= 200 else url[:200] + "…"
        yield make(
            "KIN903",
            "",
            f"{result.key} tidak dibuat: sumber `{shown}` ditolak ({reason}).",
            "Dokumen hanya boleh memakai berkas dari templates/pdf/ dan logo di records/; "
            "hapus rujukan ke alamat jaringan atau berkas lain dari templat.",
        )


def _skip_diagnostics(skipped: Iterable[tuple[Document, list[str]]]) -> Iterator[Diagnostic]:
    for document, blocked in skipped:
        yield make(
            "KIN901",
            blocked[0],
            f"Dokumen {document.output} tidak dibuat karena catatan ini masih bergalat.",
            "Perbaiki galat pada catatan; dokumen resmi hanya dibuat dari catatan yang valid.",
        )


def _summary(
    rendered: int,
    unchanged: int,
    skipped: list[tuple[Document, list[str]]],
    removed: list[str],
    context: BuildContext,
) -> list[str]:
    folder = layout.output(context.out_dir, layout.PDF_DIR)
    lines = [
        f"Dokumen PDF ({folder}): {rendered} dibuat, {unchanged} tidak berubah, "
        f"{len(skipped)} dilewati."
    ]
    for document, blocked in skipped:
        lines.append(f"  - dilewati {document.output}: galat di {', '.join(blocked)}")
    if removed:
        lines.append(
            f"  {len(removed)} PDF lama dihapus karena catatannya tidak ada atau tidak valid."
        )
    return lines
