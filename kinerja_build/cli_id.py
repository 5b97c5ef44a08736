"""click in Indonesian: the help headings, the help option and every usage error.

click marks its user-facing strings for gettext (`from gettext import gettext as _`) but ships
no translations. Installing an Indonesian catalogue into click's modules is the gettext way to
translate them; setting LANGUAGE for the whole process would also change the language of the
git messages that kinerja reads.
"""

from __future__ import annotations

import gettext
import importlib

# click's message ids (click 8.x) → Indonesian. Placeholders are filled in after translation.
CATALOGUE = {
    "Usage:": "Penggunaan:",
    "Options": "Pilihan",
    "Commands": "Perintah",
    "Positional arguments": "Argumen",
    "Show this message and exit.": "Tampilkan bantuan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "Error: {message}": "Galat: {message}",
    "Try '{command} {option}' for help.": "Lihat `{command} {option}` untuk bantuan.",
    "Invalid value for {param_hint}: {message}": "Nilai {param_hint} tidak sah: {message}",
    "Invalid value: {message}": "Nilai tidak sah: {message}",
    "Missing argument": "Argumen belum diisi",
    "Missing option": "Pilihan belum diisi",
    "Missing parameter": "Parameter belum diisi",
    "Missing parameter: {param_name}": "Parameter belum diisi: {param_name}",
    "Missing {param_type}": "{param_type} belum diisi",
    "Missing command.": "Perintah belum disebut.",
    "No such command {name!r}.": "Perintah {name!r} tidak dikenal.",
    "No such option {name!r}.": "Pilihan {name!r} tidak dikenal.",
    "No such option: {name}": "Pilihan tidak dikenal: {name}",
    "Option {name!r} does not take a value.": "Pilihan {name!r} tidak menerima nilai.",
    "Argument {name!r} takes {nargs} values.": "Argumen {name!r} memerlukan {nargs} nilai.",
    "Aborted!": "Dibatalkan.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah folder.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas, bukan folder.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} tidak dapat dibaca.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} tidak dapat ditulisi.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} tidak dapat dijalankan.",
    "Could not open file {filename!r}: {message}": "Berkas {filename!r} tidak dapat dibuka: {message}",
    "file": "Berkas",
    "directory": "Folder",
    "path": "Jalur",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan {number_type} yang sah.",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "default: {default}": "bawaan: {default}",
    "env var: {var}": "variabel lingkungan: {var}",
    "deprecated": "usang",
    "Choose from:\n\t{choices}": "Pilih salah satu:\n\t{choices}",
    "unknown error": "galat tidak dikenal",
}
PLURALS = {
    "Got unexpected extra argument ({args})": (
        "Argumen berlebih ({args})",
        "Argumen berlebih ({args})",
    ),
    "Did you mean {possibility}?": (
        "Mungkin maksudnya {possibility}?",
        "(Mungkin maksudnya salah satu dari: {possibilities}?)",
    ),
    "Option {name!r} requires an argument.": (
        "Pilihan {name!r} memerlukan nilai.",
        "Pilihan {name!r} memerlukan {nargs} nilai.",
    ),
    "{value!r} is not {choice}.": (
        "{value!r} bukan {choice}.",
        "{value!r} bukan salah satu dari {choices}.",
    ),
    "{value!r} does not match the format {format}.": (
        "{value!r} tidak sesuai bentuk {format}.",
        "{value!r} tidak sesuai bentuk {formats}.",
    ),
    "Takes {nargs} values but 1 was given.": (
        "Memerlukan {nargs} nilai, tetapi hanya 1 yang diberikan.",
        "Memerlukan {nargs} nilai, tetapi {len} yang diberikan.",
    ),
    "{len_type} values are required, but {len_value} was given.": (
        "Diperlukan {len_type} nilai, tetapi {len_value} yang diberikan.",
        "Diperlukan {len_type} nilai, tetapi {len_value} yang diberikan.",
    ),
}
_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


class Indonesian(gettext.NullTranslations):
    """A catalogue in memory; an unknown message stays as click wrote it."""

    def gettext(self, message: str) -> str:
        return CATALOGUE.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        singular, plural = PLURALS.get(msgid1, (msgid1, msgid2))
        return singular if n == 1 else plural


def install() -> None:
    """Give click's modules the Indonesian catalogue (idempotent)."""
    translations = Indonesian()
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translations.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translations.ngettext  # type: ignore[attr-defined]
