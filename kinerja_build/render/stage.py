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
import functools
import hashlib
import itertools
import json
import multiprocessing
import multiprocessing.context
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from kinerja_build import __version__, clock, layout
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.load import locate
from kinerja_build.output import active_tree, write_atomic
from kinerja_build.render import finish, packs
from kinerja_build.render.bar import ProgressBar
from kinerja_build.render.documents import (
    Document,
    fingerprint,
    plan_documents,
    verification_code,
)
from kinerja_build.render.finish import Stamp
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
    outcome.diagnostics.extend(_refused_templates(templates))
    logos = _logos(context, outcome)
    allowed = tuple(templates.search)
    base_key = _base_key(templates, logos.files)
    cache = _read_cache(context.out_dir)
    keys: dict[str, str] = {}
    kept: set[str] = set()
    skipped: list[tuple[Document, list[str]]] = []
    planned: list[Document] = []  # every document that is (or stays) on disk, in order

    def tasks() -> Iterator[PdfTask]:
        # Plans every document and makes its HTML; only changed documents become tasks.
        for document in plan_documents(result.school, result.config.referensi, clock.today()):
            if wanted is not None and not wanted(document):
                continue
            blocked = sorted(set(context.blocked_by(document.sources)) | set(document.unusable))
            if blocked:
                skipped.append((document, blocked))
                continue
            stamp = _stamp(document, context.root)
            data = _template_data(document, context, logos, stamp)
            html = templates.render(document.template, data)
            if isinstance(html, TemplateProblem):
                outcome.diagnostics.append(_template_diagnostic(html, document))
                continue
            key = hashlib.sha256((base_key + html).encode("utf-8")).hexdigest()
            keys[document.output] = key
            planned.append(document)
            if (
                cache.get(document.output) == key
                and layout.output(context.out_dir, document.output).is_file()
            ):
                kept.add(document.output)
                continue
            yield PdfTask(document.output, html, PACKAGE_TEMPLATES.as_uri() + "/", allowed, stamp)

    # The HTML of every document first (cheap): the progress bar then knows the total.
    todo = list(tasks())
    written = _render_all(
        iter(todo), len(todo), context.jobs, context.out_dir, outcome, context.render_apart
    )
    current = kept | {path.relative_to(context.out_dir).as_posix() for path in written}
    new_cache = {output: keys[output] for output in sorted(current)}
    packed: list[Path] = []
    if wanted is None:
        removed = _remove_stale(context.out_dir, current)
        present = [document for document in planned if document.output in current]
        packed, packs_removed = packs.write_packs(
            context.out_dir, packs.plan_packs(context.out_dir, present, _names(context))
        )
        removed += packs_removed
    else:  # a partial run cannot tell which other PDFs are stale
        removed = []
        new_cache = {**{k: v for k, v in cache.items() if k not in keys}, **new_cache}
    write_atomic(
        context.out_dir,
        layout.PDF_CACHE,
        (json.dumps(new_cache, indent=1, sort_keys=True) + "\n").encode("utf-8"),
    )
    outcome.written.extend(written)
    outcome.written.extend(packed)
    outcome.diagnostics.extend(_skip_diagnostics(skipped))
    outcome.diagnostics.sort(key=lambda item: item.sort_key())  # workers finish in any order
    outcome.lines.extend(_summary(len(written), len(kept), skipped, removed, context))
    if packed:
        folder = layout.output(context.out_dir, layout.PACK_DIR)
        outcome.lines.append(
            f"Berkas cetak ({folder}): {len(packed)} dibuat (per pegawai dan sekolah)."
        )
    return outcome


def _names(context: BuildContext) -> dict[str, str]:
    school = context.result.school
    return {
        pegawai_id: str((school.person(pegawai_id) or {}).get("nama", pegawai_id))
        for pegawai_id in school.pegawai
    }


def _stamp(document: Document, root: Path) -> Stamp:
    """Fingerprint, footer code and record versions of one document (see finish.Stamp)."""
    content = fingerprint(document)
    sources = tuple(f"{rel}@{git_blob_id(root / rel)}" for rel in sorted(set(document.sources)))
    return Stamp(document.output, content, verification_code(content), sources)


def git_blob_id(path: Path) -> str:
    """The id git gives this file's content (finds the commit a signed document came from)."""
    try:
        data = path.read_bytes()
    except OSError:
        return "-"
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _template_data(
    document: Document, context: BuildContext, logos: Logos, stamp: Stamp | None = None
) -> dict[str, Any]:
    epoch = context.source_date_epoch
    if epoch is not None:
        created = dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        created = document.date.isoformat()
    sekolah = document.data.get("sekolah", {})
    meta = {
        "title": document.title,
        "author": sekolah.get("nama", ""),
        "subject": f"{document.data['judul']}, periode {document.data['periode']['label']}",
        "keywords": f"PKG, kinerja, {document.periode}",
        "created": created,
        "generator": f"kinerja {__version__}",
    }
    footer = f"Kode verifikasi {stamp.code}" if stamp else ""
    return {
        **document.data,
        "meta": meta,
        "logo": logos.sekolah,
        "logo_dinas": logos.dinas,
        "kaki_halaman": footer,
    }


