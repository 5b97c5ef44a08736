"""`kinerja isi`: records filled without writing YAML, from an answers file and through a pty."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result

from kinerja_build import schema
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file

GURU = "198305172009011004"


def _answers(tmp_path: Path, data: dict[str, object]) -> Path:
    path = tmp_path / "jawaban.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_answers_file_writes_a_valid_record_with_modeline(
    run_cli: Callable[..., Result], school: Path, tmp_path: Path
) -> None:
    # Last periode's SK does not carry over (issue 13): this year's is answered.
    sk = {"nomor": "421.3/007/SMPN3.SKM/I/2025", "tanggal": "2025-01-06"}
    answers = _answers(
        tmp_path,
        {
            "tugas_pokok": {"merencanakan_pembelajaran": "Menyusun modul ajar."},
            "tugas_tambahan": [{"jenis": "kepala-laboratorium", "sk": sk}],
        },
    )
    result = run_cli(
        "isi",
        "tugas",
        "--root",
        str(school),
        "--nip",
        GURU,
        "--periode",
        "2025",
        "--jawaban",
        str(answers),
        "--timpa",
    )
    assert result.exit_code == 0, result.output
    path = school / "records" / "kinerja" / "2025" / GURU / "tugas.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        "# yaml-language-server: $schema=../../../../schemas/tugas.schema.json\n"
    )
    assert f'pegawai: "{GURU}"' in text
    loaded = load_file(path, path.name, DEFAULT_MAX_BYTES)
    assert loaded.ok and schema.check("tugas", loaded.data) == []
    assert run_cli("validate", "--root", str(school)).exit_code in (0, 1)


def test_missing_field_is_reported_in_indonesian_and_nothing_written(
    run_cli: Callable[..., Result], school: Path, tmp_path: Path
) -> None:
    answers = _answers(tmp_path, {"nama": "Guru Baru, S.Pd.", "status_kepegawaian": "non_asn"})
    args = [
        "isi",
        "pegawai",
        "--root",
        str(school),
        "--nip",
        "non-asn-guru-baru",
        "--jawaban",
        str(answers),
    ]
    result = run_cli(*args)
    assert result.exit_code == 1
    assert "KIN101" in result.output and "berkas tidak ditulis" in result.output
    assert not (school / "records" / "pegawai" / "non-asn-guru-baru.yaml").exists()


def test_hostile_text_is_escaped_or_refused(
    run_cli: Callable[..., Result], school: Path, tmp_path: Path
) -> None:
    hostile = "<script>alert(1)</script>\x1b[31m: - [x] # bukan komentar\n---\n"
    answers = _answers(tmp_path, {"tugas_pokok": {"merencanakan_pembelajaran": hostile}})
    args = [
        "isi",
        "tugas",
        "--root",
        str(school),
        "--nip",
        GURU,
        "--periode",
        "2025",
        "--jawaban",
        str(answers),
        "--timpa",
    ]
    result = run_cli(*args)
    path = school / "records" / "kinerja" / "2025" / GURU / "tugas.yaml"
    if result.exit_code == 0:  # written: the text must come back exactly, as data
        loaded = load_file(path, path.name, DEFAULT_MAX_BYTES)
        assert loaded.ok, loaded.diagnostics
        assert loaded.data["tugas_pokok"]["merencanakan_pembelajaran"] == hostile
    else:  # refused with a clear message
        assert "Traceback" not in result.output
    too_long = _answers(tmp_path, {"tugas_pokok": {"merencanakan_pembelajaran": "x" * 10_000}})
    refused = run_cli(*args[:-2], str(too_long), "--timpa")
    assert refused.exit_code == 1 and "KIN106" in refused.output


def test_existing_file_is_not_overwritten(
    run_cli: Callable[..., Result], school: Path, tmp_path: Path
) -> None:
    answers = _answers(tmp_path, {})
    result = run_cli(
        "isi",
        "tugas",
        "--root",
        str(school),
        "--nip",
        GURU,
        "--periode",
        "2025",
        "--jawaban",
        str(answers),
    )
    assert result.exit_code == 2 and "--timpa" in result.output


def test_interactive_through_a_pseudo_terminal(school: Path) -> None:
    """A person answering on a terminal: menus, a wrong answer corrected, defaults kept."""
    master, slave = pty.openpty()
    command = [
        sys.executable,
        "-m",
        "kinerja_build",
        "isi",
        "tugas",
        "--root",
        str(school),
        "--nip",
        GURU,
        "--periode",
        "2026",
    ]
    # In December 2026: 2026 is the running periode (no folder in the base school yet).
    env = {**os.environ, "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1797292800"}
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    answers = iter(["y", "y", "   ", "Modul ajar disusun bersama MGMP."])
    transcript = b""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        transcript += chunk
        if chunk.rstrip().endswith((b":", b"]:", b"?", b"[y/N]:", b"[Y/n]:")):
            answer = next(answers, "n")
            os.write(master, answer.encode() + b"\n")
    process.wait(timeout=10)
    os.close(master)
    text = transcript.decode("utf-8", "replace")
    assert "Isi Pelaksanaan tugas pokok (tugas_pokok)?" in text
    assert "tidak boleh kosong" in text  # the blank answer was refused and asked again
    written = school / "records" / "kinerja" / "2026" / GURU / "tugas.yaml"
    assert "Modul ajar disusun bersama MGMP." in written.read_text(encoding="utf-8")


def test_a_periode_the_school_does_not_have_is_refused_before_asking(
    run_cli: Callable[..., Result], school: Path, tmp_path: Path
) -> None:
    """`--periode 2099` is a typo, not a new periode (that is `kinerja mulai`): exit 2."""
    answers = _answers(tmp_path, {"tugas_pokok": {"merencanakan_pembelajaran": "Modul ajar."}})
    args = ["isi", "tugas", "--root", str(school), "--nip", GURU, "--jawaban", str(answers)]
    result = run_cli(*args, "--periode", "2099")
    assert result.exit_code == 2, result.output
    assert "--periode 2099: sekolah ini tidak punya catatan maupun pegawai" in result.output
    assert "Periode yang ada di sekolah ini: 2024-1, 2025" in result.output
    assert "kinerja mulai PERIODE" in result.output
    assert not (school / "records" / "kinerja" / "2099").exists()
