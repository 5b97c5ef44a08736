"""Load stage: YAML record files → plain data, refusing anything a record should never contain.

Parsing uses libyaml through PyYAML's C composer (fast, and nodes keep line/column). The node
tree is converted to plain data here instead of by PyYAML's constructor so that duplicate keys,
tags, anchors/aliases and runaway nesting become diagnostics instead of surprises. Positions are
not kept for every value (that would cost memory on large schools): `locate()` re-composes a
file on demand when a diagnostic needs a line and column.
"""

from __future__ import annotations

import functools
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kinerja_build.diagnostics import Diagnostic, JsonPath
from kinerja_build.severity import make

try:  # libyaml ships in PyYAML's wheels; the pure-Python loader is a slow but correct fallback
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):
    """The safe loader without two Python calls per node that only serve path resolvers.

    The composer calls `descend_resolver(parent, index)` and `ascend_resolver()` around every
    node; both return at once unless `yaml.add_path_resolver` registered a path on this class,
    which kinerja never does (tests/test_load.py checks). C built-ins that take the same
    arguments and keep nothing save the interpreter frames: 15-20 % of composing (issue 16).
    """

    descend_resolver = staticmethod(slice)  # type: ignore[assignment]  # slice(parent, index)
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]  # tuple() == ()


DEFAULT_MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 50_000
MAX_NUMBER_CHARS = 40  # a YAML number literal longer than this is no number a record means
MAX_NUMBER = 10**30  # an unquoted NIP (18 digits) must still reach the schema check (KIN103)

_TAG = "tag:yaml.org,2002:"
_SCALAR = SafeConstructor()


@dataclass(slots=True)
class Loaded:
    """The outcome of loading one file: data when it is usable, and what went wrong."""

    path: str
    data: Any = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    first_line: str = ""

    @property
    def ok(self) -> bool:
        return not self.diagnostics


def _diag(
    code: str, path: str, message: str, hint: str, line: int = 0, column: int = 0
) -> Diagnostic:
    return make(code, path, message, hint, (), line, column)


