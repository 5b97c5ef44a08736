"""Every output tells the same story: stage, status, predikat and angka kredit per person.

The model computes these facts once (kinerja_build/model.py); the CLI summary, the site
(dashboard and teacher page), the BKN bundle, `kinerja diff` and the PDFs' text must all report
what the model says, for the demo school and for every case in tests/cases/. A second place
that recomputes a fact from raw records shows up here as a disagreement (the KIN601 case: a
stated predikat that differs from the ratings).

What is next, and who must do it, is the model's `next_step`: `kinerja tindakan`, the app's
inbox and the export's not-ready reasons (plan not agreed KIN802, not assessed KIN803) must
name the same step and the same party.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_cases import _cases, materialise

from kinerja_build import cli, diff, domain, model, review, tindakan
from kinerja_build.app import workflow
from kinerja_build.build import BuildContext
from kinerja_build.export import bundle, readiness
from kinerja_build.model import IdentityKind, NextStep, PersonPeriode, school_periode
from kinerja_build.site import pages
from kinerja_build.validate import Result, validate

REPO = Path(__file__).resolve().parent.parent
CASES = [*_cases("valid"), *_cases("invalid")]


@dataclass(frozen=True)
class Facts:
    stage: str
    status: str
    predikat: str | None  # the label shown to people
    angka_kredit: str | None  # formatted as printed ("25,00")


def _facts(view: PersonPeriode) -> Facts:
    predikat = domain.PREDIKAT_LABELS[view.predikat] if view.predikat else None
    ak = view.angka_kredit
    return Facts(
        str(view.stage), view.status, predikat, domain.format_decimal(ak.value) if ak else None
    )


def _truth(result: Result) -> dict[tuple[str, str], Facts]:
    """What the model says, for everyone with records in a real periode."""
    return {
        (periode_id, view.pegawai_id): _facts(view)
        for periode_id in result.school.periode_ids()
        for view in school_periode(result.school, periode_id).with_records
    }


def _cli_lines(result: Result) -> dict[tuple[str, str], str]:
    """The CLI summary's line per person, keyed like the truth."""
    text = cli.progress_summary(result)
    found: dict[tuple[str, str], str] = {}
    periode = ""
    for line in text.splitlines():
        heading = re.match(r"Periode (\S+) ", line)
        if heading:
            periode = heading[1]
        elif line.startswith("    - "):
            # "Nama: tahap, status — Predikat, AK x [tanda] — TERLAMBAT …": the facts part.
            facts = line.split(": ", 1)[1].split(" — TERLAMBAT")[0].split(" [")[0]
            found[(periode, line[6:].split(": ", 1)[0])] = facts
    return found


def _check_cli(result: Result, truth: dict[tuple[str, str], Facts]) -> None:
    lines = _cli_lines(result)
    for (periode, pid), facts in truth.items():
        nama = school_periode(result.school, periode).person(pid)
        assert nama is not None
        line = lines[(periode, nama.nama)]
        assert line.startswith(f"{facts.stage}, {facts.status}"), (periode, pid, line)
        assert (facts.predikat is not None) == (" — " in line), (periode, pid, line)
        if facts.predikat:
            assert f" — {facts.predikat}" in line
        if facts.angka_kredit:
            assert f"AK {facts.angka_kredit}" in line


