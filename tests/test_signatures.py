"""Signed steps on real git repositories with real `ssh-keygen` keys (issue 18)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from kinerja_build import signatures

# git and ssh-keygen are system packages of scripts/install-system-deps: no skip when missing.

KS = "197508172000121002"
GURU = "199204102019032011"
PLAN = f"records/kinerja/2026/{GURU}/rencana.yaml"


class School:
    """A school made by `kinerja init`, in git, with an SSH key for the KS and the teacher."""

    def __init__(self, root: Path, run_cli: Callable[..., Result], keys: dict[str, Path]):
        self.root, self.run_cli, self.keys = root, run_cli, keys

    def git(self, *args: str, key: str | None = None) -> str:
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={self.keys[key]}"] if key else []
        done = subprocess.run(
            ["git", "-C", str(self.root), *signing, *args], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def commit(self, message: str, key: str | None = None) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", *(["-S"] if key else []), "-m", message, key=key)
        return self.git("rev-parse", "HEAD")

    def add_key(self, person: str, key: str) -> None:
        record = self.root / "records" / "pegawai" / f"{person}.yaml"
        public = (self.keys[key].with_suffix(".pub")).read_text(encoding="utf-8").strip()
        text = record.read_text(encoding="utf-8")
        if "kunci_ssh:" not in text:
            text += "kunci_ssh:\n"
        record.write_text(text + f"  - {public}\n", encoding="utf-8")

    def step(self, command: str, actor: str, day: str, *extra: str) -> Result:
        plan = str(self.root / PLAN)
        result = self.run_cli(
            command, plan, "--root", str(self.root), "--oleh", actor, "--tanggal", day, *extra
        )
        assert result.exit_code == 0, result.output
        return result

    def check(self, base: str = "main", head: str = "HEAD") -> Result:
        return self.run_cli("periksa-tanda-tangan", base, head, "--root", str(self.root))


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    made = {}
    for name in ("ks", "guru", "lain"):
        path = folder / name
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
            check=True,
        )
        made[name] = path
    return made


@pytest.fixture
def school(run_cli: Callable[..., Result], tmp_path: Path, keys: dict[str, Path]) -> School:
    """main: the init school with both people's keys listed; HEAD: a branch `usulan`."""
    root = tmp_path / "sekolah"
    assert run_cli("init", str(root), "--periode", "2026").exit_code == 0
    made = School(root, run_cli, keys)
    made.git("init", "-q", "-b", "main")
    made.git("config", "user.name", "Operator")
    made.git("config", "user.email", "operator@sekolah.invalid")
    made.add_key(KS, "ks")
    made.add_key(GURU, "guru")
    made.commit("Sekolah baru dengan kunci SSH")
    made.git("checkout", "-q", "-b", "usulan")
    return made


def _line_of(school: School, text: str) -> int:
    lines = (school.root / PLAN).read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


def _codes(result: Result) -> list[str]:
    return [word for word in result.output.split() if word.startswith("KIN7")]


def test_the_atasans_signature_is_clean(school: School) -> None:
    done = school.step("setujui", KS, "2026-01-15", "--commit", "--kunci", str(school.keys["ks"]))
    assert "Commit bertanda tangan" in done.output and "Peringatan" not in done.output
    assert school.git("log", "-1", "--format=%s").startswith("Rencana ")
    result = school.check()
    assert result.exit_code == 0, result.output
    assert "Bersih" in result.output


def test_committing_with_a_key_the_actor_did_not_list_warns(school: School) -> None:
    done = school.step("setujui", KS, "2026-01-15", "--kunci", str(school.keys["guru"]))
    assert "Peringatan: kunci penanda tangan (SHA256:" in done.output
    assert school.git("status", "--porcelain") == ""  # committed all the same


def test_an_approval_signed_by_the_teacher_is_an_error(school: School) -> None:
    school.step("setujui", KS, "2026-01-15")  # the teacher writes the KS's step himself
    commit = school.commit("setujui sendiri", key="guru")
    result = school.check()
    assert result.exit_code == 1
    assert _codes(result) == ["KIN721"]
    line = next(line for line in result.output.splitlines() if "KIN721" in line)
    assert line.startswith(f"{PLAN}:{_line_of(school, '  - status: disetujui')}:5: galat KIN721")
    assert commit[:12] in line and "Kepala Sekolah Contoh" in line and f"({KS})" in line
    assert "milik Guru Contoh" in line or f"({GURU})" in line


def test_a_key_added_in_the_same_range_is_not_trusted(school: School) -> None:
    school.add_key(KS, "lain")  # the teacher slips a key of his own into the KS's record …
    school.commit("kunci baru untuk KS")
    school.step("setujui", KS, "2026-01-15")
    school.commit("setujui", key="lain")  # … and signs with it
    result = school.check()
    assert result.exit_code == 1
    assert _codes(result) == ["KIN721"]
    assert "baru ditambahkan di rentang ini" in result.output
    school.git("checkout", "-q", "main")  # once the key is merged on its own, it counts
    school.add_key(KS, "lain")
    school.commit("kunci kedua KS, ditinjau")
    school.git("checkout", "-q", "-b", "usulan-2")
    school.step("setujui", KS, "2026-01-15", "--kunci", str(school.keys["lain"]))
    assert school.check().exit_code == 0


