"""The district dashboard: one static, self-contained HTML page under <out>/situs/.

No JavaScript and no external assets: it opens from a USB stick or a file share as well as from
a web server. Every number comes from the school summaries and the district checks; nothing
domain-related is computed here besides sums and shares for display.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from kinerja_build import __version__, clock, domain, layout
from kinerja_build.diagnostics import Severity
from kinerja_build.dinas import checks
from kinerja_build.export import EXPORT_DIR
from kinerja_build.output import write_atomic

if TYPE_CHECKING:
    from kinerja_build.dinas.build import DistrictResult

SITE_DIR = layout.DINAS_SITE_DIR
TEMPLATES = Path(__file__).resolve().parent / layout.TEMPLATES_DIR
PREDIKAT_ORDER = tuple(domain.PREDIKAT_LABELS)
STAGES = ("perencanaan", "pelaksanaan", "penilaian")


def write_site(result: DistrictResult) -> Path:
    assert result.config is not None and result.out_dir is not None
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    html = environment.get_template("dasbor.html.j2").render(_context(result))
    return write_atomic(result.out_dir, f"{SITE_DIR}/index.html", html.encode("utf-8"))


def _context(result: DistrictResult) -> dict[str, Any]:
    from kinerja_build.dinas.build import district_predikat

    config = result.config
    assert config is not None
    handoffs = {handoff.periode: handoff for handoff in result.handoffs}
    today = clock.today()
    periodes = []
    for periode_id in sorted(handoffs, reverse=True):
        organisasi = config.predikat_organisasi.get(periode_id)
        counts = district_predikat(result.summaries, periode_id)
        schools = [_school_row(s, periode_id, organisasi, today) for s in _sorted(result.summaries)]
        handoff = handoffs[periode_id]
        periodes.append(
            {
                "id": periode_id,
                "label": domain.parse_periode(periode_id).label,
                "organisasi": checks.organisation_label(organisasi) if organisasi else None,
                "distribusi": _distribution(counts),
                "penyimpangan": [d.message for d in checks.deviations(counts, organisasi)],
                "sekolah": schools,
                "jumlah": sum(row["jumlah"] for row in schools),
                "siap": handoff.exported,
                "belum_siap": handoff.not_ready_rows,
                "dokumen": handoff.documents,
                "unduhan": _downloads(handoff),
                "tugas": _todo(result.summaries, periode_id, today),
            }
        )
    return {
        "dinas": {"nama": config.nama, "kode": config.kode},
        "jumlah_sekolah": len(result.summaries),
        "gagal": sum(1 for s in result.summaries if s["status"] != "ok"),
        "temuan": [
            {
                "kode": d.code,
                "tingkat": d.severity.label,
                "kelas": d.severity.value,
                "pesan": d.message,
                "saran": d.hint,
                "letak": f"{d.file}:{d.line}:{d.column}" if d.line else d.file,
            }
            for d in sorted(result.diagnostics, key=lambda d: (_rank(d.severity), d.sort_key()))
        ],
        "periode": periodes,
        "hari_ini": today.isoformat(),
        "label_predikat": domain.PREDIKAT_LABELS,
        "pola": checks.pattern(),
        "versi": __version__,
    }


def _rank(severity: Severity) -> int:
    return {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[severity]


def _sorted(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(summaries, key=lambda s: (str(s.get("nama") or s["id"]), s["id"]))


def _distribution(counts: Any) -> list[dict[str, Any]]:
    total = sum(counts.values())
    return [
        {
            "id": key,
            "label": domain.PREDIKAT_LABELS[key],
            "jumlah": counts.get(key, 0),
            "persen": round(100 * counts.get(key, 0) / total, 1) if total else 0,
        }
        for key in PREDIKAT_ORDER
    ]


def _school_row(
    summary: dict[str, Any], periode: str, organisasi: str | None, today: dt.date
) -> dict[str, Any]:
    info = summary.get("periode", {}).get(periode) or {}
    counts = info.get("predikat", {})
    stages = info.get("tahap", {})
    return {
        "id": summary["id"],
        "nama": summary.get("nama") or summary["id"],
        "npsn": summary.get("npsn") or "—",
        "status": summary["status"],
        "pesan": summary.get("pesan"),
        "galat": summary.get("galat", 0),
        "ada": bool(info),
        "jumlah": info.get("jumlah", 0),
        "tahap": [stages.get(stage, 0) for stage in STAGES],
        "terlambat": sum(1 for step in info.get("langkah", []) if _late(step, today)),
        "siap": info.get("siap", 0),
        "belum_siap": info.get("belum_siap", 0),
        "distribusi": _distribution(counts),
        "dinilai": sum(counts.values()),
        "penyimpangan": [d.message for d in checks.deviations(counts, organisasi)],
    }


def _downloads(handoff: Any) -> list[dict[str, str]]:
    files = [path for path in [handoff.bundle, *handoff.not_ready] if path is not None]
    return [{"nama": path.name, "href": f"../{EXPORT_DIR}/{path.name}"} for path in files]


def _late(step: dict[str, Any], today: dt.date) -> int:
    """Days past the step's deadline on `today` (the model's deadline, counted here)."""
    if not step.get("wajib"):
        return 0  # as PersonPeriode.days_late: counted only for people PKG is required of
    return domain.days_past(domain.parse_date(step.get("tenggat")), today)


def _todo(summaries: list[dict[str, Any]], periode: str, today: dt.date) -> list[dict[str, Any]]:
    """The steps whose actor is the Dinas: KS plans to approve, KS observations, assessments."""
    items = []
    for summary in _sorted(summaries):
        for step in summary.get("periode", {}).get(periode, {}).get("langkah", []):
            if step.get("peran") != str(domain.Peran.DINAS):
                continue
            items.append(
                {
                    "sekolah": summary.get("nama") or summary["id"],
                    "npsn": summary.get("npsn") or "",
                    "nama": step["nama"],
                    "tugas": step["tugas"],
                    "tenggat": step.get("tenggat") or "",
                    "terlambat": _late(step, today),
                }
            )
    return sorted(items, key=lambda item: (-item["terlambat"], item["sekolah"], item["nama"]))
