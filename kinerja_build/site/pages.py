"""The generated pages of the progress site, as Markdown with escaped HTML blocks.

Every value taken from a record goes through `e()` (HTML-escaped) before it reaches a page, so
record text can never inject markup or script. In public mode (`publik`) NIPs are masked and
ratings, predikat, observation results, reflections and notes are left out entirely (not
hidden with CSS): what is not written cannot leak through the search index either.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kinerja_build import domain, layout, rules
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.domain import WORK_STAGES, Peran
from kinerja_build.layout import PDF_DOCUMENTS, RecordKind
from kinerja_build.model import PersonPeriode, School, person_periode, school_periode
from kinerja_build.site import svg
from kinerja_build.stage import source_date_epoch

PDF_TITLES = {
    "rencana": "Rencana Kinerja (SKP)",
    "observasi": "Lembar Observasi",
    "kompetensi": "Laporan Pengembangan Kompetensi",
    "evaluasi": "Dokumen Evaluasi Kinerja",
    "angka_kredit": "Konversi Angka Kredit",
}


# Characters Markdown or its extensions give a meaning inside a line: emphasis, code, links,
# table cells (`|`), attr_list (`{: onclick=…}` would add attributes), admonitions, escapes.
# One pass, so the entities made here are not escaped again.
_ENTITIES = str.maketrans(
    {
        **{c: f"&#{ord(c)};" for c in "*_`[]|{}#!\\~^'"},
        **{"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"},
    }
)
_LIST_START = re.compile(r"^([-+]|\d+(?=[.)]))(?=[.)]?(\s|$))")


def e(value: Any) -> str:
    """Escape record text for HTML and keep Markdown from interpreting it.

    Line breaks become `<br>`, so record text can never start a Markdown block (heading, list,
    code block, attribute list) or end the table row or list item it stands in.
    """
    lines = [line.strip() for line in ("" if value is None else str(value)).splitlines()]
    text = "<br>".join(line.translate(_ENTITIES) for line in lines if line)
    # A leading "- ", "+ " or "1. " would turn "- {text}" into a nested list.
    return _LIST_START.sub(lambda m: "".join(f"&#{ord(c)};" for c in m[0]), text)


def mask_nip(nip: str) -> str:
    """First 4 and last 3 digits visible: 1968***********001."""
    if len(nip) == 18 and nip.isdigit():
        return nip[:4] + "*" * 11 + nip[-3:]
    return nip


@dataclass(slots=True)
class SiteData:
    """What the pages are made from."""

    school: School
    diagnostics: list[Diagnostic]
    publik: bool
    referensi: dict[str, Any] = field(default_factory=dict)
    pdfs: dict[str, str] = field(default_factory=dict)  # output-relative pdf path → site path
    slugs: dict[str, str] = field(default_factory=dict)  # pegawai id → page slug

    def slug(self, pegawai_id: str) -> str:
        if pegawai_id not in self.slugs:
            if not self.publik:
                self.slugs[pegawai_id] = pegawai_id
            else:  # the id is a NIP: public URLs use the name instead
                person = self.school.person(pegawai_id) or {}
                base = re.sub(r"[^a-z0-9]+", "-", str(person.get("nama", "guru")).lower()).strip(
                    "-"
                )
                taken = set(self.slugs.values())
                candidate, number = base or "guru", 2
                while candidate in taken:
                    candidate, number = f"{base}-{number}", number + 1
                self.slugs[pegawai_id] = candidate
        return self.slugs[pegawai_id]

    def nip(self, value: str | None) -> str:
        if not value:
            return "-"
        return mask_nip(value) if self.publik else domain.format_nip(value)

    def name(self, pegawai_id: str) -> str:
        identity = self.school.identify(pegawai_id)
        if identity.nama:
            return identity.nama
        return self.nip(pegawai_id) if pegawai_id.isdigit() else pegawai_id

    def files_of(self, periode: str, pegawai_id: str) -> set[str]:
        records = self.school.records(periode, pegawai_id)
        rels = {record.rel for record in records.values()}
        if pegawai_id in self.school.pegawai:
            rels.add(self.school.pegawai[pegawai_id].rel)
        return rels


def periodes(school: School) -> list[str]:
    valid = []
    for periode_id in school.periods:
        try:
            domain.parse_periode(periode_id)
        except domain.PeriodeError:
            continue
        valid.append(periode_id)
    return sorted(valid, key=lambda pid: domain.parse_periode(pid).start)


def current_periode(school: School, today: dt.date | None = None) -> str | None:
    """The periode that contains today, else the latest one with records.

    "Today" is SOURCE_DATE_EPOCH when set, so a reproducible build makes the same home page.
    """
    found = periodes(school)
    epoch = source_date_epoch()
    day = today or (dt.datetime.fromtimestamp(epoch, dt.UTC).date() if epoch else dt.date.today())
    for periode_id in found:
        if domain.parse_periode(periode_id).contains(day):
            return periode_id
    return found[-1] if found else None


# -- dashboard --------------------------------------------------------------------------------


def home_page(data: SiteData) -> str:
    sekolah = data.school.sekolah.data if data.school.sekolah and data.school.sekolah.data else {}
    current = current_periode(data.school)
    lines = [f"# {e(sekolah.get('nama', 'Kemajuan kinerja'))}", ""]
    if sekolah:
        lines += [
            f"NPSN {e(sekolah.get('npsn', ''))} · {e(sekolah.get('dinas', {}).get('nama', ''))}",
            "",
        ]
    if current is None:
        return "\n".join([*lines, "Belum ada catatan kinerja di `records/kinerja/`.", ""])
    lines += _action_section(data, current)
    lines += [
        f"Periode berjalan: **{e(domain.parse_periode(current).label)}**. Dasbor per periode:"
    ]
    lines += [""] + [
        f"- [{e(domain.parse_periode(p).label)}](periode/{p}/index.md)"
        for p in periodes(data.school)
    ]
    lines += ["", dashboard_body(data, current, prefix=f"periode/{current}/")]
    return "\n".join(lines)


# Who must act, in the order a principal reads the list: the school's own people first.
ACTION_GROUPS = (Peran.KEPALA_SEKOLAH, Peran.GURU, Peran.OPERATOR, Peran.DINAS)
ACTION_TITLES = {
    Peran.KEPALA_SEKOLAH: "Kepala sekolah",
    Peran.GURU: "Guru",
    Peran.OPERATOR: "Operator sekolah",
    Peran.DINAS: "Dinas Pendidikan",
}


def _action_section(data: SiteData, periode_id: str) -> list[str]:
    """ "Perlu tindakan": each person's next step, grouped by who must act, most late first."""
    view = school_periode(data.school, periode_id)
    waiting = [item for item in view.by_urgency if item.next_step is not None and item.wajib]
    out = ["## Perlu tindakan", ""]
    if not waiting:
        return [*out, "Tidak ada langkah yang menunggu pada periode berjalan.", ""]
    late = sum(1 for item in waiting if item.late)
    out += [f"{len(waiting)} langkah menunggu, {late} di antaranya terlambat.", ""]
    for peran in ACTION_GROUPS:
        group = [item for item in waiting if item.next_step and item.next_step.peran is peran]
        if not group:
            continue
        out += [f"### {ACTION_TITLES[peran]}", "", '<ul class="kinerja-tindakan">']
        for item in group:
            out.append(_action_item(data, item, periode_id))
        out += ["</ul>", ""]
    return out


