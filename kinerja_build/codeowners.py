"""`kinerja codeowners`: who must review changes to whose records, for GitHub's CODEOWNERS.

Each person's pegawai file and record folders are owned by the person and by their atasan on
the given day (the kepala sekolah, definitive or Plt), given GitHub usernames in
`pegawai/*.yaml`. GitHub then requests the right reviewer on every pull request automatically.
"""

from __future__ import annotations

import datetime as dt

from kinerja_build.model import School

HEADER = (
    "# Dibuat oleh `kinerja codeowners` dari records/pegawai/*.yaml; jangan disunting manual.\n"
    "# Setiap pegawai dan atasannya meninjau perubahan catatan pegawai itu.\n"
)


def generate(school: School, day: dt.date) -> str:
    lines = [HEADER]
    for pegawai_id in sorted(school.pegawai):
        person = school.person(pegawai_id)
        if person is None:
            continue
        owners = [person.get("github")]
        atasan = school.atasan(pegawai_id, day)
        if atasan is not None and atasan.id and atasan.id != pegawai_id:
            boss = school.person(atasan.id)
            owners.append(boss.get("github") if boss else None)
        handles = sorted({f"@{name}" for name in owners if name})
        if not handles:
            lines.append(f"# {pegawai_id}: belum ada nama pengguna GitHub (kolom `github`)\n")
            continue
        joined = " ".join(handles)
        lines.append(f"/records/pegawai/{pegawai_id}.yaml {joined}\n")
        lines.append(f"/records/kinerja/*/{pegawai_id}/ {joined}\n")
    return "".join(lines)