def read_text(absolute: Path, rel: str, max_bytes: int) -> tuple[str | None, list[Diagnostic]]:
    """Read a record file as UTF-8 text within the size limit, or explain why not."""
    try:
        # O_NONBLOCK: opening a FIFO committed in place of a record must not wait for a writer.
        descriptor = os.open(absolute, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                return None, [_not_regular(rel)]
            size = status.st_size
            if size > max_bytes:
                return None, [_too_big(rel, size, max_bytes)]
            # Ask for what the file holds, not for the limit: a 1 MB buffer per file costs more
            # than reading a school's records (issue 16). One byte more shows a growing file.
            raw = handle.read(size + 1)
            if len(raw) > size:
                raw += handle.read(max_bytes + 1 - len(raw))
    except OSError as error:
        return None, [
            _diag(
                "KIN012",
                rel,
                f"Berkas tidak dapat dibaca: {error.strerror or error}.",
                "Periksa izin berkas dan pastikan berkas benar-benar ada.",
            )
        ]
    if len(raw) > max_bytes:  # the file grew while we looked at it
        return None, [_too_big(rel, len(raw), max_bytes)]
    if b"\x00" in raw:
        line, column = _position_of_byte(raw, raw.index(b"\x00"))
        return None, [
            _diag(
                "KIN006",
                rel,
                "Berkas ini biner, bukan teks YAML.",
                "Catatan harus berupa teks UTF-8. Pindahkan berkas biner (PDF, gambar) ke luar "
                "folder records/ atau rujuk sebagai bukti.",
                line,
                column,
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position_of_byte(raw, error.start)
        return None, [
            _diag(
                "KIN006",
                rel,
                f"Berkas bukan teks UTF-8 (byte 0x{raw[error.start]:02x} tidak sah).",
                "Simpan ulang berkas dengan pengodean UTF-8 (di editor: Save with Encoding → "
                "UTF-8).",
                line,
                column,
            )
        ]
    return text.removeprefix("\ufeff"), []


def _not_regular(rel: str) -> Diagnostic:
    return _diag(
        "KIN012",
        rel,
        "Ini bukan berkas biasa (FIFO, perangkat, atau soket); isinya tidak dibaca.",
        "Catatan harus berupa berkas teks biasa. Hapus entri ini dari repositori.",
    )


def _too_big(rel: str, size: int, max_bytes: int) -> Diagnostic:
    return _diag(
        "KIN005",
        rel,
        f"Berkas terlalu besar ({size:,} byte; batas {max_bytes:,} byte).".replace(",", "."),
        "Catatan kinerja biasanya hanya beberapa kilobyte. Periksa apakah berkas yang benar "
        "tersimpan di sini; batas dapat diubah dengan `batas_ukuran_berkas` di kinerja.yml.",
    )


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def load_file(absolute: Path, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Load one record file; never raises for bad content."""
    text, problems = read_text(absolute, rel, max_bytes)
    if text is None:
        return Loaded(rel, None, problems)
    return load_text(text, rel)


def load_text(text: str, rel: str) -> Loaded:
    """Parse YAML text into plain data with all of the loader's safety checks."""
    loaded = _load_text(text, rel)
    loaded.first_line = text[: text.find("\n")] if "\n" in text else text
    return loaded


def _load_text(text: str, rel: str) -> Loaded:
    too_deep = _nesting_problem(text, rel)
    if too_deep:
        return Loaded(rel, None, [too_deep])
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        return Loaded(rel, None, [_syntax_diagnostic(error, rel, text)])
    except yaml.YAMLError as error:  # reader errors on characters YAML forbids
        return Loaded(rel, None, [_reader_diagnostic(error, rel, text)])
    if root is None:
        return Loaded(
            rel,
            None,
            [
                _diag(
                    "KIN008",
                    rel,
                    "Berkas kosong.",
                    "Isi berkas dengan catatan, atau hapus berkas ini. Jalankan `kinerja init` "
                    "untuk melihat contoh isi setiap jenis catatan.",
                    1,
                    1,
                )
            ],
        )
    converter = _Converter(rel, anchors="&" in text)
    data = converter.convert(root)
    if converter.diagnostics:
        return Loaded(rel, None, converter.diagnostics)
    if not isinstance(data, dict):
        line, column = _mark(root)
        return Loaded(
            rel,
            None,
            [
                _diag(
                    "KIN008",
                    rel,
                    "Isi berkas harus berupa pemetaan (pasangan `kunci: nilai`).",
                    'Setiap catatan dimulai dengan kunci di kolom pertama, mis. `pegawai: "…"`.',
                    line,
                    column,
                )
            ],
        )
    return Loaded(rel, data, [])


def _nesting_problem(text: str, rel: str) -> Diagnostic | None:
    """Refuse deeply nested documents before libyaml's recursive composer sees them.

    libyaml's composer recurses once per level and crashes the interpreter on very deep
    input, so depth is bounded first: a cheap over-estimate from brackets and indentation,
    then, only when that is high, an exact count from the (iterative) event stream.
    """
    brackets = text.count("[") + text.count("{")
    indent = max((len(line) - len(line.lstrip(" -?:")) for line in text.splitlines()), default=0)
    if brackets + indent <= MAX_DEPTH:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line, column = _mark(event)
                    return _diag(
                        "KIN007",
                        rel,
                        f"Struktur bersarang terlalu dalam (lebih dari {MAX_DEPTH} tingkat).",
                        "Catatan kinerja hanya beberapa tingkat; periksa tanda kurung atau "
                        "indentasi yang tidak tertutup.",
                        line,
                        column,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        # Never hand a document that failed here to the recursive composer.
        if "nesting depth" in str(error.problem):
            line, column = _mark_of(error)
            return _diag(
                "KIN007",
                rel,
                f"Struktur bersarang terlalu dalam (lebih dari {MAX_DEPTH} tingkat).",
                "Catatan kinerja hanya beberapa tingkat; periksa tanda kurung yang tidak tertutup.",
                line,
                column,
            )
        return _syntax_diagnostic(error, rel, text)
    except yaml.YAMLError as error:
        return _reader_diagnostic(error, rel, text)
    return None


def _mark_of(error: yaml.MarkedYAMLError) -> tuple[int, int]:
    mark = error.problem_mark or error.context_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _mark(item: Node | yaml.Event) -> tuple[int, int]:
    mark = item.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


@dataclass(frozen=True, slots=True)
class _Syntax:
    """One known PyYAML/libyaml problem: what it means in Indonesian and how to fix it.

    `problems` are fragments of the parser's problem (or context) text: libyaml's wording
    first, then pure PyYAML's (the fallback loader) where it differs. `at_start`: the mistake
    is where the construct began (the context mark: the opening quote or bracket, the line
    without its colon), not where the parser gave up (often the next line, or the end of the
    file).
    """

    problems: tuple[str, ...]
    message: str
    hint: str
    at_start: bool = False
    context: str = ""  # a fragment the context must contain too ("" = any)


_TAB = _Syntax(
    ("found a tab character", "'\\t'"),
    "tab dipakai sebagai indentasi; YAML hanya menerima spasi.",
    "Ganti tab di awal baris ini dengan spasi (dua spasi per tingkat). Di editor: aktifkan "
    "indentasi dengan spasi.",
)
_UNCLOSED_QUOTE = _Syntax(
    ("found unexpected end of stream",),
    "tanda kutip yang dibuka di sini tidak ditutup.",
    "Tutup nilai dengan tanda kutip yang sama (`\"` atau `'`) di baris yang sama.",
    at_start=True,
    context="quoted scalar",
)
_MISSING_COLON = _Syntax(
    ("could not find expected ':'",),
    "baris ini bukan pasangan `kunci: nilai`: titik dua tidak ditemukan.",
    "Tulis `kunci: nilai` (titik dua lalu spasi). Bila baris ini lanjutan nilai di atasnya, "
    "apit nilai itu dengan tanda kutip atau pakai `>-`.",
    at_start=True,
)
# In the order they are tried: the first whose fragments match explains the error.
_SYNTAX = (
    _TAB,
    _UNCLOSED_QUOTE,
    _MISSING_COLON,
    _Syntax(
        ("mapping values are not allowed",),
        "titik dua (`:`) di tempat yang tidak semestinya.",
        "Bila nilai teks mengandung `: `, apit seluruh nilai dengan tanda kutip. Bila ini kunci "
        "baru, samakan indentasinya dengan kunci setingkat di atasnya.",
    ),
    _Syntax(
        ("did not find expected key", "expected <block end>"),
        "indentasi tidak cocok: baris ini tidak sejajar dengan kunci di atasnya.",
        "Kunci yang setingkat dimulai di kolom yang sama (hanya spasi). Periksa juga teks yang "
        "tersisa setelah tanda kutip penutup.",
        context="block mapping",
    ),
    _Syntax(
        ("did not find expected '-' indicator", "expected <block end>"),
        "daftar terputus: butir daftar harus dimulai dengan `- ` di kolom yang sama.",
        "Samakan indentasi semua butir `- `. Kunci sesudah daftar kembali ke kolom kunci induknya.",
        context="block collection",
    ),
    _Syntax(
        ("expected ',' or ']'",),
        "kurung siku `[` yang dibuka di sini tidak ditutup.",
        "Tutup daftar dengan `]` di baris yang sama dan pisahkan butirnya dengan koma, atau tulis "
        "setiap butir di barisnya sendiri dengan `- `.",
        at_start=True,
    ),
    _Syntax(
        ("expected ',' or '}'",),
        "kurung kurawal `{` yang dibuka di sini tidak ditutup.",
        "Tutup pemetaan dengan `}` di baris yang sama, atau tulis setiap `kunci: nilai` di "
        "barisnya sendiri.",
        at_start=True,
    ),
    _Syntax(
        ("found unknown escape character",),
        "garis miring terbalik (`\\`) di dalam tanda kutip ganda diikuti huruf yang tidak dikenal.",
        "Pakai tanda kutip tunggal (`'…'`) untuk teks yang mengandung `\\`, atau tulis `\\\\`.",
    ),
    _Syntax(
        ("block sequence entries are not allowed", "sequence entries are not allowed"),
        "butir daftar (`- `) tidak boleh berada di baris yang sama dengan kuncinya.",
        "Tulis `kunci:` lalu setiap butir di baris baru yang lebih menjorok: `  - butir`.",
    ),
    _Syntax(
        ("expected node content", "expected the node content"),
        "nilai tidak ditemukan di sini.",
        "Tanda `]`, `}` atau `,` muncul di tempat nilai; apit nilai yang memuat tanda itu dengan "
        "tanda kutip.",
    ),
    _Syntax(
        ("found undefined alias",),
        "nilai yang diawali `*` dibaca sebagai alias YAML.",
        'Apit nilai yang diawali `*` dengan tanda kutip, mis. `"*catatan"`.',
    ),
    _Syntax(
        ("expected alphabetic or numeric character",),
        "nilai yang diawali `&`, `*` atau `!` dibaca sebagai penanda YAML.",
        "Apit nilai itu dengan tanda kutip.",
    ),
    _Syntax(
        ("found undefined tag handle",),
        "tag YAML khusus (`!…`) tidak didukung.",
        "Hapus tanda `!` di depan nilai, atau apit nilai dengan tanda kutip.",
    ),
    _Syntax(
        ("cannot start any token",),
        "karakter `{char}` tidak boleh mengawali nilai.",
        'Nilai yang diawali `@`, `` ` `` atau `%` harus diapit tanda kutip, mis. `"@nama"`.',
    ),
    _Syntax(
        ("chomping or indentation indicator", "expected comment or line break"),
        "teks blok (`|` atau `>`) tidak sah.",
        "Setelah `|` atau `>` hanya boleh `-`, `+` atau angka; teksnya dimulai di baris "
        "berikutnya, lebih menjorok dari kuncinya.",
    ),
)
_UNKNOWN = _Syntax(
    (),
    "susunannya tidak sah di sini.",
    "Periksa tanda baca (titik dua, tanda kutip, kurung) dan indentasi di sekitar posisi ini.",
)
_AFTER_QUOTE = _Syntax(
    (),
    "ada teks setelah tanda kutip penutup.",
    "Seluruh nilai harus berada di dalam tanda kutip: pindahkan teks ini ke dalamnya, atau hapus "
    "tanda kutipnya.",
)
# Problems where the parser stops at a token that is fine in itself: the mistake is often in the
# value just before it (a quote never closed, text after a closing quote, a key without colon).
_STRUCTURE_PROBLEMS = ("did not find expected", "expected <block end>", "mapping values are not")


def _syntax_diagnostic(error: yaml.MarkedYAMLError, rel: str, text: str) -> Diagnostic:
    problem = error.problem or ""
    context = error.context or ""
    if "expected a single document" in context or "expected a single document" in problem:
        line, column = _mark_of(error)
        return _diag(
            "KIN011",
            rel,
            "Berkas berisi lebih dari satu dokumen YAML (`---`).",
            "Satu berkas hanya berisi satu catatan. Pisahkan dokumen lain ke berkasnya sendiri.",
            line,
            column,
        )
    known = _known_syntax(problem, context)
    first, second = error.problem_mark, error.context_mark
    mark = (second or first) if known.at_start else (first or second)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    if known is not _TAB and _character_at(text, line, column) == "\t":
        known = _TAB  # libyaml: "found character that cannot start any token", at a tab
    if problem.startswith(_STRUCTURE_PROBLEMS):
        known, (line, column) = _value_before(text, line, column) or (known, (line, column))
    message = "YAML tidak dapat dibaca: " + known.message.replace(
        "{char}", _character_at(text, line, column) or "?"
    )
    if known is _UNKNOWN:  # the parser's own words, short, for what the table does not know
        message += f" (PyYAML: {_short(problem or context)})"
    return _diag("KIN001", rel, message, known.hint, line, column)


def _known_syntax(problem: str, context: str) -> _Syntax:
    for known in _SYNTAX:
        if known.context and known.context not in context:
            continue
        if any(fragment in problem for fragment in known.problems):
            return known
    return _UNKNOWN


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _character_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    if not 1 <= line <= len(lines) or not 1 <= column <= len(lines[line - 1]):
        return ""
    return lines[line - 1][column - 1]


def _value_before(text: str, line: int, column: int) -> tuple[_Syntax, tuple[int, int]] | None:
    """The likelier mistake in the value before (line, column), where the parser stopped.

    A quoted value running over several lines is a quote never closed (it swallowed the lines
    up to the next quote); a quoted value ending on this line has text after its closing quote;
    a plain value running over several lines from the start of a line is a key without colon.
    Only asked after a parse error, so re-scanning the tokens costs nothing in a clean build.
    """
    previous: yaml.Token | None = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if (token.start_mark.line + 1, token.start_mark.column + 1) >= (line, column):
                break
            previous = token
    except yaml.YAMLError:
        pass
    if not isinstance(previous, yaml.ScalarToken):
        return None
    start, end = previous.start_mark, previous.end_mark
    at_start = (start.line + 1, start.column + 1)
    if previous.style in ("'", '"'):
        if end.line > start.line:
            return _UNCLOSED_QUOTE, at_start
        if end.line + 1 == line:
            return _AFTER_QUOTE, (line, column)
    elif end.line > start.line and not text.split("\n")[start.line][: start.column].strip():
        return _MISSING_COLON, at_start
    return None


def _reader_diagnostic(error: yaml.YAMLError, rel: str, text: str) -> Diagnostic:
    position = getattr(error, "position", None)
    line = column = 0
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
    return _diag(
        "KIN006",
        rel,
        "Berkas mengandung karakter kendali yang tidak boleh ada di YAML.",
        "Hapus karakter tak terlihat itu (sering terbawa saat menyalin dari PDF atau pengolah "
        "kata).",
        line,
        column,
    )


_STR, _SEQ, _MAP, _MERGE = (_TAG + name for name in ("str", "seq", "map", "merge"))
_TIMESTAMP, _INT, _FLOAT, _BOOL, _NULL = (
    _TAG + name for name in ("timestamp", "int", "float", "bool", "null")
)


class _Converter:
    """Node tree → plain data; collects diagnostics instead of raising.

    This runs once per node of every record, so it is written for speed (issue 16): exact type
    checks, tags compared with constants, and alias tracking only when the text has an anchor.
    """

    def __init__(self, rel: str, anchors: bool = True) -> None:
        self.rel = rel
        self.diagnostics: list[Diagnostic] = []
        # Without `&` in the text there is no anchor, so the composer cannot hand back one node
        # twice and the set of seen nodes is not needed (a count bounds the size either way).
        self.seen: set[int] | None = set() if anchors else None
        self.count = 0
        self.alias_reported = False

    def _report(self, code: str, node: Node, message: str, hint: str) -> None:
        line, column = _mark(node)
        self.diagnostics.append(_diag(code, self.rel, message, hint, line, column))

    def convert(self, node: Node, depth: int = 0) -> Any:
        seen = self.seen
        if seen is not None:
            if id(node) in seen:
                # The composer hands back the same node object for every alias of an anchor.
                # One report per file is enough: an alias bomb would otherwise flood the output.
                if self.alias_reported:
                    return None
                self.alias_reported = True
                self._report(
                    "KIN004",
                    node,
                    "Anchor dan alias YAML (`&nama`, `*nama`) tidak diizinkan di catatan.",
                    "Tulis nilainya secara lengkap di setiap tempat; alias menyulitkan peninjauan "
                    "dan dapat dipakai untuk serangan 'billion laughs'.",
                )
                return None
            seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self._report(
                    "KIN007",
                    node,
                    f"Berkas berisi terlalu banyak nilai (lebih dari {MAX_NODES}).",
                    "Pecah data menjadi beberapa catatan atau periksa apakah berkas ini rusak.",
                )
            return None
        if depth > MAX_DEPTH:
            self._report(
                "KIN007",
                node,
                f"Struktur bersarang terlalu dalam (lebih dari {MAX_DEPTH} tingkat).",
                "Catatan kinerja hanya beberapa tingkat; periksa indentasi.",
            )
            return None
        kind = type(node)
        if kind is ScalarNode:
            if node.tag != _STR:
                return self._scalar(cast(ScalarNode, node))
            if "\0" in node.value:  # YAML's "\0" escape: never text, and it breaks every path
                self._report(
                    "KIN006",
                    node,
                    "Teks berisi karakter NUL (`\\0`).",
                    "Hapus `\\0` dari teks ini; catatan hanya berisi teks biasa.",
                )
                return None
            return node.value
        if kind is MappingNode:
            if node.tag != _MAP:
                return self._bad_tag(node)
            return self._mapping(node, depth)
        if kind is SequenceNode:
            if node.tag != _SEQ:
                return self._bad_tag(node)
            return [self.convert(child, depth + 1) for child in node.value]
        return self._bad_tag(node)  # pragma: no cover - composer yields only the three kinds

    def _mapping(self, node: Node, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, ScalarNode] = {}
        convert = self.convert
        for key_node, value_node in node.value:
            tag = key_node.tag
            if tag == _MERGE:
                self._report(
                    "KIN004",
                    key_node,
                    "Kunci gabung YAML (`<<`) tidak diizinkan di catatan.",
                    "Tulis semua kunci secara langsung.",
                )
                continue
            if tag != _STR or type(key_node) is not ScalarNode:
                self._report(
                    "KIN008",
                    key_node,
                    "Kunci pemetaan harus berupa teks.",
                    "Gunakan nama kunci seperti `periode`, bukan angka, daftar, atau nilai lain.",
                )
                continue
            key = key_node.value
            if key in first_seen:
                earlier = first_seen[key].start_mark.line + 1
                self._report(
                    "KIN002",
                    key_node,
                    f"Kunci `{key}` ditulis dua kali (pertama di baris {earlier}).",
                    "Hapus salah satunya; YAML diam-diam memakai yang terakhir, sehingga data "
                    "bisa hilang tanpa disadari.",
                )
                continue
            first_seen[key] = key_node
            result[key] = convert(value_node, depth + 1)
        return result

    def _scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _TIMESTAMP:
            # Dates stay text: the schema checks the format and the model parses it once.
            return node.value
        try:
            if tag in (_INT, _FLOAT):
                return self._number(node)
            if tag == _BOOL:
                return _SCALAR.construct_yaml_bool(node)
            if tag == _NULL:
                return None
        except (ValueError, ConstructorError):  # pragma: no cover - resolver regexes prevent it
            return node.value
        return self._bad_tag(node)

    def _number(self, node: ScalarNode) -> int | float | None:
        """A number of a size a record can mean; huge literals (hex, octal, binary, base 60),
        infinities and NaN are reported: they crash or mislead every later calculation."""
        value: int | float | None = None
        construct = _SCALAR.construct_yaml_int if node.tag == _INT else _SCALAR.construct_yaml_float
        if len(node.value) <= MAX_NUMBER_CHARS:
            value = construct(node)
        if value is not None and math.isfinite(value) and abs(value) <= MAX_NUMBER:
            return value
        shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
        self._report(
            "KIN016",
            node,
            f"Angka `{shown}` terlalu besar, tak hingga, atau bukan angka.",
            f"Tulis angka biasa, paling besar {MAX_NUMBER:.0e}; bila ini teks, apit dengan tanda "
            "kutip.",
        )
        return None

    def _bad_tag(self, node: Node) -> None:
        self._report(
            "KIN003",
            node,
            f"Tag YAML `{node.tag}` tidak didukung.",
            "Catatan hanya boleh berisi teks, angka, true/false, daftar, dan pemetaan biasa. "
            "Hapus tag yang diawali `!`.",
        )


def locate(absolute: Path, json_path: JsonPath, *, key: bool = False) -> tuple[int, int]:
    """Line and column (1-based) of the value at `json_path`, or of the nearest existing parent.

    With `key=True` the position of the mapping key itself is returned (for unknown fields).
    Returns (0, 0) when the file cannot be read or parsed any more.
    """
    try:
        stat = absolute.stat()
        node = _tree(str(absolute), stat.st_mtime_ns, stat.st_size)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError):
        return (0, 0)
    if node is None:
        return (1, 1)
    position = _mark(node)
    for part in json_path:
        child: Node | None = None
        if isinstance(node, MappingNode) and isinstance(part, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value == part:
                    child = value_node
                    if key and part == json_path[-1]:
                        return _mark(key_node)
                    break
        elif (
            isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value)
        ):
            child = node.value[part]
        if child is None:
            break
        node = child
        position = _mark(node)
    return position


@functools.lru_cache(maxsize=32)
def _tree(path: str, mtime_ns: int, size: int) -> Node | None:
    """The composed node tree of a file, cached while the file is unchanged (many diagnostics
    in one file need only one parse)."""
    if size > 16 * DEFAULT_MAX_BYTES:
        raise ValueError("too large to locate")
    # O_NONBLOCK and a regular-file check: a FIFO named in a diagnostic must not block here.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ValueError("not a regular file")
        raw = handle.read(16 * DEFAULT_MAX_BYTES + 1)
    text = raw.decode("utf-8").removeprefix("\ufeff")
    if _nesting_problem(text, "") is not None:
        raise ValueError("too deep to locate")
    tree: Node | None = yaml.compose(text, Loader=_Loader)
    return tree


def is_inside(root: Path, candidate: Path) -> bool:
    """True when `candidate` (after resolving symlinks) lies inside `root`."""
    try:
        resolved = candidate.resolve(strict=False)
    except (OSError, RuntimeError):
        return False
    root_resolved = root.resolve()
    return resolved == root_resolved or root_resolved in resolved.parents


def relpath(root: Path, path: Path) -> str:
    """A stable, forward-slash path relative to the repository root, for messages."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return os.path.relpath(path, root).replace(os.sep, "/")
