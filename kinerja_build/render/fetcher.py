"""A WeasyPrint URL fetcher that serves only the package's and the school's own assets.

A template (especially a school's override, which arrives by pull request) could otherwise make
WeasyPrint read any local file into a PDF (`file:///etc/passwd`) or reach the network. Every
URL is resolved to a real path and served only when it lies inside an allowed directory;
everything else is refused and remembered, and the render stage turns each refusal into a
diagnostic instead of a silently incomplete document.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

MAX_ASSET_BYTES = 20 * 1024 * 1024  # fonts and logos are far smaller; refuse anything absurd


class AssetRefused(ValueError):
    """The URL is not one of the assets a document may use."""


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """Serve `file:` URLs inside `allowed` directories and `data:` URLs; refuse the rest."""

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(allowed_protocols=["file", "data"], allow_redirects=False)
        self.allowed = [path.resolve() for path in allowed]
        self.refused: list[tuple[str, str]] = []  # (url, reason in Indonesian)

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            return self._serve(url)
        except AssetRefused as refusal:
            self.refused.append((url, str(refusal)))
            raise

    def _serve(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url)  # inline bytes: nothing is read from disk or network
        if scheme != "file":
            raise AssetRefused(
                f"alamat `{scheme}:` tidak diizinkan; hanya berkas paket dan sekolah"
            )
        if parts.netloc not in ("", "localhost"):
            raise AssetRefused("berkas di komputer lain tidak diizinkan")
        path = Path(unquote(parts.path)).resolve()
        if not any(path == root or root in path.parents for root in self.allowed):
            raise AssetRefused("berkas di luar folder templat dan records/ sekolah tidak diizinkan")
        if not path.is_file():
            raise AssetRefused("berkas tidak ditemukan")
        if path.stat().st_size > MAX_ASSET_BYTES:
            raise AssetRefused("berkas terlalu besar untuk dokumen")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), {"Content-Type": mime_type}, status=200
        )
