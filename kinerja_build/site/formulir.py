"""Record forms on the site: JSON Schemas adapted for json-editor, and the form pages.

The form validates in the browser against the record's own schema (refs inlined, as the
validator uses it). What people read comes from the form definitions the app uses
(`kinerja_build.formdef`): the same labels, help, choice names (never ids) and list sources
(indicators, tugas tambahan, BerAKHLAK, the school's pegawai and periodes), and every field of
the schema is shown (no "optional fields" menu). Only display details change: dates are typed as
text (the pattern still applies) so the field works the same in every browser, and paragraphs
are text areas.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from kinerja_build import clock, formdef, schema
from kinerja_build.domain import STATUS_RENCANA_LABELS
from kinerja_build.formdef import ChoiceContext, Field, Group, Item, Repeat
from kinerja_build.layout import FORM_KINDS
from kinerja_build.model import School

__all__ = ["FORM_KINDS", "form_page", "form_schema", "index_page"]

TITLES = {kind.value: formdef.FORMS[kind.value].title for kind in FORM_KINDS}
_DATE_HELP = "Format TTTT-BB-HH, mis. 2025-01-20."


def form_schema(kind: str, referensi: dict[str, Any], school: School | None) -> dict[str, Any]:
    """The schema the browser form uses (school == None: public site, no list of people)."""
    node = copy.deepcopy(schema.compiled_schema(kind))
    node.pop("$schema", None)
    node.pop("$id", None)
    _strip_formats(node)
    context = _context(referensi, school)
    form = formdef.FORMS[kind]
    node["title"] = form.title
    node["description"] = form.intro
    properties = node.get("properties", {})
    if "pegawai" in properties and kind != "pegawai":
        owner = properties["pegawai"]
        owner["title"] = "Pegawai"
        owner.pop("description", None)
        if school is not None:
            _choices(owner, formdef.choices("pegawai", context))
    if "periode" in properties:
        periode = properties["periode"]
        periode["title"] = "Periode"
        periode.pop("description", None)
        existing = school.periode_ids() if school is not None else []
        _choices(periode, formdef.periode_choices(existing, clock.today()))
    if kind == "rencana":  # the history the app's buttons append; typed here on a static site
        steps = properties["status"]
        steps["items"]["title"] = "Langkah"
        _choices(steps["items"]["properties"]["status"], list(STATUS_RENCANA_LABELS.items()))
    for step in form.steps:
        _apply(node, step.items, context, step.title)
    _show(node, [key for key in ("pegawai", "periode") if key in properties])
    return node


def _context(referensi: dict[str, Any], school: School | None) -> ChoiceContext:
    if school is None:
        return ChoiceContext(referensi=referensi)
    people = {
        pid: str((school.person(pid) or {}).get("nama", pid)) for pid in sorted(school.pegawai)
    }
    return ChoiceContext(
        referensi=referensi, people=people, jenjang=(school.sekolah_data or {}).get("jenjang")
    )


def _apply(node: dict[str, Any], items: Iterable[Item], context: ChoiceContext, title: str) -> None:
    """Labels, help and choices of the definition's items onto the schema's nodes."""
    properties = node.get("properties", {})
    _show(node, [item.key for item in items if item.key])
    for item in items:
        if not item.key:
            _apply(node, item.items if not isinstance(item, Field) else (), context, title)
            continue
        child = properties.get(item.key)
        if child is None:
            continue
        if isinstance(item, Field):
            _field(child, item, context)
        elif isinstance(item, Group):
            child["title"] = item.title or title
            _help(child, item.help)
            _apply(child, item.items, context, child["title"])
        elif isinstance(item, Repeat):
            child["title"] = item.title
            _help(child, item.help)
            rows = child.get("items", {})
            rows["title"] = item.row_title
            _apply(rows, item.items, context, item.row_title)


def _field(node: dict[str, Any], item: Field, context: ChoiceContext) -> None:
    node["title"] = item.label
    _help(node, item.help or (_DATE_HELP if item.widget == "date" else ""))
    if item.widget == "textarea":
        node["format"] = "textarea"
    if item.widget == "number":
        node["default"] = ""  # json-editor would start a number at 0: nothing is preselected
    if item.choices is None:
        return
    options = formdef.choices(item.choices, context)
    if not options:
        return  # e.g. no list of people on a public site: the id is typed
    if item.widget == "checkboxes":
        node["format"] = "checkbox"
        _choices(node.setdefault("items", {}), options)
    else:
        _choices(node, options)


def _choices(node: dict[str, Any], options: list[tuple[str, str]]) -> None:
    node["type"] = "string"
    node["enum"] = [value for value, _ in options]
    node["options"] = {**node.get("options", {}), "enum_titles": [name for _, name in options]}
    node.pop("pattern", None)  # the list says what is allowed


def _help(node: dict[str, Any], text: str) -> None:
    if text:
        node["description"] = text
    else:
        node.pop("description", None)  # schema descriptions speak to YAML writers


def _show(node: dict[str, Any], keys: list[str]) -> None:
    """Show these fields at once: json-editor shows only required ones unless told otherwise.

    Only what a form definition covers is listed; the rest (a plan's status history) keeps
    json-editor's required-only view.
    """
    shown = node.setdefault("defaultProperties", list(node.get("required", [])))
    shown.extend(key for key in keys if key not in shown)
    order = list(node.get("properties", {}))
    shown.sort(key=lambda key: order.index(key) if key in order else len(order))


def _strip_formats(node: Any) -> None:
    """Dates as text inputs; enums typed as strings (else json-editor offers a type switcher)."""
    if isinstance(node, dict):
        if node.get("format") == "date":
            node.pop("format")
        if "enum" in node and "type" not in node:
            node["type"] = "string"
        for value in node.values():
            _strip_formats(value)
    elif isinstance(node, list):
        for value in node:
            _strip_formats(value)


def form_page(kind: str, repo_url: str, publik: bool) -> str:
    load = (
        ""
        if publik
        else '<button type="button" class="md-button kinerja-muat">Muat catatan yang ada</button>\n'
    )
    repo = json.dumps(repo_url or "")[1:-1].replace('"', "&quot;")
    return f"""# Formulir: {TITLES[kind]}

Isi kolom di bawah; keterangan setiap kolom diambil dari skema. Tekan **Periksa** untuk memeriksa
isian dengan skema yang sama yang dipakai `kinerja validate`, lalu unduh, salin, atau buka
berkasnya langsung di GitHub sebagai usulan perubahan (pull request).

<div class="kinerja-formulir" data-kind="{kind}" data-schema="../assets/formulir/{kind}.schema.json"
     data-records="../assets/formulir/data/" data-repo="{repo}">
<div class="kinerja-editor"></div>
{load}<button type="button" class="md-button md-button--primary kinerja-periksa">Periksa</button>
<ul class="kinerja-galat"></ul>
<div class="kinerja-aksi" hidden>
<p>Simpan sebagai <code class="kinerja-jalur"></code>:</p>
<a class="md-button kinerja-unduh" href="#">Unduh</a>
<button type="button" class="md-button kinerja-salin">Salin</button>
<a class="md-button kinerja-github" href="#" hidden>Buka di GitHub</a>
</div>
<pre class="kinerja-yaml"></pre>
</div>

<script src="../assets/json-editor/jsoneditor.js"></script>
<script src="../assets/formulir.js"></script>
"""


def index_page() -> str:
    lines = ["# Formulir catatan", "", "Isi catatan tanpa menulis YAML:", ""]
    lines += [f"- [{title}]({kind}.md)" for kind, title in TITLES.items()]
    lines += ["", "Di terminal: `kinerja isi <jenis> --nip NIP --periode P`."]
    return "\n".join(lines) + "\n"
