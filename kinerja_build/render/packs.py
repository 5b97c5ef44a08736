"""Print packs: one PDF per person and periode, and one for the whole school (recap first).

`cetak/<periode>/<id>.pdf` holds a person's documents in filing order; `cetak/<periode>/
sekolah.pdf` holds the recap and then everyone's pack. They are merged from the finished
documents with pikepdf, not rendered again (a pack costs a few percent of the build). A merge
that only appended pages would drop the tagging that makes the documents PDF/A-2a and PDF/UA-1,
so the structure trees are merged too: each document becomes a `Part` of one `Document`, the
parent trees are renumbered and every page keeps its marked content. Each document also gets a
bookmark. Same inputs, same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from kinerja_build import layout
from kinerja_build.output import active_tree, write_atomic
from kinerja_build.render.documents import TITLES, Document

# Filing order of a person's documents, as a KS files them (plan first, results last).
FILING_ORDER = tuple(
    layout.PDF_DOCUMENTS[kind]
    for kind in ("rencana", "observasi", "kompetensi", "evaluasi", "angka_kredit")
)


@dataclass(frozen=True, slots=True)
class Member:
    """One finished document inside a pack, with the bookmark it gets."""

    path: Path
    title: str


def merge(members: Iterable[Member], title: str) -> bytes:
    """One tagged PDF/A document made of the members, in order."""
    members = list(members)
    out = pikepdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    tree = out.make_indirect(
        Dictionary(Type=Name.StructTreeRoot, K=Array([document]), ParentTree=Dictionary())
    )
    document.P = tree
    nums = Array()
    outline_items: list[tuple[str, int]] = []
    offset = 0
    first_xmp = b""
    for member in members:
        with pikepdf.open(member.path) as source:
            if not first_xmp:
                first_xmp = source.Root.Metadata.read_bytes()
                intents = source.make_indirect(source.Root.OutputIntents)
                out.Root.OutputIntents = out.copy_foreign(intents)
            start = len(out.pages)
            for page in source.pages:
                out.pages.append(page)
            offset = _merge_tree(out, source, document, nums, offset, start)
            outline_items.append((member.title, start))
    tree.ParentTree.Nums = nums
    tree.ParentTreeNextKey = offset
    root = out.Root
    root.StructTreeRoot = tree
    root.MarkInfo = Dictionary(Marked=True)
    root.Lang = String("id")
    root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    root.Metadata = out.make_stream(
        _pack_xmp(first_xmp, title), Type=Name.Metadata, Subtype=Name.XML
    )
    out.docinfo = out.make_indirect(Dictionary(Title=String(title)))
    _outline(out, outline_items)
    buffer = io.BytesIO()
    out.save(
        buffer,
        deterministic_id=True,
        fix_metadata_version=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,  # copy streams, never recompress
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    return buffer.getvalue()


def _merge_tree(
    out: pikepdf.Pdf,
    source: pikepdf.Pdf,
    document: pikepdf.Dictionary,
    nums: pikepdf.Array,
    offset: int,
    first_page: int,
) -> int:
    """Copy the source's structure tree under `document` as a Part; returns the next key."""
    tree = source.Root.get("/StructTreeRoot")
    if tree is None:
        return offset
    copied = out.copy_foreign(tree)  # pages were copied first: /Pg refers to the new pages
    part_kids = Array()
    for element in _as_list(copied.K):
        if isinstance(element, Dictionary) and element.get("/S") == Name.Document:
            element.S = Name.Part  # one Document per file; each member is a Part of it
        element.P = document
        part_kids.append(element)
    for element in part_kids:
        document.K.append(element)
    source_nums = _as_list(copied.ParentTree.get("/Nums", Array()))
    highest = -1
    for index in range(0, len(source_nums), 2):
        key = int(source_nums[index])
        nums.append(offset + key)
        nums.append(source_nums[index + 1])
        highest = max(highest, key)
    for page_index in range(first_page, len(out.pages)):
        page = out.pages[page_index].obj
        if "/StructParents" in page:
            page.StructParents = offset + int(page.StructParents)
    return offset + highest + 1


def _as_list(value: pikepdf.Object) -> list[pikepdf.Object]:
    return list(value) if isinstance(value, Array) else [value]


def _outline(out: pikepdf.Pdf, items: list[tuple[str, int]]) -> None:
    """One bookmark per member document, so a reader can jump between them."""
    with out.open_outline() as outline:
        for title, page_index in items:
            outline.root.append(pikepdf.OutlineItem(title, page_index))


