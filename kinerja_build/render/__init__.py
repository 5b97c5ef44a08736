"""Render stage: official documents as PDF/A (Jinja2 HTML + CSS → WeasyPrint)."""

from kinerja_build.render.stage import build_pdfs

__all__ = ["build_pdfs"]
