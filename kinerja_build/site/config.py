"""The school's `mkdocs.yml`, reduced to data: kinerja build never runs code a repository brings.

mkdocs' own loader accepts `!!python/name:` tags, `hooks:` (Python files run at build time),
`INHERIT:` (reads another file), theme `custom_dir` (unsandboxed Jinja templates) and plugins
such as `macros`; `pymdownx.snippets` reads any file. So `kinerja build` loads mkdocs.yml with
kinerja's own safe loader (no tags, no aliases, size and depth limits) and keeps only an
allow-list of settings: texts about the site, the navigation, Material's theme options, a few
Markdown extensions with plain options, and the search and kinerja plugins. Everything else is
reported (KIN911) and left out. The result is handed to mkdocs as an explicit configuration, so
mkdocs never reads a `mkdocs.yml` on its own (not even the current directory's).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from kinerja_build import layout
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file, locate
from kinerja_build.severity import make

CONFIG_FILE = layout.MKDOCS_CONFIG

# Used when a school repository has no mkdocs.yml of its own (`kinerja init` writes one).
DEFAULT_CONFIG: dict[str, Any] = {
    "site_name": "Kemajuan kinerja",
    "docs_dir": layout.SITE_SOURCES_DIR,
    "use_directory_urls": False,
    "theme": {"name": "material", "language": "id", "font": False},
    "plugins": [{"search": {"lang": "id"}}, "kinerja"],
    "markdown_extensions": ["tables", "attr_list", "md_in_html", "admonition"],
}

_TEXT_KEYS = (
    "site_name",
    "site_description",
    "site_author",
    "site_url",
    "copyright",
    "repo_url",
    "repo_name",
    "edit_uri",
)
_THEME_KEYS = {
    "name",
    "language",
    "font",
    "palette",
    "features",
    "logo",
    "favicon",
    "icon",
    "direction",
}
_PLUGINS: dict[str, set[str]] = {
    "search": {"lang", "separator", "min_search_length"},
    "kinerja": {"publik"},
}
# Python-Markdown's and PyMdown's extensions that only change how Markdown is read.
_EXTENSIONS = {
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "sane_lists",
    "tables",
    "toc",
    "pymdownx.betterem",
    "pymdownx.caret",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
    "pymdownx.keys",
    "pymdownx.mark",
    "pymdownx.smartsymbols",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "pymdownx.tasklist",
    "pymdownx.tilde",
}
_EXTENSION_OPTIONS_REFUSED = {"custom_fences", "pygments_lang_class", "slugify"}
MAX_NAV_ENTRIES = 2_000


def _is_plain(value: Any, depth: int = 0) -> bool:
    """Plain data only: texts, numbers, booleans, lists and mappings of them."""
    if depth > 8:
        return False
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, list):
        return all(_is_plain(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(
            isinstance(key, str) and _is_plain(item, depth + 1) for key, item in value.items()
        )
    return False


def _relative_inside(value: Any) -> bool:
    """A relative path without `..`, a scheme or a backslash (a file of docs_dir)."""
    if not isinstance(value, str) or not value or "\\" in value or "\0" in value:
        return False
    if "://" in value or value.startswith(("/", "~")) or ":" in value.split("/")[0]:
        return False
    return ".." not in PurePosixPath(value).parts


class _Sanitizer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def ignored(self, json_path: tuple[str | int, ...], why: str) -> None:
        line, column = locate(self.path, json_path, key=True)
        shown = "/".join(str(part) for part in json_path)
        self.diagnostics.append(
            make(
                "KIN911",
                CONFIG_FILE,
                f"Pengaturan `{shown}` di mkdocs.yml diabaikan: {why}.",
                "kinerja build hanya memakai pengaturan berupa data (judul, navigasi, opsi "
                "tema Material, ekstensi Markdown dasar, plugin search dan kinerja) dan tidak "
                "pernah menjalankan kode dari repositori. Hapus pengaturan ini.",
                json_path,
                line,
                column,
            )
        )

    def sanitize(self, data: dict[str, Any]) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        handlers: dict[str, Callable[[Any], Any]] = {
            "use_directory_urls": self._boolean,
            "docs_dir": self._docs_dir,
            "nav": self._nav,
            "theme": self._theme,
            "plugins": self._plugins,
            "markdown_extensions": self._extensions,
            "extra": self._plain("extra"),
            "extra_css": self._files("extra_css"),
            "validation": self._plain("validation"),
        }
        for key, value in data.items():
            if key == "site_dir":
                continue  # kinerja build chooses the output folder
            if key in _TEXT_KEYS:
                if isinstance(value, str):
                    clean[key] = value
                else:
                    self.ignored((key,), "nilainya harus teks")
                continue
            handler = handlers.get(key)
            if handler is None:
                self.ignored((key,), _why_refused(key))
                continue
            kept = handler(value)
            if kept is not None:
                clean[key] = kept
        return clean

    def _boolean(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        self.ignored(("use_directory_urls",), "nilainya harus true atau false")
        return None

    def _docs_dir(self, value: Any) -> Any:
        top = PurePosixPath(value).parts[:1] if isinstance(value, str) else ()
        refused = {*layout.SOURCE_DIRS, layout.DEFAULT_OUT_DIR} - {layout.SITE_SOURCES_DIR}
        if _relative_inside(value) and not set(top) & refused:
            return value
        self.ignored(("docs_dir",), "harus folder di dalam repositori (bukan records/)")
        return None

    def _nav(self, value: Any) -> Any:
        count = [0]

        def plain_nav(item: Any) -> bool:
            count[0] += 1
            if count[0] > MAX_NAV_ENTRIES:
                return False
            if isinstance(item, str):
                return True
            if isinstance(item, list):
                return all(plain_nav(child) for child in item)
            if isinstance(item, dict) and len(item) == 1:
                (title, target) = next(iter(item.items()))
                return isinstance(title, str) and plain_nav(target)
            return False

        if isinstance(value, list) and plain_nav(value):
            return value
        self.ignored(("nav",), "navigasi harus daftar judul dan halaman")
        return None

    def _theme(self, value: Any) -> Any:
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, dict) or value.get("name") != "material":
            self.ignored(("theme",), "hanya tema `material` yang didukung")
            return copy.deepcopy(DEFAULT_CONFIG["theme"])
        theme: dict[str, Any] = {}
        for key, option in value.items():
            if key not in _THEME_KEYS:
                self.ignored(("theme", key), _why_refused(key))
            elif key in ("logo", "favicon") and not _relative_inside(option):
                self.ignored(("theme", key), "harus berkas di dalam folder situs")
            elif not _is_plain(option):
                self.ignored(("theme", key), "nilainya harus data biasa")
            else:
                theme[key] = option
        return theme

    def _plugins(self, value: Any) -> Any:
        items = value.items() if isinstance(value, dict) else enumerate(value or [])
        plugins: list[Any] = []
        if not isinstance(value, (list, dict)):
            self.ignored(("plugins",), "harus daftar plugin")
            return None
        for index, item in items:
            name, options = _named(item if isinstance(value, list) else {index: item})
            where: tuple[str | int, ...] = ("plugins", index)
            if name not in _PLUGINS:
                self.ignored(
                    where, f"plugin `{name}` tidak diizinkan (plugin dapat menjalankan kode)"
                )
                continue
            kept = {
                key: option
                for key, option in (options or {}).items()
                if key in _PLUGINS[name] and _is_plain(option)
            }
            for key in sorted(set(options or {}) - set(kept)):
                self.ignored((*where, name, key), "opsi plugin ini tidak diizinkan")
            plugins.append({name: kept} if kept else name)
        return plugins

    def _extensions(self, value: Any) -> Any:
        if not isinstance(value, list):
            self.ignored(("markdown_extensions",), "harus daftar ekstensi")
            return None
        extensions: list[Any] = []
        for index, item in enumerate(value):
            name, options = _named(item)
            if name not in _EXTENSIONS:
                self.ignored(("markdown_extensions", index), f"ekstensi `{name}` tidak diizinkan")
                continue
            kept = {
                key: option
                for key, option in (options or {}).items()
                if key not in _EXTENSION_OPTIONS_REFUSED and _is_plain(option)
            }
            for key in sorted(set(options or {}) - set(kept)):
                self.ignored(("markdown_extensions", index, name, key), "opsi ini tidak diizinkan")
            extensions.append({name: kept} if kept else name)
        return extensions

    def _plain(self, key: str) -> Callable[[Any], Any]:
        def check(value: Any) -> Any:
            if isinstance(value, dict) and _is_plain(value):
                return value
            self.ignored((key,), "nilainya harus pemetaan data biasa")
            return None

        return check

    def _files(self, key: str) -> Callable[[Any], Any]:
        def check(value: Any) -> Any:
            if isinstance(value, list) and all(_relative_inside(item) for item in value):
                return value
            self.ignored((key,), "harus daftar berkas di dalam folder situs")
            return None

        return check


def _named(item: Any) -> tuple[str, dict[str, Any] | None]:
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict) and len(item) == 1:
        name, options = next(iter(item.items()))
        if isinstance(name, str) and (options is None or isinstance(options, dict)):
            return name, options
    return "?", None


_REFUSED_WHY = {
    "hooks": "hooks menjalankan berkas Python",
    "INHERIT": "INHERIT membaca berkas lain",
    "custom_dir": "templat tema khusus menjalankan kode Jinja tanpa batas",
    "extra_javascript": "JavaScript dari repositori tidak dimuat",
    "watch": "hanya untuk mkdocs serve",
}


def _why_refused(key: str) -> str:
    return _REFUSED_WHY.get(key, "tidak termasuk pengaturan yang diizinkan")


def school_config(root: Path) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The school's mkdocs settings that kinerja build may use, or the default ones."""
    path = root / CONFIG_FILE
    if not path.exists() and not path.is_symlink():
        return copy.deepcopy(DEFAULT_CONFIG), []
    if path.is_symlink() or not path.is_file():
        return copy.deepcopy(DEFAULT_CONFIG), [
            make(
                "KIN009",
                CONFIG_FILE,
                "mkdocs.yml adalah tautan simbolik atau bukan berkas biasa; tidak dibaca.",
                "Simpan mkdocs.yml sebagai berkas biasa di akar repositori.",
            )
        ]
    loaded = load_file(path, CONFIG_FILE, DEFAULT_MAX_BYTES)
    if not loaded.ok:
        return copy.deepcopy(DEFAULT_CONFIG), loaded.diagnostics
    sanitizer = _Sanitizer(path)
    return sanitizer.sanitize(loaded.data), sanitizer.diagnostics
