"""The progress site as a person uses it, in headless Chromium (Debian's chromium + chromedriver).

Open the dashboard, follow a link to a teacher, search a teacher by name; no console errors.
Screenshots go to tests/artifacts/ (git-ignored) so a reviewer can look at them. Skipped only
when Chromium is not installed (`scripts/install-system-deps` installs it; CI runs it).
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socketserver
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

import chromium
import pytest
from click.testing import CliRunner

from kinerja_build.cli import cli

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
ARTIFACTS = TESTS / "artifacts"
T = TypeVar("T")

pytestmark = [
    pytest.mark.slow,  # a real browser
    pytest.mark.skipif(
        not (chromium.CHROMIUM and chromium.CHROMEDRIVER),
        reason="Chromium/chromedriver not installed",
    ),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("situs")
    result = CliRunner().invoke(
        cli,
        ["build", "--root", str(REPO), "--out", str(out), "--hanya", "situs"],
        catch_exceptions=False,
        env={"NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.output
    return out / "site"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    # Served from a sub-path (/site/), as on GitHub Pages: proves links are relative.
    handler = functools.partial(QuietHandler, directory=str(site.parent))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}/{site.name}"
        httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = chromium.start(
        tmp_path_factory.mktemp("chromium"), "--window-size=1280,900", console_log=True
    )
    yield driver
    driver.quit()


def _shot(driver: WebDriver, name: str, *, full: bool = False) -> None:
    """Save a screenshot; `full` grows the window to the page's height first."""
    ARTIFACTS.mkdir(exist_ok=True)
    if full:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(int(height) + 40, 6000))
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    if full:
        driver.set_window_size(1280, 900)


def _errors(driver: WebDriver) -> list[dict[str, object]]:
    logs: list[dict[str, object]] = driver.get_log("browser")  # type: ignore[attr-defined]  # Chrome only
    return [entry for entry in logs if entry.get("level") == "SEVERE"]


class _Wait:
    """WebDriverWait that, on a timeout, saves a screenshot and says what the page showed."""

    def __init__(self, driver: WebDriver, name: str, seconds: float = 30) -> None:
        self.driver, self.name, self.seconds = driver, name, seconds

    def until(self, condition: Callable[[WebDriver], Literal[False] | T]) -> T:
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            return WebDriverWait(self.driver, self.seconds).until(condition)
        except TimeoutException as error:
            _shot(self.driver, f"gagal-{self.name}", full=True)
            shown = [
                e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".kinerja-galat li")
            ]
            raise AssertionError(
                f"{self.name}: waited {self.seconds} s at {self.driver.current_url}; "
                f"form errors shown: {shown}; console: {_errors(self.driver)}; "
                f"screenshot tests/artifacts/gagal-{self.name}.png"
            ) from error


def test_dashboard_teacher_and_search(browser: WebDriver, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    driver = browser
    driver.get(f"{server}/index.html")
    wait = _Wait(driver, "beranda")
    assert "Kinerja SMP Negeri 3 Sukamaju" in driver.title
    assert driver.find_elements(By.CSS_SELECTOR, "div.kinerja-bar")
    _shot(driver, "1-beranda", full=True)

    driver.find_element(By.LINK_TEXT, "Tahun 2025").click()
    wait.until(ec.title_contains("2025"))
    _shot(driver, "2-periode", full=True)
    link = driver.find_element(By.LINK_TEXT, "Drs. Ujang Suherman")
    link.click()
    wait.until(ec.title_contains("Ujang"))
    assert driver.current_url == f"{server}/periode/2025/196802141994121001.html"
    body = driver.find_element(By.TAG_NAME, "article").text
    for heading in ("Rencana kinerja", "Siklus peningkatan kinerja", "Penilaian"):
        assert heading in body
    _shot(driver, "3-guru", full=True)

    driver.get(f"{server}/index.html")
    search = wait.until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "label.md-search__icon, .md-search__input"))
    )
    search.click()
    field = wait.until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "input.md-search__input"))
    )
    field.send_keys("Kartika")
    results = wait.until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, ".md-search-result__list li"))
    )
    assert "Kartika" in results.text
    _shot(driver, "4-cari")
    field.send_keys(Keys.ENTER)
    wait.until(ec.title_contains("Kartika"))
    assert not _errors(driver), _errors(driver)


