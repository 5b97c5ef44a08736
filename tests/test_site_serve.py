"""`mkdocs serve` as a coach uses it: edit a record, the teacher's page changes without a restart.

Runs the real `mkdocs serve` (livereload on, the default) on a copy of the base school and
polls over HTTP; the plugin's `on_serve` must have put records/ on the watch list.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # a real `mkdocs serve`
GURU = "198305172009011004"
PAGE = f"periode/2025/{GURU}.html"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, needle: str, server: subprocess.Popen[str], seconds: float) -> str:
    """Poll until the page contains `needle`; fail with the server's output otherwise."""
    deadline = time.monotonic() + seconds
    body = ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"mkdocs serve stopped: {server.communicate()[0]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            body = ""
        if needle in body:
            return body
        time.sleep(0.3)
    raise AssertionError(f"{needle!r} not served at {url} within {seconds} s")


def test_editing_a_record_rebuilds_the_served_site(school: Path) -> None:
    shutil.copy(REPO / "mkdocs.yml", school / "mkdocs.yml")
    (school / "site").mkdir()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=school,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/{PAGE}"
        _wait_for(url, "Ahmad Fauzi", server, seconds=90)
        person = school / "records" / "pegawai" / f"{GURU}.yaml"
        text = person.read_text(encoding="utf-8")
        person.write_text(
            re.sub(r"(?m)^nama: .*$", "nama: Ahmad Sudah Diubah, S.Pd.", text), encoding="utf-8"
        )
        body = _wait_for(url, "Ahmad Sudah Diubah", server, seconds=90)
        assert "Ahmad Fauzi" not in body
    finally:
        server.terminate()
        try:
            server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
