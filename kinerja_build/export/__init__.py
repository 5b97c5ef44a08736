"""Export stage: one reproducible BKN hand-off bundle per periode, plus who is not ready yet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kinerja_build import domain, layout
from kinerja_build.diagnostics import Diagnostic, Severity
from kinerja_build.export import bundle as bundles
from kinerja_build.export.readiness import (
    Readiness,
    Reason,
    SchoolFinding,
    assess,
    school_diagnostic,
    school_findings,
    to_diagnostic,
)
from kinerja_build.layout import EXPORT_DIR, EXPORT_LEDGER, RecordKind, pdf_path
from kinerja_build.output import read_own_json, write_atomic
from kinerja_build.stage import BuildContext, StageOutcome
from kinerja_build.validate import Result


def build_exports(context: BuildContext, only: str | None = None) -> StageOutcome:
    """Write build/ekspor-bkn/kinerja-<npsn>-<periode>.zip and belum-siap-<periode>.csv."""
    outcome = StageOutcome("ekspor")
    result = context.result
    sekolah = result.school.sekolah
    if sekolah is None or sekolah.data is None:
        outcome.lines.append(f"Ekspor BKN: dilewati, {RecordKind.SEKOLAH.file_name} tidak valid.")
        return outcome
    npsn = sekolah.data["npsn"]
    expected: set[str] = set()
    for periode_id in sorted(result.school.periods):
        try:
            periode = domain.parse_periode(periode_id)
        except domain.PeriodeError:
            continue
        expected |= layout.export_names(npsn, periode.id)
        if only is None or periode_id == only:
            export_periode(context, periode, npsn, outcome)
    if only is not None and only not in result.school.periods:
        outcome.lines.append(f"Ekspor BKN: tidak ada catatan untuk periode {only}.")
    removed = prune_stale(context.out_dir, expected, outcome.written)
    if removed:
        outcome.lines.append(
            "Ekspor BKN: berkas periode yang tidak lagi ada di records dihapus: "
            + ", ".join(removed)
            + "."
        )
    return outcome


def output_names(npsn: str, periode_id: str) -> set[str]:
    """The files the export writes for one periode, under ekspor-bkn/ (layout.py names them)."""
    return layout.export_names(npsn, periode_id)


def prune_stale(
    out_dir: Path, expected: set[str], written: list[Path], folder_name: str = EXPORT_DIR
) -> list[str]:
    """Delete bundles and lists of periodes (or an NPSN) that no longer exist.

    Only files named in the ledger, which lists what earlier exports wrote, are candidates:
    anything else in the folder was not written by kinerja and stays.
    """
    folder = layout.output(out_dir, folder_name)
    ledger = _read_ledger(folder / EXPORT_LEDGER)
    removed = []
    for name in sorted(ledger - expected):
        path = folder / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(name)
    current = (ledger & expected) | {path.name for path in written if path.parent == folder}
    if current or ledger:
        payload = json.dumps(sorted(current), indent=1) + "\n"
        write_atomic(out_dir, f"{folder_name}/{EXPORT_LEDGER}", payload.encode("utf-8"))
    return removed


def _read_ledger(path: Path) -> set[str]:
    data = read_own_json(path)
    if not isinstance(data, list):
        return set()
    # Plain file names only: a ledger edited to name "../x" must not delete anything outside.
    return {
        item
        for item in data
        if isinstance(item, str)
        and item
        and "/" not in item
        and "\\" not in item
        and item not in {".", ".."}
        and not item.startswith(".")
    }


def export_periode(
    context: BuildContext, periode: domain.Periode, npsn: str, outcome: StageOutcome
) -> None:
    result = context.result
    verdicts = assess(result.school, periode, result.report.diagnostics)
    ready = [verdict.pegawai for verdict in verdicts if verdict.ready]
    periodik = bundles.rows(result.school, periode, ready)
    bundle = bundles.Bundle(periode, npsn)
    attached = _attach_documents(context, periode, periodik, bundle)
    people = bundles.by_nip(result.school)
    kredit = bundles.angka_kredit(periodik, result.school, periode, people)
    bundle.files.update(
        {
            "kinerja-periodik.json": bundles.to_json(periodik),
            "skp-tahunan.json": bundles.to_json(bundles.skp_tahunan(periodik, periode)),
            "angka-kredit.json": bundles.to_json(kredit),
            **bundles.tables_files("pegawai", bundles.pegawai_table(people, periodik)),
            **bundles.tables_files("penilaian", bundles.penilaian_table(periodik, kredit)),
            **bundles.schema_files(),
        }
    )
    if periode.half:
        bundle.notes.append(
            "Periode semester: skp-tahunan.json kosong; aturan penggabungan dua semester 2024 "
            "menjadi hasil tahunan belum terkonfirmasi."
        )
    counts = {
        "diekspor": len(periodik),
        "belum_siap": len(verdicts) - len(periodik),
        "dokumen": attached,
        "angka_kredit": len(kredit),
    }
    bundle.files["manifest.json"] = bundles.manifest(
        bundle, counts, bundles.git_commit(context.root)
    )
    stamp = zip_time(context.source_date_epoch)
    written = write_atomic(
        context.out_dir, layout.export_file(bundle.name), bundles.zip_bytes(bundle.files, stamp)
    )
    outcome.written.append(written)
    for name, content in bundles.tables_files(
        layout.not_ready_stem(periode.id), not_ready_table(verdicts)
    ).items():
        outcome.written.append(write_atomic(context.out_dir, layout.export_file(name), content))
    # Each reason reaches the terminal once: a warning or error as its own diagnostic line
    # (with file and severity), anything else (info, or a check switched off in kinerja.yml,
    # which still keeps the person out) as a line of the not-ready list in the summary. A
    # school-wide reason (KIN806, KIN807) is one finding of the periode, not one per person;
    # each person's row of the not-ready list still carries it.
    policy = result.config.policy
    findings = school_findings(verdicts)
    listed: set[tuple[str, Reason]] = set()

    def report(key: str, reason: Reason, diagnostic: Diagnostic) -> None:
        outcome.diagnostics.append(diagnostic)
        if not any(item.severity is not Severity.INFO for item in policy.judge([diagnostic])):
            listed.add((key, reason))

    for finding in findings:
        report("", finding.reason, school_diagnostic(result.school, periode.id, finding))
    for verdict in verdicts:
        for reason in [*verdict.reasons, *verdict.warnings]:
            if not reason.school_wide:
                report(
                    verdict.pegawai,
                    reason,
                    to_diagnostic(result.school, periode.id, verdict, reason),
                )
    outcome.lines.extend(
        _summary(periode, verdicts, findings, len(periodik), attached, written, bundle, listed)
    )


def _attach_documents(
    context: BuildContext,
    periode: domain.Periode,
    periodik: list[dict[str, object]],
    bundle: bundles.Bundle,
) -> int:
    """Put each exported person's Dokumen Evaluasi Kinerja PDF in dokumen/, when it was built."""
    attached = 0
    folder = layout.output(context.out_dir, layout.pdf_periode_dir(periode.id))
    by_nip = {
        (context.result.school.person(pid) or {}).get("nip"): pid
        for pid in context.result.school.periods.get(periode.id, {})
    }
    for row in periodik if folder.is_dir() else ():  # PDF stage not run: nothing to look for
        source = pdf_path(context.out_dir, periode.id, str(by_nip[row["nip"]]), "evaluasi")
        if not source.is_file():
            continue
        name = f"dokumen/{row['nip']}-evaluasi-kinerja.pdf"
        bundle.files[name] = source.read_bytes()
        row["path"] = [
            {
                "dok_id": bundles.DOKUMEN_EVALUASI_ID,
                "dok_nama": "Dokumen Evaluasi Kinerja",
                "dok_uri": name,
            }
        ]
        attached += 1
    if attached < len(periodik):
        bundle.notes.append(
            f"{len(periodik) - attached} Dokumen Evaluasi Kinerja tidak dilampirkan: PDF belum "
            "dibuat (jalankan `kinerja build` tanpa `--hanya ekspor`)."
        )
    return attached