def _check_site(result: Result, truth: dict[tuple[str, str], Facts]) -> None:
    data = pages.SiteData(
        result.school, list(result.report.diagnostics), False, result.config.referensi
    )
    for periode in {periode for periode, _ in truth}:
        rows = {
            match[1]: match[2]
            for match in re.finditer(
                r"^\| \[[^\]]*\]\(([^)]+)\.md\).*?\| ([^|]*\|[^|]*\|[^|]*)\|$",
                pages.dashboard_body(data, periode, prefix=""),
                re.MULTILINE,
            )
        }
        for (row_periode, pid), facts in truth.items():
            if row_periode != periode:
                continue
            stage_cell, status_cell, predikat_cell = (c.strip() for c in rows[pid].split("|"))
            assert stage_cell.endswith(facts.stage), (periode, pid, stage_cell)
            # The status, then possibly a "terlambat N hari" mark.
            assert status_cell.split(" <span")[0] == pages.e(facts.status), (periode, pid)
            assert predikat_cell == (pages.e(facts.predikat) if facts.predikat else "-")
            page = pages.person_page(data, periode, pid)
            assert f"tahap **{facts.stage}** ({pages.e(facts.status)})" in page, (periode, pid)
            if facts.predikat:
                assert f"| Predikat | **{pages.e(facts.predikat)}** |" in page, (periode, pid)
            if facts.angka_kredit:
                assert f"| Angka kredit | {facts.angka_kredit} (" in page, (periode, pid)


def _check_bundle(result: Result, truth: dict[tuple[str, str], Facts]) -> None:
    for periode_id in result.school.periode_ids():
        periode = domain.parse_periode(periode_id)
        verdicts = readiness.assess(result.school, periode, result.report.diagnostics)
        ready = [verdict.pegawai for verdict in verdicts if verdict.ready]
        rows = bundle.rows(result.school, periode, ready)
        by_nip = bundle.by_nip(result.school)
        credits = {
            row["nip"]: row for row in bundle.angka_kredit(rows, result.school, periode, by_nip)
        }
        for row in rows:
            pid = by_nip[row["nip"]]["_id"]
            facts = truth[(periode_id, pid)]
            assert facts.stage == "penilaian", (periode_id, pid)
            assert row["predikat"] == facts.predikat, (periode_id, pid)
            credit = credits.get(row["nip"])
            printed = domain.format_decimal(credit["angkaKredit"]) if credit else None
            assert printed == facts.angka_kredit, (periode_id, pid)


def _check_diff(root: Path, truth: dict[tuple[str, str], Facts]) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=root, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip

    git("init", "-q")
    git("commit", "-q", "--allow-empty", "-m", "base")
    base = git("rev-parse", "HEAD")
    git("add", "-A")
    git("commit", "-q", "-m", "records")
    changes, _, _ = diff.compare(root, base, "HEAD")
    states = {(change.periode, change.pegawai): change.state for change in changes}
    for key, facts in truth.items():
        state = states[key]
        assert state.startswith(f"{facts.stage}, {facts.status}"), (key, state)
        if facts.predikat:
            assert f" — {facts.predikat}" in state, (key, state)
        if facts.angka_kredit:
            assert f"AK {facts.angka_kredit}" in state, (key, state)


# Who must act, as the export names them, for the model's Peran (written out independently).
PIHAK = {"guru": "guru", "kepala_sekolah": "kepala sekolah", "operator": "operator sekolah"}
PIHAK["dinas"] = "dinas"
PLAN_STEPS = {"susun", "ajukan", "ajukan-ulang", "setujui", "sepakati"}


def _is_plan_step(step: NextStep) -> bool:
    return step.key in PLAN_STEPS or (step.key == "atasan" and step.tahap == "perencanaan")


def _is_assessment_step(step: NextStep) -> bool:
    return step.key == "nilai" or (step.key == "atasan" and step.tahap == "penilaian")


