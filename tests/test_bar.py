"""The PDF stage's progress bar: on a terminal only, never in CI logs or pipes."""

from __future__ import annotations

import io

import pytest

from kinerja_build.render.bar import ProgressBar, render_line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_line_shows_done_of_total_and_time_left() -> None:
    assert render_line(48, 192, 12.0) == f"[{'#' * 6}{'.' * 18}]  48/192 dokumen · sisa ±0:36"
    assert render_line(192, 192, 60.0) == f"[{'#' * 24}] 192/192 dokumen"


def test_terminal_gets_a_bar_that_is_erased_at_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    stream = Terminal()
    bar = ProgressBar(3, stream)
    for done in (1, 2, 3):
        bar.update(done)
    bar.close()
    text = stream.getvalue()
    assert "1/3 dokumen" in text and "3/3 dokumen" in text
    assert "2/3" not in text, "redraws are throttled"
    assert text.endswith(" " * len(render_line(3, 3, 0)) + "\r"), "the line is erased"


@pytest.mark.parametrize(("variable", "value"), [("CI", "true"), ("TERM", "dumb")])
def test_ci_and_dumb_terminals_get_nothing(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    stream = Terminal()
    bar = ProgressBar(3, stream)
    bar.update(3)
    bar.close()
    assert stream.getvalue() == ""


def test_pipes_and_files_get_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    stream = io.StringIO()
    bar = ProgressBar(3, stream)
    bar.update(3)
    bar.close()
    assert stream.getvalue() == ""
