"""Record forms on the site: JSON Schemas adapted for json-editor, and the form pages.

The form validates in the browser against the record's own schema (refs inlined, as the
validator uses it), with the controlled vocabularies of the school (indicators, tugas
tambahan, the school's pegawai) filled in as choice lists. Only display details change: dates
are typed as text (the pattern still applies) so the field works the same in every browser.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from kinerja_build import schema
from kinerja_build.layout import FORM_KINDS
from kinerja_build.model import School

__all__ = ["FORM_KINDS", "form_page", "form_schema", "index_page"]

TITLES = {
    "rencana": "Rencana kinerja (SKP)",
    "siklus": "Siklus dan observasi",
    "pengembangan-kompetensi": "Pengembangan kompetensi",
    "tugas": "Tugas tambahan dan tugas pokok",
    "penilaian": "Penilaian",
    "pegawai": "Data pegawai",
}


def form_schema(kind: str, referensi: dict[str, Any], school: School | None) -> dict[str, Any]:
    """The schema the browser form uses (school == None: public site, no list of people)."""
    node = copy.deepcopy(schema.compiled_schema(kind))
    node.pop("$schema", None)
    node.pop("$id", None)
    _strip_formats(node)
    properties = node.get("properties", {})
    if school is not None and "pegawai" in properties and kind != "pegawai":
        ids = sorted(school.pegawai)
        properties["pegawai"]["enum"] = ids
        properties["pegawai"]["options"] = {
            "enum_titles": [f"{(school.person(i) or {}).get('nama', i)} ({i})" for i in ids]
        }
    if kind == "rencana":
        indicators = [
            *referensi.get("indikator_guru", []),
            *referensi.get("indikator_kepala_sekolah", []),
        ]
        target = properties["praktik_kinerja"]["properties"]["indikator"]
        target["enum"] = [entry["id"] for entry in indicators]
        target["options"] = {"enum_titles": [entry["nama"] for entry in indicators]}
        jenis = properties["tugas_tambahan"]["items"]["properties"]["jenis"]
        jenis["enum"] = [entry["id"] for entry in referensi.get("tugas_tambahan", [])]
        jenis["options"] = {
            "enum_titles": [entry["nama"] for entry in referensi.get("tugas_tambahan", [])]
        }
    return node


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
