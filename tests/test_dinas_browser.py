"""The district dashboard in headless Chromium at a laptop (1366 px) and a phone (390 px) width.

Screenshots go to tests/artifacts/ (git-ignored) for a reviewer to look at. Skipped only when
Chromium is not installed, as tests/test_site_browser.py.
"""

from __future__ import annotations

import functools
import http.server
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import chromium
import pytest

from benchmarks.synth import generate
from kinerja_build.dinas.build import build_district
from kinerja_build.dinas.engine import EngineOptions

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

TESTS = Path(__file__).resolve().parent
ARTIFACTS = TESTS / "artifacts"

pytestmark = [
    pytest.mark.slow,  # a real browser
    pytest.mark.skipif(
        not (chromium.CHROMIUM and chromium.CHROMEDRIVER),
        reason="Chromium/chromedriver not installed",
    ),
]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dinas")
    schools = generate(root / "sekolah", schools=3, teachers=4, periods=("2025",), seed=11)
    # The KS of the first school has submitted a plan the Dinas must approve.
    ks = next(
        p for p in (schools[0] / "records" / "pegawai").glob("*.yaml")
        if "peran: kepala_sekolah" in p.read_text(encoding="utf-8")
    )  # fmt: skip
    folder = schools[0] / "records" / "kinerja" / "2025" / ks.stem
    for name in ("siklus", "pengembangan-kompetensi", "tugas", "penilaian"):
        (folder / f"{name}.yaml").unlink()
    plan = folder / "rencana.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text[: text.index("status:")] + _submitted(text), encoding="utf-8")
    entries = "".join(
        f"  - id: s{i}\n    folder: sekolah/{path.name}\n" for i, path in enumerate(schools, 1)
    )
    (root / "dinas.yml").write_text(
        "dinas:\n  nama: Dinas Pendidikan Kabupaten Sukamaju\n  kode: '3201'\n"
        "predikat_organisasi:\n  '2025': baik\nsekolah:\n" + entries,
        encoding="utf-8",
    )
    result = build_district(root, None, EngineOptions(jobs=2, processes=False), tanpa_pdf=True)
    assert result.summaries and all(s["status"] == "ok" for s in result.summaries)
    return root / "build"


def _submitted(plan_text: str) -> str:
    """The plan's status history cut after its first submission (`diajukan`)."""
    lines = plan_text[plan_text.index("status:") :].splitlines()
    kept, submitted = [lines[0]], False
    for line in lines[1:]:
        if line.startswith("- ") and submitted:
            break
        submitted = submitted or line == "- status: diajukan"
        kept.append(line)
    assert submitted
    return "\n".join(kept) + "\n"


@pytest.fixture(scope="module")
def server(out: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(out))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
        httpd.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = chromium.start(tmp_path_factory.mktemp("chromium"), console_log=True)
    yield driver
    driver.quit()


@pytest.mark.parametrize("width", [1366, 390])
def test_district_dashboard(browser: WebDriver, server: str, width: int) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.set_window_size(width, 900)
    driver.get(f"{server}/situs/index.html")
    assert "Dasbor kinerja" in driver.title
    rows = driver.find_elements(By.CSS_SELECTOR, "#periode-2025 tr[id^='2025-s']")
    assert len(rows) == 3 and all(row.is_displayed() for row in rows)
    todo = driver.find_element(By.XPATH, "//h3[text()='Tugas Dinas']/following-sibling::*[1]")
    # The model's next step for that KS, whose actor is the Dinas.
    assert "Setujui atau kembalikan rencana" in todo.text and "SD Negeri" in todo.text
    assert "terlambat" in todo.text, "a 2025 plan still waiting is past its deadline"
    link = driver.find_element(By.PARTIAL_LINK_TEXT, "kinerja-dinas-3201-2025.zip")
    href = link.get_attribute("href")
    assert href is not None and href.endswith("/ekspor-bkn/kinerja-dinas-3201-2025.zip")
    # Nothing wider than the window: a phone never scrolls sideways.
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    viewport = driver.execute_script("return document.documentElement.clientWidth")
    assert scroll <= viewport, f"page {scroll} px wide in a {viewport} px window"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height) + 120, 8000))
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"dinas-dasbor-{width}.png"))
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]  # type: ignore[attr-defined]
    assert not severe, severe
