"""Reporters: the same diagnostics as compiler-style text, JSON, or GitHub workflow commands."""

from __future__ import annotations

import json
from collections.abc import Callable

import click

from kinerja_build.diagnostics import Diagnostic, Report, Severity

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
# Record text may carry control characters (YAML's "\e" escape, for one); never let them reach a
# terminal, where they could rewrite the screen or fake a line of output.
_CONTROL = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0)])


def safe_text(text: str) -> str:
    """Text fit for a terminal: control characters and stray surrogates made visible."""
    if text.isprintable():
        return text
    cleaned = "".join(
        repr(char)[1:-1] if ord(char) in _CONTROL or 0xD800 <= ord(char) <= 0xDFFF else char
        for char in text
    )
    return cleaned


def markdown_text(text: str) -> str:
    """Markdown-safe text for a PR comment or a job summary (no HTML, no links, no mentions)."""
    safe = text.replace("<", "&lt;").replace(">", "&gt;").replace("@", "@\u200b")
    for char in "*_`[]|":
        safe = safe.replace(char, "\\" + char)
    return " ".join(safe.split())


def safe_line(text: str) -> str:
    """A line of the build summary or an export list: safe_text, and never a GitHub Actions
    workflow command (`::error ...`), which a teacher's name could otherwise fake in a CI log."""
    cleaned = safe_text(text)
    stripped = cleaned.lstrip()
    if stripped.startswith("::"):
        cleaned = cleaned[: len(cleaned) - len(stripped)] + ": :" + stripped[2:]
    return cleaned


def _location(d: Diagnostic) -> str:
    if not d.file:
        return "(repositori)"
    if d.line:
        return f"{safe_text(d.file)}:{d.line}:{d.column}"
    return safe_text(d.file)


def format_text(report: Report, *, color: bool, summary: bool = True) -> str:
    lines = []
    for d in report:
        severity = (
            click.style(d.severity.label, fg=_COLORS[d.severity], bold=True)
            if color
            else d.severity.label
        )
        location = click.style(_location(d), bold=True) if color else _location(d)
        lines.append(f"{location}: {severity} {d.code} {safe_text(d.message)}")
        if d.hint:
            lines.append(f"    saran: {safe_text(d.hint)}")
    if summary:
        lines.append(summary_line(report))
    return "\n".join(lines)


def summary_line(report: Report) -> str:
    errors, warnings, infos = len(report.errors), len(report.warnings), len(report.infos)
    files = f"{report.files_checked} berkas diperiksa"
    if report.omitted:
        errors += report.omitted_errors
        files += f", {report.omitted} temuan lain tidak ditampilkan"
    if not errors and not warnings:
        extra = f" ({infos} info)" if infos else ""
        return f"Bersih: {files}, tidak ada galat{extra}."
    return f"{files}: {errors} galat, {warnings} peringatan, {infos} info."


def format_json(report: Report) -> str:
    payload = {
        "versi_format": 1,
        "ok": report.ok,
        "berkas_diperiksa": report.files_checked,
        "tidak_ditampilkan": report.omitted,
        "jumlah": {
            "galat": len(report.errors),
            "peringatan": len(report.warnings),
            "info": len(report.infos),
        },
        "diagnostik": [
            {
                "code": d.code,
                "severity": d.severity.value,
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "json_path": d.pointer,
                "message": d.message,
                "hint": d.hint,
            }
            for d in report
        ],
    }
    # backslashreplace: a file name that is not valid UTF-8 must not crash the report.
    return (
        json.dumps(payload, ensure_ascii=False, indent=2)
        .encode("utf-8", "backslashreplace")
        .decode("utf-8")
    )


def _escape_data(text: str) -> str:
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def format_github(report: Report) -> str:
    """GitHub Actions workflow commands: each diagnostic becomes an annotation on its line."""
    lines = []
    for d in report:
        properties = []
        if d.file:
            properties.append(f"file={_escape_property(d.file)}")
        if d.line:
            properties.append(f"line={d.line}")
            properties.append(f"col={d.column}")
        properties.append(f"title={_escape_property(d.code)}")
        body = d.message + (f"\nSaran: {d.hint}" if d.hint else "")
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {','.join(properties)}::{_escape_data(body)}")
    lines.append(summary_line(report))
    return "\n".join(lines)


FORMATTERS: dict[str, Callable[[Report], str]] = {
    "json": format_json,
    "github": format_github,
}
