"""Codes emitted by the load, schema and output stages (documented here, implemented there).

Load problems (KIN0xx) mean the file could not be read: they cannot be overridden in
kinerja.yml, except KIN013 (a missing modeline is only advice for editors).
"""

from __future__ import annotations

from kinerja_build.diagnostics import Severity
from kinerja_build.rules import Scope, declare

declare(
    "KIN001",
    "yaml-sintaks",
    "YAML tidak dapat dibaca (kesalahan sintaks).",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN002",
    "kunci-ganda",
    "Kunci yang sama ditulis dua kali dalam satu pemetaan.",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN003",
    "tag-khusus",
    "Tag YAML khusus (`!tag`, `!!binary`, …) tidak didukung.",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN004",
    "alias",
    "Anchor, alias, dan kunci gabung YAML tidak diizinkan.",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN005",
    "terlalu-besar",
    "Berkas atau jumlah berkas melebihi batas.",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN006",
    "bukan-teks",
    "Berkas bukan teks UTF-8 (biner atau pengodean lain).",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN007",
    "terlalu-dalam",
    "Struktur terlalu dalam atau terlalu banyak nilai.",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN008",
    "bukan-pemetaan",
    "Berkas kosong, bukan pemetaan, atau kuncinya bukan teks.",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN009",
    "di-luar-akar",
    "Jalur menunjuk ke luar repositori sekolah.",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN010",
    "berkas-tak-dikenal",
    "Berkas YAML di luar tata letak records/.",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN011",
    "banyak-dokumen",
    "Satu berkas berisi lebih dari satu dokumen YAML.",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN012",
    "berkas-hilang",
    "Berkas atau folder wajib tidak ada atau tidak terbaca.",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN013",
    "modeline",
    "Baris pertama bukan modeline `# yaml-language-server: $schema=…` untuk jenis catatannya.",
    scope=Scope.LOAD,
    severity=Severity.WARNING,
)
declare(
    "KIN014",
    "aturan-tak-berlaku",
    "`aturan:` di kinerja.yml menyebut kode yang tidak dikenal atau yang tingkatnya tetap.",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN015",
    "diabaikan",
    "Berkas atau folder di records/ diabaikan (nama diawali titik, akhiran bukan `.yaml` huruf "
    "kecil, atau folder bernama seperti catatan).",
    scope=Scope.LOAD,
    severity=Severity.WARNING,
)
declare(
    "KIN016",
    "angka-tak-wajar",
    "Angka terlalu besar, tak hingga (`.inf`), atau bukan angka (`.nan`).",
    scope=Scope.LOAD,
    overridable=False,
)
declare(
    "KIN017",
    "temuan-dibatasi",
    "Terlalu banyak temuan: sisanya dihitung, tidak ditampilkan satu per satu.",
    scope=Scope.SCHEMA,
    severity=Severity.WARNING,
    overridable=False,
)
declare("KIN101", "kolom-wajib", "Kolom wajib belum diisi.", scope=Scope.SCHEMA)
declare(
    "KIN102",
    "kolom-tak-dikenal",
    "Kolom tidak dikenal (salah ketik atau tidak didukung).",
    scope=Scope.SCHEMA,
)
declare("KIN103", "tipe-salah", "Jenis nilai salah (teks, angka, daftar, …).", scope=Scope.SCHEMA)
declare("KIN104", "nilai-tak-dikenal", "Nilai tidak ada dalam daftar pilihan.", scope=Scope.SCHEMA)
declare(
    "KIN105", "bentuk-salah", "Bentuk nilai salah (tanggal, NIP, NPSN, pola).", scope=Scope.SCHEMA
)
declare(
    "KIN106",
    "di-luar-batas",
    "Nilai, panjang, atau jumlah butir di luar batas.",
    scope=Scope.SCHEMA,
)
declare("KIN107", "skema-lain", "Pelanggaran skema lainnya.", scope=Scope.SCHEMA)
declare(
    "KIN901",
    "dokumen-dilewati",
    "Dokumen resmi tidak dibuat karena catatan sumbernya masih bergalat.",
    scope=Scope.RENDER,
    severity=Severity.INFO,
)
declare(
    "KIN902",
    "templat-galat",
    "Templat dokumen (bawaan atau milik sekolah di templates/pdf/) gagal dibaca atau dijalankan.",
    scope=Scope.RENDER,
)
declare(
    "KIN903",
    "sumber-ditolak",
    "Templat merujuk berkas atau alamat di luar templates/pdf/ dan logo sekolah; dokumen tidak dibuat.",
    scope=Scope.RENDER,
)
declare(
    "KIN904",
    "logo-tidak-ada",
    "Logo di sekolah.yaml tidak ada, terlalu besar, atau di luar folder records/.",
    scope=Scope.RENDER,
)
declare("KIN905", "pdf-gagal", "PDF gagal dibuat oleh WeasyPrint.", scope=Scope.RENDER)
declare(
    "KIN910",
    "situs-gagal",
    "Situs gagal dibangun (mkdocs.yml tanpa plugin kinerja, tema, atau folder site/).",
    scope=Scope.RENDER,
)
declare(
    "KIN911",
    "mkdocs-diabaikan",
    "Pengaturan mkdocs.yml diabaikan: kinerja build hanya memakai pengaturan berupa data.",
    scope=Scope.RENDER,
    severity=Severity.WARNING,
)
declare(
    "KIN912",
    "halaman-dilewati",
    "Berkas di folder situs tidak disalin (tautan simbolik, berkas khusus, terlalu besar).",
    scope=Scope.RENDER,
    severity=Severity.WARNING,
)

