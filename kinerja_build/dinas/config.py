"""dinas.yml: the district repository's configuration, loaded and checked like a record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_build import layout, schema
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file, locate
from kinerja_build.severity import make

CONFIG_NAMES = layout.DINAS_CONFIG_FILES


@dataclass(frozen=True, slots=True)
class SchoolSource:
    """Where one school's repository comes from."""

    id: str
    folder: Path | None = None  # absolute, for a local repository
    git: str | None = None
    cabang: str | None = None
    commit: str | None = None
    index: int = 0  # position in dinas.yml (for diagnostics)


@dataclass(slots=True)
class DistrictConfig:
    """The effective district configuration."""

    root: Path
    file: str
    nama: str
    kode: str
    kepala: dict[str, Any] = field(default_factory=dict)
    predikat_organisasi: dict[str, str] = field(default_factory=dict)
    schools: list[SchoolSource] = field(default_factory=list)


def config_path(root: Path) -> Path | None:
    present = [root / name for name in CONFIG_NAMES if (root / name).is_file()]
    return present[0] if present else None


def load_district(root: Path) -> tuple[DistrictConfig | None, list[Diagnostic]]:
    """Read and check dinas.yml; None when it cannot be used (the diagnostics say why)."""
    root = root.resolve()
    path = config_path(root)
    if path is None:
        return None, [
            make(
                "KIN012",
                CONFIG_NAMES[0],
                f"Berkas `dinas.yml` tidak ditemukan di {root}.",
                "Jalankan dari folder repositori Dinas, beri `--root DIR`, atau buat yang baru "
                "dengan `kinerja dinas init DIR`.",
            )
        ]
    rel = path.name
    loaded = load_file(path, rel, DEFAULT_MAX_BYTES)
    if not loaded.ok:
        return None, loaded.diagnostics
    problems = [
        make(
            problem.code,
            rel,
            problem.message,
            problem.hint,
            problem.json_path,
            *locate(path, problem.json_path, key=problem.at_key),
        )
        for problem in schema.check(schema.DINAS_KIND, loaded.data)
    ]
    if problems:
        return None, problems
    data: dict[str, Any] = loaded.data
    config = DistrictConfig(
        root=root,
        file=rel,
        nama=data["dinas"]["nama"],
        kode=data["dinas"]["kode"],
        kepala=dict(data["dinas"].get("kepala", {})),
        predikat_organisasi=dict(data.get("predikat_organisasi", {})),
    )
    diagnostics = list(_sources(config, data["sekolah"], path))
    return config, diagnostics


def _sources(
    config: DistrictConfig, entries: list[dict[str, Any]], path: Path
) -> Iterator[Diagnostic]:
    """Fill config.schools; every entry that cannot be used is reported and left out."""
    seen: dict[str, int] = {}

    def problem(code: str, where: tuple[str | int, ...], message: str, hint: str) -> Diagnostic:
        line, column = locate(path, where)
        return make(code, config.file, message, hint, where, line, column)

    for index, entry in enumerate(entries):
        school_id = entry["id"]
        if school_id in seen:
            yield problem(
                "KIN951",
                ("sekolah", index, "id"),
                f"ID sekolah `{school_id}` sudah dipakai di entri ke-{seen[school_id] + 1}.",
                "Beri setiap sekolah ID yang berbeda; ID menjadi nama folder keluarannya.",
            )
            continue
        seen[school_id] = index
        if "folder" in entry:
            unused = [key for key in ("cabang", "commit") if key in entry]
            if unused:
                yield problem(
                    "KIN950",
                    ("sekolah", index, unused[0]),
                    f"`{unused[0]}` hanya berlaku untuk sumber `git`, bukan `folder`.",
                    f"Hapus `{unused[0]}`, atau ganti `folder` dengan `git: URL`.",
                )
                continue
            folder = (config.root / entry["folder"]).resolve()
            if not folder.is_dir():
                yield problem(
                    "KIN950",
                    ("sekolah", index, "folder"),
                    f"Folder sekolah `{entry['folder']}` tidak ditemukan ({folder}).",
                    "Periksa jalurnya (relatif terhadap dinas.yml) atau klon repositori sekolah "
                    "ke sana; sekolah lain tetap dibangun.",
                )
                continue
            config.schools.append(SchoolSource(school_id, folder=folder, index=index))
        else:
            if "cabang" in entry and "commit" in entry:
                yield problem(
                    "KIN950",
                    ("sekolah", index, "commit"),
                    "Isi `cabang` atau `commit`, tidak keduanya.",
                    "Pakai `commit` untuk versi yang tetap, `cabang` untuk versi terbaru.",
                )
                continue
            config.schools.append(
                SchoolSource(
                    school_id,
                    git=entry["git"],
                    cabang=entry.get("cabang"),
                    commit=entry.get("commit"),
                    index=index,
                )
            )