def _pack_xmp(xmp: bytes, title: str) -> bytes:
    """The first member's XMP (PDF/A and PDF/UA identification) with the pack's title and
    without the member's kinerja stamp (a pack is verified through its documents)."""
    text = xmp.decode("utf-8")
    for pattern in (
        r'<rdf:Description rdf:about="" xmlns:kinerja="[^"]*".*?</rdf:Description>',
        r'<rdf:Description rdf:about=""><dc:description>.*?</rdf:Description>',
    ):
        text = re.sub(pattern, "", text, flags=re.DOTALL)
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(
        r"(<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">).*?(</rdf:li>)",
        lambda match: match.group(1) + escaped + match.group(2),
        text,
        count=1,
        flags=re.DOTALL,
    )
    return text.encode("utf-8")


REVISION = "1"  # bump when merge() output changes: every pack is merged again


@dataclass(frozen=True, slots=True)
class Pack:
    output: str
    title: str
    members: tuple[Member, ...]


def plan_packs(out_dir: Path, documents: Iterable[Document], names: dict[str, str]) -> list[Pack]:
    """The packs of every periode from the documents that were written (in planning order)."""
    by_periode: dict[str, list[Document]] = {}
    for document in documents:
        by_periode.setdefault(document.periode, []).append(document)
    packs = []
    for periode, items in sorted(by_periode.items()):
        label = items[0].data.get("periode", {}).get("label", periode)
        recap = [item for item in items if item.pegawai is None]
        people: dict[str, list[Member]] = {}
        for item in items:
            if item.pegawai is not None and item.pegawai != layout.SCHOOL_PACK:
                member = Member(layout.output(out_dir, item.output), TITLES[item.kind])
                people.setdefault(item.pegawai, []).append(member)
        ordered = sorted(people, key=lambda pegawai: (names.get(pegawai, pegawai), pegawai))
        school_members: list[Member] = [
            Member(layout.output(out_dir, item.output), TITLES["rekap"]) for item in recap
        ]
        for pegawai in ordered:
            name = names.get(pegawai, pegawai)
            members = tuple(sorted(people[pegawai], key=_filing_rank))
            packs.append(Pack(layout.pack(periode, pegawai), f"Berkas {name} — {label}", members))
            school_members.extend(
                Member(member.path, f"{name}: {member.title}") for member in members
            )
        if school_members:
            packs.append(
                Pack(layout.pack(periode, None), f"Berkas sekolah — {label}", tuple(school_members))
            )
    return packs


def _filing_rank(member: Member) -> int:
    name = member.path.name
    return FILING_ORDER.index(name) if name in FILING_ORDER else len(FILING_ORDER)


def write_packs(out_dir: Path, packs: list[Pack]) -> tuple[list[Path], list[str]]:
    """Write the packs whose members changed (atomically); delete packs that are gone.

    A pack is merged again only when its title or a member's bytes changed (cetak/.cache.json),
    so a build with nothing changed costs a hash of each document.
    """
    cache = _read_cache(out_dir)
    keys = {pack.output: _pack_key(pack) for pack in packs}
    written = [
        write_atomic(out_dir, pack.output, merge(pack.members, pack.title))
        for pack in packs
        if cache.get(pack.output) != keys[pack.output]
        or not layout.output(out_dir, pack.output).is_file()
    ]
    # Only packs an earlier build wrote (its manifest) are removed, never a file put there.
    tree = active_tree(out_dir)
    stale = sorted(
        rel
        for rel in tree.previous
        if rel.startswith(f"{layout.PACK_DIR}/")
        and rel.endswith(layout.PDF_SUFFIX)
        and rel not in keys
    )
    removed = [rel for rel in stale if tree.remove(rel)]
    if packs or cache:
        text = json.dumps(dict(sorted(keys.items())), indent=1) + "\n"
        write_atomic(out_dir, layout.PACK_CACHE, text.encode("utf-8"))
    return written, removed


def _pack_key(pack: Pack) -> str:
    digest = hashlib.sha256(f"{REVISION}\0{pack.title}\0".encode())
    for member in pack.members:
        digest.update(member.title.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(member.path.read_bytes()).digest())
    return digest.hexdigest()


def _read_cache(out_dir: Path) -> dict[str, str]:
    try:
        data = json.loads(layout.output(out_dir, layout.PACK_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