def _check_next_steps(result: Result) -> None:
    """tindakan, the export's not-ready reasons and the app's inbox: one next step each."""
    school = result.school
    steps = {
        (action.person.periode_id, action.person.pegawai_id): action.step
        for action in tindakan.collect(school).actions
    }
    for periode_id in school.periode_ids():
        periode = domain.parse_periode(periode_id)
        for verdict in readiness.assess(school, periode, result.report.diagnostics):
            key = (periode_id, verdict.pegawai)
            step = steps.get(key)
            reasons = {reason.code: reason for reason in verdict.reasons}
            plan_step = model.plan_step(school, periode_id, verdict.pegawai)
            if "KIN802" in reasons:  # the plan is not agreed: the model's plan step says who acts
                assert plan_step is not None, key
                assert reasons["KIN802"].pihak == PIHAK[plan_step.peran], key
            if step is not None and _is_plan_step(step):
                assert step == plan_step, key
                if "KIN802" in reasons:
                    assert reasons["KIN802"].pihak == PIHAK[step.peran], key
            if "KIN803" in reasons:
                assessor = model.assessment_step(school, periode_id, verdict.pegawai)
                assert reasons["KIN803"].pihak == PIHAK[assessor.peran], key
                if step is not None and _is_assessment_step(step):
                    assert reasons["KIN803"].pihak == PIHAK[step.peran], key
            if verdict.ready:  # exported: nothing left on the plan
                assert plan_step is None and (step is None or not _is_plan_step(step)), key
    people = [*school.pegawai, *{step.pelaku_id for step in steps.values() if step.pelaku_id}]
    for person in people:
        if school.identify(person).kind is IdentityKind.TIDAK_DIKENAL:
            continue  # a pegawai record that failed its schema: `tindakan --oleh` refuses too
        for task in workflow.inbox(school, person):
            step = steps[(task.periode, task.owner)]
            assert task.what == step.label and task.due == step.due, (person, task)
            assert task.mine == (step.pelaku_id == person), (person, task)
            if step.otomatis:  # an approval under a Plt: no return offered
                assert "tinjau-ulang" not in task.commands and "Plt" in step.label
            elif task.mine and step.key == "setujui":
                assert "tinjau-ulang" in task.commands, (person, task)


# The atasan's steps and the owner's, as `review.apply` takes them, by the model's step key.
_REVIEW_COMMANDS = {
    "ajukan": ("ajukan",),
    "ajukan-ulang": ("ajukan",),
    "setujui": ("setujui", "tinjau-ulang"),
    "sepakati": ("sepakati",),
    "atasan": ("setujui", "tinjau-ulang"),  # a plan waiting while nobody may act on it
}


def _check_offer_is_acceptance(result: Result) -> None:
    """For every person and periode, the party `next_step` (tindakan, the app's inbox) names for
    the plan's next step is exactly the party `review` accepts for it, on the same day: nobody
    else, and nobody at all when the model says nobody can act (a vacancy)."""
    school = result.school
    day = school.today
    dinas = (school.sekolah_data or {}).get("dinas", {})
    officials = {str(entry["nip"]) for entry in dinas.values() if isinstance(entry, dict)}
    everyone = {*school.pegawai, *officials} - {"None"}
    for periode_id in school.periode_ids():
        for view in school_periode(school, periode_id).people:
            record = view.files.get("rencana")
            step = model.plan_step(school, periode_id, view.pegawai_id)
            if record is None or not record.valid or step is None:
                continue
            key = (periode_id, view.pegawai_id, step.key)
            for command in _REVIEW_COMMANDS.get(step.key, ()):
                accepted = {}
                for actor in sorted(everyone | {step.pelaku_id or "", view.pegawai_id} - {""}):
                    verdict = review.check_actor(result, record, command, actor, day)
                    if isinstance(verdict, str):
                        accepted[actor] = verdict
                if step.key == "atasan":  # no KS nor Plt: nobody approves or returns
                    assert accepted == {}, (*key, command, accepted)
                elif step.otomatis:  # under a Plt: approved automatically, never returned
                    recorded = set(accepted.values())
                    assert recorded == ({""} if command == "setujui" else set()), (*key, command)
                else:
                    assert set(accepted) == {step.pelaku_id}, (*key, command, accepted)
                    assert accepted[step.pelaku_id] == step.pelaku_id, (*key, command)


def _check_views_fresh(result: Result) -> None:
    """The cached views every output read are the ones the records make now."""
    for periode_id in result.school.periode_ids():
        cached = school_periode(result.school, periode_id)
        assert cached == model._school_periode(result.school, periode_id), periode_id


