"""Codes of the district build (`kinerja dinas build`): dinas.yml, schools, cross-school checks.

They are reported in the district's own output (terminal, dinas.json, dashboard), not in a
school's validation report, so a school's `aturan:` does not change them.
"""

from __future__ import annotations

from kinerja_build.diagnostics import Severity
from kinerja_build.rules import Scope, declare

declare(
    "KIN950",
    "dinas-sekolah-tidak-ada",
    "Sumber sekolah di dinas.yml tidak dapat dipakai (folder tidak ada, klon git gagal, isian bertentangan).",
    scope=Scope.DINAS,
    overridable=False,
)
declare(
    "KIN951",
    "dinas-id-ganda",
    "ID sekolah dipakai dua kali di dinas.yml.",
    scope=Scope.DINAS,
    overridable=False,
)
declare(
    "KIN952",
    "dinas-sekolah-gagal",
    "Sekolah gagal dibangun (kesalahan internal atau pekerja berhenti); sekolah lain tetap dibangun.",
    scope=Scope.DINAS,
    overridable=False,
)
declare(
    "KIN953",
    "dinas-nip-ganda",
    "Satu NIP tercatat di dua sekolah; tidak diekspor di berkas gabungan sampai diperbaiki.",
    scope=Scope.DINAS,
    overridable=False,
)
declare(
    "KIN954",
    "dinas-ks-ganda",
    "Satu orang tercatat sebagai kepala sekolah (definitif atau Plt) di dua sekolah pada waktu yang sama.",
    scope=Scope.DINAS,
    overridable=False,
    severity=Severity.WARNING,
)
declare(
    "KIN955",
    "dinas-npsn-ganda",
    "Satu NPSN dipakai oleh dua sekolah.",
    scope=Scope.DINAS,
    overridable=False,
)
declare(
    "KIN956",
    "dinas-pola-distribusi",
    "Sebaran predikat pegawai di luar pola distribusi predikat kinerja organisasi "
    "(PermenPANRB 6/2022; ditampilkan, tidak memblokir).",
    scope=Scope.DINAS,
    overridable=False,
    severity=Severity.INFO,
)
declare(
    "KIN957",
    "dinas-sekolah-bergalat",
    "Catatan sekolah ini mempunyai galat; pegawai yang terdampak tidak diekspor.",
    scope=Scope.DINAS,
    overridable=False,
    severity=Severity.WARNING,
)