def zip_time(epoch: int | None) -> tuple[int, int, int, int, int, int]:
    if epoch is None:
        return bundles.ZIP_EPOCH
    moment = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.UTC)  # zip cannot go before 1980
    return (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second - moment.second % 2,
    )


NOT_READY_HEADER = [
    "ID pegawai",
    "NIP",
    "Nama",
    "Kode",
    "Alasan",
    "Pihak yang perlu bertindak",
    "Berkas",
]


def not_ready_table(verdicts: list[Readiness]) -> bundles.Table:
    header = list(NOT_READY_HEADER)
    records = [
        [
            verdict.pegawai,
            verdict.nip,
            verdict.nama,
            reason.code,
            reason.message,
            reason.pihak,
            reason.file,
        ]
        for verdict in verdicts
        for reason in verdict.reasons
    ]
    return header, records


def _summary(
    periode: domain.Periode,
    verdicts: list[Readiness],
    findings: list[SchoolFinding],
    exported: int,
    attached: int,
    written: Path,
    bundle: bundles.Bundle,
    listed: set[tuple[str, Reason]],
) -> list[str]:
    """The stage's terminal summary; `listed`: the (pegawai, reason) shown as a line of it,
    with an empty pegawai for a school-wide finding."""
    lines = [
        f"Ekspor BKN {periode.id} ({written.name}): {exported} pegawai diekspor, "
        f"{len(verdicts) - exported} belum siap, {attached} dokumen evaluasi dilampirkan."
    ]
    for finding in findings:
        reason = finding.reason
        if ("", reason) in listed:
            lines.append(
                f"  - Seluruh sekolah ({len(finding.pegawai)} pegawai tertahan): {reason.message} "
                f"[{reason.code}; {reason.pihak}]"
            )
    for verdict in verdicts:
        for reason in verdict.reasons:
            if (verdict.pegawai, reason) in listed:
                lines.append(
                    f"  - {verdict.nama}: {reason.message} [{reason.code}; {reason.pihak}]"
                )
    lines.extend(f"  catatan: {note}" for note in bundle.notes)
    return lines


__all__ = ["EXPORT_DIR", "Result", "build_exports"]
