"""Appending a status step as text: every byte of the file stays, only the new lines are added."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kinerja_build import forms
from kinerja_build.load import load_text
from kinerja_build.yaml_append import AppendError, append_entry

REPO = Path(__file__).resolve().parent.parent
KS = "197508172000121002"
STEP = [("status", "disetujui"), ("tanggal", "2026-01-20"), ("oleh", KS), ("sha256", "ab" * 32)]
LONG = "Rapor Pendidikan menunjukkan " + "iklim keamanan kelas perlu ditingkatkan, " * 6

HEAD = f"""# yaml-language-server: $schema=../../../../schemas/rencana.schema.json
# Rencana kinerja 2026: ditulis tangan.
pegawai: "199204102019032011"
periode: '2026'
praktik_kinerja:
  indikator: disiplin-positif
  alasan: {LONG.strip()}
  target: "Baris \\"dikutip\\" dengan escape \\t dan \\u00e9."
perilaku_kerja: [kolaboratif, adaptif]  # komentar di baris
"""

# (name, file text, lines expected after the existing entries, where they go)
STYLES = {
    # init and the demo: list indented by two, ids double-quoted, dates plain
    "indent-2": (
        HEAD + 'status:\n  - status: diajukan\n    tanggal: 2026-01-08\n    oleh: "1992"\n',
        [
            "  - status: disetujui",
            "    tanggal: 2026-01-20",
            f'    oleh: "{KS}"',
            f"    sha256: {'ab' * 32}",
        ],
    ),
    # PyYAML's dump (kinerja isi): list at column 0, single-quoted dates
    "indent-0": (
        HEAD + "status:\n- status: diajukan\n  tanggal: '2026-01-08'\n  oleh: '1992'\n",
        [
            "- status: disetujui",
            "  tanggal: '2026-01-20'",
            f"  oleh: '{KS}'",
            "  sha256: " + "ab" * 32,
        ],
    ),
    # the site forms: every text value double-quoted, dates plain
    "forms": (
        HEAD + 'status:\n  - status: "diajukan"\n    tanggal: 2026-01-08\n    oleh: "1992"\n',
        [
            '  - status: "disetujui"',
            "    tanggal: 2026-01-20",
            f'    oleh: "{KS}"',
            f'    sha256: "{"ab" * 32}"',  # a new key takes the quoting of the values around it
        ],
    ),
    # by hand: wide dash gap, comments inside and after the list, a later key
    "hand": (
        HEAD
        + "status:\n  # diajukan lewat PR #3\n  -   status: diajukan\n      tanggal: 2026-01-08\n"
        + '      oleh: "1992"  # guru\n      catatan: |\n        Baris satu.\n\n        Baris dua.\n'
        + "\n# catatan penutup di kolom pertama\nlampiran: []\n",
        [
            "  -   status: disetujui",
            "      tanggal: 2026-01-20",
            f'      oleh: "{KS}"',
            f"      sha256: {'ab' * 32}",
        ],
    ),
}


def _split(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _added(before: str, after: str) -> tuple[int, list[str]]:
    """Where lines were inserted and which; fails if anything else changed."""
    old, new = _split(before), _split(after)
    assert len(new) > len(old)
    start = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old))
    count = len(new) - len(old)
    assert new[:start] + new[start + count :] == old, "only insertions, nothing else changed"
    return start, [line.rstrip("\r\n") for line in new[start : start + count]]


@pytest.mark.parametrize("style", sorted(STYLES))
def test_the_diff_is_exactly_the_appended_lines(style: str) -> None:
    text, expected = STYLES[style]
    after = append_entry(text.encode(), "status", STEP).decode()
    position, added = _added(text, after)
    assert added == expected
    last_entry_line = max(
        i for i, line in enumerate(_split(text)) if "Baris dua" in line or "oleh:" in line
    )
    assert position == last_entry_line + 1
    assert load_text(after, "x").data["status"][-1] == dict(STEP)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_crlf_bom_and_a_missing_final_newline_are_kept(style: str) -> None:
    text = STYLES[style][0]
    crlf = "\ufeff" + text.replace("\n", "\r\n")
    after = append_entry(crlf.encode(), "status", STEP).decode()
    assert after.startswith("\ufeff") and "\n" not in after.replace("\r\n", "")
    _, added = _added(crlf, after)
    assert added == STYLES[style][1]
    if style != "hand":  # the status list is the end of the file
        bare = text.rstrip("\n")
        grown = append_entry(bare.encode(), "status", STEP).decode()
        assert grown.startswith(bare + "\n") and grown.endswith("\n")


def test_lines_before_a_document_start_marker_are_kept() -> None:
    text = "# yaml-language-server: $schema=x.json\n%YAML 1.1\n---\n" + STYLES["indent-2"][0]
    after = append_entry(text.encode(), "status", STEP).decode()
    assert after.startswith(text)
    ended = text + "...\n"
    after = append_entry(ended.encode(), "status", STEP).decode()
    assert after.endswith("...\n") and after.startswith(text)


def test_a_plt_step_and_a_note_that_needs_quoting() -> None:
    text = STYLES["indent-0"][0]
    note = "Perjelas: target #1 \"terukur\"\tdan 'jelas'\u2028baris"
    step = [
        ("status", "disetujui"),
        ("tanggal", "2026-01-20"),
        ("otomatis", True),
        ("catatan", note),
    ]
    after = append_entry(text.encode(), "status", step).decode()
    _, added = _added(text, after)
    assert added[2] == "  otomatis: true"
    assert load_text(after, "x").data["status"][-1] == dict(step)


def test_a_plain_id_stays_plain_when_it_reads_back_as_text() -> None:
    text = HEAD + "status:\n  - status: diajukan\n    tanggal: 2026-01-08\n    oleh: non-asn-rina\n"
    for actor, shown in (("non-asn-budi", "non-asn-budi"), (KS, f'"{KS}"'), ("yes", '"yes"')):
        step = [("status", "ditinjau_ulang"), ("tanggal", "2026-01-20"), ("oleh", actor)]
        _, added = _added(text, append_entry(text.encode(), "status", step).decode())
        assert added[2] == f"    oleh: {shown}"


def test_the_isi_writer_style_round_trips() -> None:
    data = load_text(STYLES["indent-2"][0], "x").data
    text = forms.to_yaml("rencana", data, 4)
    after = append_entry(text.encode(), "status", STEP).decode()
    _, added = _added(text, after)
    assert added[0] == "- status: disetujui"
    assert load_text(after, "x").data == {**data, "status": [*data["status"], dict(STEP)]}


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "status: [{status: diajukan, tanggal: 2026-01-08, oleh: '1'}]\n",
        HEAD + "status:\n  - {status: diajukan, tanggal: 2026-01-08}\n",
        HEAD + "status: []\n",
        HEAD,
        "- a\n",
        "a: [\n",
    ],
)
def test_shapes_that_cannot_grow_as_text_are_refused(text: str) -> None:
    with pytest.raises(AppendError):
        append_entry(text.encode(), "status", STEP)


def test_a_keep_chomping_block_scalar_moves_the_insertion_point() -> None:
    text = (
        HEAD
        + "status:\n  - status: diajukan\n    tanggal: 2026-01-08\n    catatan: |+\n      x\n\n"
    )
    after = append_entry(text.encode(), "status", STEP).decode()
    assert after.startswith(text)
    assert load_text(after, "x").data["status"][0]["catatan"] == "x\n\n"


def test_the_site_forms_writer_style_round_trips(tmp_path: Path) -> None:
    """The YAML the site's forms produce (formulir.js run in node), then an approval."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node missing")
    script = (REPO / "kinerja_build" / "site" / "assets" / "formulir.js").read_text("utf-8")
    writer = script[script.index("  function quote(") : script.index("  function pathOf(")]
    data = load_text(STYLES["indent-2"][0], "x").data
    program = tmp_path / "tulis.js"
    program.write_text(
        f"{writer}\nprocess.stdout.write(toYaml('rencana', {json.dumps(data)}));\n", "utf-8"
    )
    text = subprocess.run([node, str(program)], capture_output=True, text=True, check=True).stdout
    assert load_text(text, "x").data == data and '  - status: "diajukan"' in text
    after = append_entry(text.encode(), "status", STEP).decode()
    _, added = _added(text, after)
    assert added == STYLES["forms"][1]