def _action_item(data: SiteData, item: PersonPeriode, periode_id: str) -> str:
    step = item.next_step
    assert step is not None
    page = f"periode/{periode_id}/{data.slug(item.pegawai_id)}.html"
    who = (
        f" oleh {e(step.pelaku_nama)}" if step.pelaku_nama and step.peran is not Peran.GURU else ""
    )
    if item.late:
        when = (
            f'<span class="kinerja-terlambat">terlambat {item.days_late} hari</span> '
            f"(tenggat {e(domain.tanggal_indonesia(step.due))})"
            if step.due
            else ""
        )
    elif step.due is not None:
        when = f"tenggat {e(domain.tanggal_indonesia(step.due))}"
    else:
        when = "tanpa tenggat"
    return (
        f'<li><a href="{e(page)}">{e(data.name(item.pegawai_id))}</a>: '
        f"{e(step.label)}{who} · {when}</li>"
    )


def dashboard_page(data: SiteData, periode_id: str) -> str:
    periode = domain.parse_periode(periode_id)
    head = [
        f"# Kemajuan {e(periode.label)}",
        "",
        f"{e(periode.regime.nama)} · {e(_range(periode))}",
        "",
    ]
    return "\n".join(head) + dashboard_body(data, periode_id, prefix="")


def dashboard_body(data: SiteData, periode_id: str, prefix: str) -> str:
    # The whole roster, the late ones first: people without records are "belum mulai", the
    # optional ones are marked.
    items = school_periode(data.school, periode_id).by_urgency
    counts = Counter(item.stage for item in items)
    total = len(items)
    labels = domain.STAGE_LABELS
    parts = [(labels[stage], counts[stage], svg.STAGE_COLORS[stage]) for stage in domain.Stage]
    out = ["## Tahap per pegawai", ""]
    out.append('<div class="kinerja-ringkas" markdown>')
    out.append("")
    out.append("| Tahap | Jumlah | Persen |")
    out.append("|---|---:|---:|")
    for stage in domain.Stage:
        share = 100 * counts[stage] / total if total else 0
        out.append(f"| {labels[stage]} | {counts[stage]} | {share:.0f}% |")
    out.append(f"| **Jumlah pegawai** | **{total}** | |")
    out += ["", "</div>", "", svg.stacked_bar(parts, total), ""]
    out += [
        '<p class="kinerja-catatan">Titik pada kolom Tahap: <strong>P</strong> perencanaan, '
        "<strong>L</strong> pelaksanaan, <strong>N</strong> penilaian; titik hijau berarti "
        "tahap itu sudah dicapai.</p>",
        "",
    ]
    if not data.publik:
        predikat = Counter(item.predikat for item in items if item.predikat)
        values = [
            (label, predikat.get(domain.Predikat(key), 0))
            for key, label in domain.PREDIKAT_LABELS.items()
        ]
        chart = (
            svg.column_chart(values)
            if predikat
            else "Belum ada pegawai yang dinilai pada periode ini."
        )
        out += ["## Sebaran predikat", "", chart, ""]
    out += ["## Pegawai", ""]
    header = "| Nama | Tahap | Status |" + ("" if data.publik else " Predikat |")
    out += ['<div class="kinerja-pegawai" markdown>', ""]
    out += [header, "|---|---|---|" + ("" if data.publik else "---|")]
    for item in items:
        reached = (
            max(WORK_STAGES.index(item.stage) + (1 if item.assessment is not None else 0), 1)
            if item.stage in WORK_STAGES
            else 0  # belum mulai: no dot filled
        )
        name = e(data.name(item.pegawai_id))
        link = f"[{name}]({prefix}{data.slug(item.pegawai_id)}.md)" if item.has_records else name
        mark = ' <span class="kinerja-galat">tidak valid</span>' if item.invalid else ""
        if not item.wajib:
            mark += f" <small>({e(item.alasan_tidak_wajib)})</small>"
        status = e(item.status)
        if item.late:
            status += f' <span class="kinerja-galat">terlambat {item.days_late} hari</span>'
        stage_cell = f"{svg.stage_steps(reached)} {e(labels[item.stage].lower())}"
        row = f"| {link}{mark} | {stage_cell} | {status} |"
        if not data.publik:
            row += f" {e(domain.PREDIKAT_LABELS[item.predikat]) if item.predikat else '-'} |"
        out.append(row)
    out += ["", "</div>"]
    recap = layout.pdf_recap(periode_id)
    if recap in data.pdfs:
        out += ["", f"[Unduh rekap kinerja sekolah (PDF)]({prefix}{data.pdfs[recap]})"]
    return "\n".join(out) + "\n"


