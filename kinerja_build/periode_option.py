"""`--periode P` of the commands that work on a school's periodes (tindakan, ekspor bkn, isi).

One check for all of them, so a typo or a periode the school does not have (`--periode 2099`)
is a usage error (exit 2) naming the periodes it has, instead of an empty answer that looks
like "nothing to do". `kinerja init --periode` and `kinerja mulai` are not checked here: they
create a periode the school does not have yet.
"""

from __future__ import annotations

from kinerja_build import domain
from kinerja_build.errors import UsageProblem
from kinerja_build.model import School


def school_periodes(school: School) -> list[str]:
    """The periodes the school has, oldest first.

    A periode folder with records (records/kinerja/<periode>/), and the periode running on the
    build date while anybody is on its roster: before the first record of a new year is
    written, its people are already "belum mulai" and late once the plan deadline passes.
    """
    found = set(school.periode_ids())
    running = domain.current_periode(school.today)
    if running not in found and school.periode(running) is not None and school.roster(running):
        found.add(running)
    return sorted(found, key=lambda periode_id: domain.parse_periode(periode_id).start)


def check_periode(school: School, periode: str) -> str:
    """`periode` when it names one of the school's periodes; else a usage error listing them."""
    known = school_periodes(school)
    listing = (
        f"Periode yang ada di sekolah ini: {', '.join(known)}."
        if known
        else "Sekolah ini belum punya periode; mulai dengan `kinerja mulai PERIODE`."
    )
    try:
        domain.parse_periode(periode)
    except domain.PeriodeError as error:
        raise UsageProblem(f"--periode {periode}: {error}. {listing}") from error
    if periode not in known:
        raise UsageProblem(
            f"--periode {periode}: sekolah ini tidak punya catatan maupun pegawai untuk periode "
            f"itu. {listing} Periode baru dimulai dengan `kinerja mulai PERIODE`."
        )
    return periode
