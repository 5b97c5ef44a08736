"""Site stage: the progress site, built by mkdocs-material through the `kinerja` plugin."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kinerja_build import layout
from kinerja_build.diagnostics import Diagnostic, Severity
from kinerja_build.stage import BuildContext, StageOutcome

# Used when a school repository has no mkdocs.yml of its own (`kinerja init` writes one).
DEFAULT_CONFIG: dict[str, Any] = {
    "site_name": "Kemajuan kinerja",
    "docs_dir": layout.SITE_SOURCES_DIR,
    "use_directory_urls": False,
    "theme": {"name": "material", "language": "id", "font": False},
    "plugins": [{"search": {"lang": "id"}}, "kinerja"],
    "markdown_extensions": ["tables", "attr_list", "md_in_html", "admonition"],
}


def build_site(context: BuildContext) -> StageOutcome:
    """Build <out>/site with the school's mkdocs.yml (or the default) and the kinerja plugin."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    outcome = StageOutcome("situs")
    site_dir = layout.output(context.out_dir, layout.SITE_DIR)
    config_file = context.root / layout.MKDOCS_CONFIG
    docs_dir = context.root / layout.SITE_SOURCES_DIR
    overrides: dict[str, Any] = {"site_dir": str(site_dir)}
    if not config_file.is_file():
        overrides = {**DEFAULT_CONFIG, **overrides}
    if not docs_dir.is_dir():  # mkdocs needs a docs_dir; an empty one is enough
        overrides["docs_dir"] = str(_empty_docs(context.out_dir))
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # our own summary says what happened
    try:
        config = load_config(
            config_file=str(config_file) if config_file.is_file() else None, **overrides
        )
        plugin = config.plugins.get("kinerja")
        if plugin is None:
            raise MkDocsException("plugin `kinerja` tidak ada di mkdocs.yml (bagian plugins)")
        plugin.preset = context.result
        plugin.preset_publik = context.publik
        plugin.preset_pdf_dir = layout.output(context.out_dir, layout.PDF_DIR)
        if config_file.is_file() is False:
            plugin.root = context.root
        build(config)
    except (MkDocsException, OSError, ValueError) as error:
        outcome.diagnostics.append(
            Diagnostic(
                "KIN910",
                Severity.ERROR,
                layout.MKDOCS_CONFIG if config_file.is_file() else "",
                f"Situs gagal dibangun: {error}",
                "Periksa mkdocs.yml (tema material, plugin kinerja) dan folder site/.",
            )
        )
        return outcome
    mode = (
        "publik (NIP disamarkan, tanpa rating/predikat/refleksi)" if context.publik else "internal"
    )
    outcome.lines.append(f"Situs ({mode}): {site_dir / 'index.html'}")
    outcome.written.append(site_dir)
    return outcome


def _empty_docs(out_dir: Path) -> Path:
    folder = layout.output(out_dir, layout.EMPTY_DOCS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


__all__ = ["build_site"]