# Export readiness (pre-sync checks) and bundle verification: kinerja_build/export/.
for _code, _name, _title, _severity in (
    ("KIN801", "bukan-asn", "Pegawai non-ASN tidak diekspor ke BKN.", Severity.INFO),
    (
        "KIN802",
        "rencana-belum-disepakati",
        "Rencana kinerja belum ada atau belum disepakati.",
        Severity.INFO,
    ),
    ("KIN803", "belum-dinilai", "Pegawai belum dinilai pada periode ini.", Severity.INFO),
    (
        "KIN804",
        "atasan-kosong",
        "Tidak ada kepala sekolah definitif maupun Plt saat penilaian.",
        Severity.WARNING,
    ),
    (
        "KIN805",
        "penilai-plt",
        "Penilai berstatus Plt; data Plt harus ada di SIASN.",
        Severity.WARNING,
    ),
    (
        "KIN806",
        "rencana-kepala-sekolah",
        "Rencana kepala sekolah (SKP organisasi) belum disepakati.",
        Severity.WARNING,
    ),
    # A warning, like the other facts about the school that hold an export back (KIN804,
    # KIN806): the schema does not require `unor` and a new school from `kinerja init` has
    # none yet, so it must not fail a build that exports nobody; `aturan: {KIN807: galat}`.
    ("KIN807", "unit-kerja", "UNOR SIASN sekolah belum diisi di sekolah.yaml.", Severity.WARNING),
    (
        "KIN808",
        "jenjang-tanpa-koefisien",
        "PNS tanpa jenjang jabatan: koefisien AK tidak diketahui.",
        Severity.ERROR,
    ),
    (
        "KIN809",
        "catatan-bergalat",
        "Catatan pegawai masih bergalat; tidak diekspor.",
        Severity.WARNING,
    ),
    (
        "KIN820",
        "entri-tidak-aman",
        "Berkas ekspor memuat nama entri yang tidak aman atau ganda.",
        Severity.ERROR,
    ),
    (
        "KIN821",
        "ukuran-tidak-wajar",
        "Berkas ekspor terlalu besar atau rasio kompresinya tidak wajar.",
        Severity.ERROR,
    ),
    (
        "KIN822",
        "berkas-hilang",
        "Berkas yang tercantum atau dirujuk tidak ada di berkas ekspor.",
        Severity.ERROR,
    ),
    (
        "KIN823",
        "checksum",
        "Isi berkas tidak cocok dengan SHA-256 atau ukuran di manifest.",
        Severity.ERROR,
    ),
    (
        "KIN824",
        "berkas-tambahan",
        "Berkas ekspor memuat berkas yang tidak tercantum di manifest.",
        Severity.ERROR,
    ),
    (
        "KIN825",
        "json-skema",
        "JSON berkas ekspor tidak sah atau tidak sesuai skemanya.",
        Severity.ERROR,
    ),
    (
        "KIN826",
        "predikat-periode",
        "Isi berkas ekspor tidak konsisten (kuadran, periode, jumlah, hasil tahunan).",
        Severity.ERROR,
    ),
    ("KIN827", "angka-kredit", "Angka kredit atau koefisienId tidak sesuai rumus.", Severity.ERROR),
):
    declare(_code, _name, _title, scope=Scope.EKSPOR, severity=_severity)

# Approval commands (`kinerja setujui|tinjau-ulang|sepakati`): kinerja_build/review.py. A refusal
# of a command is not a finding kinerja.yml may soften: the step is not written either way.
declare(
    "KIN711",
    "transisi-tidak-sah",
    "Langkah persetujuan tidak sah dari status terakhir.",
    scope=Scope.REVIEW,
    overridable=False,
)
declare(
    "KIN712",
    "bukan-atasan",
    "Pelaku bukan atasan (atau bukan pemilik rencana).",
    scope=Scope.REVIEW,
    overridable=False,
)
declare(
    "KIN713",
    "persetujuan-basi",
    "Rencana berubah setelah disetujui; sepakati ditolak.",
    scope=Scope.REVIEW,
    overridable=False,
)
declare(
    "KIN714",
    "tidak-dapat-ditambah",
    "Langkah tidak dapat ditambahkan tanpa mengubah baris lain (mis. `status` bergaya `[...]`).",
    scope=Scope.REVIEW,
    overridable=False,
)

# Signed steps (`kinerja periksa-tanda-tangan`): kinerja_build/signatures.py, decision 0011.
for _code, _name, _title, _severity in (
    (
        "KIN721",
        "penanda-tangan-salah",
        "Langkah status ditandatangani kunci yang bukan milik orang yang berhak (di BASE).",
        Severity.ERROR,
    ),
    (
        "KIN722",
        "tanpa-tanda-tangan",
        "Commit yang menambahkan langkah status tidak ditandatangani.",
        Severity.ERROR,
    ),
    (
        "KIN723",
        "tanda-tangan-rusak",
        "Tanda tangan commit tidak cocok dengan isinya (riwayat ditulis ulang) atau tidak terperiksa.",
        Severity.ERROR,
    ),
    (
        "KIN724",
        "tanpa-kunci",
        "Orang yang berhak atas langkah status belum mencantumkan kunci SSH di BASE.",
        Severity.WARNING,
    ),
    (
        "KIN725",
        "riwayat-diubah",
        "Langkah status yang sudah ada di BASE diubah atau dihapus.",
        Severity.ERROR,
    ),
    (
        "KIN726",
        "otomatis-tanpa-plt",
        "Persetujuan otomatis atau langkah atasan tanpa Plt/atasan pada tanggal itu di BASE.",
        Severity.ERROR,
    ),
):
    declare(_code, _name, _title, scope=Scope.REVIEW, severity=_severity)
declare(
    "KIN715",
    "commit-gagal",
    "Commit bertanda tangan untuk langkah persetujuan gagal; langkah dibatalkan.",
    scope=Scope.REVIEW,
    overridable=False,
)
