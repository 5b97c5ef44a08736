"""`kinerja verifikasi DOKUMEN.pdf`: does a (printed, signed, archived) document match the records?

The PDF carries a stamp in its XMP metadata (render/finish.py): the document's path, the SHA-256
of its content and the git blob id of every record it was made from. Verification rebuilds that
document's content from the records committed at HEAD (not the working tree: what is signed
must be what is committed) and compares fingerprints. On a mismatch it says which record files
differ, the commit the document was made from and the commits that changed them since.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kinerja_build.diff import _materialize, git
from kinerja_build.errors import UsageProblem
from kinerja_build.render.documents import fingerprint, plan_documents
from kinerja_build.render.finish import Stamp, read_stamp
from kinerja_build.validate import validate

MAX_PDF_BYTES = 50 * 1024 * 1024


@dataclass(slots=True)
class SourceChange:
    path: str
    stamped_blob: str
    head_blob: str | None  # None: the file is gone at HEAD
    made_at: str | None = None  # short commit that had the stamped version
    since: list[str] = field(default_factory=list)  # "abc1234 2025-03-01 message" at HEAD


@dataclass(slots=True)
class Verdict:
    stamp: Stamp
    commit: str
    matches: bool
    found: bool  # the records at HEAD still call for this document
    changes: list[SourceChange] = field(default_factory=list)


def read_document_stamp(pdf: Path) -> Stamp:
    """The stamp of a PDF, or a usage problem saying why there is none."""
    try:
        size = pdf.stat().st_size
        if size > MAX_PDF_BYTES:
            raise UsageProblem(f"{pdf} lebih dari {MAX_PDF_BYTES // (1024 * 1024)} MB.")
        data = pdf.read_bytes()
    except OSError as error:
        raise UsageProblem(f"{pdf} tidak dapat dibaca: {error.strerror}") from error
    stamp = read_stamp(data)
    if stamp is None:
        raise UsageProblem(
            f"{pdf} tidak memuat cap kinerja (bukan dokumen yang dibuat `kinerja build`, "
            "atau dibuat versi lama). Bandingkan dengan dokumen yang baru dibangun."
        )
    return stamp


def verify(root: Path, pdf: Path) -> Verdict:
    """Compare a stamped PDF with the records committed at HEAD of the repository at root."""
    stamp = read_document_stamp(pdf)
    root = root.resolve()
    if git(root, "rev-parse", "--is-inside-work-tree").strip() != "true":
        raise UsageProblem(f"{root} bukan repositori git.")
    commit = git(root, "rev-parse", "HEAD").strip()
    with tempfile.TemporaryDirectory(prefix="kinerja-verifikasi-") as scratch:
        head = _materialize(root, commit, Path(scratch) / "head")
        result = validate(head)
        current = None
        if not result.usage_error:
            documents = plan_documents(result.school, result.config.referensi)
            current = next((d for d in documents if d.output == stamp.document), None)
    found = current is not None and not current.unusable
    matches = found and current is not None and fingerprint(current) == stamp.fingerprint
    verdict = Verdict(stamp, commit, matches, found)
    if not matches:
        verdict.changes = _source_changes(root, commit, stamp)
    return verdict


def _source_changes(root: Path, commit: str, stamp: Stamp) -> list[SourceChange]:
    changes = []
    for source in stamp.sources:
        path, _, blob = source.rpartition("@")
        head_blob = _blob_at(root, commit, path)
        if head_blob == blob:
            continue
        change = SourceChange(path, blob, head_blob)
        change.made_at = _commit_with_blob(root, blob, path)
        revision_range = f"{change.made_at}..{commit}" if change.made_at else commit
        change.since = _log(root, revision_range, path)
        changes.append(change)
    return changes


def _blob_at(root: Path, commit: str, path: str) -> str | None:
    done = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{commit}:{path}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip() or None if done.returncode == 0 else None


def _commit_with_blob(root: Path, blob: str, path: str) -> str | None:
    """The newest commit whose version of the file is the stamped one."""
    if len(blob) != 40 or not all(char in "0123456789abcdef" for char in blob):
        return None
    # --find-object lists commits that add or remove the blob: the newest that has it is it.
    # --full-history: without it, a path-limited log simplifies merges and can skip the side
    # branch where the blob came in (school histories are full of merged pull requests).
    found = git(root, "log", "--full-history", "--format=%h", f"--find-object={blob}", "--", path)
    for commit in found.split():
        if _blob_at(root, commit, path) == blob:
            return commit
    return None


def _log(root: Path, revision_range: str, path: str) -> list[str]:
    out = git(root, "log", "--format=%h %ad %s", "--date=short", revision_range, "--", path)
    return [line for line in out.splitlines() if line.strip()][:10]


def describe(verdict: Verdict) -> list[str]:
    """The verdict as Indonesian lines for the terminal."""
    stamp = verdict.stamp
    head = verdict.commit[:12]
    records = [source.rpartition("@")[0] for source in stamp.sources]
    if verdict.matches:
        return [
            f"COCOK: {stamp.document} (kode {stamp.code}) sesuai dengan catatan pada commit "
            f"{head} (HEAD).",
            "Dibuat dari: " + ", ".join(records),
        ]
    lines = [f"TIDAK COCOK: {stamp.document} (kode {stamp.code}) berbeda dari catatan pada "
             f"commit {head} (HEAD)."]  # fmt: skip
    if not verdict.found:
        lines.append(
            "  Catatan pada HEAD tidak lagi menghasilkan dokumen ini (dihapus atau bergalat)."
        )
    for change in verdict.changes:
        state = "dihapus" if change.head_blob is None else "berubah"
        origin = (
            f" (dokumen dibuat dari versi pada commit {change.made_at})" if change.made_at else ""
        )
        lines.append(f"  {change.path} {state} sejak dokumen dibuat{origin}.")
        lines.extend(f"    {entry}" for entry in change.since)
    if verdict.found and not verdict.changes:
        lines.append(
            "  Berkas catatannya sama; yang berbeda adalah data lain yang ikut dicetak (mis. "
            "referensi di kinerja.yml atau versi kinerja). Bangun ulang dan bandingkan."
        )
    return lines
