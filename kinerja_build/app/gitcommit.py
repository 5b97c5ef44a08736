"""Optional (`kinerja serve --git`): commit each write on a branch named after the person.

The commit is made with git plumbing and a temporary index, so the working tree, the checked-out
branch and the person's own staging area are never touched: the file is already written in the
working tree, and the branch `kinerja/<id pegawai>` gains one commit that adds exactly that file
on top of the branch (or of HEAD when the branch is new). The branch then goes into a pull
request as usual, where CODEOWNERS asks the atasan to review.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path


class GitProblem(Exception):
    pass


def _git(
    root: Path, *args: str, env: dict[str, str] | None = None, data: bytes | None = None
) -> str:
    completed = subprocess.run(
        ["git", "-C", str(root), *args],
        input=data,
        capture_output=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if completed.returncode != 0:
        raise GitProblem(completed.stderr.decode("utf-8", "replace").strip())
    return completed.stdout.decode("utf-8").strip()


def branch_for(actor: str) -> str:
    return f"kinerja/{actor}"


def commit(root: Path, rel: str, actor: str, name: str, action: str) -> str:
    """Commit `rel` as it is in the working tree onto the actor's branch; the new commit id."""
    branch = branch_for(actor)
    ref = f"refs/heads/{branch}"
    try:
        parent = old = _git(root, "rev-parse", "--verify", "-q", ref)
    except GitProblem:
        parent, old = _git(root, "rev-parse", "--verify", "HEAD"), ""
    blob = _git(root, "hash-object", "-w", "--", rel)
    with tempfile.TemporaryDirectory(prefix="kinerja-git-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        _git(root, "read-tree", parent, env=env)
        _git(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{rel}", env=env)
        tree = _git(root, "write-tree", env=env)
    identity = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": f"{actor}@kinerja.invalid",
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": f"{actor}@kinerja.invalid",
    }
    message = f"{action}: {rel}\n\nOleh {name} ({actor}) lewat kinerja serve.\n"
    new = _git(root, "commit-tree", tree, "-p", parent, env=identity, data=message.encode("utf-8"))
    _git(root, "update-ref", ref, new, old)  # refused if the branch moved meanwhile
    return new