def _range(periode: domain.Periode) -> str:
    return f"{domain.tanggal_indonesia(periode.start)} – {domain.tanggal_indonesia(periode.end)}"


# -- teacher page ---------------------------------------------------------------------------------


def person_page(data: SiteData, periode_id: str, pegawai_id: str) -> str:
    periode = domain.parse_periode(periode_id)
    person = data.school.person(pegawai_id) or {}
    item = person_periode(data.school, periode_id, pegawai_id)
    out = [f"# {e(data.name(pegawai_id))}", ""]
    out.append(
        f"{e(periode.label)} · NIP {e(data.nip(person.get('nip')))} · "
        f"{e(person.get('jabatan', '-'))} · tahap **{e(item.stage)}** ({e(item.status)})"
    )
    out.append("")
    out += _problems(data, periode_id, pegawai_id)
    out += _plan(data, periode_id, pegawai_id)
    out += _cycle(data, periode_id, pegawai_id)
    out += _competency(data, periode_id, pegawai_id)
    out += _tasks(data, periode_id, pegawai_id)
    out += _assessment(data, periode_id, pegawai_id)
    out += _documents(data, periode_id, pegawai_id)
    return "\n".join(out) + "\n"


def _problems(data: SiteData, periode_id: str, pegawai_id: str) -> list[str]:
    files = data.files_of(periode_id, pegawai_id)
    found = [d for d in data.diagnostics if d.file in files and d.severity.value != "info"]
    if not found:
        return []
    if any(d.severity.value == "error" for d in found):
        out = ['!!! failure "Catatan ini belum valid"', ""]
    else:  # warnings only: the record is valid, but someone should look
        out = ['!!! warning "Catatan ini punya peringatan"', ""]
    for item in sorted(found, key=Diagnostic.sort_key):
        if data.publik:  # file paths and messages carry NIPs and record text
            out.append(f"    - {item.code} ({e(item.severity.label)})")
            continue
        where = f"{item.file}:{item.line}" if item.line else item.file
        out.append(f"    - <code>{e(where)}</code> {item.code}: {_message(item.message)}")
    return [*out, ""]


