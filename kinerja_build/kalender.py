"""The periode's deadlines per role as an iCalendar file: `build/kalender-<periode>.ics`.

One all-day event per deadline and role (guru, kepala sekolah, operator, Dinas), so each person
subscribes to, or imports, the dates that concern them; the category names the role. Dates and
sources come from the model's calendar (`School.deadlines`: the regime's, or the school's own
extension in kinerja.yml). Written with the `icalendar` library (decision 0016); the file is
reproducible: its stamp is the build date and every UID is derived from school, periode, stage
and role.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar

from kinerja_build import __version__, domain, layout
from kinerja_build.domain import Deadline, Peran
from kinerja_build.model import School
from kinerja_build.output import write_atomic

# What each role has finished by a stage's deadline.
WHAT = {
    ("pra_perencanaan", Peran.OPERATOR): "Mutakhirkan data sekolah dan pegawai (Dapodik).",
    ("pra_perencanaan", Peran.DINAS): "Mutakhirkan data unit organisasi; bentuk tim kinerja.",
    ("perencanaan", Peran.GURU): "Ajukan rencana kinerja, lalu sepakati setelah disetujui.",
    ("perencanaan", Peran.KEPALA_SEKOLAH): (
        "Setujui atau kembalikan rencana guru; ajukan dan sepakati rencana sendiri."
    ),
    ("perencanaan", Peran.DINAS): "Setujui rencana kinerja kepala sekolah.",
    ("pelaksanaan", Peran.GURU): (
        "Siklus selesai: diskusi persiapan, upaya dan refleksi tindak lanjut (langkah A, D, E)."
    ),
    ("pelaksanaan", Peran.KEPALA_SEKOLAH): (
        "Observasi dan diskusi tindak lanjut setiap guru (langkah B, C); siklus sendiri selesai."
    ),
    ("pelaksanaan", Peran.DINAS): "Observasi kepala sekolah (tim kerja: pengawas sekolah).",
    ("penilaian", Peran.KEPALA_SEKOLAH): "Nilai kinerja setiap guru.",
    ("penilaian", Peran.DINAS): "Nilai kinerja kepala sekolah.",
}


def calendar(school: School, periode_id: str, stamp: dt.date) -> bytes:
    """The iCalendar text of one periode's deadlines, one event per deadline and role."""
    periode = domain.parse_periode(periode_id)
    sekolah = school.sekolah_data or {}
    npsn = str(sekolah.get("npsn", "sekolah"))
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//kinerja {__version__}//PKG//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Tenggat PKG {periode.label} — {sekolah.get('nama', npsn)}")
    cal.add("x-wr-timezone", "Asia/Jakarta")
    for deadline in school.deadlines(periode_id).values():
        for peran in deadline.peran:
            cal.add_component(_event(deadline, peran, periode, npsn, stamp))
    text: bytes = cal.to_ical()
    return text


def _event(
    deadline: Deadline, peran: Peran, periode: domain.Periode, npsn: str, stamp: dt.date
) -> icalendar.Event:
    role = domain.PERAN_LABELS[peran]
    tahap = domain.TAHAP_LABELS[deadline.tahap]
    event = icalendar.Event()
    event.add("uid", f"{npsn}-{periode.id}-{deadline.tahap}-{peran.value}@kinerja")
    event.add("dtstamp", dt.datetime(stamp.year, stamp.month, stamp.day, tzinfo=dt.UTC))
    event.add("dtstart", deadline.tanggal)
    event.add("dtend", deadline.tanggal + dt.timedelta(days=1))
    event.add("summary", f"[{role}] Tenggat {tahap.split(' (')[0].lower()} {periode.label}")
    lines = [
        WHAT.get((deadline.tahap, peran), tahap),
        f"Tahap: {tahap}.",
        f"Dasar: {deadline.sumber}.",
    ]
    if deadline.sekolah:
        lines.append("Tenggat ini ditetapkan sekolah di kinerja.yml (mis. perpanjangan resmi).")
    elif not deadline.terkonfirmasi:
        lines.append("Belum terkonfirmasi dari sumber resmi.")
    lines.append("Langkah berikutnya setiap pegawai: kinerja tindakan")
    event.add("description", "\n".join(lines))
    event.add("categories", [role])
    event.add("transp", "TRANSPARENT")
    return event


def write_calendars(out_dir: Path, school: School, stamp: dt.date) -> list[Path]:
    """Write `kalender-<periode>.ics` for every periode of the school; returns what it wrote."""
    return [
        write_atomic(out_dir, layout.calendar_file(periode_id), calendar(school, periode_id, stamp))
        for periode_id in school.periode_ids()
    ]
