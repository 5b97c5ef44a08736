"""Jinja2 templates for the documents: the package's own, overridable per school.

A school puts its own `templates/pdf/<name>` (any template or the CSS) in its repository and
that file wins. Override templates arrive by pull request, so they run in Jinja's immutable
sandbox (no attribute tricks into Python internals) with StrictUndefined (a misspelt variable
is an error naming the template line, not a silently empty field on an official form).
"""

from __future__ import annotations

import hashlib
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from kinerja_build import layout, resources, safefs
from kinerja_build.limits import TimeLimit, time_limit

PACKAGE_TEMPLATES = resources.templates_dir() / layout.PDF_TEMPLATES_SUBDIR


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """A template that cannot be loaded or rendered, located in the template file."""

    template: str  # display path: "templates/pdf/x.html.j2" (school) or "(kinerja) …"
    line: int
    message: str
    code: str = "KIN902"  # KIN903 when the template reached for a file it may not read


class TemplateSet:
    """The template search path for one school: its overrides first, then the package."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.override_dir = layout.school_pdf_templates(root)
        self.refused: list[str] = []  # why the school's overrides were not used, if they were not
        search = [self.override_dir] if self._overrides_usable() else []
        search.append(PACKAGE_TEMPLATES)
        self.search = search
        self.environment = ImmutableSandboxedEnvironment(
            loader=_NoLinkLoader([str(path) for path in search]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.environment.globals["asset"] = self.asset_url
        self.environment.filters["css_string"] = css_string

    def _overrides_usable(self) -> bool:
        """The school's templates/pdf/ is used only as a real folder inside the repository."""
        folder = self.override_dir
        if not folder.exists() and not folder.is_symlink():
            return False
        if folder.is_symlink() or folder.parent.is_symlink() or not folder.is_dir():
            self.refused.append(
                f"{_rel(self.root, folder)} adalah tautan simbolik atau bukan folder; templat "
                "sekolah tidak dipakai"
            )
            return False
        return True

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
            try:
                entries = [entry for entry in safefs.walk(directory) if entry.is_regular]
            except safefs.TooLarge as error:
                self.refused.append(f"folder templat tidak wajar ({error})")
                continue
            for entry in entries:
                if entry.path.stat().st_size > MAX_TEMPLATE_BYTES * 20:
                    continue  # too large to take part in a document (the fetcher refuses it)
                digest.update(entry.rel.encode())
                with os.fdopen(safefs.open_regular(entry.path), "rb") as stream:
                    digest.update(hashlib.sha256(stream.read()).digest())
        return digest.hexdigest()

    def render(self, name: str, data: dict[str, Any]) -> str | TemplateProblem:
        """The final HTML, or the problem with its template file and line."""
        try:
            template = self.environment.get_template(name)
            return _render_bounded(template, data)
        except TemplateRefused as error:
            return TemplateProblem(self.display(None), 0, str(error), "KIN903")
        except TimeLimit as error:
            return TemplateProblem(self.display(template.filename), 0, str(error))
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


# A school's template arrives by pull request: bound what one document may cost.
MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_HTML_CHARS = 5 * 1024 * 1024
MAX_RENDER_SECONDS = 20.0


class TemplateRefused(jinja2.TemplateNotFound):
    """A template file that is a symlink or no regular file: never read."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(name, f"templat `{name}` ditolak: {why}")

    def __str__(self) -> str:
        return str(self.message)


class TemplateTooCostly(TimeLimit):
    """A template ran too long or produced too much HTML."""


class _NoLinkLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, but a template (or a folder on its way) that is a symlink, a FIFO or
    a device is refused instead of followed: an include of `x.html -> /etc/passwd` must not put
    that file into an official document."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        for searchpath in self.searchpath:
            base = Path(searchpath)
            path = base.joinpath(*pieces)
            if not path.exists() and not path.is_symlink():
                continue
            current = path
            while current != base:
                if current.is_symlink():
                    raise TemplateRefused(template, "tautan simbolik tidak diikuti")
                current = current.parent
            try:
                with os.fdopen(safefs.open_regular(path), "rb") as stream:
                    raw = stream.read(MAX_TEMPLATE_BYTES + 1)
            except OSError:
                raise TemplateRefused(template, "bukan berkas biasa") from None
            if len(raw) > MAX_TEMPLATE_BYTES:
                raise TemplateRefused(template, f"lebih dari {MAX_TEMPLATE_BYTES // 1024} KB")
            return raw.decode(self.encoding), str(path), _unchanged(path)
        raise jinja2.TemplateNotFound(template)


def _unchanged(path: Path) -> Callable[[], bool]:
    mtime = path.stat().st_mtime
    return lambda: path.stat().st_mtime == mtime


def _render_bounded(template: jinja2.Template, data: dict[str, Any]) -> str:
    """Render with a limit on time and on output size (a loop of loops must not hang a build)."""
    deadline = time.monotonic() + MAX_RENDER_SECONDS
    chunks: list[str] = []
    size = 0
    with time_limit(MAX_RENDER_SECONDS, _TOO_SLOW):
        for chunk in template.generate(data):
            size += len(chunk)
            if size > MAX_HTML_CHARS:
                raise TemplateTooCostly(
                    f"templat menghasilkan lebih dari {MAX_HTML_CHARS // 2**20} MB HTML"
                )
            if time.monotonic() > deadline:
                raise TemplateTooCostly(_TOO_SLOW)
            chunks.append(chunk)
    return "".join(chunks)


_TOO_SLOW = f"templat berjalan lebih dari {MAX_RENDER_SECONDS:.0f} detik"


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