def _plan(data: SiteData, periode_id: str, pegawai_id: str) -> list[str]:
    view = data.school.plan(periode_id, pegawai_id)
    out = ["## Rencana kinerja", ""]
    if view is None:
        return [*out, "Belum ada rencana yang valid.", ""]
    plan = view.data
    last = view.last_step
    out.append(
        f"Status: **{e(domain.STATUS_RENCANA_LABELS[last.status])}** "
        f"({e(_date(plan['status'][-1]['tanggal']))})"
    )
    indicator = plan["praktik_kinerja"]["indikator"]
    key = (
        "indikator_kepala_sekolah"
        if data.school.role(pegawai_id) == "kepala_sekolah"
        else "indikator_guru"
    )
    names = {entry["id"]: entry["nama"] for entry in data.referensi.get(key, [])}
    out += ["", f"**Praktik kinerja:** {e(names.get(indicator, indicator))}", ""]
    if not data.publik:
        for key, label in (("alasan", "Alasan"), ("target", "Target")):
            if plan["praktik_kinerja"].get(key):
                out += [f"*{label}:* {e(plan['praktik_kinerja'][key])}", ""]
    out += ["**Pengembangan kompetensi:**", ""]
    out += [
        f"- {e(item['kegiatan'])}" + (f" ({item['poin']} poin)" if item.get("poin") else "")
        for item in plan["pengembangan_kompetensi"]
    ]
    if plan.get("tugas_tambahan"):
        out += ["", "**Tugas tambahan:**", ""]
        out += [
            f"- {e(item.get('uraian') or _tugas_name(data, item['jenis']))}"
            for item in plan["tugas_tambahan"]
        ]
    out += [
        "",
        "**Perilaku kerja (BerAKHLAK):** "
        + ", ".join(e(v.replace("_", " ").title()) for v in plan["perilaku_kerja"]),
        "",
    ]
    out += ["**Riwayat status:**", ""]
    for entry in plan["status"]:
        who = data.name(entry["oleh"]) if entry.get("oleh") else "-"
        out.append(
            f"- {e(_date(entry['tanggal']))}: {e(domain.STATUS_RENCANA_LABELS[entry['status']])} oleh {e(who)}"
        )
    return [*out, ""]


def _cycle(data: SiteData, periode_id: str, pegawai_id: str) -> list[str]:
    siklus = data.school.record(periode_id, pegawai_id, "siklus")
    out = ["## Siklus peningkatan kinerja", ""]
    if siklus is None:
        return [*out, "Siklus belum dimulai.", ""]
    out.append('<ol class="kinerja-linimasa">')
    for cycle_step in domain.CYCLE_STEPS:
        key, title = cycle_step.key, cycle_step.title
        step = siklus.get(key)
        if step is None:
            out.append(f'<li class="belum"><strong>{e(title)}</strong> — belum</li>')
            continue
        detail = ""
        if not data.publik:
            text = step.get("refleksi") or step.get("catatan") or step.get("rekomendasi") or ""
            detail = f"<br><span>{e(text)}</span>" if text else ""
        out.append(
            f'<li class="selesai"><strong>{e(title)}</strong> — {e(_date(step.get("tanggal")))}{detail}</li>'
        )
    out += ["</ol>", ""]
    observation = siklus.get("b_observasi")
    if observation and not data.publik:
        out += [
            "**Hasil observasi:**",
            "",
            "| Fokus perilaku | Tingkat | Catatan |",
            "|---|---|---|",
        ]
        for item in observation["hasil"]:
            level = domain.TINGKAT_OBSERVASI_LEVEL[item["tingkat"]]
            label = domain.TINGKAT_OBSERVASI_LABELS[item["tingkat"]]
            out.append(
                f"| {e(item['fokus_perilaku'])} | {level} — {e(label)} | {e(item.get('catatan', ''))} |"
            )
        out.append("")
    return out