def _check_all(root: Path) -> None:
    result = validate(root)
    if result.usage_error:  # a broken kinerja.yml: no output is made, nothing to compare
        assert not result.school.periods
        return
    truth = _truth(result)
    _check_cli(result, truth)
    _check_site(result, truth)
    _check_bundle(result, truth)
    _check_next_steps(result)
    _check_offer_is_acceptance(result)
    _check_views_fresh(result)
    # A symlink that leaves the repository is refused by `kinerja diff` itself (the security
    # tests cover that); the other outputs have just been checked for such a case.
    if not any(path.is_symlink() for path in root.rglob("*")):
        _check_diff(root, truth)


def test_the_demo_agrees_everywhere(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    for name in ("records", "schemas", "kinerja.yml"):
        source = REPO / name
        if source.is_dir():
            import shutil

            shutil.copytree(source, root / name)
        else:
            (root / name).write_bytes(source.read_bytes())
    _check_all(root)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}-{p.name}")
def test_every_case_agrees_everywhere(case: Path, tmp_path: Path) -> None:
    materialise(case, tmp_path / "repo")
    _check_all(tmp_path / "repo")


def test_a_stated_predikat_never_wins_over_the_ratings(tmp_path: Path) -> None:
    """The KIN601 case: every output shows the predikat of the matrix, not the written one."""
    case = next(path for path in CASES if path.name.startswith("KIN601"))
    materialise(case, tmp_path / "repo")
    result = validate(tmp_path / "repo")
    stated = [
        (periode, view)
        for periode in result.school.periode_ids()
        for view in school_periode(result.school, periode).with_records
        if view.assessment is not None
        and view.assessment.stated_predikat not in (None, view.assessment.predikat)
    ]
    assert stated, "the KIN601 case must keep a stated predikat that differs from the ratings"
    _check_all(tmp_path / "repo")


@pytest.mark.slow
@pytest.mark.parametrize("case", ["base", "valid/plt-guru-dinilai-kepala-dinas"])
def test_pdf_text_agrees_with_the_model(case: str, tmp_path: Path) -> None:
    """The Dokumen Evaluasi prints the model's predikat; the konversi its angka kredit."""
    from pypdf import PdfReader

    from kinerja_build.render.stage import build_pdfs

    root = tmp_path / "repo"
    if case == "base":
        import shutil

        shutil.copytree(REPO / "tests" / "cases" / "base", root)
        shutil.copytree(REPO / "schemas", root / "schemas")
    else:
        materialise(REPO / "tests" / "cases" / case, root)
    result = validate(root)
    out = tmp_path / "build"
    outcome = build_pdfs(
        BuildContext(root, out, result),
        wanted=lambda document: document.kind in ("evaluasi", "angka_kredit"),
    )
    assert outcome.written
    for (periode, pid), facts in _truth(result).items():
        if facts.predikat is None:
            continue
        evaluasi = out / "pdf" / periode / pid / "evaluasi-kinerja.pdf"
        text = " ".join("".join(p.extract_text() for p in PdfReader(evaluasi).pages).split())
        assert facts.predikat in text, (periode, pid)
        if facts.angka_kredit:
            konversi = out / "pdf" / periode / pid / "konversi-angka-kredit.pdf"
            text = " ".join("".join(p.extract_text() for p in PdfReader(konversi).pages).split())
            assert facts.angka_kredit in text, (periode, pid)


# -- the disagreements the model's next step settled ------------------------------------------

KS = "197404122000031003"
FITRI = "199301202022212007"
ANDI = "198305172009011004"  # a guru; the Plt of the school in the plt-guru case
KEPALA_DINAS = "196905121994031007"


def _case(name: str, root: Path) -> Path:
    materialise(next(path for path in CASES if path.name == name), root)
    return root


def _only_submitted(plan: Path, day: str) -> None:
    """Cut a plan's status history back to its submission."""
    text = plan.read_text(encoding="utf-8")
    head = text[: text.index("\nstatus:\n")]
    plan.write_text(
        f'{head}\nstatus:\n  - status: diajukan\n    tanggal: {day}\n    oleh: "{ANDI}"\n',
        encoding="utf-8",
    )