def test_an_unsigned_step_is_located_and_says_who_must_sign(school: School) -> None:
    school.step("tinjau-ulang", KS, "2026-01-15", "--catatan", "Perjelas target.")
    school.commit("tinjau ulang tanpa tanda tangan")
    result = school.check()
    assert result.exit_code == 1
    assert _codes(result) == ["KIN722"]
    assert f"{PLAN}:{_line_of(school, '  - status: ditinjau_ulang')}:5:" in result.output
    assert f"harus ditandatangani Kepala Sekolah Contoh, S.Pd. ({KS})" in result.output


def test_the_owner_signs_the_agreement(school: School) -> None:
    school.step("setujui", KS, "2026-01-15", "--kunci", str(school.keys["ks"]))
    school.step("sepakati", GURU, "2026-01-16")
    school.commit("sepakati, ditandatangani KS", key="ks")
    result = school.check()
    assert _codes(result) == ["KIN721"], result.output  # the agreement is the teacher's to sign
    school.git("reset", "-q", "--hard", "HEAD~1")
    school.step("sepakati", GURU, "2026-01-16", "--kunci", str(school.keys["guru"]))
    assert school.check().exit_code == 0


def test_an_automatic_approval_under_a_plt_needs_no_signature(school: School) -> None:
    school.git("checkout", "-q", "main")
    sekolah = school.root / "records" / "sekolah.yaml"
    text = sekolah.read_text(encoding="utf-8")
    sekolah.write_text(
        text.replace("    mulai: 2025-07-01\n", "    mulai: 2025-07-01\n    selesai: 2025-12-31\n")
        + f'  - status: plt\n    pegawai: "{KS}"\n    mulai: 2026-01-01\n',
        encoding="utf-8",
    )
    school.commit("Plt sejak 2026")
    school.git("checkout", "-q", "-b", "plt")
    result = school.step("setujui", KS, "2026-01-15")
    assert "otomatis (Plt)" in result.output
    school.commit("persetujuan otomatis, tanpa tanda tangan")
    checked = school.check()
    assert checked.exit_code == 0, checked.output


def test_an_automatic_approval_needs_the_plt_at_base(school: School) -> None:
    sekolah = school.root / "records" / "sekolah.yaml"
    text = sekolah.read_text(encoding="utf-8")
    sekolah.write_text(  # the Plt only appears in the pull request itself
        text.replace("    mulai: 2025-07-01\n", "    mulai: 2025-07-01\n    selesai: 2025-12-31\n")
        + f'  - status: plt\n    pegawai: "{KS}"\n    mulai: 2026-01-01\n',
        encoding="utf-8",
    )
    school.step("setujui", KS, "2026-01-15")
    school.commit("Plt dan persetujuan otomatis sekaligus")
    result = school.check()
    assert _codes(result) == ["KIN726"]


def test_history_rewritten_after_signing_is_detected(school: School) -> None:
    school.step("setujui", KS, "2026-01-15", "--kunci", str(school.keys["ks"]))
    signed = school.git("cat-file", "commit", "HEAD")
    plan = school.root / PLAN
    plan.write_text(plan.read_text(encoding="utf-8").replace("2026-01-15", "2026-01-14"), "utf-8")
    school.git("add", "-A")
    tree = school.git("write-tree")
    forged = "\n".join(
        f"tree {tree}" if line.startswith("tree ") else line for line in signed.split("\n")
    )  # the KS's signature header kept on a commit with other content
    done = subprocess.run(
        ["git", "-C", str(school.root), "hash-object", "-t", "commit", "-w", "--stdin"],
        input=forged + "\n", capture_output=True, text=True, check=True,
    )  # fmt: skip
    school.git("reset", "-q", "--hard", done.stdout.strip())
    result = school.check()
    assert _codes(result) == ["KIN723"], result.output
    assert "diubah sesudah ditandatangani" in result.output


def test_changing_an_existing_step_is_an_error(school: School) -> None:
    plan = school.root / PLAN
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("tanggal: 2026-01-08", "tanggal: 2026-01-09"),
        "utf-8",
    )
    school.commit("tanggal pengajuan diubah", key="guru")
    assert _codes(school.check()) == ["KIN725"]


