"""Finish a WeasyPrint PDF: page margins as artifacts, PDF/UA identification, kinerja metadata.

WeasyPrint (70) tags the content of page-margin boxes (running header, page numbers, the
verification code) with marked-content ids of structure elements that it then leaves out of the
structure tree. Text extraction, screen readers and PDF/UA checkers therefore meet
"Halaman 1 dari 2" as real content. This step rewrites exactly those marked-content sequences as
`/Artifact` (type Pagination) and drops their orphaned structure elements; everything else in
the file is copied as it is. See docs/decisions/0012-sign-ready-documents.md.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pikepdf
from pikepdf import Name

# Part of every PDF's cache key (render/stage.py): bump it when this step's output changes.
REVISION = "4"
KINERJA_NS = "https://kinerja.github.io/ns/dokumen/1.0/"
PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"


@dataclass(frozen=True, slots=True)
class Stamp:
    """What kinerja records about a document inside the PDF (XMP), for `kinerja verifikasi`."""

    document: str  # the document's path under the output folder, e.g. pdf/2025/<id>/x.pdf
    fingerprint: str  # SHA-256 of the document's content (hex)
    code: str  # the short verification code printed in the footer
    sources: tuple[str, ...]  # "records/…yaml@<git blob id>" of every record it was made from


def finish_pdf(content: bytes, stamp: Stamp | None) -> bytes:
    """The finished PDF bytes (deterministic: the same input gives the same output)."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        _mark_margin_artifacts(pdf)
        _add_metadata(pdf, stamp)
        out = io.BytesIO()
        # deterministic_id: the trailer /ID is a hash of the content, not of the clock.
        pdf.save(
            out,
            deterministic_id=True,
            fix_metadata_version=False,
            # Fonts, images and the colour profile are copied as they are, never recompressed.
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
    return out.getvalue()


def _walk_tree(root: pikepdf.Object) -> set[tuple[int, int]]:
    """Object ids of every structure element linked into the tree, giving header cells a scope.

    WeasyPrint turns the HTML `scope` of a <th> into /Headers on the data cells but leaves the
    header cells without /Scope, which PDF/UA checkers report. The templates put column headers
    in <thead> and row headers (scope="row", and section rows) in <tbody>: /Scope follows that.
    One walk does both, as this runs for every document.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[pikepdf.Object, bool]] = [(root, False)]
    while stack:
        node, in_head = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend((kid, in_head) for kid in node)
            continue
        if not isinstance(node, pikepdf.Dictionary) or not node.is_indirect:
            continue
        if node.objgen in seen:
            continue
        seen.add(node.objgen)
        role = node.get("/S")
        if role == Name.TH:
            attributes = node.get("/A")
            if not isinstance(attributes, pikepdf.Dictionary):
                attributes = pikepdf.Dictionary(O=Name.Table)
                node.A = attributes
            attributes.Scope = Name.Column if in_head else Name.Row
        kids = node.get("/K")
        if kids is not None:
            stack.append((kids, in_head or role == Name.THead))
    return seen


def _mark_margin_artifacts(pdf: pikepdf.Pdf) -> None:
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    linked = _walk_tree(tree.K)
    nums = tree.ParentTree.get("/Nums", pikepdf.Array())
    per_page = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        elements = per_page.get(int(key)) if key is not None else None
        if not isinstance(elements, pikepdf.Array):
            continue
        orphans = {
            mcid
            for mcid, element in enumerate(elements)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in linked
        }
        if not orphans:
            continue
        _rewrite_marked_content(pdf, page, orphans)
        for mcid in orphans:
            elements[mcid] = pikepdf.Object.parse(b"null")


# How WeasyPrint opens tagged marked content: "/Span\n<</MCID 12>>\nBDC". Text is written as
# hex glyph strings (<0019>), so this pattern cannot occur inside page text.
_MARKED = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def _rewrite_marked_content(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int]) -> None:
    """Turn the marked-content sequences with these ids into pagination artifacts."""
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    data = b"\n".join(stream.read_bytes() for stream in streams)

    def replace(match: re.Match[bytes]) -> bytes:
        return _ARTIFACT if int(match.group(1)) in mcids else match.group(0)

    page.obj.Contents = pdf.make_stream(_MARKED.sub(replace, data))


def _add_metadata(pdf: pikepdf.Pdf, stamp: Stamp | None) -> None:
    """PDF/UA-1 identification (with its PDF/A extension schema) and kinerja's own stamp."""
    xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
    extra = _extension_schemas(stamp is not None)
    extra += f'<rdf:Description rdf:about="" xmlns:pdfuaid="{PDFUA_NS}" pdfuaid:part="1"/>'
    if stamp is not None:
        extra += (
            f'<rdf:Description rdf:about="" xmlns:kinerja="{KINERJA_NS}" '
            f"kinerja:dokumen={quoteattr(stamp.document)} "
            f"kinerja:sidikJari={quoteattr(stamp.fingerprint)} "
            f"kinerja:kodeVerifikasi={quoteattr(stamp.code)}>"
            f"<kinerja:sumber><rdf:Seq>{_items(stamp.sources)}</rdf:Seq></kinerja:sumber>"
            "</rdf:Description>"
        )
    xmp = xmp.replace("</rdf:RDF>", extra + "</rdf:RDF>", 1)
    pdf.Root.Metadata = pdf.make_stream(xmp.encode("utf-8"), Type=Name.Metadata, Subtype=Name.XML)


def _items(values: Iterable[str]) -> str:
    return "".join(f"<rdf:li>{escape(value)}</rdf:li>" for value in values)


def _property(name: str, value_type: str, description: str) -> str:
    return (
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaProperty:name>{name}</pdfaProperty:name>"
        f"<pdfaProperty:valueType>{value_type}</pdfaProperty:valueType>"
        "<pdfaProperty:category>internal</pdfaProperty:category>"
        f"<pdfaProperty:description>{description}</pdfaProperty:description>"
        "</rdf:li>"
    )


def _schema(title: str, namespace: str, prefix: str, properties: str) -> str:
    return (
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaSchema:schema>{title}</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{namespace}</pdfaSchema:namespaceURI>"
        f"<pdfaSchema:prefix>{prefix}</pdfaSchema:prefix>"
        f"<pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property>"
        "</rdf:li>"
    )


def _extension_schemas(with_kinerja: bool) -> str:
    """PDF/A allows XMP properties outside its predefined schemas only when described here."""
    schemas = _schema(
        "PDF/UA Universal Accessibility Schema",
        PDFUA_NS,
        "pdfuaid",
        _property("part", "Integer", "Part of ISO 14289 to which the file conforms"),
    )
    if with_kinerja:
        schemas += _schema(
            "kinerja document stamp",
            KINERJA_NS,
            "kinerja",
            _property("dokumen", "Text", "Path of the document in the build output")
            + _property("sidikJari", "Text", "SHA-256 of the document content")
            + _property("kodeVerifikasi", "Text", "Short verification code in the footer")
            + _property("sumber", "seq Text", "Record files with their git blob ids"),
        )
    return (
        '<rdf:Description rdf:about="" '
        'xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
        'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
        'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
        f"<pdfaExtension:schemas><rdf:Bag>{schemas}</rdf:Bag></pdfaExtension:schemas>"
        "</rdf:Description>"
    )


def read_stamp(data: bytes) -> Stamp | None:
    """The kinerja stamp of a finished PDF, or None when it has none (or is no PDF)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            meta = pdf.open_metadata()
            document = meta.get(f"{{{KINERJA_NS}}}dokumen")
            fingerprint = meta.get(f"{{{KINERJA_NS}}}sidikJari")
            code = meta.get(f"{{{KINERJA_NS}}}kodeVerifikasi")
            sources = meta.get(f"{{{KINERJA_NS}}}sumber") or []
    except (pikepdf.PdfError, ValueError, KeyError):
        return None
    if not (document and fingerprint and code):
        return None
    return Stamp(str(document), str(fingerprint), str(code), tuple(str(s) for s in sources))