@dataclass(frozen=True, slots=True)
class Logos:
    """The letterhead logos as data: URLs (None when not named or refused) and their files."""

    sekolah: str | None
    dinas: str | None
    files: tuple[Path, ...]


def _logos(context: BuildContext, outcome: StageOutcome) -> Logos:
    school_url, school_path = _logo(context, outcome, ("logo",))
    dinas_url, dinas_path = _logo(context, outcome, ("dinas", "logo"))
    files = tuple(path for path in (school_path, dinas_path) if path is not None)
    return Logos(school_url, dinas_url, files)


def _logo(
    context: BuildContext, outcome: StageOutcome, keys: tuple[str, ...]
) -> tuple[str | None, Path | None]:
    """A logo named in sekolah.yaml (at keys) as a data URL, when it is safe to embed."""
    sekolah = context.result.school.sekolah
    value: Any = sekolah.data if sekolah is not None else None
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    if sekolah is None or not isinstance(value, str) or not value:
        return None, None
    records = layout.records_dir(context.root).resolve()
    path = (records / value).resolve()
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
    line, column = locate(sekolah.absolute, keys)
    outcome.diagnostics.append(
        make(
            "KIN904",
            sekolah.rel,
            f"Logo `{value}` {problem}; dokumen dibuat tanpa logo ini.",
            "Simpan logo (PNG, JPG, atau SVG) di folder records/, mis. records/logo.png, lalu "
            "tulis `logo: logo.png`; atau hapus baris logo.",
            keys,
            line,
            column,
        )
    )
    return None, None


def _base_key(templates: TemplateSet, logos: tuple[Path, ...]) -> str:
    """What besides the HTML changes a PDF: renderer versions, assets, the logo bytes."""
    logo_hash = "".join(hashlib.sha256(logo.read_bytes()).hexdigest() for logo in logos)
    weasyprint_version = metadata.version("weasyprint")  # importing WeasyPrint costs ~1 s
    finishing = f"{metadata.version('pikepdf')}/{finish.REVISION}"
    parts = [
        __version__,
        weasyprint_version,
        PDF_VARIANT,
        finishing,
        templates.fingerprint(),
        logo_hash,
    ]
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
    tasks: Iterator[PdfTask],
    total: int,
    jobs: int,
    out_dir: Path,
    outcome: StageOutcome,
    apart: bool = False,
) -> list[Path]:
    written = []
    progress = ProgressBar(total)
    for done, result in enumerate(_run(tasks, jobs, apart), 1):  # each PDF written when ready
        progress.update(done)
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
    progress.close()
    return written


def _run(tasks: Iterator[PdfTask], jobs: int, apart: bool = False) -> Iterator[PdfResult]:
    if jobs <= 1 and not apart:
        yield from map(render_pdf, tasks)
        return
    # A host with threads of its own (a Dask worker) must not fork: a child could inherit a
    # lock held by another thread. A fork server is a clean single-threaded parent that has
    # imported the renderer once, so each child starts quickly.
    context = _fork_server() if apart else None
    # A fresh pool per batch recycles the workers. (max_tasks_per_child would do this, but on
    # Python 3.11 the executor deadlocks once a worker reaches its limit.)
    while batch := list(itertools.islice(tasks, 1)):
        initializer = _die_with_parent if apart else None
        with concurrent.futures.ProcessPoolExecutor(
            max(jobs, 1), mp_context=context, initializer=initializer
        ) as pool:
            futures = [pool.submit(render_pdf, batch[0])]
            for task in itertools.islice(tasks, jobs * TASKS_PER_WORKER - 1):
                futures.append(pool.submit(render_pdf, task))
            for future in futures:
                yield future.result()


def _die_with_parent() -> None:
    from kinerja_build.render.forkserver_init import die_with_parent

    die_with_parent()


@functools.cache
def _fork_server() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([f"{__package__}.forkserver_init", render_pdf.__module__])
    return context


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


def _refused_templates(templates: TemplateSet) -> Iterator[Diagnostic]:
    for why in templates.refused:
        yield make(
            "KIN903",
            "",
            f"Templat sekolah tidak dipakai: {why}.",
            "Simpan templat sebagai berkas biasa di templates/pdf/ di dalam repositori.",
        )


def _template_diagnostic(problem: TemplateProblem, document: Document) -> Diagnostic:
    return make(
        problem.code,
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
