"""Rules about people and the school: NIP, status kepegawaian, eligibility, kepala sekolah."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from kinerja_build import domain
from kinerja_build.diagnostics import Severity
from kinerja_build.model import Record, RecordFile
from kinerja_build.rules import Context, Finding, pegawai_rule, school_rule, sekolah_rule

GOLONGAN_PNS = {f"{roman}/{letter}" for roman in ("I", "II", "III", "IV") for letter in "abcd"} | {
    "IV/e"
}


@pegawai_rule(
    "KIN301",
    "nip-struktur",
    "NIP harus 18 digit dengan tanggal lahir, TMT, dan kode jenis kelamin yang sah.",
)
def nip_struktur(ctx: Context, record: Record) -> Iterator[Finding]:
    """NIP = tanggal lahir (8 digit) + TMT tahun-bulan (6) + jenis kelamin (1 = laki-laki,
    2 = perempuan) + nomor urut (3). Pada NIP PPPK, digit 13–14 berisi kode PPPK (lihat data
    referensi). Bila tanggal lahir atau jenis kelamin juga dicatat, keduanya harus cocok dengan
    NIP; ketidakcocokan seperti ini membuat sinkronisasi PMM → e-Kinerja gagal."""
    data = record.data
    nip = data.get("nip")
    if not nip:
        return
    parts, problem = domain.parse_nip(nip, pppk=data["status_kepegawaian"] == "pppk")
    if parts is None:
        yield Finding(
            ("nip",),
            f"NIP {nip} tidak sah: {problem}.",
            "Salin NIP persis dari SK atau Verval PTK.",
        )
        return
    born = domain.parse_date(data.get("tanggal_lahir"))
    if born is not None and born != parts.birth:
        yield Finding(
            ("tanggal_lahir",),
            f"Tanggal lahir {born.isoformat()} tidak cocok dengan NIP ({parts.birth.isoformat()}).",
            "Perbaiki tanggal lahir atau NIP agar sama dengan data Dapodik/SIASN.",
        )
    gender = data.get("jenis_kelamin")
    if gender and gender != parts.gender:
        yield Finding(
            ("jenis_kelamin",),
            f"Jenis kelamin {gender} tidak cocok dengan digit ke-15 NIP ({parts.gender}).",
            "Perbaiki jenis kelamin atau NIP agar sama dengan data Dapodik/SIASN.",
        )


@school_rule("KIN302", "nip-ganda", "Satu NIP hanya boleh dipakai oleh satu pegawai.")
def nip_ganda(ctx: Context) -> Iterator[Finding]:
    """NIP ganda membuat data dua orang tercampur di dokumen resmi dan di ekspor BKN."""
    owners: dict[str, list[RecordFile]] = defaultdict(list)
    for record in ctx.school.pegawai.values():
        if record.data is not None and record.data.get("nip"):
            owners[record.data["nip"]].append(record)
    for nip, records in owners.items():
        if len(records) > 1:
            names = ", ".join(r.rel for r in records)
            for record in records:
                yield Finding(
                    ("nip",),
                    f"NIP {nip} dipakai di lebih dari satu berkas: {names}.",
                    "Setiap pegawai punya NIP sendiri; periksa berkas yang tersalin.",
                    file=record.rel,
                )


@pegawai_rule(
    "KIN303",
    "status-kepegawaian",
    "Data kepegawaian harus sesuai statusnya (PNS, PPPK, non-ASN).",
)
def status_kepegawaian(ctx: Context, record: Record) -> Iterator[Finding]:
    """PNS dan PPPK wajib punya NIP dan pangkat/golongan (PNS: I/a–IV/e; PPPK: I–XVII);
    PNS guru wajib punya jenjang jabatan (dasar koefisien angka kredit). Non-ASN tidak punya
    NIP, golongan, maupun jenjang jabatan fungsional."""
    data = record.data
    status = data["status_kepegawaian"]
    golongan = data.get("pangkat_golongan")
    if status in ("pns", "pppk"):
        if not data.get("nip"):
            yield Finding(
                (),
                f"Pegawai berstatus {status.upper()} wajib punya NIP.",
                'Tambahkan `nip: "…"` (18 digit).',
            )
        if not golongan:
            yield Finding(
                (),
                f"Pegawai berstatus {status.upper()} wajib punya pangkat_golongan.",
                "Tambahkan `pangkat_golongan`, mis. `III/b` (PNS) atau `IX` (PPPK).",
            )
        elif (status == "pns") != (golongan in GOLONGAN_PNS):
            expected = "I/a sampai IV/e" if status == "pns" else "I sampai XVII"
            yield Finding(
                ("pangkat_golongan",),
                f"Golongan {golongan} tidak berlaku untuk {status.upper()}.",
                f"Golongan {status.upper()} adalah {expected}.",
            )
        if status == "pns" and data["peran"] == "guru" and not data.get("jenjang_jabatan"):
            yield Finding(
                (),
                "Guru PNS wajib punya jenjang_jabatan.",
                "Tambahkan `jenjang_jabatan: ahli_pertama` (atau ahli_muda, ahli_madya, ahli_utama).",
            )
    else:
        for field in ("nip", "pangkat_golongan", "jenjang_jabatan"):
            if field in data:
                yield Finding(
                    (field,),
                    f"Pegawai non-ASN tidak punya {field}.",
                    "Hapus kolom ini, atau ubah status_kepegawaian bila orang ini ASN.",
                    at_key=True,
                )


@pegawai_rule(
    "KIN304",
    "jenis-ptk-berhak",
    "Hanya jenis PTK yang berhak yang ikut pengelolaan kinerja.",
)
def jenis_ptk_berhak(ctx: Context, record: Record) -> Iterator[Finding]:
    """Fitur pengelolaan kinerja hanya untuk guru dan kepala sekolah dengan jenis PTK tertentu
    di Dapodik (guru mapel, guru kelas, guru BK, …). Tenaga kependidikan tidak didukung.
    Aturan ini hanya berlaku bagi orang yang punya catatan kinerja."""
    data = record.data
    assert data is not None and record.owner is not None
    if not any(record.owner in people for people in ctx.school.periods.values()):
        return
    allowed = set(ctx.referensi["jenis_ptk_berhak"])
    if data["jenis_ptk"] not in allowed:
        yield Finding(
            ("jenis_ptk",),
            f"Jenis PTK `{data['jenis_ptk']}` tidak berhak mengikuti pengelolaan kinerja guru.",
            "Bila datanya salah, minta Operator Sekolah memperbaiki Jenis PTK di Dapodik lalu "
            "perbarui berkas ini; bila benar, hapus catatan kinerja orang ini.",
        )


@pegawai_rule(
    "KIN305",
    "non-asn-opsional",
    "Pengelolaan kinerja non-ASN bersifat anjuran dan tidak diekspor ke BKN.",
    severity=Severity.INFO,
)
def non_asn_opsional(ctx: Context, record: Record) -> Iterator[Finding]:
    """Guru non-ASN dianjurkan, tidak diwajibkan, mengikuti pengelolaan kinerja. Catatannya
    divalidasi dan dicetak seperti biasa, tetapi tidak masuk ekspor BKN."""
    data = record.data
    assert data is not None and record.owner is not None
    if data["status_kepegawaian"] == "non_asn" and any(
        record.owner in p for p in ctx.school.periods.values()
    ):
        yield Finding(
            ("status_kepegawaian",),
            "Pegawai non-ASN: pengelolaan kinerja bersifat anjuran; tidak diekspor ke BKN.",
            "Tidak perlu tindakan.",
        )


@pegawai_rule(
    "KIN306",
    "peran-jenis-ptk",
    "Peran kepala_sekolah harus sejalan dengan jenis PTK kepala_sekolah.",
)
def peran_jenis_ptk(ctx: Context, record: Record) -> Iterator[Finding]:
    """Peran menentukan daftar indikator (D1 guru, D3 kepala sekolah) dan pejabat penilai, jadi
    harus sama dengan jenis PTK di Dapodik."""
    data = record.data
    if (data["peran"] == "kepala_sekolah") != (data["jenis_ptk"] == "kepala_sekolah"):
        yield Finding(
            ("peran",),
            f"Peran `{data['peran']}` tidak sejalan dengan jenis PTK `{data['jenis_ptk']}`.",
            "Kepala sekolah: `peran: kepala_sekolah` dan `jenis_ptk: kepala_sekolah`; guru: peran guru "
            "dengan jenis PTK guru.",
        )


@sekolah_rule(
    "KIN702",
    "kepala-sekolah",
    "Riwayat kepala sekolah harus merujuk pegawai yang benar dan tidak tumpang-tindih.",
)
def kepala_sekolah(ctx: Context, record: Record) -> Iterator[Finding]:
    """Setiap entri definitif/plt menyebut pegawai dengan peran kepala_sekolah (Plt boleh guru);
    entri kosong tidak menyebut pegawai; masa jabatan berurutan dan tidak tumpang-tindih. Dari
    riwayat inilah atasan setiap guru ditentukan."""
    data = record.data
    previous_end = None
    for index, entry in enumerate(data["kepala_sekolah"]):
        path = ("kepala_sekolah", index)
        ks_id = entry.get("pegawai")
        if entry["status"] == "kosong":
            if ks_id:
                yield Finding(
                    (*path, "pegawai"),
                    "Entri berstatus kosong tidak boleh menyebut pegawai.",
                    "Hapus `pegawai`, atau ubah status menjadi definitif/plt.",
                )
        elif not ks_id:
            yield Finding(
                path,
                f"Entri kepala sekolah {entry['status']} wajib menyebut pegawai.",
                'Tambahkan `pegawai: "<NIP>"` kepala sekolah atau Plt.',
            )
        else:
            person = ctx.school.person(ks_id)
            if ks_id not in ctx.school.pegawai:
                yield Finding(
                    (*path, "pegawai"),
                    f"Pegawai `{ks_id}` tidak ada di records/pegawai/.",
                    "Tambahkan data pegawainya atau perbaiki NIP.",
                )
            elif (
                person is not None
                and entry["status"] == "definitif"
                and person["peran"] != "kepala_sekolah"
            ):
                yield Finding(
                    (*path, "pegawai"),
                    f"`{ks_id}` tercatat sebagai kepala sekolah definitif, "
                    "tetapi perannya bukan kepala_sekolah.",
                    "Ubah `peran` di data pegawainya, atau catat sebagai plt.",
                )
        start = domain.parse_date(entry["mulai"])
        end = domain.parse_date(entry.get("selesai"))
        if start and end and end < start:
            yield Finding(
                (*path, "selesai"),
                "Tanggal selesai lebih awal dari tanggal mulai.",
                "Periksa tanggalnya.",
            )
        if start and previous_end is not None and start <= previous_end:
            yield Finding(
                (*path, "mulai"),
                "Masa jabatan ini tumpang-tindih dengan entri sebelumnya.",
                "Urutkan entri dari yang terlama dan isi `selesai` pada entri sebelumnya.",
            )
        if start and index < len(data["kepala_sekolah"]) - 1 and end is None:
            yield Finding(
                path,
                "Hanya entri terakhir yang boleh tanpa tanggal selesai.",
                "Isi `selesai` pada entri ini.",
            )
        previous_end = end