def _competency(data: SiteData, periode_id: str, pegawai_id: str) -> list[str]:
    report = data.school.record(periode_id, pegawai_id, "pengembangan-kompetensi")
    out = ["## Pengembangan kompetensi", ""]
    if report is None:
        return [*out, "Belum ada laporan.", ""]
    for item in report["kegiatan"]:
        out.append(
            f"- **{e(item['judul'])}** ({e(_date(item.get('tanggal')))}, {e(item.get('penyelenggara', '-'))})"
        )
        if item.get("refleksi") and not data.publik:
            out.append(f"    <br>*Refleksi:* {e(item['refleksi'])}")
    return [*out, ""]


def _tugas_name(data: SiteData, jenis: str) -> str:
    names = {entry["id"]: entry["nama"] for entry in data.referensi.get("tugas_tambahan", [])}
    return str(names.get(jenis, jenis))


def _tasks(data: SiteData, periode_id: str, pegawai_id: str) -> list[str]:
    """tugas.yaml: tugas tambahan with their SK, and the tugas pokok report (not public)."""
    tugas = data.school.record(periode_id, pegawai_id, "tugas")
    if tugas is None:
        return []
    out = ["## Tugas tambahan dan tugas pokok", ""]
    for item in tugas.get("tugas_tambahan", []):
        sk = item.get("sk") or {}
        line = f"- **{e(_tugas_name(data, item['jenis']))}**"
        if sk.get("nomor"):
            line += f" — SK <code>{e(sk['nomor'])}</code>"
            if sk.get("tanggal"):
                line += f" ({e(_date(sk['tanggal']))})"
        if item.get("laporan") and not data.publik:
            line += f"<br>*Laporan:* {e(item['laporan'])}"
        out.append(line)
    if not tugas.get("tugas_tambahan"):
        out.append("Tidak ada tugas tambahan.")
    pokok = tugas.get("tugas_pokok") or {}
    if pokok and not data.publik:
        out += ["", "**Pelaksanaan tugas pokok:**", "", "| Unsur | Uraian |", "|---|---|"]
        for key, text in pokok.items():
            out.append(
                f"| {e(key.replace('_', ' ').capitalize())} | {e(' '.join(str(text).split()))} |"
            )
    return [*out, ""]


def _assessment(data: SiteData, periode_id: str, pegawai_id: str) -> list[str]:
    assessment = data.school.assessment(periode_id, pegawai_id)
    out = ["## Penilaian", ""]
    if assessment is None:
        return [*out, "Belum dinilai.", ""]
    penilaian = assessment.data
    if data.publik:
        return [*out, f"Sudah dinilai pada {e(_date(penilaian['tanggal']))}.", ""]
    predikat = assessment.predikat
    out += [
        "| Unsur | Nilai |",
        "|---|---|",
        f"| Rating hasil kerja | {e(domain.RATING_LABELS[penilaian['rating_hasil_kerja']])} |",
        f"| Rating perilaku kerja | {e(domain.RATING_LABELS[penilaian['rating_perilaku_kerja']])} |",
        f"| Predikat | **{e(domain.PREDIKAT_LABELS[predikat])}** |",
        f"| Tanggal | {e(_date(penilaian['tanggal']))} |",
    ]
    ak = assessment.angka_kredit
    if ak is not None:
        out.append(f"| Angka kredit | {domain.format_decimal(ak.value)} ({ak.months} bulan) |")
    if penilaian.get("catatan"):
        out += ["", f"*Catatan:* {e(penilaian['catatan'])}"]
    return [*out, ""]


