"""Who is acting: per-person access tokens for a shared app, and the log of every write.

On 127.0.0.1 the app trusts the person at the keyboard to say who they are (it is their own
machine and repository). Bound to any other address, every person signs in with a token that the
school's admin generates with `kinerja token NIP`; only its SHA-256 is stored, in
`.kinerja/token.json`. The `.kinerja/` folder ignores itself in git (it holds a `.gitignore`
with `*`), so tokens and the write log never land in the school's repository.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from pathlib import Path

from kinerja_build.output import write_atomic

STATE_DIR = ".kinerja"
TOKENS = "token.json"
LOG = "app-log.jsonl"


def state_dir(root: Path) -> Path:
    """`.kinerja/` of the repository, created with a .gitignore that ignores everything in it."""
    folder = root.resolve() / STATE_DIR
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    return folder


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def read_tokens(root: Path) -> dict[str, str]:
    """SHA-256 of each token → pegawai id."""
    path = root.resolve() / STATE_DIR / TOKENS
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def new_token(root: Path, pegawai: str) -> str:
    """A fresh token for `pegawai`, replacing any earlier one; only its hash is kept."""
    tokens = {h: p for h, p in read_tokens(root).items() if p != pegawai}
    token = secrets.token_urlsafe(24)
    tokens[_hash(token)] = pegawai
    content = json.dumps(tokens, indent=2, sort_keys=True).encode("utf-8")
    write_atomic(state_dir(root), TOKENS, content)
    return token


def person_for(tokens: dict[str, str], token: str) -> str | None:
    digest = _hash(token.strip())
    for known, pegawai in tokens.items():
        if hmac.compare_digest(known, digest):
            return pegawai
    return None


def log_write(root: Path, actor: str, action: str, rel: str, when: dt.datetime) -> None:
    """Append who wrote what to .kinerja/app-log.jsonl (one JSON object per line)."""
    line = json.dumps(
        {"waktu": when.isoformat(timespec="seconds"), "oleh": actor, "aksi": action, "berkas": rel},
        ensure_ascii=False,
    )
    with (state_dir(root) / LOG).open("a", encoding="utf-8") as stream:
        stream.write(line + "\n")