def test_rencana_form_from_choice_to_valid_yaml(
    browser: WebDriver, server: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select

    driver = browser
    wait = _Wait(driver, "formulir")
    driver.get(f"{server}/formulir/rencana.html")
    wait.until(
        lambda d: (
            d.find_element(By.CSS_SELECTOR, ".kinerja-formulir").get_attribute("data-siap") == "1"
        )
    )

    def field(name: str) -> WebElement:
        return driver.find_element(By.NAME, name)

    Select(field("root[pegawai]")).select_by_value("196802141994121001")
    Select(field("root[periode]")).select_by_visible_text("Tahun 2026")  # a choice, by its name
    Select(field("root[praktik_kinerja][indikator]")).select_by_value("disiplin-positif")
    field("root[pengembangan_kompetensi][0][kegiatan]").send_keys(
        "Pelatihan mandiri Disiplin Positif <script>alert(1)</script>"
    )
    driver.find_element(By.XPATH, "//label[contains(., 'Kolaboratif')]/input").click()
    driver.find_element(By.CSS_SELECTOR, ".kinerja-periksa").click()
    problems = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".kinerja-galat li")))
    assert "status.0" in problems.text and "wajib belum diisi: Tanggal" in problems.text
    _shot(driver, "5-formulir-galat")

    field("root[status][0][tanggal]").send_keys("2026-01-12")
    driver.find_element(By.CSS_SELECTOR, ".kinerja-periksa").click()
    output = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".kinerja-aksi")))
    assert output.is_displayed()
    text = driver.find_element(By.CSS_SELECTOR, ".kinerja-yaml").text + "\n"
    path = driver.find_element(By.CSS_SELECTOR, ".kinerja-jalur").text
    assert path == "records/kinerja/2026/196802141994121001/rencana.yaml"
    unduh = driver.find_element(By.CSS_SELECTOR, ".kinerja-unduh")
    assert unduh.get_attribute("download") == "rencana.yaml"
    github = driver.find_element(By.CSS_SELECTOR, ".kinerja-github").get_attribute("href")
    assert github is not None
    assert (
        "/new/main?filename=records%2Fkinerja%2F2026%2F196802141994121001%2Frencana.yaml" in github
    )
    _shot(driver, "6-formulir-yaml")
    assert not _errors(driver), _errors(driver)

    # The YAML the form produced validates with kinerja (schema part clean).
    school = tmp_path / "sekolah"
    shutil.copytree(REPO / "records", school / "records")
    shutil.copytree(REPO / "schemas", school / "schemas")
    target = school / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["validate", "--root", str(school), "--format", "json"], env={"NO_COLOR": "1"}
    )
    found = json.loads(result.output)["diagnostik"]
    mine = [d for d in found if d["file"] == path and d["code"] < "KIN200"]
    assert mine == [], mine
    # Hostile text never becomes markup or YAML structure: it is a double-quoted scalar.
    kegiatan = next(line for line in text.splitlines() if "kegiatan:" in line)
    assert kegiatan.startswith('  - kegiatan: "') and kegiatan.endswith('"')