def _documents(data: SiteData, periode_id: str, pegawai_id: str) -> list[str]:
    links = []
    for key, name in PDF_DOCUMENTS.items():
        source = layout.pdf_document(periode_id, pegawai_id, key)
        if source in data.pdfs:
            links.append(f"- [{PDF_TITLES[key]} (PDF)]({pegawai_id}-{name})")
    if not links:
        return []
    return ["## Dokumen", "", *links, ""]


def _date(text: Any) -> str:
    day = domain.parse_date(text)
    return domain.tanggal_indonesia(day) if day else "-"


# -- validation and references ------------------------------------------------------------------


KIND_TITLES = {
    "rencana": "Rencana kinerja",
    "siklus": "Siklus peningkatan kinerja",
    "pengembangan-kompetensi": "Pengembangan kompetensi",
    "tugas": "Tugas tambahan dan tugas pokok",
    "penilaian": "Penilaian",
    "pegawai": "Data pegawai",
    "sekolah": "Data sekolah",
}
SEVERITY_TITLES = {"galat": "Perlu diperbaiki", "peringatan": "Perlu diperiksa", "info": "Info"}


@dataclass(frozen=True, slots=True)
class _Source:
    """Whose record a diagnostic is about, in words."""

    pegawai_id: str | None  # None: the school as a whole
    periode: str | None
    record: str  # "Rencana kinerja 2025", "Data sekolah", …


def _source_of(data: SiteData, rel: str) -> _Source:
    place = layout.parse_record_path(rel)
    if isinstance(place, layout.Misplaced):
        return _Source(None, None, "Pengaturan repositori" if rel else "Repositori sekolah")
    label = KIND_TITLES.get(place.kind, place.kind)
    if place.periode is not None:
        label = f"{label} {_periode_label(place.periode)}"
    return _Source(place.owner, place.periode, label)


def _periode_label(periode_id: str) -> str:
    try:
        return domain.parse_periode(periode_id).label.lower()
    except domain.PeriodeError:
        return periode_id


def validation_page(data: SiteData) -> str:
    """The findings in plain language, grouped by person, the most serious first.

    Each entry says which record and what to do; the file, line and code are folded away for
    whoever fixes the YAML by hand.
    """
    found = sorted(data.diagnostics, key=Diagnostic.sort_key)
    counts = Counter(item.severity.label for item in found)
    out = ["# Hasil validasi", ""]
    out.append(
        f"{counts.get('galat', 0)} temuan perlu diperbaiki, {counts.get('peringatan', 0)} perlu "
        f"diperiksa, {counts.get('info', 0)} info."
    )
    out.append("")
    if data.publik:
        return "\n".join([*out, "Rincian temuan hanya tersedia di situs internal sekolah.", ""])
    if not found:
        return "\n".join([*out, "Semua catatan bersih.", ""])
    groups: dict[str | None, list[tuple[_Source, Diagnostic]]] = {}
    for item in found:
        source = _source_of(data, item.file)
        groups.setdefault(source.pegawai_id, []).append((source, item))
    rank = {"galat": 0, "peringatan": 1, "info": 2}

    def seriousness(key: str | None) -> tuple[int, int, str]:
        worst = min(rank[item.severity.label] for _, item in groups[key])
        return (worst, 0 if key is None else 1, data.name(key) if key else "")

    for key in sorted(groups, key=seriousness):
        out += _validation_group(data, key, groups[key], rank)
    return "\n".join(out) + "\n"


def _validation_group(
    data: SiteData,
    pegawai_id: str | None,
    entries: list[tuple[_Source, Diagnostic]],
    rank: dict[str, int],
) -> list[str]:
    title = e(data.name(pegawai_id)) if pegawai_id else "Sekolah dan repositori"
    out = [f"## {title}", ""]
    periodes_seen = sorted({s.periode for s, _ in entries if s.periode}, reverse=True)
    page = None
    if pegawai_id and periodes_seen and periodes_seen[0] in data.school.periods:
        page = f"periode/{periodes_seen[0]}/{data.slug(pegawai_id)}.md"
    elif pegawai_id:
        page = _page_of(data, layout.record_path(RecordKind.PEGAWAI, owner=pegawai_id))
    if page:
        out += [f"[Buka halaman kinerja {title}]({page})", ""]
    out.append('<ul class="kinerja-temuan">')
    shown_hints: set[str] = set()
    for source, item in sorted(entries, key=lambda pair: rank[pair[1].severity.label]):
        level = item.severity.label
        hint = ""
        if item.hint and item.hint not in shown_hints:  # the same advice once per person
            shown_hints.add(item.hint)
            lead = "Keterangan" if level == "info" else "Cara memperbaiki"
            hint = f"<br><em>{lead}:</em> {_message(item.hint)}"
        where = f"{item.file}:{item.line}:{item.column}" if item.line else item.file or "-"
        out.append(
            f'<li class="kinerja-{level}"><span class="kinerja-tingkat">'
            f"{SEVERITY_TITLES[level]}</span> <strong>{e(source.record)}</strong>: "
            f"{_message(item.message)}{hint}"
            f"<details><summary>Letak dan kode</summary><code>{e(where)}</code> · "
            f"{item.code}</details></li>"
        )
    return [*out, "</ul>", ""]


