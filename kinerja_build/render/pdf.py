"""Turn one final HTML document into PDF/A bytes with WeasyPrint (runs in worker processes).

Kept free of Jinja and of the school model so that a worker only imports WeasyPrint, and so
that the benchmark can compare this function with bare WeasyPrint on the same HTML.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from kinerja_build.limits import TimeLimit, time_limit
from kinerja_build.render.finish import Stamp

# PDF/A-2a: archival (fonts embedded, no external dependencies, colour profile) and tagged,
# so the text is extractable and readable by screen readers; see docs/decisions/0005. The
# finishing step adds the PDF/UA-1 identification (docs/decisions/0012).
PDF_VARIANT = "pdf/a-2a"
MAX_PDF_SECONDS = 120.0  # the largest demo document renders in about a second
MAX_PAGES = 200  # the longest official document (the school recap) has a page per ~30 people


@dataclass(frozen=True, slots=True)
class PdfTask:
    """Everything a worker needs: the final HTML and where its assets may come from."""

    key: str  # the output path relative to the output directory, for reporting
    html: str
    base_url: str
    allowed: tuple[Path, ...]
    stamp: Stamp | None = None  # written into the XMP metadata by the finishing step


@dataclass(slots=True)
class PdfResult:
    key: str
    content: bytes | None = None
    refused: list[tuple[str, str]] = field(default_factory=list)
    failure: str = ""


def render_pdf(task: PdfTask) -> PdfResult:
    """Render the task; refusals and failures are returned, never raised."""
    from weasyprint import HTML

    from kinerja_build.render.fetcher import SafeFetcher
    from kinerja_build.render.finish import finish_pdf

    fetcher = SafeFetcher(list(task.allowed))
    # WeasyPrint logs each refused or broken resource; the fetcher already records them.
    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    options = {"pdf_variant": PDF_VARIANT, "uncompressed_pdf": False}
    try:
        # A school's template arrives by pull request: bound the time and pages of a document.
        with time_limit(MAX_PDF_SECONDS, f"lebih dari {MAX_PDF_SECONDS:.0f} detik"):
            html = HTML(string=task.html, base_url=task.base_url, url_fetcher=fetcher)
            document = html.render(**options)
            if len(document.pages) > MAX_PAGES:
                raise TimeLimit(f"lebih dari {MAX_PAGES} halaman ({len(document.pages)})")
            content = finish_pdf(document.write_pdf(**options), task.stamp)
    except Exception as error:  # WeasyPrint raises many types; report, never crash the build
        return PdfResult(task.key, None, fetcher.refused, f"{type(error).__name__}: {error}")
    return PdfResult(task.key, content, fetcher.refused)
