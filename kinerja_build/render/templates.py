"""Jinja2 templates for the documents: the package's own, overridable per school.

A school puts its own `templates/pdf/<name>` (any template or the CSS) in its repository and
that file wins. Override templates arrive by pull request, so they run in Jinja's immutable
sandbox (no attribute tricks into Python internals) with StrictUndefined (a misspelt variable
is an error naming the template line, not a silently empty field on an official form).
"""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from kinerja_build import layout, resources

PACKAGE_TEMPLATES = resources.templates_dir() / layout.PDF_TEMPLATES_SUBDIR


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """A template that cannot be loaded or rendered, located in the template file."""

    template: str  # display path: "templates/pdf/x.html.j2" (school) or "(kinerja) …"
    line: int
    message: str


class TemplateSet:
    """The template search path for one school: its overrides first, then the package."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.override_dir = layout.school_pdf_templates(root)
        search = [self.override_dir] if self.override_dir.is_dir() else []
        search.append(PACKAGE_TEMPLATES)
        self.search = search
        self.environment = ImmutableSandboxedEnvironment(
            loader=jinja2.FileSystemLoader([str(path) for path in search]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.environment.globals["asset"] = self.asset_url
        self.environment.filters["css_string"] = css_string

    def asset_path(self, name: str) -> Path:
        """The file a relative asset name (CSS, font) refers to, override first."""
        for directory in self.search:
            candidate = directory / name
            if candidate.is_file():
                return candidate
        return PACKAGE_TEMPLATES / name

    def asset_url(self, name: str) -> str:
        return self.asset_path(name).resolve().as_uri()

    def display(self, filename: str | None) -> str:
        """A template path as a user should read it in a diagnostic."""
        if not filename:
            return "(templat)"
        path = Path(filename).resolve()
        try:
            return path.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            package = f"{layout.TEMPLATES_DIR}/{layout.PDF_TEMPLATES_SUBDIR}"
            return f"(kinerja) {package}/{path.name}"

    def fingerprint(self) -> str:
        """SHA-256 over every template and asset file that can take part in a document."""
        digest = hashlib.sha256()
        for directory in self.search:
            for path in sorted(directory.rglob("*")):
                if path.is_file():
                    digest.update(path.relative_to(directory).as_posix().encode())
                    digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    def render(self, name: str, data: dict[str, Any]) -> str | TemplateProblem:
        """The final HTML, or the problem with its template file and line."""
        try:
            template = self.environment.get_template(name)
            return template.render(data)
        except jinja2.TemplateSyntaxError as error:
            return TemplateProblem(
                self.display(error.filename), error.lineno or 0, f"sintaks templat: {error.message}"
            )
        except jinja2.TemplateNotFound as error:
            return TemplateProblem(self.display(None), 0, f"templat `{error.name}` tidak ditemukan")
        except Exception as error:  # a runtime error inside a template (undefined, sandbox, …)
            filename, line = _template_frame(error)
            return TemplateProblem(
                self.display(filename) if filename else name,
                line,
                f"{type(error).__name__}: {error}",
            )


def css_string(value: object) -> Markup:
    """A quoted CSS string for a <style> block (running headers and footers in page margins).

    HTML escaping does not apply inside <style>, so every character that could end the string,
    the declaration or the element is written as a CSS escape instead.
    """
    escaped = []
    for char in str(value):
        if char.isalnum() or char in " .,·:;/()-_'":
            escaped.append(char)
        else:
            escaped.append(f"\\{ord(char):x} ")
    return Markup('"' + "".join(escaped) + '"')


def _template_frame(error: BaseException) -> tuple[str | None, int]:
    """The innermost traceback frame that belongs to a template file (Jinja maps its lines)."""
    found: tuple[str | None, int] = (None, 0)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith((".j2", ".html", ".css")):
            found = (frame.filename, frame.lineno or 0)
    return found