def test_existing_record_loads_into_the_form(browser: WebDriver, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    wait = _Wait(driver, "muat")
    driver.get(f"{server}/formulir/rencana.html")
    wait.until(
        lambda d: (
            d.find_element(By.CSS_SELECTOR, ".kinerja-formulir").get_attribute("data-siap") == "1"
        )
    )
    Select(driver.find_element(By.NAME, "root[pegawai]")).select_by_value("196802141994121001")
    Select(driver.find_element(By.NAME, "root[periode]")).select_by_value("2025")
    driver.find_element(By.CSS_SELECTOR, ".kinerja-muat").click()
    field = "root[pengembangan_kompetensi][0][kegiatan]"
    wait.until(lambda d: d.find_element(By.NAME, field).get_attribute("value"))
    value = driver.find_element(By.NAME, field).get_attribute("value")
    assert value == "Pelatihan mandiri Disiplin Positif di Ruang GTK"


AXE = TESTS / "vendor" / "axe-core" / "axe.min.js"
PAGES = {
    "beranda": "index.html",
    "periode": "periode/2025/index.html",
    "guru": "periode/2025/198305172009011004.html",
    "validasi": "validasi.html",
}


def axe_violations(driver: WebDriver) -> list[dict[str, object]]:
    """Serious and critical axe-core violations on the current page (target and rule)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, object]] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => ({id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(' '))}))))"
    )
    return found


@pytest.mark.slow
@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_are_accessible_and_fit_a_phone(
    browser: WebDriver, server: str, page: str, width: int
) -> None:
    """axe-core finds nothing serious; nothing is wider than the screen; no English left."""
    driver = browser
    driver.set_window_size(width, 900)
    driver.get(f"{server}/{PAGES[page]}")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height) + 40, 6000))
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"a11y-{page}-{width}.png"))
    assert axe_violations(driver) == []
    # A table or chart cut off on a phone: any element of the content wider than its column.
    overflowing = driver.execute_script(
        "const box = document.querySelector('.md-content').getBoundingClientRect();"
        "return [...document.querySelectorAll('.md-content table, .md-content svg')]"
        ".filter(el => el.getBoundingClientRect().right > box.right + 1)"
        ".map(el => el.outerHTML.slice(0, 80));"
    )
    assert overflowing == []
    text = driver.find_element("tag name", "body").text
    for english in ("Made with", "Not found", "Properties", "item 1", "Search"):
        assert english not in text, english
    assert driver.find_element("css selector", ".md-search").get_attribute("aria-label")


PAYLOADS = (
    "<img src=x onerror=window.__xss1=1>",
    "<details open ontoggle=window.__xss2=1>x</details>",
    "&lt;img src=x onerror=window.__xss3=1&gt;",
    "<svg><animate onbegin=window.__xss4=1 attributeName=x dur=1s>",
)


@pytest.mark.slow
def test_hostile_record_text_never_runs_in_the_forms(
    browser: WebDriver, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Record text written by an adversary is loaded into every field as text, never as HTML."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    school = tmp_path_factory.mktemp("xss") / "sekolah"
    for name in ("records", "schemas", "site", "mkdocs.yml", "kinerja.yml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, school / name)
        else:
            shutil.copyfile(source, school / name)
    plan = school / "records" / "kinerja" / "2025" / "196802141994121001" / "rencana.yaml"
    text = plan.read_text(encoding="utf-8")
    hostile = json.dumps(" ".join(PAYLOADS))  # a JSON string is a valid YAML scalar
    text = text.replace(
        "kegiatan: Pelatihan mandiri Disiplin Positif di Ruang GTK", f"kegiatan: {hostile}"
    )
    assert hostile in text
    plan.write_text(text, encoding="utf-8")
    out = school / "build"
    result = CliRunner().invoke(
        cli,
        ["build", "--root", str(school), "--out", str(out), "--hanya", "situs", "--allow-errors"],
        catch_exceptions=False,
        env={"NO_COLOR": "1"},
    )
    assert (out / "site" / "formulir" / "rencana.html").is_file(), result.output
    handler = functools.partial(QuietHandler, directory=str(out / "site"))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        driver = browser
        wait = _Wait(driver, "xss")
        driver.get(f"http://127.0.0.1:{httpd.server_address[1]}/formulir/rencana.html")
        wait.until(
            lambda d: (
                d.find_element(By.CSS_SELECTOR, ".kinerja-formulir").get_attribute("data-siap")
                == "1"
            )
        )
        Select(driver.find_element(By.NAME, "root[pegawai]")).select_by_value("196802141994121001")
        Select(driver.find_element(By.NAME, "root[periode]")).select_by_value("2025")
        driver.find_element(By.CSS_SELECTOR, ".kinerja-muat").click()
        field = "root[pengembangan_kompetensi][0][kegiatan]"
        wait.until(lambda d: d.find_element(By.NAME, field).get_attribute("value"))
        driver.execute_script("return new Promise(r => setTimeout(r, 1500))")
        ran = driver.execute_script("return [1, 2, 3, 4].map(i => window['__xss' + i])")
        value = driver.find_element(By.NAME, field).get_attribute("value")
        # No element from the record's text exists in the page: json-editor keeps only text.
        injected = driver.execute_script(
            "return document.querySelectorAll('.kinerja-editor img, .kinerja-editor details,"
            " .kinerja-editor svg animate').length"
        )
        httpd.shutdown()
    assert ran == [None, None, None, None]
    assert injected == 0
    assert value.strip()  # the field was filled from the record