def _verdict(result: Result, periode_id: str, pegawai: str) -> readiness.Readiness:
    verdicts = readiness.assess(
        result.school, domain.parse_periode(periode_id), result.report.diagnostics
    )
    return next(verdict for verdict in verdicts if verdict.pegawai == pegawai)


def _step(result: Result, periode_id: str, pegawai: str) -> NextStep:
    view = school_periode(result.school, periode_id).person(pegawai)
    assert view is not None and view.next_step is not None
    return view.next_step


def test_no_atasan_the_operator_acts_for_tindakan_and_the_export(tmp_path: Path) -> None:
    """A plan submitted to the KS waits while the post is vacant: the operator must record a
    KS or Plt (tindakan); the export used to send the guru to the kepala sekolah."""
    root = _case("KIN251-rencana-menunggu-persetujuan", tmp_path / "repo")
    with (root / "records" / "sekolah.yaml").open("a", encoding="utf-8") as sekolah:
        sekolah.write("    selesai: 2025-01-31\n  - status: kosong\n    mulai: 2025-02-01\n")
    result = validate(root, dt.date(2025, 2, 15))
    assert not any(FITRI in d.file for d in result.report.errors)
    step = _step(result, "2025", FITRI)
    assert (step.key, step.peran) == ("atasan", "operator")
    reasons = {reason.code: reason.pihak for reason in _verdict(result, "2025", FITRI).reasons}
    assert reasons["KIN802"] == reasons["KIN803"] == "operator sekolah"
    _check_next_steps(result)


def test_a_plt_guru_s_own_plan_waits_for_the_kepala_dinas(tmp_path: Path) -> None:
    """A guru who leads the school as Plt answers to the Kepala Dinas for his own plan; the
    export used to name the kepala sekolah (himself)."""
    root = _case("plt-guru-dinilai-kepala-dinas", tmp_path / "repo")
    mine = root / "records" / "kinerja" / "2025" / ANDI
    _only_submitted(mine / "rencana.yaml", "2025-01-08")
    for record in mine.glob("*.yaml"):
        if record.name != "rencana.yaml":
            record.unlink()
    result = validate(root, dt.date(2025, 2, 15))
    assert not any(ANDI in d.file for d in result.report.errors)
    step = _step(result, "2025", ANDI)
    assert (step.key, step.peran, step.pelaku_id) == ("setujui", "dinas", KEPALA_DINAS)
    reasons = {reason.code: reason.pihak for reason in _verdict(result, "2025", ANDI).reasons}
    assert reasons["KIN802"] == reasons["KIN803"] == "dinas"
    [task] = [task for task in workflow.inbox(result.school, KEPALA_DINAS) if task.owner == ANDI]
    assert task.mine and task.commands == ("setujui", "tinjau-ulang")
    _check_next_steps(result)


def test_a_plan_changed_after_agreement_is_not_exported(tmp_path: Path) -> None:
    """With KIN412 made a warning (`aturan:`), a plan changed after it was agreed used to be
    exported as agreed while tindakan asked for a new submission."""
    root = _case("KIN412-persetujuan-kedaluwarsa", tmp_path / "repo")
    (root / "kinerja.yml").write_text("aturan:\n  KIN412: peringatan\n", encoding="utf-8")
    result = validate(root, dt.date(2025, 2, 15))
    assert result.report.ok
    assert _step(result, "2025", ANDI).key == "ajukan-ulang"
    verdict = _verdict(result, "2025", ANDI)
    assert not verdict.ready
    [reason] = verdict.reasons
    assert (reason.code, reason.pihak) == ("KIN802", "guru")
    assert "diubah sesudah disetujui" in reason.message
    _check_next_steps(result)


def test_a_kepala_sekolah_writes_his_own_plan(school: Path) -> None:
    """No plan yet: the KS is told to write his own (tindakan); the export used to say guru."""
    result = validate(school, dt.date(2026, 2, 15))
    step = _step(result, "2026", KS)
    assert (step.key, step.peran) == ("susun", "kepala_sekolah")
    reasons = {reason.code: reason.pihak for reason in _verdict(result, "2026", KS).reasons}
    assert reasons["KIN802"] == "kepala sekolah"
    assert reasons["KIN803"] == "dinas"
    _check_next_steps(result)