def test_a_school_without_keys_is_warned_not_failed(
    run_cli: Callable[..., Result], tmp_path: Path, keys: dict[str, Path]
) -> None:
    root = tmp_path / "tanpa-kunci"
    assert run_cli("init", str(root), "--periode", "2026").exit_code == 0
    bare = School(root, run_cli, keys)
    bare.git("init", "-q", "-b", "main")
    bare.git("config", "user.name", "Operator")
    bare.git("config", "user.email", "operator@sekolah.invalid")
    bare.commit("awal")
    bare.step("setujui", KS, "2026-01-15")
    bare.commit("disetujui")
    result = bare.check("HEAD~1")
    assert result.exit_code == 0
    assert _codes(result) == ["KIN724"] and "peringatan" in result.output
    (root / "kinerja.yml").write_text("aturan:\n  KIN724: galat\n", encoding="utf-8")
    bare.git("add", "-A")
    bare.git("commit", "-q", "--amend", "--no-edit")  # the school's choice, at BASE only:
    assert bare.check("HEAD~1").exit_code == 0  # a pull request cannot loosen or tighten it
    bare.git("checkout", "-q", "HEAD~1")
    bare.git("checkout", "-q", "-b", "ketat")
    (root / "kinerja.yml").write_text("aturan:\n  KIN724: galat\n", encoding="utf-8")
    bare.commit("sekolah mewajibkan kunci")
    bare.step("setujui", KS, "2026-01-15")
    bare.commit("disetujui")
    assert bare.check("HEAD~1").exit_code == 1


def test_a_failed_signed_commit_takes_the_step_back(school: School, tmp_path: Path) -> None:
    before = (school.root / PLAN).read_bytes()
    missing = tmp_path / "bukan-kunci"
    missing.write_text("bukan kunci\n", encoding="utf-8")
    plan = str(school.root / PLAN)
    result = school.run_cli(
        "setujui", plan, "--root", str(school.root), "--oleh", KS, "--tanggal", "2026-01-15",
        "--kunci", str(missing),
    )  # fmt: skip
    assert result.exit_code == 1 and "KIN715" in result.output
    assert (school.root / PLAN).read_bytes() == before
    assert school.git("status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx5cGVzCjIwMjYtMDEtMTUgdGVzdCBrZXkgMTIz", True),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx5cGVzCjIwMjYtMDEtMTUgdGVzdCBrZXkgMTIz x@y", True),
        ("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIGx5cGVzCjIwMjYtMDEtMTUgdGVzdCBrZXkgMTIz", False),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx5cGVzCjIwMjYtMDEtMTUgdGVzdCBrZXkgMTIz\n", False),
        (
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx5cGVzCjIwMjYtMDEtMTUgdGVzdCBrZXkgMTIz\nx y",
            False,
        ),
        ("cert-authority ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx5cGVzCjIw", False),
    ],
)
def test_only_well_formed_keys_reach_the_allowed_signers(text: str, valid: bool) -> None:
    assert (signatures.fingerprint(text) is not None) is valid


def test_fingerprints_agree_with_ssh_keygen(keys: dict[str, Path]) -> None:
    public = keys["ks"].with_suffix(".pub").read_text(encoding="utf-8").strip()
    printed = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(keys["ks"].with_suffix(".pub"))],
        capture_output=True, text=True, check=True,
    ).stdout.split()[1]  # fmt: skip
    assert signatures.fingerprint(public) == printed


def test_the_workflow_step_checks_a_pull_request(school: School) -> None:
    import os
    import sys

    import yaml

    workflow = yaml.safe_load(
        (school.root / ".github" / "workflows" / "kinerja.yml").read_text(encoding="utf-8")
    )
    (step,) = [
        s
        for s in workflow["jobs"]["periksa"]["steps"]
        if s.get("name") == "Tanda tangan persetujuan"
    ]
    school.git("config", "gpg.format", "ssh")  # the KS's own git configuration, set up once
    school.git("config", "user.signingkey", str(school.keys["ks"]))
    school.step("setujui", KS, "2026-01-15", "--commit")
    school.step("sepakati", GURU, "2026-01-16")
    school.commit("sepakati tanpa tanda tangan")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "BASE": "main",  # what `origin/<base branch>` is in the pull request's checkout
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        ["bash", "-c", step["run"]], cwd=school.root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stdout + done.stderr
    (annotation,) = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert annotation.startswith(f"::error file={PLAN},line=")
    assert "title=KIN722" in annotation and f"({GURU})" in annotation


def test_a_merge_commit_keeps_the_signatures_and_a_squash_loses_them(school: School) -> None:
    school.step("setujui", KS, "2026-01-15", "--kunci", str(school.keys["ks"]))
    school.git("checkout", "-q", "main")
    school.git("branch", "-q", "sebelum", "main")
    school.git("merge", "-q", "--no-ff", "-m", "Gabung PR persetujuan", "usulan")
    pushed = school.check("sebelum", "main")  # the push to main after the merge
    assert pushed.exit_code == 0, pushed.output
    school.git("reset", "-q", "--hard", "sebelum")
    school.git("merge", "-q", "--squash", "usulan")
    school.git("commit", "-q", "-m", "Squash PR persetujuan")
    squashed = school.check("sebelum", "main")
    assert _codes(squashed) == ["KIN722"]


def test_a_deleted_plan_is_no_signature_finding(school: School) -> None:
    (school.root / PLAN).unlink()
    school.commit("rencana salah tempat dihapus")
    result = school.check()
    assert result.exit_code == 0, result.output
