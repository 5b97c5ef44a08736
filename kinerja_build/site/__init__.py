"""Site stage: the progress site, built by mkdocs-material through the `kinerja` plugin.

Nothing of the repository is trusted here (docs/decisions/0009-threat-model.md): mkdocs gets an
explicit configuration made from the allowed part of the school's mkdocs.yml (site/config.py), a
copy of the school's pages without symlinks or special files, and a fresh staging folder to
build into. The finished files are then moved into <out>/site, and only files an earlier build
listed in the output manifest are removed.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

from kinerja_build import layout
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.output import OutputTree, active_tree, move_into
from kinerja_build.severity import make
from kinerja_build.site.config import DEFAULT_CONFIG, school_config
from kinerja_build.stage import BuildContext, StageOutcome

MAX_PAGE_FILES = 20_000
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_PAGE_DEPTH = 32


def build_site(context: BuildContext) -> StageOutcome:
    """Build <out>/site with the school's sanitized mkdocs.yml (or the default) and the plugin."""
    outcome = StageOutcome("situs")
    settings, problems = school_config(context.root)
    outcome.diagnostics.extend(problems)
    context.out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{layout.STAGING_PREFIX}situs-", dir=context.out_dir))
    try:
        docs = staging / "docs"
        docs.mkdir()
        docs_name = str(settings.get("docs_dir", layout.SITE_SOURCES_DIR))
        outcome.diagnostics.extend(copy_pages(context.root, docs_name, docs))
        built = staging / "hasil"
        if _run_mkdocs(context, settings, docs, built, outcome):
            _publish(built, context.out_dir, active_tree(context.out_dir))
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # made by mkdtemp above: ours alone
    return outcome


def _run_mkdocs(
    context: BuildContext, settings: dict[str, Any], docs: Path, built: Path, outcome: StageOutcome
) -> bool:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    explicit = {**settings, "docs_dir": str(docs), "site_dir": str(built)}
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # our own summary says what happened
    try:
        # A stream, never a path: mkdocs must not read any mkdocs.yml (nor the cwd's) itself.
        config = load_config(
            io.BytesIO(json.dumps(explicit).encode("utf-8")),
            config_file_path=str(context.root / layout.MKDOCS_CONFIG),
        )
        plugin = config.plugins.get("kinerja")
        if plugin is None:
            raise MkDocsException("plugin `kinerja` tidak ada di mkdocs.yml (bagian plugins)")
        plugin.preset = context.result
        plugin.preset_publik = context.publik
        plugin.preset_pdf_dir = layout.output(context.out_dir, layout.PDF_DIR)
        plugin.root = context.root
        build(config)
    except (MkDocsException, OSError, ValueError) as error:
        outcome.diagnostics.append(
            make(
                "KIN910",
                layout.MKDOCS_CONFIG if (context.root / layout.MKDOCS_CONFIG).is_file() else "",
                f"Situs gagal dibangun: {error}",
                "Periksa mkdocs.yml (tema material, plugin kinerja) dan folder site/.",
            )
        )
        return False
    mode = (
        "publik (NIP disamarkan, tanpa rating/predikat/refleksi)" if context.publik else "internal"
    )
    site_dir = layout.output(context.out_dir, layout.SITE_DIR)
    outcome.lines.append(f"Situs ({mode}): {site_dir / 'index.html'}")
    outcome.written.append(site_dir)
    return True


def copy_pages(root: Path, docs_name: str, target: Path) -> list[Diagnostic]:
    """Copy the school's pages folder, leaving out symlinks, special files and runaway trees."""
    source = root / docs_name
    problems: list[Diagnostic] = []
    if not source.exists() and not source.is_symlink():
        return problems  # no hand-written pages: the plugin makes every page
    if _link_on_the_way(root, source) or not source.is_dir():
        return [
            _skipped(docs_name, "folder halaman situs adalah tautan simbolik atau bukan folder")
        ]
    stack: list[tuple[Path, Path, int]] = [(source, target, 0)]
    files = 0
    while stack:
        folder, copy_to, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            problems.append(_skipped(_rel(root, folder), f"tidak dapat dibaca ({error.strerror})"))
            continue
        for entry in entries:
            rel = _rel(root, Path(entry.path))
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):
                problems.append(_skipped(rel, "tautan simbolik tidak diikuti"))
            elif stat.S_ISDIR(mode):
                if depth >= MAX_PAGE_DEPTH:
                    problems.append(_skipped(rel, f"lebih dari {MAX_PAGE_DEPTH} tingkat folder"))
                    continue
                (copy_to / entry.name).mkdir()
                stack.append((Path(entry.path), copy_to / entry.name, depth + 1))
            elif not stat.S_ISREG(mode):
                problems.append(_skipped(rel, "bukan berkas biasa (FIFO, perangkat, soket)"))
            elif entry.stat(follow_symlinks=False).st_size > MAX_PAGE_BYTES:
                problems.append(_skipped(rel, f"lebih dari {MAX_PAGE_BYTES // 2**20} MB"))
            else:
                files += 1
                if files > MAX_PAGE_FILES:
                    problems.append(_skipped(rel, f"lebih dari {MAX_PAGE_FILES} berkas halaman"))
                    return problems
                _copy_regular(Path(entry.path), copy_to / entry.name)
    return problems


def _copy_regular(source: Path, target: Path) -> None:
    # O_NOFOLLOW | O_NONBLOCK: a file swapped for a link or a FIFO after the check is not read.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(source, flags)
    with os.fdopen(descriptor, "rb") as stream, target.open("wb") as out:
        shutil.copyfileobj(stream, out)


def _link_on_the_way(root: Path, path: Path) -> bool:
    current = path
    while current != root and root in current.parents:
        if current.is_symlink():
            return True
        current = current.parent
    return root not in path.parents


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _skipped(rel: str, why: str) -> Diagnostic:
    return make(
        "KIN912",
        rel,
        f"Tidak disalin ke situs: {why}.",
        "Situs hanya memuat berkas biasa dari dalam repositori. Salin isinya sebagai berkas "
        "biasa, atau hapus entri ini.",
    )


def _publish(built: Path, out_dir: Path, tree: OutputTree) -> None:
    produced: set[str] = set()
    for folder, _subfolders, names in os.walk(built):
        for name in names:
            source = Path(folder) / name
            rel = f"{layout.SITE_DIR}/{source.relative_to(built).as_posix()}"
            move_into(out_dir, rel, source)
            produced.add(rel)
    for rel in sorted(tree.previous):
        if rel.startswith(f"{layout.SITE_DIR}/") and rel not in produced:
            tree.remove(rel)


__all__ = ["DEFAULT_CONFIG", "build_site", "copy_pages"]
