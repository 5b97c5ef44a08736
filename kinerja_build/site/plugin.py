"""The mkdocs plugin: `mkdocs build`/`mkdocs serve` and `kinerja build` make the same site.

Registered as the `kinerja` plugin (entry point in pyproject.toml). On every build it validates
the school's records (or takes the result `kinerja build` already has) and adds the generated
pages, the JSON Schemas and the PDFs to mkdocs' file collection. Per-teacher pages stay out of
the navigation: mkdocs renders the whole nav into every page, which makes large schools
quadratic (DESIGN: 1,000 pages 26 s, 3,000 pages 194 s).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as options
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from kinerja_build import domain, layout, resources, schema
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.layout import PDF_DOCUMENTS, RECAP_DOCUMENT
from kinerja_build.site import formulir, pages
from kinerja_build.validate import Result, validate

SITE_CSS = """
.kinerja-galat { color: #c62828; font-weight: bold; }
.kinerja-linimasa { list-style: none; padding-left: 0; border-left: 3px solid #1e88e5; }
.kinerja-linimasa li { margin: 0 0 .6em 0; padding-left: .8em; }
.kinerja-linimasa li.belum { color: #777; border-left: 3px solid #e0e0e0; margin-left: -3px; }
.kinerja-chart { max-width: 40rem; display: block; margin: .5em 0 1em; }
.kinerja-bar { max-width: 40rem; display: flex; height: 1.4rem; margin: .5em 0 .3em;
  border-radius: 3px; overflow: hidden; }
.kinerja-legenda { list-style: none; margin: 0 0 1em 0 !important; padding: 0; display: flex;
  flex-wrap: wrap; gap: .2em 1.2em; }
.md-typeset .kinerja-legenda li, .md-typeset .kinerja-temuan > li { list-style: none;
  margin-left: 0 !important; }
.kinerja-warna { display: inline-block; width: .9em; height: .9em; margin-right: .35em;
  vertical-align: -.1em; border-radius: 2px; }
.kinerja-catatan { font-size: .75rem; color: #444; }
.kinerja-temuan { list-style: none; padding-left: 0 !important; margin-left: 0 !important; }
.kinerja-temuan > li { border-left: 4px solid #9e9e9e; padding: .2em 0 .2em .8em;
  margin: 0 0 .8em 0 !important; overflow-wrap: anywhere; }
.kinerja-temuan > li.kinerja-galat { border-color: #c62828; color: inherit; font-weight: normal; }
.kinerja-temuan > li.kinerja-peringatan { border-color: #ef6c00; }
.kinerja-tingkat { font-weight: bold; }
.kinerja-terlambat { color: #b71c1c; font-weight: bold; }
.kinerja-tindakan li { overflow-wrap: anywhere; }
/* Links inside running text must not rely on colour alone (WCAG 1.4.1, axe link-in-text-block). */
.md-typeset p a, .md-typeset li a, .md-typeset td a { text-decoration: underline; }
.kinerja-galat .kinerja-tingkat { color: #b71c1c; }
.kinerja-peringatan .kinerja-tingkat { color: #a84300; }
.md-typeset .kinerja-temuan details { border: 0; box-shadow: none; background: none;
  margin: .2em 0 0; padding: 0; font-size: .7rem; color: #555; }
.md-typeset .kinerja-temuan summary { padding: 0; background: none; font-weight: normal;
  cursor: pointer; text-decoration: underline dotted; }
.md-typeset .kinerja-temuan summary::before, .md-typeset .kinerja-temuan summary::after {
  display: none; }
/* Material's light footer text fails WCAG contrast on its dark footer. */
.md-copyright { color: rgba(255, 255, 255, .87); }
.md-copyright a { color: #fff; text-decoration: underline; }
@media screen and (max-width: 44.9375em) {
  /* Phones: small type in wide tables instead of a horizontal scroll that hides columns. */
  .md-typeset table:not([class]) { font-size: .62rem; }
  .md-typeset table:not([class]) th, .md-typeset table:not([class]) td { padding: .5em .45em; }
  /* The people table: the status says the stage in words; the dots column goes. */
  .kinerja-pegawai th:nth-child(2), .kinerja-pegawai td:nth-child(2),
  .kinerja-catatan { display: none; }
}
.kinerja-tahap { vertical-align: middle; }
.kinerja-formulir input, .kinerja-formulir select, .kinerja-formulir textarea { width: 100%;
  padding: .3em; border: 1px solid #bbb; border-radius: 3px; font: inherit; }
.kinerja-formulir .errmsg, .kinerja-galat { color: #c62828; }
.kinerja-yaml:empty { display: none; }
"""


# Material's search dialog has no accessible name (axe: aria-dialog-name); give it one.
SITE_JS = """document.querySelectorAll('.md-search[role=dialog]').forEach(function (dialog) {
  dialog.setAttribute('aria-label', 'Pencarian');
});
"""
OVERRIDES = Path(__file__).resolve().parent / "overrides"


class KinerjaConfig(base.Config):
    publik = options.Type(bool, default=False)
    records_root = options.Optional(options.Type(str))  # default: the folder of mkdocs.yml
    pdf_dir = options.Optional(options.Type(str))  # default: <root>/build/pdf


class KinerjaPlugin(BasePlugin[KinerjaConfig]):
    """Adds the progress pages of the school's records to the site."""

    def __init__(self) -> None:
        super().__init__()
        # Set by `kinerja build` so the site reuses its validation (and the PDF/export findings).
        self.preset: Result | None = None
        self.preset_publik: bool | None = None
        self.preset_pdf_dir: Path | None = None
        self.root = Path(".")

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config_dir = Path(config.config_file_path).resolve().parent
        self.root = Path(self.config.records_root or config_dir).resolve()
        if not config.nav:
            config.nav = [
                {"Beranda": "index.md"},
                {
                    "Periode": [
                        {label: f"periode/{pid}/index.md"} for pid, label in _periodes(self.root)
                    ]
                },
                {"Validasi": "validasi.md"},
                {"Alur peninjauan": "alur-peninjauan.md"},
                {"Formulir": "formulir/index.md"},
                {
                    "Referensi": [
                        {"Aturan": "referensi/aturan.md"},
                        {"Kolom catatan": "referensi/kolom.md"},
                    ]
                },
            ]
        config.extra_css = [*config.extra_css, "assets/kinerja.css"]
        config.extra_javascript = [*config.extra_javascript, "assets/kinerja.js"]
        # Our Indonesian 404 page and footer; a school's own custom_dir still wins.
        position = 1 if config.theme.custom_dir else 0
        config.theme.dirs.insert(position, str(OVERRIDES))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        result = self.preset if self.preset is not None else validate(self.root)
        publik = self.preset_publik if self.preset_publik is not None else self.config.publik
        data = pages.SiteData(
            result.school, list(result.report.diagnostics), publik, result.config.referensi
        )
        default_pdf_dir = layout.output(self.root / layout.DEFAULT_OUT_DIR, layout.PDF_DIR)
        pdf_dir = self.preset_pdf_dir or Path(self.config.pdf_dir or default_pdf_dir)
        if not publik:  # PDFs carry NIPs and ratings: never on a public site
            self._add_pdfs(files, config, data, pdf_dir)
        self._add_pages(files, config, data, result)
        self._add(files, config, "assets/kinerja.css", SITE_CSS)
        self._add(files, config, "assets/kinerja.js", SITE_JS)
        for path in sorted(resources.schemas_dir().glob("*.schema.json")):  # umum too
            self._add(files, config, f"schemas/{path.name}", path.read_bytes())
        self._add_forms(files, config, data, result)
        for path in sorted((resources.schemas_dir() / "ekspor").glob("*.json")):
            self._add(files, config, f"schemas/ekspor/{path.name}", path.read_bytes())
        return files

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # The title mkdocs takes from the H1 keeps our entities (`&lt;`), but Material's
        # <title> runs it through `striptags`, which decodes them: a teacher named
        # `</title><script>…` would run. A meta title is printed as it is, still escaped.
        if "title" not in page.meta and page.title and not page.is_homepage:
            page.meta["title"] = page.title
        return html

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        records = layout.records_dir(self.root)
        if records.is_dir():
            server.watch(str(records))  # editing a record rebuilds the site
        return server

    def _add(self, files: Files, config: MkDocsConfig, uri: str, content: str | bytes) -> None:
        existing = files.get_file_from_path(uri)
        if existing is not None:
            if uri.endswith(".md"):
                return  # a hand-written page in site/ wins over the generated one
            files.remove(existing)
        files.append(File.generated(config, uri, content=content))

    def _add_pages(
        self, files: Files, config: MkDocsConfig, data: pages.SiteData, result: Result
    ) -> None:
        self._add(files, config, "index.md", pages.home_page(data))
        for periode_id in pages.periodes(data.school):
            self._add(
                files,
                config,
                f"periode/{periode_id}/index.md",
                pages.dashboard_page(data, periode_id),
            )
            for pegawai_id in sorted(data.school.periods[periode_id]):
                uri = f"periode/{periode_id}/{data.slug(pegawai_id)}.md"
                self._add(files, config, uri, pages.person_page(data, periode_id, pegawai_id))
        self._add(files, config, "validasi.md", pages.validation_page(data))
        self._add(files, config, "referensi/aturan.md", pages.rules_page())
        schemas = {str(kind): schema.compiled_schema(kind) for kind in schema.KINDS}
        examples = {} if data.publik else _examples(result)
        self._add(files, config, "referensi/kolom.md", pages.fields_page(schemas, examples))

    def _add_forms(
        self, files: Files, config: MkDocsConfig, data: pages.SiteData, result: Result
    ) -> None:
        assets = Path(__file__).parent / "assets"
        self._add(files, config, "assets/formulir.js", (assets / "formulir.js").read_bytes())
        for name in ("jsoneditor.js", "LICENSE"):
            self._add(
                files,
                config,
                f"assets/json-editor/{name}",
                (assets / "json-editor" / name).read_bytes(),
            )
        self._add(files, config, "formulir/index.md", formulir.index_page())
        school = None if data.publik else data.school
        for kind in formulir.FORM_KINDS:
            form = formulir.form_schema(kind, result.config.referensi, school)
            self._add(
                files,
                config,
                f"assets/formulir/{kind}.schema.json",
                json.dumps(form, ensure_ascii=False),
            )
            self._add(
                files,
                config,
                f"formulir/{kind}.md",
                formulir.form_page(kind, _repository(config), data.publik),
            )
        if data.publik:
            return  # records stay off a public site
        for pegawai_id, record in data.school.pegawai.items():
            if record.data is not None:
                self._add(
                    files,
                    config,
                    f"assets/formulir/data/{pegawai_id}/pegawai.json",
                    json.dumps(record.data),
                )
        # One file per person and periode holding all their records ({kind: data}): a third
        # of the files one per record would be, which mkdocs copies noticeably faster.
        for periode_id, people in data.school.periods.items():
            for pegawai_id, records in people.items():
                bundle = {
                    kind: record.data for kind, record in records.items() if record.data is not None
                }
                if bundle:
                    uri = f"assets/formulir/data/{periode_id}/{pegawai_id}.json"
                    self._add(files, config, uri, json.dumps(bundle, ensure_ascii=False))

    def _add_pdfs(
        self, files: Files, config: MkDocsConfig, data: pages.SiteData, pdf_dir: Path
    ) -> None:
        for periode_id in pages.periodes(data.school):
            key = layout.pdf_recap(periode_id)
            recap = layout.in_pdf_dir(pdf_dir, key)
            if recap.is_file():
                target = f"periode/{periode_id}/{RECAP_DOCUMENT}"
                self._add(files, config, target, recap.read_bytes())
                data.pdfs[key] = RECAP_DOCUMENT
            for pegawai_id in data.school.periods[periode_id]:
                for document, name in PDF_DOCUMENTS.items():
                    key = layout.pdf_document(periode_id, pegawai_id, document)
                    source = layout.in_pdf_dir(pdf_dir, key)
                    if source.is_file():
                        target = f"periode/{periode_id}/{pegawai_id}-{name}"
                        self._add(files, config, target, source.read_bytes())
                        data.pdfs[key] = target


def _repository(config: MkDocsConfig) -> str:
    """The school repository for "Buka di GitHub" links: `extra.repositori_sekolah`.

    (Not `repo_url`: Material would then fetch repository facts from api.github.com on every
    page, which fails offline and leaks visits to a third party.)
    """
    value = config.extra.get("repositori_sekolah") if config.extra else None
    return str(value) if value else ""


def _periodes(root: Path) -> list[tuple[str, str]]:
    """(id, label) of the periode folders in records/kinerja/, oldest first."""
    found = []
    folder = layout.absolute(root, layout.periods_dir())
    for entry in sorted(folder.iterdir()) if folder.is_dir() else []:
        try:
            periode = domain.parse_periode(entry.name)
        except domain.PeriodeError:
            continue
        found.append((periode.start, entry.name, periode.label))
    return [(pid, label) for _, pid, label in sorted(found)]


def _examples(result: Result) -> dict[str, dict[str, str]]:
    """For each kind and field path, one real value from the school's own valid records."""
    found: dict[str, dict[str, str]] = {}
    records = [result.school.sekolah, *result.school.pegawai.values()]
    for people in result.school.periods.values():
        for items in people.values():
            records.extend(items.values())
    for record in records:
        if record is None or record.data is None:
            continue
        target = found.setdefault(record.kind, {})
        _collect(record.data, "", target)
    return found


def _collect(value: Any, path: str, target: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _collect(child, f"{path}.{key}" if path else key, target)
    elif isinstance(value, list):
        for child in value[:1]:
            _collect(child, f"{path}[]", target)
        if value and not isinstance(value[0], dict | list) and path not in target:
            target[path] = json.dumps(value[:3], ensure_ascii=False)[:60]
    elif path not in target:
        text = str(value)
        target[path] = text if len(text) <= 60 else text[:57] + "…"


def diagnostics_of(result: Result) -> list[Diagnostic]:
    return list(result.report.diagnostics)
