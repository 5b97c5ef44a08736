"""`kinerja serve` through its HTTP interface (Starlette's test client, no browser).

Each test works on a copy of the demo school. The browser plays the whole approval loop in
tests/test_app_browser.py; here: the write guards (CSRF token, stale edits, sign-in, checked
paths), diagnostics placed at their field, escaping, and refusals identical to the CLI's.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from kinerja_build.app import access, store
from kinerja_build.app.server import Settings, create_app
from kinerja_build.cli import cli

REPO = Path(__file__).resolve().parent.parent
GURU = "199006142022211004"  # Agus Setiadi, PPPK guru: his 2025 folder is removed below
KS = "197404122000031003"
WAHYU = "198809032023211002"
UJANG = "196802141994121001"  # Ahli Madya PNS, assessed "baik" in 2025  # his 2025 plan waits for the KS (diajukan)
RENCANA = f"/formulir/rencana?pegawai={GURU}&periode=2025"
DAY = dt.date(2025, 1, 10)


@pytest.fixture
def school(tmp_path: Path) -> Path:
    root = tmp_path / "sekolah"
    root.mkdir()
    for name in ("records", "schemas"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "kinerja.yml", root / "kinerja.yml")
    shutil.rmtree(root / "records" / "kinerja" / "2025" / GURU)
    return root


def _client(root: Path, day: dt.date = DAY, **settings: object) -> TestClient:
    app = create_app(Settings(root, today=lambda: day, **settings))  # type: ignore[arg-type]
    return TestClient(app, base_url="http://127.0.0.1")


def _csrf(page: str) -> str:
    match = re.search(r'name="_csrf" value="([^"]+)"', page)
    assert match, page
    return match[1]


def _as(client: TestClient, person: str) -> str:
    token = _csrf(client.get("/").text)
    response = client.post("/saya", data={"_csrf": token, "pegawai": person})
    assert response.status_code == 200, response.text
    return token


def _plan(token: str, **extra: str) -> dict[str, object]:
    return {
        "_csrf": token,
        "_dibuka": "",
        "praktik_kinerja.indikator": "disiplin-positif",
        "praktik_kinerja.alasan": "Murid sering terlambat masuk kelas.",
        "praktik_kinerja.target": "Kesepakatan kelas disusun bersama murid.",
        "pengembangan_kompetensi.0.kegiatan": "Pelatihan disiplin positif",
        "pengembangan_kompetensi.0.indikator_kompetensi": "Menyusun kesepakatan kelas",
        "perilaku_kerja": ["kompeten", "kolaboratif"],
        **extra,
    }


def _errors(page: str) -> dict[str, list[str]]:
    """Field id → the messages shown right after it."""
    found: dict[str, list[str]] = {}
    for field_id, text in re.findall(
        r'<p class="galat" id="(f-[a-z0-9-]+?)-galat[-0-9]*">([^<]*)</p>', page
    ):
        found.setdefault(field_id, []).append(text)
    return found


def test_every_form_opens_with_names_not_ids_and_nothing_chosen(school: Path) -> None:
    client = _client(school)
    for kind in ("rencana", "siklus", "penilaian", "pengembangan-kompetensi", "tugas"):
        page = client.get(f"/formulir/{kind}?pegawai={GURU}&periode=2025").text
        assert " selected" not in page and " checked" not in page.replace('value="" checked', "")
    page = client.get(RENCANA).text
    assert "Penerapan Disiplin Positif" in page and ">disiplin-positif<" not in page
    assert "Presentasi Visi-Misi" not in page  # a guru sees the D1 list only
    assert "Berorientasi Pelayanan" in page and ">berorientasi_pelayanan<" not in page
    for kind in ("pegawai", "sekolah"):
        assert client.get(f"/formulir/{kind}?pegawai={GURU}").status_code == 200
    # An assessment shows the model's predikat and angka kredit beside the ratings.
    page = client.get(f"/formulir/penilaian?pegawai={UJANG}&periode=2025").text
    assert "<dt>Predikat</dt><dd>Baik</dd>" in page and "<dt>Angka kredit</dt>" in page


def test_a_plan_is_saved_as_a_draft_by_its_owner(school: Path) -> None:
    client = _client(school)
    token = _as(client, GURU)
    response = client.post(RENCANA, data=_plan(token), follow_redirects=False)
    assert response.status_code == 303, response.text
    saved = (school / "records/kinerja/2025" / GURU / "rencana.yaml").read_text(encoding="utf-8")
    assert saved.startswith(
        "# yaml-language-server: $schema=../../../../schemas/rencana.schema.json"
    )
    assert f'oleh: "{GURU}"' in saved and "status: draf" in saved
    epoch = str(int(dt.datetime(DAY.year, DAY.month, DAY.day, tzinfo=dt.UTC).timestamp()))
    env = {"NO_COLOR": "1", "SOURCE_DATE_EPOCH": epoch}  # judged on DAY: not yet late
    result = CliRunner().invoke(cli, ["validate", "--root", str(school)], env=env)
    assert f"2025/{GURU}" not in result.output
    # The next page shows the school as saved (the save's own validation is reused).
    assert 'data-perintah="ajukan"' in client.get(f"/pegawai/{GURU}").text
    log = (school / ".kinerja" / access.LOG).read_text(encoding="utf-8")
    assert GURU in log and "simpan rencana" in log


def test_a_workflow_error_is_shown_at_its_field_and_nothing_is_written(school: Path) -> None:
    client = _client(school)
    token = _as(client, GURU)
    data = _plan(token)
    del data["pengembangan_kompetensi.0.indikator_kompetensi"]  # KIN404: required since 2025
    response = client.post(RENCANA, data=data)
    assert response.status_code == 422
    errors = _errors(response.text)
    assert any("KIN404" in text for texts in errors.values() for text in texts), errors
    assert not (school / "records/kinerja/2025" / GURU).exists()


def test_a_date_is_typed_as_dd_mm_yyyy_and_an_impossible_one_is_named(school: Path) -> None:
    client = _client(school)
    token = _as(client, GURU)
    data = _plan(
        token,
        **{
            "tugas_tambahan.0.jenis": "wali-kelas",
            "tugas_tambahan.0.sk.nomor": "421/1/2025",
            "tugas_tambahan.0.sk.tanggal": "31/02/2025",
        },
    )
    response = client.post(RENCANA, data=data)
    assert _errors(response.text)["f-tugas-tambahan-0-sk-tanggal"] == [
        "Tanggal tidak sah: tulis sebagai hh/bb/tttt, mis. 20/01/2025, dan pastikan tanggalnya ada."
    ]
    data["tugas_tambahan.0.sk.tanggal"] = "06/01/2025"
    assert client.post(RENCANA, data=data, follow_redirects=False).status_code == 303
    saved = (school / "records/kinerja/2025" / GURU / "rencana.yaml").read_text(encoding="utf-8")
    assert "tanggal: '2025-01-06'" in saved or "tanggal: 2025-01-06" in saved
    assert 'value="06/01/2025"' in client.get(RENCANA).text


def test_a_write_without_the_csrf_token_is_refused(school: Path) -> None:
    client = _client(school)
    token = _as(client, GURU)
    data = _plan(token)
    data["_csrf"] = "palsu"
    response = client.post(RENCANA, data=data)
    assert response.status_code == 403 and "token keamanan" in response.text
    del data["_csrf"]
    assert client.post(RENCANA, data=data).status_code == 403
    assert not (school / "records/kinerja/2025" / GURU).exists()


def test_a_stale_edit_is_refused(school: Path) -> None:
    client = _client(school)
    token = _as(client, GURU)
    client.post(RENCANA, data=_plan(token))
    page = client.get(RENCANA).text
    opened = re.search(r'name="_dibuka" value="([0-9a-f]{64})"', page)
    assert opened
    path = school / "records/kinerja/2025" / GURU / "rencana.yaml"
    before = path.read_text(encoding="utf-8").replace("Murid sering", "Murid kerap")
    path.write_text(before, encoding="utf-8")  # somebody else edits meanwhile
    response = client.post(RENCANA, data=_plan(token, _dibuka=opened[1]))
    assert response.status_code == 409 and "sudah diubah orang lain" in response.text
    assert path.read_text(encoding="utf-8") == before


def test_record_text_is_escaped(school: Path) -> None:
    client = _client(school)
    token = _as(client, GURU)
    hostile = '</textarea><script>alert("x")</script>'
    client.post(RENCANA, data=_plan(token, **{"praktik_kinerja.alasan": hostile}))
    page = client.get(RENCANA).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_request_parameters_never_name_a_path(school: Path) -> None:
    client = _client(school)
    for url in (
        "/formulir/rencana?pegawai=../../etc&periode=2025",
        "/formulir/rencana?pegawai=199006142022211004&periode=../x",
        "/formulir/..%2Fkinerja?pegawai=x&periode=2025",
    ):
        assert client.get(url).status_code == 404
    with pytest.raises(store.BadAddress):
        store.place("rencana", "a/b", "2025")


def test_approvals_refuse_what_the_cli_refuses(school: Path) -> None:
    client = _client(school)
    token = _as(client, GURU)  # not Wahyu's atasan
    response = client.post(
        "/aksi",
        data={"_csrf": token, "perintah": "setujui", "pegawai": WAHYU, "periode": "2025"},
    )
    assert "bukan atasan pemilik rencana" in response.text
    plan = school / "records/kinerja/2025" / WAHYU / "rencana.yaml"
    cli_result = CliRunner().invoke(
        cli,
        ["setujui", str(plan), "--root", str(school), "--oleh", GURU, "--tanggal", "2025-01-10"],
        env={"NO_COLOR": "1"},
    )
    assert cli_result.exit_code == 1
    shown = re.search(r"([0-9]{18} bukan atasan pemilik rencana[^<]*)", response.text)
    assert shown and shown[1].split(" (atasan")[0] in cli_result.output


def test_the_atasan_inbox_lists_the_submitted_plan_and_approves_it(school: Path) -> None:
    client = _client(school, dt.date(2025, 12, 20))  # Wahyu resubmitted on 2025-12-15
    token = _as(client, KS)
    page = client.get(f"/pegawai/{KS}").text
    assert "Wahyu Hidayat" in page and 'data-perintah="setujui"' in page
    response = client.post(
        "/aksi",
        data={"_csrf": token, "perintah": "setujui", "pegawai": WAHYU, "periode": "2025"},
    )
    assert "disetujui oleh" in response.text
    plan = (school / "records/kinerja/2025" / WAHYU / "rencana.yaml").read_text(encoding="utf-8")
    assert "status: disetujui" in plan and "sha256:" in plan


def test_under_a_plt_a_submitted_plan_is_approved_automatically(school: Path) -> None:
    sekolah = school / "records" / "sekolah.yaml"
    text = sekolah.read_text(encoding="utf-8").replace(
        "    mulai: 2022-08-01\n", "    mulai: 2022-08-01\n    selesai: 2024-12-31\n", 1
    )
    text += '  - status: plt\n    pegawai: "196802141994121001"\n    mulai: 2025-01-01\n'
    sekolah.write_text(text, encoding="utf-8")
    client = _client(school)
    token = _as(client, GURU)
    assert client.post(RENCANA, data=_plan(token), follow_redirects=False).status_code == 303
    response = client.post(
        "/aksi", data={"_csrf": token, "perintah": "ajukan", "pegawai": GURU, "periode": "2025"}
    )
    assert "otomatis (Plt)" in response.text, response.text
    plan = (school / "records/kinerja/2025" / GURU / "rencana.yaml").read_text(encoding="utf-8")
    assert "status: disetujui" in plan and "otomatis: true" in plan


def test_each_write_can_be_committed_on_the_persons_branch(school: Path) -> None:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(school), *args], check=True, capture_output=True, text=True
        )
        return done.stdout

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "awal")
    client = _client(school, git=True)
    token = _as(client, GURU)
    assert client.post(RENCANA, data=_plan(token), follow_redirects=False).status_code == 303
    branch = f"kinerja/{GURU}"
    # git drops the final dot of an author name
    assert git("log", "-1", "--format=%an|%s", branch).strip() == (
        f"Agus Setiadi, S.Pd|simpan rencana: records/kinerja/2025/{GURU}/rencana.yaml"
    )
    assert git("diff", "--name-only", "main", branch).split() == [
        f"records/kinerja/2025/{GURU}/rencana.yaml"
    ]
    assert git("rev-parse", "--abbrev-ref", "HEAD").strip() == "main"  # checkout untouched
    assert git("status", "--porcelain", "--untracked-files=no").strip() == ""


def test_a_shared_server_asks_everyone_to_sign_in(school: Path) -> None:
    token = access.new_token(school, GURU)
    client = _client(school, login=True, allowed_hosts=["*"])
    assert client.get("/", follow_redirects=False).headers["location"] == "/masuk"
    page = client.get("/masuk").text
    wrong = client.post("/masuk", data={"_csrf": _csrf(page), "token": "salah"})
    assert wrong.status_code == 403
    before = client.cookies.get("kinerja_sesi")
    right = client.post("/masuk", data={"_csrf": _csrf(page), "token": token})
    assert right.url.path == f"/pegawai/{GURU}"
    assert client.cookies.get("kinerja_sesi") not in (None, before)  # a fresh session id
    assert (school / ".kinerja" / ".gitignore").read_text() == "*\n"
    assert token not in (school / ".kinerja" / access.TOKENS).read_text()


def test_the_progress_site_is_served_and_guarded_like_the_forms(school: Path) -> None:
    site = school / "build" / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<title>Situs kemajuan</title>", encoding="utf-8")
    assert "Situs kemajuan" in _client(school).get("/situs/").text
    shared = _client(school, login=True, allowed_hosts=["*"])
    assert shared.get("/situs/", follow_redirects=False).headers["location"] == "/masuk"


def test_on_loopback_other_host_names_are_refused(school: Path) -> None:
    app = create_app(Settings(school, today=lambda: DAY))
    client = TestClient(app, base_url="http://kinerja.example")
    assert client.get("/").status_code == 400  # DNS rebinding onto a local app


def test_kinerja_serve_serves_the_school(school: Path) -> None:
    """The command itself: uvicorn on a free port of 127.0.0.1, stopped by the test."""
    import socket
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "kinerja_build", "serve", "--root", str(school)]
    server = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        page = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.2)
        assert "SMP Negeri 3 Sukamaju" in page and "Siapa Anda?" in page
    finally:
        server.terminate()
        server.wait(10)
        assert server.stdout is not None
        server.stdout.close()


def test_serve_refuses_a_network_address_without_tokens(school: Path) -> None:
    result = CliRunner().invoke(
        cli, ["serve", "--root", str(school), "--host", "0.0.0.0"], env={"NO_COLOR": "1"}
    )
    assert result.exit_code == 2 and "kinerja token" in result.output


# -- broken records: the page says what is wrong, never a traceback or a 500 ------------------

_BROKEN = {
    # what is broken → (file to change, new text or None to delete, person whose page says so)
    "sintaks-yaml": (f"records/pegawai/{WAHYU}.yaml", "nama: [tidak ditutup\n", WAHYU),
    "skema-pegawai": (f"records/pegawai/{WAHYU}.yaml", "+kolom_asing: 1\n", WAHYU),
    "skema-atasan": (f"records/pegawai/{KS}.yaml", "+kolom_asing: 1\n", KS),
    "skema-rencana": (f"records/kinerja/2025/{WAHYU}/rencana.yaml", "+kolom_asing: 1\n", WAHYU),
    "sintaks-rencana": (f"records/kinerja/2025/{WAHYU}/rencana.yaml", "status: [\n", WAHYU),
}


@pytest.mark.parametrize("broken", sorted(_BROKEN))
def test_a_broken_record_is_named_on_the_persons_page(school: Path, broken: str) -> None:
    rel, text, person = _BROKEN[broken]
    path = school / rel
    if text.startswith("+"):
        text = path.read_text(encoding="utf-8") + text[1:]
    path.write_text(text, encoding="utf-8")
    client = _client(school, dt.date(2025, 12, 20))
    for pid in (WAHYU, KS, GURU):
        response = client.get(f"/pegawai/{pid}")
        assert response.status_code == 200, (pid, response.text)
        assert "Traceback" not in response.text
    page = client.get(f"/pegawai/{person}").text
    assert "Catatan yang perlu diperbaiki" in page and rel in page and "kinerja validate" in page
    assert "Catatan per periode" in page  # the rest of the page is still shown
    assert client.get("/").status_code == 200


def test_the_atasan_still_sees_the_plans_of_a_person_with_a_broken_record(school: Path) -> None:
    pegawai = school / "records" / "pegawai" / f"{WAHYU}.yaml"
    pegawai.write_text(pegawai.read_text(encoding="utf-8") + "kolom_asing: 1\n", encoding="utf-8")
    client = _client(school, dt.date(2025, 12, 20))  # Wahyu resubmitted on 2025-12-15
    _as(client, KS)
    page = client.get(f"/pegawai/{KS}").text
    assert f"pegawai={WAHYU}&amp;periode=2025" in page and 'data-perintah="setujui"' in page


def test_an_action_on_a_missing_record_is_answered_not_crashed(school: Path) -> None:
    (school / "records" / "pegawai" / f"{WAHYU}.yaml").unlink()  # his plans stay in kinerja/
    client = _client(school, dt.date(2025, 12, 20))
    token = _as(client, KS)
    assert client.get(f"/pegawai/{KS}").status_code == 200
    assert client.get(f"/pegawai/{WAHYU}").status_code == 404  # "Pegawai tidak ditemukan."
    said = {
        "2026": "belum ada rencana",  # no plan in 2026
        "2025": f"Tidak ada data pegawai untuk `{WAHYU}`",  # a plan with no pegawai record
    }
    for periode, message in said.items():
        response = client.post(
            "/aksi",
            data={"_csrf": token, "perintah": "setujui", "pegawai": WAHYU, "periode": periode},
        )
        assert response.status_code == 200, response.text
        assert message in response.text and str(school) not in response.text
