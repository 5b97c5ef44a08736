"""Export stage: one reproducible BKN hand-off bundle per periode, plus who is not ready yet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kinerja_build import domain, layout
from kinerja_build.export import bundle as bundles
from kinerja_build.export.readiness import Readiness, assess, to_diagnostic
from kinerja_build.layout import EXPORT_DIR, RecordKind, pdf_path
from kinerja_build.output import write_atomic
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
    for periode_id in sorted(result.school.periods):
        if only is not None and periode_id != only:
            continue
        try:
            periode = domain.parse_periode(periode_id)
        except domain.PeriodeError:
            continue
        export_periode(context, periode, sekolah.data["npsn"], outcome)
    if only is not None and only not in result.school.periods:
        outcome.lines.append(f"Ekspor BKN: tidak ada catatan untuk periode {only}.")
    return outcome


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
            "pegawai.csv": bundles.pegawai_csv(people, periodik),
            "penilaian.csv": bundles.penilaian_csv(periodik, kredit),
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
    stamp = _zip_time(context.source_date_epoch)
    written = write_atomic(
        context.out_dir,
        layout.export_bundle(npsn, periode.id),
        bundles.zip_bytes(bundle.files, stamp),
    )
    report = write_atomic(
        context.out_dir, layout.not_ready_list(periode.id), _not_ready_csv(verdicts)
    )
    outcome.written.extend([written, report])
    for verdict in verdicts:
        for reason in [*verdict.reasons, *verdict.warnings]:
            diagnostic = to_diagnostic(
                result.school, periode.id, verdict, reason, result.config.severities
            )
            if diagnostic is not None:
                outcome.diagnostics.append(diagnostic)
    outcome.lines.extend(_summary(periode, verdicts, len(periodik), attached, written, bundle))


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


def _zip_time(epoch: int | None) -> tuple[int, int, int, int, int, int]:
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


def _not_ready_csv(verdicts: list[Readiness]) -> bytes:
    header = ["ID pegawai", "NIP", "Nama", "Kode", "Alasan", "Pihak yang perlu bertindak", "Berkas"]
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
    return bundles.to_csv(header, records)


def _summary(
    periode: domain.Periode,
    verdicts: list[Readiness],
    exported: int,
    attached: int,
    written: Path,
    bundle: bundles.Bundle,
) -> list[str]:
    lines = [
        f"Ekspor BKN {periode.id} ({written.name}): {exported} pegawai diekspor, "
        f"{len(verdicts) - exported} belum siap, {attached} dokumen evaluasi dilampirkan."
    ]
    for verdict in verdicts:
        for reason in verdict.reasons:
            lines.append(f"  - {verdict.nama}: {reason.message} [{reason.code}; {reason.pihak}]")
    lines.extend(f"  catatan: {note}" for note in bundle.notes)
    return lines


__all__ = ["EXPORT_DIR", "Result", "build_exports"]
