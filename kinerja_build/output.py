"""Writing outputs safely: atomically, and only inside the output directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kinerja_build import layout
from kinerja_build.errors import UsageProblem


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def check_output_dir(root: Path, out: Path) -> Path:
    """Refuse output directories that could overwrite records or the repository itself."""
    root, out = root.resolve(), out.resolve()
    records = layout.records_dir(root)
    if out == root or out in root.parents:
        raise UsageProblem(
            f"Folder keluaran {out} adalah repositori itu sendiri atau induknya; pilih folder lain, mis. build/."
        )
    if out == records or records in out.parents:
        raise UsageProblem(
            f"Folder keluaran {out} berada di dalam {layout.RECORDS_DIR}/; catatan tidak boleh "
            "tertimpa."
        )
    return out


def write_atomic(out_dir: Path, relative: str, content: bytes) -> Path:
    """Write `content` to out_dir/relative via a temporary file and a rename."""
    target = (out_dir / relative).resolve()
    if out_dir.resolve() not in target.parents:
        raise UsageProblem(f"Menolak menulis di luar folder keluaran: {relative}")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp creates 0600; outputs are shared files
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
