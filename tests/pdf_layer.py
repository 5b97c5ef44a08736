"""Reading a built PDF as its users do: the text layer, marked content, the structure tree.

Shared by test_render.py (the base school) and test_documents_demo.py (every demo document).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import yaml
from pypdf import PageObject, PdfReader

PAGE_NUMBER = re.compile(r"Halaman \d+ dari \d+")
# Lines a signature block is made of: place and date, roles ("Pejabat Penilai Kinerja,"),
# "Ditetapkan di …", "Pada tanggal …", "NIP. …" and the signers' names.
SIGNATURE_LINE = re.compile(
    r"^(\S+, \d{1,2} \w+ \d{4}.*|.*,$|NIP\. .*|Ditetapkan di .*|Pada tanggal .*|-)$"
)


def content_text(page: PageObject) -> str:
    """The page's text outside Artifact marked content (what a screen reader reads)."""
    stack: list[bool] = []
    parts: list[str] = []

    def before(operator: bytes, operands: list[object], cm: object, tm: object) -> None:
        if operator in (b"BMC", b"BDC"):
            stack.append(str(operands[0]) == "/Artifact")
        elif operator == b"EMC" and stack:
            stack.pop()

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if not any(stack):
            parts.append(text)

    page.extract_text(visitor_operand_before=before, visitor_text=visit)
    return re.sub(r"[ \t]+", " ", "".join(parts))


def page_texts(pdf: Path) -> list[str]:
    return [content_text(page) for page in PdfReader(pdf).pages]


def full_text(pdf: Path) -> str:
    """Every page's text, artifacts included (page numbers, running headers)."""
    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    return re.sub(r"[ \t]+", " ", text)


def hyphenated(text: str, word: str) -> bool:
    """Whether the text holds the word broken by a hyphen at a line end ("Sukama-\\nju")."""
    flat = text.casefold()
    word = word.casefold()
    return any(f"{word[:cut]}-\n{word[cut:]}" in flat for cut in range(1, len(word)))


def only_signatures(page_text: str, signers: list[str]) -> bool:
    """Whether a page holds nothing but signature blocks.

    `signers` are all names that may sign (every pegawai and Dinas official): the name line of
    two side-by-side blocks holds two names, so a line counts as a signature line when nothing
    but names is left on it.
    """
    names = sorted({name for name in signers if name}, key=len, reverse=True)
    for line in (line.strip() for line in page_text.splitlines()):
        if not line or SIGNATURE_LINE.match(line):
            continue
        for name in names:
            line = line.replace(name, "")
        if line.strip():
            return False
    return True


def signers(root: Path) -> list[str]:
    """Every name that can appear in a signature block of a school's documents."""
    names = [
        str(yaml.safe_load(path.read_text(encoding="utf-8"))["nama"])
        for path in (root / "records" / "pegawai").glob("*.yaml")
    ]
    sekolah = yaml.safe_load((root / "records" / "sekolah.yaml").read_text(encoding="utf-8"))
    names += [str(item["nama"]) for item in sekolah["dinas"].values() if isinstance(item, dict)]
    return names


def structure_elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element reachable from the structure tree root."""
    stack: list[pikepdf.Object] = [pdf.Root.StructTreeRoot.K]
    seen: set[tuple[int, int]] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
            yield node
            if "/K" in node:
                stack.append(node.K)


def descendants(element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    stack: list[pikepdf.Object] = [element.get("/K", pikepdf.Array())]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            yield node
            stack.append(node.get("/K", pikepdf.Array()))


def marked_content(page: pikepdf.Page) -> Iterator[tuple[str, int | None, str | None]]:
    """(tag, MCID, artifact type) of every marked-content sequence opened on the page."""
    for instruction in pikepdf.parse_content_stream(page, "BDC BMC"):
        operands = list(instruction.operands)
        tag = str(operands[0])
        properties = operands[1] if len(operands) > 1 else None
        mcid = None
        kind = None
        if isinstance(properties, pikepdf.Dictionary):
            mcid = int(properties["/MCID"]) if "/MCID" in properties else None
            kind = str(properties.get("/Type")) if "/Type" in properties else None
        yield tag, mcid, kind