# -- the KS changes between the periode and the day of the action ---------------------------

WAHYU = "198809032023211002"  # demo: his 2025 plan was resubmitted on 2025-12-15 (diajukan)
INDRA = "199407252022031006"  # demo: his 2026 plan is a draft of 2025-12-18
UJANG = "196802141994121001"  # demo: a guru, made KS or Plt from 2026 below
_SINCE_2026 = {
    "ks-baru": f'  - status: definitif\n    pegawai: "{UJANG}"\n    mulai: 2026-01-01\n',
    "plt": f'  - status: plt\n    pegawai: "{UJANG}"\n    mulai: 2026-01-01\n',
    "kosong": "  - status: kosong\n    mulai: 2026-01-01\n",
}
# Who acts from 2026-01-01: (step key, peran, id, automatic).
_FROM_2026 = {
    "ks-baru": ("setujui", "kepala_sekolah", UJANG, False),
    "plt": ("setujui", "kepala_sekolah", UJANG, True),
    "kosong": ("atasan", "operator", None, False),
}


def _demo_with_new_head(root: Path, change: str) -> Path:
    """The demo school whose KS leaves on 2025-12-31, followed by `change`."""
    import shutil

    for name in ("records", "schemas"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "kinerja.yml", root / "kinerja.yml")
    sekolah = root / "records" / "sekolah.yaml"
    text = sekolah.read_text(encoding="utf-8")
    ended = "    mulai: 2022-08-01\n    selesai: 2025-12-31\n"
    text = text.replace("    mulai: 2022-08-01\n", ended, 1)
    sekolah.write_text(text + _SINCE_2026[change], encoding="utf-8")
    return root


@pytest.mark.parametrize("change", sorted(_SINCE_2026))
def test_an_early_plan_is_approved_by_the_ks_of_the_day(change: str, tmp_path: Path) -> None:
    """A 2026 plan submitted in December 2025 (plans may be, KIN204) while the KS leaves on
    31 December: tindakan named the head of 2026-01-01, whom review refused (KIN712) and whose
    step, dated in December, the validator would refuse (KIN310-KIN312). The KS of the day
    approves, and the step he is offered is the one written."""
    root = _demo_with_new_head(tmp_path / "repo", change)
    plan = root / "records" / "kinerja" / "2026" / INDRA / "rencana.yaml"
    with plan.open("a", encoding="utf-8") as handle:
        handle.write(f'  - status: diajukan\n    tanggal: 2025-12-19\n    oleh: "{INDRA}"\n')
    day = dt.date(2025, 12, 22)
    result = validate(root, day)
    assert not any(INDRA in d.file for d in result.report.errors)
    step = _step(result, "2026", INDRA)
    assert (step.key, step.peran, step.pelaku_id, step.otomatis) == (
        "setujui",
        "kepala_sekolah",
        KS,
        False,
    )
    _check_offer_is_acceptance(result)
    _check_next_steps(result)
    outcome = review.apply(root, plan, "setujui", KS, None, day)
    assert outcome.written, outcome
    assert not any(INDRA in d.file for d in validate(root, day).report.errors)


@pytest.mark.parametrize("change", sorted(_SINCE_2026))
def test_a_late_step_is_offered_to_whom_review_accepts(change: str, tmp_path: Path) -> None:
    """The KS changed after the 2025 periode ended, a 2025 plan still waiting: tindakan named
    the KS of the periode's end, whom review refused; now both name the head of the day (a
    new KS, an automatic approval under a Plt, nobody during a vacancy)."""
    root = _demo_with_new_head(tmp_path / "repo", change)
    result = validate(root, dt.date(2026, 2, 10))
    step = _step(result, "2025", WAHYU)
    assert (step.key, step.peran, step.pelaku_id, step.otomatis) == _FROM_2026[change]
    _check_offer_is_acceptance(result)
    _check_next_steps(result)
