"""Which documents exist for a school, and the data each template receives.

One `Document` per PDF: its template, its output path, the record files it is made from (a
document is refused when any of them has an error), whether it is still a draft, and a plain
dict for the template. Templates get prepared values (labels, Indonesian dates, identity
blocks) so that a school overriding a template never has to re-implement regulation logic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import urllib.parse
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from kinerja_build import clock, domain, layout
from kinerja_build.model import AtasanKind, IdentityKind, School, school_periode

TEMPLATES = {
    "rencana": "rencana-kinerja.html.j2",
    "observasi": "lembar-observasi.html.j2",
    "kompetensi": "pengembangan-kompetensi.html.j2",
    "evaluasi": "evaluasi-kinerja.html.j2",
    "angka_kredit": "konversi-angka-kredit.html.j2",
    "rekap": "rekap-kinerja-sekolah.html.j2",
}
TITLES = {
    "rencana": "Rencana Kinerja (SKP)",
    "observasi": "Lembar Observasi Kinerja",
    "kompetensi": "Laporan Pengembangan Kompetensi dan Refleksi",
    "evaluasi": "Dokumen Evaluasi Kinerja Pegawai",
    "angka_kredit": "Konversi Predikat Kinerja ke Angka Kredit",
    "rekap": "Rekap Kinerja Sekolah",
}
EMPTY = "-"
# Documents the atasan signs as pejabat penilai: for a KS that is the Dinas, whose letterhead
# they then carry (the observation sheet and the report are the KS's own).
DINAS_SIGNED = ("rencana", "evaluasi", "angka_kredit")


@dataclass(slots=True)
class Document:
    """One PDF to make."""

    kind: str
    output: str  # relative to the output directory, e.g. "pdf/2025/1974…/evaluasi-kinerja.pdf"
    periode: str
    pegawai: str | None  # None for the school recap
    sources: list[str]  # record files (relative to the root) the document is made from
    draft: bool
    date: dt.date  # the document's own date: metadata and "Sukamaju, 28 November 2025"
    title: str
    data: dict[str, Any] = field(default_factory=dict)
    unusable: list[str] = field(default_factory=list)  # source files whose data is missing

    @property
    def template(self) -> str:
        return TEMPLATES[self.kind]


def plan_documents(
    school: School, referensi: dict[str, Any], today: dt.date | None = None
) -> Iterator[Document]:
    """Every document the records call for, periodes and people in a stable order.

    `today` is the build date (SOURCE_DATE_EPOCH's day when set): no document is dated after it.
    """
    builder = _Builder(school, referensi, today or clock.today())
    for periode_id in sorted(school.periods):
        try:
            periode = domain.parse_periode(periode_id)
        except domain.PeriodeError:
            continue  # KIN201 reports the folder; nothing official can be made from it
        for pegawai_id in sorted(school.periods[periode_id]):
            if pegawai_id in school.pegawai:
                yield from builder.person_documents(periode, pegawai_id)
        yield builder.recap(periode)


class _Builder:
    """Prepares template data from the school model; one method per document kind."""

    def __init__(self, school: School, referensi: dict[str, Any], today: dt.date) -> None:
        self.school = school
        self.referensi = referensi
        self.today = today
        sekolah = school.sekolah.data if school.sekolah and school.sekolah.data else {}
        self.sekolah = sekolah
        self.kota = sekolah.get("kota_penetapan") or sekolah.get("alamat", {}).get(
            "kabupaten_kota", ""
        )

    # -- shared pieces -------------------------------------------------------------------

    def _common(self, periode: domain.Periode, draft: bool) -> dict[str, Any]:
        dinas = self.sekolah.get("dinas", {})
        return {
            "sekolah": {
                "nama": self.sekolah.get("nama", ""),
                "npsn": self.sekolah.get("npsn", ""),
                "alamat": _alamat(self.sekolah.get("alamat", {})),
                "dinas": dinas.get("nama", ""),
            },
            "kota": self.kota,
            "periode": {
                "id": periode.id,
                "label": periode.label,
                "jenis": _jenis_periode(periode),
                "rentang": f"{domain.tanggal_indonesia(periode.start)} s.d. "
                f"{domain.tanggal_indonesia(periode.end)}",
                "semester": periode.half is not None,
                "regime": periode.regime.nama,
            },
            "draf": draft,
        }

    def _sources(self, periode: domain.Periode, pegawai_id: str, *kinds: str) -> list[str]:
        rels = []
        if self.school.sekolah is not None:
            rels.append(self.school.sekolah.rel)
        if pegawai_id in self.school.pegawai:
            rels.append(self.school.pegawai[pegawai_id].rel)
        records = self.school.records(periode.id, pegawai_id)
        rels.extend(records[kind].rel for kind in kinds if kind in records)
        return rels

    def identity(self, person_id: str | None) -> dict[str, str]:
        """The five-line identity block: nama, NIP, pangkat/gol, jabatan, unit kerja."""
        if person_id is None:
            return {"nama": EMPTY, "nip": EMPTY, "pangkat": EMPTY, "jabatan": EMPTY, "unit": EMPTY}
        who = self.school.identify(person_id)
        if who.kind is IdentityKind.PEGAWAI:
            return _pegawai_identity(who.data, self.sekolah.get("nama", ""))
        if who.kind is not IdentityKind.TIDAK_DIKENAL:
            return _official_identity(who.data)
        return {"nama": person_id, "nip": EMPTY, "pangkat": EMPTY, "jabatan": EMPTY, "unit": EMPTY}

    def _penilai_id(self, pegawai_id: str, day: dt.date, stated: str | None = None) -> str | None:
        if stated:
            return stated
        atasan = self.school.atasan(pegawai_id, day)
        return atasan.id if atasan else None

    def _atasan_penilai(self, pegawai_id: str, day: dt.date) -> dict[str, str]:
        """Block 3 of the evaluation: the assessor's own superior."""
        dinas = self.sekolah.get("dinas", {})
        atasan = self.school.atasan(pegawai_id, day)
        assessed_by_dinas = atasan is not None and atasan.status is AtasanKind.DINAS
        official = dinas.get("atasan_kepala" if assessed_by_dinas else "kepala")
        return _official_identity(official) if official else self.identity(None)

    def _name(self, person_id: str | None) -> str:
        return self.identity(person_id)["nama"] if person_id else EMPTY

    def _indicator(self, pegawai_id: str, indicator_id: str) -> dict[str, Any]:
        key = (
            "indikator_kepala_sekolah"
            if self.school.role(pegawai_id) == "kepala_sekolah"
            else "indikator_guru"
        )
        found: dict[str, Any] = next(
            (entry for entry in self.referensi.get(key, []) if entry["id"] == indicator_id), {}
        )
        return {
            "id": indicator_id,
            "nama": found.get("nama", indicator_id),
            "komponen": found.get("komponen", ""),
            "fokus_perilaku": found.get("fokus_perilaku", []),
        }

    # -- documents -----------------------------------------------------------------------

    # The record kinds each document is made from (besides sekolah.yaml and the person).
    SOURCES: ClassVar[dict[str, tuple[str, ...]]] = {
        "rencana": ("rencana",),
        "observasi": ("siklus", "rencana"),
        "kompetensi": ("pengembangan-kompetensi", "rencana", "siklus", "penilaian"),
        "evaluasi": ("penilaian", "rencana"),
        "angka_kredit": ("penilaian",),
    }

    def person_documents(self, periode: domain.Periode, pegawai_id: str) -> Iterator[Document]:
        records = self.school.records(periode.id, pegawai_id)
        siklus = records.get("siklus")
        wanted = []
        if "rencana" in records:
            wanted.append("rencana")
        if siklus is not None and (siklus.data is None or "b_observasi" in siklus.data):
            wanted.append("observasi")
        if "pengembangan-kompetensi" in records:
            wanted.append("kompetensi")
        if "penilaian" in records:
            wanted.append("evaluasi")
            person = self.school.person(pegawai_id) or {}
            if person.get("status_kepegawaian") == "pns" and person.get("jenjang_jabatan"):
                wanted.append("angka_kredit")
        for kind in wanted:
            unusable = self._unusable(periode, pegawai_id, self.SOURCES[kind])
            if unusable:
                yield self._blocked(kind, periode, pegawai_id, unusable)
            else:
                yield getattr(self, kind)(periode, pegawai_id)

    def _unusable(
        self, periode: domain.Periode, pegawai_id: str, kinds: tuple[str, ...]
    ) -> list[str]:
        """Source files that did not load or pass their schema (their data cannot be used)."""
        files = [self.school.sekolah, self.school.pegawai.get(pegawai_id)]
        records = self.school.records(periode.id, pegawai_id)
        files.extend(records.get(kind) for kind in kinds)
        return [record.rel for record in files if record is not None and not record.valid]

    def _blocked(
        self, kind: str, periode: domain.Periode, pegawai_id: str, unusable: list[str]
    ) -> Document:
        output = layout.pdf_document(periode.id, pegawai_id, kind)
        return Document(
            kind,
            output,
            periode.id,
            pegawai_id,
            unusable,
            True,
            periode.end,
            TITLES[kind],
            unusable=unusable,
        )

    def _document(
        self,
        kind: str,
        periode: domain.Periode,
        pegawai_id: str,
        sources: list[str],
        draft: bool,
        date: dt.date,
        data: dict[str, Any],
    ) -> Document:
        person = self.school.person(pegawai_id) or {}
        title = f"{TITLES[kind]} — {person.get('nama', pegawai_id)} — {periode.label}"
        identity = data["pegawai"]
        nip = f"NIP {identity['nip']}" if identity["nip"] != EMPTY else ""
        header = _join(identity["nama"], nip, TITLES[kind], periode.label)
        data = {
            **self._common(periode, draft),
            **data,
            "judul": TITLES[kind],
            "kepala_halaman": header,
            "kop": self._kop(kind in DINAS_SIGNED and self._assessed_by_dinas(pegawai_id, date)),
        }
        output = layout.pdf_document(periode.id, pegawai_id, kind)
        return Document(kind, output, periode.id, pegawai_id, sources, draft, date, title, data)

    def _assessed_by_dinas(self, pegawai_id: str, day: dt.date) -> bool:
        atasan = self.school.atasan(pegawai_id, day)
        return atasan is not None and atasan.status is AtasanKind.DINAS

    def _kop(self, dinas_signs: bool) -> dict[str, Any]:
        """The letterhead: the Dinas' on what the Dinas signs, otherwise the school's."""
        dinas = self.sekolah.get("dinas", {})
        if dinas_signs:
            return {
                "dinas": True,
                "atas": dinas.get("pemerintah", ""),
                "nama": dinas.get("nama", ""),
                "alamat": dinas.get("alamat", ""),
            }
        npsn = self.sekolah.get("npsn", "")
        alamat = _alamat(self.sekolah.get("alamat", {}))
        return {
            "dinas": False,
            "atas": dinas.get("nama", ""),
            "nama": self.sekolah.get("nama", ""),
            "alamat": f"{alamat} · NPSN {npsn}" if npsn else alamat,
        }

    def _plan_state(self, periode: domain.Periode, pegawai_id: str) -> tuple[bool, dt.date | None]:
        """(agreed, date of the last status) of the person's plan."""
        plan = self.school.plan(periode.id, pegawai_id)
        if plan is None:
            return False, None
        return plan.agreed, plan.last_step.tanggal

    def rencana(self, periode: domain.Periode, pegawai_id: str) -> Document:
        plan = self.school.record(periode.id, pegawai_id, "rencana") or {}
        agreed, last_date = self._plan_state(periode, pegawai_id)
        statuses = plan.get("status", [])
        approved = _last_with(statuses, "disetujui")
        agreed_entry = _last_with(statuses, "disepakati")
        date = last_date or periode.start
        penilai = self._penilai_id(pegawai_id, date, approved.get("oleh") if approved else None)
        tugas_names = {entry["id"]: entry["nama"] for entry in self.referensi["tugas_tambahan"]}
        berakhlak = self.referensi["berakhlak"]
        chosen = set(plan.get("perilaku_kerja", []))
        data = {
            "pegawai": self.identity(pegawai_id),
            "penilai": self.identity(penilai),
            "indikator": self._indicator(pegawai_id, plan["praktik_kinerja"]["indikator"]),
            "praktik": {
                "alasan": plan["praktik_kinerja"].get("alasan", ""),
                "target": plan["praktik_kinerja"].get("target", ""),
            },
            "kompetensi": [
                {
                    "kegiatan": item["kegiatan"],
                    "kategori_label": domain.KATEGORI_PENGEMBANGAN_LABELS.get(
                        item.get("kategori", ""), EMPTY
                    ),
                    "indikator_kompetensi": item.get("indikator_kompetensi", ""),
                    "poin": item.get("poin"),
                }
                for item in plan.get("pengembangan_kompetensi", [])
            ],
            "poin_minimum": self.referensi["pengembangan_kompetensi_2024"]["poin_minimum"],
            "total_poin": sum(item.get("poin", 0) for item in plan["pengembangan_kompetensi"]),
            "tugas_tambahan": [
                {
                    "nama": tugas_names.get(item["jenis"], item["jenis"]),
                    "uraian": item.get("uraian", ""),
                    "sk": _sk(item.get("sk")),
                }
                for item in plan.get("tugas_tambahan", [])
            ],
            "perilaku": [
                {"nama": value["nama"], "panduan": value["panduan"], "dipilih": key in chosen}
                for key, value in berakhlak.items()
            ],
            "riwayat": [
                {
                    "status": domain.STATUS_RENCANA_LABELS[entry["status"]],
                    "tanggal": _tanggal(entry["tanggal"]),
                    "oleh": self._name(entry.get("oleh")) if entry.get("oleh") else EMPTY,
                    "catatan": entry.get("catatan", ""),
                    "otomatis": bool(entry.get("otomatis")),
                    "sha256": entry.get("sha256", ""),
                }
                for entry in statuses
            ],
            "status_akhir": domain.STATUS_RENCANA_LABELS[statuses[-1]["status"]],
            "tanggal_pegawai": _tanggal(agreed_entry["tanggal"]) if agreed_entry else "",
            "tanggal_penilai": _tanggal(approved["tanggal"]) if approved else "",
        }
        sources = self._sources(periode, pegawai_id, "rencana")
        return self._document("rencana", periode, pegawai_id, sources, not agreed, date, data)

    def observasi(self, periode: domain.Periode, pegawai_id: str) -> Document:
        siklus = self.school.record(periode.id, pegawai_id, "siklus") or {}
        plan = self.school.record(periode.id, pegawai_id, "rencana")
        observation = siklus["b_observasi"]
        day = domain.parse_date(observation["tanggal"]) or periode.start
        indicator = self._indicator(
            pegawai_id, plan["praktik_kinerja"]["indikator"] if plan else ""
        )
        # A record names a fokus perilaku by its id or, as PMM prints it, by its name.
        focus: dict[str, dict[str, Any]] = {}
        for entry in indicator.get("fokus_perilaku", []):
            if isinstance(entry, dict):
                focus[str(entry["id"])] = entry
                focus[str(entry["nama"]).casefold()] = entry
        rows = []
        unconfirmed = False
        for item in observation["hasil"]:
            named = str(item["fokus_perilaku"])
            known = focus.get(named) or focus.get(named.casefold(), {})
            described = bool(known.get("dianjurkan") or known.get("dihindari"))
            unconfirmed |= described and not known.get("terkonfirmasi", True)
            rows.append(
                {
                    "fokus": known.get("nama", named),
                    "dianjurkan": known.get("dianjurkan", ""),
                    "dihindari": known.get("dihindari", ""),
                    "tingkat": domain.TINGKAT_OBSERVASI_LEVEL[item["tingkat"]],
                    "tingkat_label": domain.TINGKAT_OBSERVASI_LABELS[item["tingkat"]],
                    "catatan": item.get("catatan", ""),
                }
            )
        agreed, _ = self._plan_state(periode, pegawai_id)
        data = {
            "pegawai": self.identity(pegawai_id),
            "pengamat": self.identity(observation["pengamat"]),
            # A KS is observed by the Dinas (pengawas or Kepala Dinas), a guru by the KS.
            "pengamat_dinas": self.school.role(pegawai_id) == "kepala_sekolah",
            "pengamat_peran": "Pengamat"
            if self.school.role(pegawai_id) == "kepala_sekolah"
            else "Kepala Sekolah",
            "hari_tanggal": domain.hari_tanggal(day),
            "tanggal": domain.tanggal_indonesia(day),
            "waktu": observation.get("waktu", ""),
            "tempat": observation.get("tempat", ""),
            "tujuan": observation.get("tujuan", ""),
            "cara": {
                "langsung": "Observasi langsung",
                "tidak_langsung": "Observasi tidak langsung (rekaman)",
                "catatan_mandiri": "Catatan mandiri",
            }.get(observation.get("cara", ""), ""),
            "indikator": indicator,
            "hasil": rows,
            "deskripsi_belum_terkonfirmasi": unconfirmed,
            "tingkat_labels": domain.TINGKAT_OBSERVASI_LABELS,
            "rekomendasi": observation.get("rekomendasi", ""),
        }
        sources = self._sources(periode, pegawai_id, "siklus", "rencana")
        return self._document("observasi", periode, pegawai_id, sources, not agreed, day, data)

    def kompetensi(self, periode: domain.Periode, pegawai_id: str) -> Document:
        report = self.school.record(periode.id, pegawai_id, "pengembangan-kompetensi") or {}
        plan = self.school.record(periode.id, pegawai_id, "rencana") or {}
        siklus = self.school.record(periode.id, pegawai_id, "siklus") or {}
        assessed = self.school.record(periode.id, pegawai_id, "penilaian") is not None
        planned = {
            item["id"]: item for item in plan.get("pengembangan_kompetensi", []) if "id" in item
        }
        points = periode.regime.semester  # 2024: activities earn the points of their plan item
        counted: set[str] = set()
        activities = []
        dates: list[dt.date] = []
        for item in report.get("kegiatan", []):
            start = domain.parse_date(item.get("tanggal"))
            end = domain.parse_date(item.get("tanggal_selesai"))
            dates.extend(day for day in (start, end) if day)
            linked = planned.get(item.get("rencana", ""), {})
            poin = linked.get("poin") if points else None
            if poin is not None:
                counted.add(str(linked["id"]))
            activities.append(
                {
                    "judul": item["judul"],
                    "rencana": linked.get("kegiatan", ""),
                    "poin": poin,
                    "kategori": domain.KATEGORI_PENGEMBANGAN_LABELS.get(
                        item.get("kategori", ""), EMPTY
                    ),
                    "waktu": _range(start, end),
                    "penyelenggara": item.get("penyelenggara", ""),
                    "bukti": [_bukti(entry) for entry in item.get("bukti", [])],
                    "refleksi": item.get("refleksi", ""),
                }
            )
        steps = {
            key: {**siklus[key], "tanggal": _tanggal(siklus[key].get("tanggal"))}
            for key in (
                "c_diskusi_tindak_lanjut",
                "d_upaya_tindak_lanjut",
                "e_refleksi_tindak_lanjut",
            )
            if key in siklus
        }
        step_dates = [
            domain.parse_date(step.get("tanggal"))
            for step in siklus.values()
            if isinstance(step, dict)
        ]
        dates.extend(day for day in step_dates if day)
        day = max(dates) if dates else periode.end
        penilai = self._penilai_id(pegawai_id, min(day, periode.end))
        data = {
            "pegawai": self.identity(pegawai_id),
            "penilai": self.identity(penilai),
            "kegiatan": activities,
            "langkah": steps,
            "bukti_wajib": periode.regime.semester,  # 2024: evidence; 2025+: written reflections
            "poin": {
                "jumlah": sum(int(planned[key].get("poin", 0)) for key in counted),
                "minimum": self.referensi["pengembangan_kompetensi_2024"]["poin_minimum"],
            }
            if points
            else None,
            "tanggal": domain.tanggal_indonesia(day),
        }
        sources = self._sources(periode, pegawai_id, "pengembangan-kompetensi", "rencana", "siklus")
        return self._document("kompetensi", periode, pegawai_id, sources, not assessed, day, data)

    def evaluasi(self, periode: domain.Periode, pegawai_id: str) -> Document:
        assessment = self.school.assessment(periode.id, pegawai_id)
        assert assessment is not None  # planned only for people with a valid penilaian
        penilaian = assessment.data
        day = assessment.tanggal or periode.end
        predikat = assessment.predikat
        capaian = penilaian.get("capaian_kinerja_organisasi")
        data = {
            "pegawai": self.identity(pegawai_id),
            "penilai": self.identity(self._penilai_id(pegawai_id, day, penilaian.get("penilai"))),
            "atasan_penilai": self._atasan_penilai(pegawai_id, min(day, periode.end)),
            "capaian_organisasi": domain.CAPAIAN_ORGANISASI_LABELS.get(capaian or "", EMPTY),
            "rating_hasil_kerja": domain.RATING_LABELS[penilaian["rating_hasil_kerja"]],
            "rating_perilaku_kerja": domain.RATING_LABELS[penilaian["rating_perilaku_kerja"]],
            "predikat": domain.PREDIKAT_LABELS[predikat],
            "catatan": penilaian.get("catatan", ""),
            "tanggal": domain.tanggal_indonesia(day),
        }
        sources = self._sources(periode, pegawai_id, "penilaian", "rencana")
        return self._document("evaluasi", periode, pegawai_id, sources, False, day, data)

    def angka_kredit(self, periode: domain.Periode, pegawai_id: str) -> Document:
        assessment = self.school.assessment(periode.id, pegawai_id)
        ak = assessment.angka_kredit if assessment is not None else None
        assert assessment is not None and ak is not None  # planned only for a PNS with a jenjang
        penilaian = assessment.data
        person = self.school.person(pegawai_id) or {}
        day = assessment.tanggal or periode.end
        predikat = assessment.predikat
        months, coefficient, value = ak.months, ak.coefficient, ak.value
        tmt = domain.parse_date(person.get("tmt_golongan"))
        lahir = domain.parse_date(person.get("tanggal_lahir"))
        data = {
            "pegawai": self.identity(pegawai_id),
            "penilai": self.identity(self._penilai_id(pegawai_id, day, penilaian.get("penilai"))),
            "perorangan": {
                "ttl": ", ".join(
                    part
                    for part in (
                        person.get("tempat_lahir", ""),
                        domain.tanggal_indonesia(lahir) if lahir else "",
                    )
                    if part
                )
                or EMPTY,
                "jenis_kelamin": {"L": "Laki-laki", "P": "Perempuan"}.get(
                    person.get("jenis_kelamin", ""), EMPTY
                ),
                "pendidikan": person.get("pendidikan_terakhir", EMPTY),
                "tmt_golongan": domain.tanggal_indonesia(tmt) if tmt else EMPTY,
                "masa_kerja_golongan": _masa_kerja(
                    domain.masa_kerja_golongan(person.get("masa_kerja_golongan"), tmt, periode.end)
                ),
            },
            "predikat": domain.PREDIKAT_LABELS[predikat],
            "prosentase": f"{domain.PREDIKAT_PERCENT[predikat]}%",
            "koefisien": domain.format_decimal(coefficient),
            "bulan": months,
            "angka_kredit": domain.format_decimal(value),
            "rumus": f"{months}/12 × {domain.PREDIKAT_PERCENT[predikat]}% × "
            f"{domain.format_decimal(coefficient)}",
            "tanggal": domain.tanggal_indonesia(day),
            "instansi": self.sekolah.get("dinas", {}).get("nama", ""),
        }
        sources = self._sources(periode, pegawai_id, "penilaian")
        return self._document("angka_kredit", periode, pegawai_id, sources, False, day, data)

    def recap(self, periode: domain.Periode) -> Document:
        if self.school.sekolah is not None and not self.school.sekolah.valid:
            rel = self.school.sekolah.rel
            output = layout.pdf_recap(periode.id)
            return Document(
                "rekap",
                output,
                periode.id,
                None,
                [rel],
                True,
                periode.end,
                TITLES["rekap"],
                unusable=[rel],
            )
        # The roster: every pegawai of the school in the periode, with records or not.
        view = school_periode(self.school, periode.id)
        rows = []
        dates: list[dt.date] = []
        # The whole roster, most late first (people without records are "belum mulai").
        for item in view.by_urgency:
            pegawai_id = item.pegawai_id
            person = self.school.person(pegawai_id) or {}
            assessed_on = item.assessment.tanggal if item.assessment else None
            if assessed_on:
                dates.append(assessed_on)
            status = item.status
            if not item.wajib:
                status += f" ({item.alasan_tidak_wajib})"
            if item.late:
                status += f" — terlambat {item.days_late} hari"
            asn = person.get("status_kepegawaian") in ("pns", "pppk")
            rows.append(
                {
                    "nama": item.nama,
                    "nip": domain.format_nip(person["nip"]) if asn and person.get("nip") else EMPTY,
                    "jabatan": person.get("jabatan", EMPTY),
                    "tahap": domain.STAGE_LABELS[item.stage],
                    "status": status,
                    "predikat": domain.PREDIKAT_LABELS[item.predikat] if item.predikat else EMPTY,
                    "tidak_valid": item.invalid,
                    "wajib": item.wajib,
                    "terlambat_hari": item.days_late,
                }
            )
        stages = Counter(row["tahap"] for row in rows)
        predikat = Counter(row["predikat"] for row in rows if row["predikat"] != EMPTY)
        complete = bool(rows) and all(
            row["tahap"] == domain.STAGE_LABELS[domain.Stage.PENILAIAN] or not row["wajib"]
            for row in rows
        )
        # Dated by the last assessment, else the periode's end, but never after the build.
        day = min(max(dates, default=periode.end), self.today)
        kepala = self.school.kepala_sekolah_on(min(day, periode.end))
        ks_id = kepala.get("pegawai") if kepala else None
        data = {
            **self._common(periode, not complete),
            "judul": TITLES["rekap"],
            "kepala_halaman": _join(self.sekolah.get("nama", ""), TITLES["rekap"], periode.label),
            "kop": self._kop(False),
            "baris": rows,
            "tahap": {label: stages.get(label, 0) for label in domain.STAGE_LABELS.values()},
            "predikat": {
                label: predikat.get(label, 0) for label in domain.PREDIKAT_LABELS.values()
            },
            "jumlah": len(rows),
            "kepala_sekolah": self.identity(ks_id) if ks_id else None,
            "kepala_plt": bool(kepala and kepala.get("status") == "plt"),
            "tanggal": domain.tanggal_indonesia(day),
        }
        sources = [self.school.sekolah.rel] if self.school.sekolah else []
        for item in view.people:  # the roster can change too
            if item.pegawai_id in self.school.pegawai:
                sources.append(self.school.pegawai[item.pegawai_id].rel)
            sources.extend(record.rel for record in item.files.values())
        title = f"{TITLES['rekap']} — {self.sekolah.get('nama', '')} — {periode.label}"
        output = layout.pdf_recap(periode.id)
        return Document("rekap", output, periode.id, None, sources, not complete, day, title, data)


def fingerprint(document: Document) -> str:
    """SHA-256 of everything the document says (its template data), for `kinerja verifikasi`.

    Computed from the data, not the PDF bytes, so that the same records give the same
    fingerprint with any renderer version, and a change in wording of a template does not
    make a signed document look altered.
    """
    text = json.dumps(document.data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verification_code(fingerprint_hex: str) -> str:
    """The short code printed in the footer: the fingerprint's first 8 hex digits, e.g. 9617-BC8B."""
    head = fingerprint_hex[:8].upper()
    return f"{head[:4]}-{head[4:]}"


def _join(*parts: str) -> str:
    """A running header: the non-empty parts separated by middle dots."""
    return " · ".join(part for part in parts if part)


def _pegawai_identity(person: Mapping[str, Any], unit: str) -> dict[str, str]:
    status = person.get("status_kepegawaian")
    asn = status in ("pns", "pppk")
    jenjang = person.get("jenjang_jabatan")
    jabatan = person.get("jabatan") or (f"Guru {domain.JENJANG_LABELS[jenjang]}" if jenjang else "")
    if person.get("peran") == "kepala_sekolah":
        jabatan = f"{jabatan}, Kepala Sekolah" if jabatan else "Kepala Sekolah"
    return {
        "nama": person["nama"],
        "nip": domain.format_nip(person["nip"]) if asn and person.get("nip") else EMPTY,
        "pangkat": _pangkat(person.get("pangkat_golongan")) if asn else EMPTY,
        "jabatan": jabatan if asn and jabatan else EMPTY,
        "unit": unit or EMPTY,
    }


def _official_identity(official: Mapping[str, Any]) -> dict[str, str]:
    return {
        "nama": official["nama"],
        "nip": domain.format_nip(official["nip"]) if official.get("nip") else EMPTY,
        "pangkat": _pangkat(official.get("pangkat_golongan")),
        "jabatan": official.get("jabatan") or EMPTY,
        "unit": official.get("unit_kerja") or EMPTY,
    }


# Pangkat names of PNS golongan ruang (PP 99/2000); PPPK golongan (I–XVII) have no pangkat.
_PANGKAT = {
    "I/a": "Juru Muda", "I/b": "Juru Muda Tingkat I", "I/c": "Juru", "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda", "II/b": "Pengatur Muda Tingkat I", "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I", "III/a": "Penata Muda", "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata", "III/d": "Penata Tingkat I", "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I", "IV/c": "Pembina Utama Muda", "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}  # fmt: skip


def _pangkat(golongan: str | None) -> str:
    if not golongan:
        return EMPTY
    name = _PANGKAT.get(golongan)
    return f"{name}, {golongan}" if name else f"Golongan {golongan}"


def _alamat(alamat: dict[str, Any]) -> str:
    keys = ("jalan", "desa_kelurahan", "kecamatan", "kabupaten_kota", "provinsi", "kode_pos")
    return ", ".join(str(alamat[key]) for key in keys if alamat.get(key))


def _jenis_periode(periode: domain.Periode) -> str:
    """ "SEMESTER I", "SEMESTER II" or "AKHIR" as printed on the evaluation document."""
    if periode.half:
        return f"SEMESTER {'I' if periode.half == 1 else 'II'}"
    return "AKHIR"


def _last_with(statuses: list[dict[str, Any]], status: str) -> dict[str, Any] | None:
    found = [entry for entry in statuses if entry["status"] == status]
    return found[-1] if found else None


def _tanggal(text: Any) -> str:
    day = domain.parse_date(text)
    return domain.tanggal_indonesia(day) if day else ""


def _range(start: dt.date | None, end: dt.date | None) -> str:
    if start and end and end != start:
        return f"{domain.tanggal_indonesia(start)} – {domain.tanggal_indonesia(end)}"
    return domain.tanggal_indonesia(start) if start else EMPTY


def _sk(sk: dict[str, Any] | None) -> str:
    if not sk:
        return EMPTY
    day = _tanggal(sk.get("tanggal"))
    return f"{sk.get('nomor', '')}, {day}" if day else str(sk.get("nomor", ""))


def _bukti(entry: dict[str, Any]) -> dict[str, str]:
    """Evidence as a short reference a reader can find: the file name, and the site of a link."""
    reference = str(entry.get("berkas") or entry.get("tautan") or "")
    parsed = urllib.parse.urlsplit(reference)
    if parsed.scheme in ("http", "https"):
        name = urllib.parse.unquote(parsed.path.rstrip("/").rpartition("/")[2])
        short = f"{name} ({parsed.hostname})" if name else str(parsed.hostname or reference)
    else:
        short = reference.rpartition("/")[2] or reference
    return {"jenis": str(entry.get("jenis", "")).replace("_", " ").capitalize(), "acuan": short}


def _masa_kerja(value: tuple[int, int] | None) -> str:
    if value is None:
        return EMPTY  # not stated in the pegawai record; never guessed from TMT pangkat
    return f"{value[0]} tahun {value[1]} bulan"