def _message(text: str) -> str:
    """A diagnostic's text, escaped, with its `quoted` names as code (messages quote values)."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # unbalanced backticks: show them as they are
        return e(text)
    out = []
    for i, part in enumerate(parts):
        text = f"<code>{e(part)}</code>" if i % 2 else e(part)
        # e() strips each line; keep the spaces around code, never at the very start.
        lead = " " if i and part[:1].isspace() and not i % 2 else ""
        trail = " " if part[-1:].isspace() and not i % 2 and i < len(parts) - 1 else ""
        out.append(lead + text + trail)
    return "".join(out)


def _page_of(data: SiteData, rel: str) -> str | None:
    place = layout.parse_record_path(rel)
    if isinstance(place, layout.Misplaced) or place.owner is None:
        return None
    if place.periode is not None and place.periode in data.school.periods:
        return f"periode/{place.periode}/{data.slug(place.owner)}.md"
    if place.kind is RecordKind.PEGAWAI:
        # A person's own file: their page in the latest periode they have records in.
        pegawai_id = place.owner
        for periode_id in reversed(periodes(data.school)):
            if pegawai_id in data.school.periods[periode_id]:
                return f"periode/{periode_id}/{data.slug(pegawai_id)}.md"
    return None


def rules_page() -> str:
    out = ["# Aturan validasi", "", "Semua kode yang dapat dilaporkan `kinerja`.", ""]
    out += ["| Kode | Nama | Tingkat | Regulasi | Penjelasan |", "|---|---|---|---|---|"]
    for entry in rules.all_rules():
        regimes = ", ".join(entry.regimes) if entry.regimes != rules.ALL_REGIMES else "semua"
        text = " ".join(entry.description.split())
        out.append(
            f"| {entry.code} | {e(entry.name)} | {entry.severity.label} | {e(regimes)} | {e(text)} |"
        )
    return "\n".join(out) + "\n"


def fields_page(schemas: dict[str, dict[str, Any]], examples: dict[str, dict[str, str]]) -> str:
    out = [
        "# Kolom catatan",
        "",
        "Dibuat dari skema JSON (juga tersedia di [schemas/](../schemas/rencana.schema.json)).",
        "",
    ]
    for kind, schema in schemas.items():
        out += [f"## {e(kind)}", "", e(schema.get("title", "")), ""]
        out += ["| Kolom | Keterangan | Nilai | Contoh |", "|---|---|---|---|"]
        for path, node, required in _walk(schema, schema):
            allowed = ", ".join(str(v) for v in node.get("enum", [])) or str(node.get("type", ""))
            title = node.get("title", "") + (" (wajib)" if required else "")
            example = examples.get(kind, {}).get(path, "")
            out.append(f"| <code>{e(path)}</code> | {e(title)} | {e(allowed)} | {e(example)} |")
        out.append("")
    return "\n".join(out)


def _walk(
    node: dict[str, Any], root: dict[str, Any], prefix: str = ""
) -> list[tuple[str, dict[str, Any], bool]]:
    found = []
    required = set(node.get("required", []))
    for key, child in node.get("properties", {}).items():
        child = _resolve(child, root)
        path = f"{prefix}{key}"
        found.append((path, child, key in required))
        if child.get("type") == "object":
            found += _walk(child, root, path + ".")
        items = child.get("items")
        if child.get("type") == "array" and isinstance(items, dict):
            items = _resolve(items, root)
            if items.get("type") == "object":
                found += _walk(items, root, path + "[].")
    return found


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        resolved: dict[str, Any] = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {})
        return {**resolved, **{k: v for k, v in node.items() if k != "$ref"}}
    return node
