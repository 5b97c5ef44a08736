"""`kinerja init`: a new school repository that validates clean from the first minute."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import jinja2

from kinerja_build import domain, resources
from kinerja_build.errors import UsageProblem

_TEMPLATES = resources.PACKAGE_DIR / "templates" / "init"
KS_ID = "197508172000121002"
GURU_ID = "199204102019032011"


def current_periode(today: dt.date) -> str:
    """The periode running on `today` ("2024-1"/"2024-2" in 2024, the year afterwards)."""
    if today.year <= 2024:
        return f"2024-{1 if today.month <= 6 else 2}"
    return str(today.year)


def create(directory: Path, periode_id: str) -> list[Path]:
    """Write the new repository; refuses to touch an existing school repository."""
    try:
        periode = domain.parse_periode(periode_id)
    except domain.PeriodeError as error:
        raise UsageProblem(f"Periode tidak sah: {error}.") from error
    if (directory / "records").exists() or (directory.exists() and any(directory.iterdir())):
        raise UsageProblem(
            f"{directory} sudah berisi berkas; `kinerja init` hanya mengisi folder baru atau kosong."
        )
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    values = {
        "npsn": "20100001",
        "periode": periode.id,
        "semester": periode.regime.semester,
        "ks_mulai": dt.date(periode.year - 1, 7, 1).isoformat(),
        "diajukan": (periode.start + dt.timedelta(days=7)).isoformat(),
    }
    files = {
        "records/sekolah.yaml": "sekolah.yaml.j2",
        f"records/pegawai/{KS_ID}.yaml": "ks.yaml.j2",
        f"records/pegawai/{GURU_ID}.yaml": "guru.yaml.j2",
        f"records/kinerja/{periode.id}/{GURU_ID}/rencana.yaml": "rencana.yaml.j2",
        ".gitignore": "gitignore.j2",
        "mkdocs.yml": "mkdocs.yml.j2",
        "kinerja.yml": "kinerja.yml.j2",
        "README.md": "README.md.j2",
    }
    written = []
    for target, template in files.items():
        path = directory / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(environment.get_template(template).render(values), encoding="utf-8")
        written.append(path)
    schemas = directory / "schemas"
    schemas.mkdir()
    for source in sorted(resources.schemas_dir().glob("*.schema.json")):
        shutil.copyfile(source, schemas / source.name)
        written.append(schemas / source.name)
    (directory / "site").mkdir()
    index = directory / "site" / "index.md"
    index.write_text(
        "# Kinerja SD Negeri Contoh\n\nHalaman ini diganti oleh `kinerja build`.\n",
        encoding="utf-8",
    )
    written.append(index)
    return written
