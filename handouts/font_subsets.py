"""Embedded fonts cut down to the glyphs the PDF draws, each named by a tag of its own.

Why this module exists: WeasyPrint subsets every font with *retained glyph ids*
(HarfBuzz's RETAIN_GIDS), so that the glyph numbers in its content streams stay
the font's own. An embedded subset of a Noto CJK face therefore keeps all of its
~63,000 glyph slots, an empty charstring in each, and full-length hmtx and vmtx
tables: 700-800 KB a face for a few hundred glyphs, most of a Chinese, Japanese
or Korean PDF, and two passes of the subsetter over the whole face, a fifth of
the cost of a CJK page.

``compact_subsets`` has WeasyPrint embed, instead, a compact subset of each font
(HarfBuzz's subsetter, one pass over the font Pango shaped with), and
``compact_fonts`` (in the finishing pass, finish.py) then tells the PDF where
each glyph now sits, without touching any content stream: the character codes
(CIDs) stay WeasyPrint's glyph numbers. A program embedded some other way is
cut again here, through uharfbuzz (HarfBuzz's own Python binding).

- a CID-keyed CFF program (Noto CJK) is embedded bare (FontFile3 /CIDFontType0C):
  its charset names each compact glyph by its CID, the old glyph number, and the
  OpenType wrapper (hmtx, vmtx, cmap, name, …) goes, since /W gives the widths;
- a TrueType program (every other Noto face) gets a /CIDToGIDMap stream from old
  glyph numbers to new ones, and keeps only the tables a renderer needs, and its
  cmap, which the dotted-circle check (glyphs.py) reads.

A program cut again here that would not come out smaller is kept as it is.

It also gives each subset the six-letter tag the PDF specification asks for
(ISO 32000 9.6.4: the tag identifies the subset). WeasyPrint derives the tag
from the font's description alone, so one tag named dozens of different subsets
across an output folder; here it comes from the program's bytes, and is written
to the Type0 font, its CIDFont and its FontDescriptor alike.

Everything here is a function of the PDF's bytes (no clock, no randomness), so
the same PDF in gives the same PDF out.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import zlib
from dataclasses import dataclass

import pikepdf

from .glyphs import drawn_glyphs

# What a renderer needs of a TrueType program embedded as a CIDFontType2 (ISO
# 32000 9.9: head, hhea, loca, maxp, cvt, prep, glyf, hmtx, fpgm), with OS/2 and
# post for the rasterisers that look at them, and cmap for the dotted-circle check.
_TRUETYPE_TABLES = ("head", "hhea", "maxp", "loca", "glyf", "hmtx", "cvt ", "fpgm", "prep",
                    "OS/2", "post", "cmap")

# A CID-keyed CFF glyph is named by its CID: "cid01234".
_CID_NAME = re.compile(r"cid(\d+)")
_NO_GLYPH = 0xFFFFFFFF  # HarfBuzz's HB_MAP_VALUE_INVALID: a glyph the subset lacks


def compact_embedded_fonts(data: bytes) -> bytes:
    """The PDF ``data`` with its fonts compacted (``compact_fonts``), saved as the
    build saves a PDF (finish.py)."""
    from .finish import save_pdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        compact_fonts(pdf)
        return save_pdf(pdf)


def compact_fonts(pdf: pikepdf.Pdf, made: dict[str, "Compacted"] | None = None) -> None:
    """Cut each font program embedded in ``pdf`` down to the glyphs it draws,
    and name it with a subset tag taken from its bytes.

    ``made`` holds the programs ``compact_subsets`` made while the PDF was
    written, by font name; the others are cut here. The content streams are not
    touched. A program that would not come out smaller is kept (only its tag
    changes).
    """
    for stream, cid_fonts in _programs_by_stream(pdf).values():
        program = _compact(pdf, stream, cid_fonts, made or {})
        tag = subset_tag(program)
        for cid_font, type0_fonts in cid_fonts:
            _rename(cid_font, type0_fonts, tag)


@dataclass(frozen=True)
class Compacted:
    """A font cut down to the glyphs a PDF draws, in a compact glyph order."""

    program: bytes  # what WeasyPrint embeds: an OpenType or TrueType font
    embedded: bytes  # what the PDF keeps: the bare CFF of a CFF font, else the program
    cid_to_gid: bytes | None  # a TrueType font's /CIDToGIDMap; None for CFF


@contextlib.contextmanager
def compact_subsets():
    """Within the block, WeasyPrint embeds each font as a compact subset made
    from the font itself, in one pass of HarfBuzz's subsetter, instead of its
    own two passes that keep every glyph slot, which ``compact_fonts`` would
    then cut again. Yields the programs made, by font name, for
    ``compact_fonts``. Fonts it cannot cut so (variable, colour and bitmap
    fonts, which the handouts never use) are left to WeasyPrint."""
    from weasyprint.pdf.fonts import Font

    original = Font.subset
    made: dict[str, Compacted] = {}

    def subset(font, to_unicode, hinting):
        compacted = None
        if to_unicode and not (font.png or font.svg or font.colr or font.bitmap
                               or "fvar" in font.tables):
            used = {0} | set(to_unicode) | set(font.widths)
            compacted = _compact_face(font.hb_face, used, font.tables, hinting)
        if compacted is None:
            return original(font, to_unicode, hinting)
        font.file_content = compacted.program
        made[font.name.decode()[1:]] = compacted
        return None

    Font.subset = subset
    try:
        yield made
    finally:
        Font.subset = original


def _compact_face(hb_face, used: set[int], tables: list[str], hinting: bool) -> Compacted | None:
    """The ``used`` glyphs of the font ``hb_face`` (WeasyPrint's HarfBuzz face),
    cut as ``_subset_plan`` cuts an embedded program; None if HarfBuzz cannot."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    from . import harfbuzz as hb

    if hb.harfbuzz_subset is None:
        return None
    subset_input = hb.ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(),
                           harfbuzz_subset.hb_subset_input_destroy)
    glyphs = sorted(used)
    harfbuzz.hb_set_add_sorted_array(harfbuzz_subset.hb_subset_input_glyph_set(subset_input),
                                     hb.ffi.new("hb_codepoint_t[]", glyphs), len(glyphs))
    # Charstrings without subroutines: a few hundred CJK glyphs need few of
    # the thousands of subroutines a face shares, and compress better without.
    flags = (harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
             | harfbuzz_subset.HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE
             | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE)
    if not hinting:  # as WeasyPrint cuts them
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    cff = "CFF " in tables
    # Dropping the layout tables also keeps HarfBuzz from adding the glyphs
    # they could substitute (NO_LAYOUT_CLOSURE is newer than HarfBuzz 6).
    kept = ("CFF ", "head", "hhea", "hmtx", "maxp", "OS/2", "cmap", "post") if cff \
        else _TRUETYPE_TABLES
    drop = sorted(harfbuzz.hb_tag_from_string(tag.encode(), -1) for tag in tables
                  if tag not in kept)
    if drop:
        harfbuzz.hb_set_add_sorted_array(
            harfbuzz_subset.hb_subset_input_set(
                subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG),
            hb.ffi.new("hb_codepoint_t[]", drop), len(drop))
    plan = hb.harfbuzz_subset.hb_subset_plan_create_or_fail(hb_face, subset_input)
    if plan == hb.ffi.NULL:
        return None
    plan = hb.ffi.gc(plan, hb.harfbuzz_subset.hb_subset_plan_destroy)
    glyph_map = hb.harfbuzz_subset.hb_subset_plan_old_to_new_glyph_mapping(plan)
    new_glyphs = {old: hb.harfbuzz.hb_map_get(glyph_map, old) for old in glyphs}
    face = hb.harfbuzz_subset.hb_subset_plan_execute_or_fail(plan)
    if face == hb.ffi.NULL:
        return None
    face = hb.ffi.gc(face, harfbuzz.hb_face_destroy)
    program = get_hb_object_data(face)
    if not program:
        return None
    if cff:
        table = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(b"CFF ", -1))
        length = hb.ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(table, length)
        bare = bytes(hb.ffi.buffer(data, length[0])) if length[0] else b""
        harfbuzz.hb_blob_destroy(table)
        if not bare or not _cids_are_old_glyphs(bare, new_glyphs):
            return None
        return Compacted(program, bare, None)
    cid_to_gid = bytearray(2 * (max(used) + 1))
    for old, new in new_glyphs.items():
        if new != _NO_GLYPH:
            cid_to_gid[2 * old:2 * old + 2] = new.to_bytes(2, "big")
    return Compacted(program, program, bytes(cid_to_gid))


def _cids_are_old_glyphs(cff: bytes, new_glyphs: dict[int, int]) -> bool:
    """Whether the CID-keyed CFF ``cff`` names each glyph by its old number,
    which the content streams draw it with (``new_glyphs``: old to new)."""
    from fontTools.cffLib import CFFFontSet

    font_set = CFFFontSet()
    font_set.decompile(io.BytesIO(cff), None)
    top = font_set.topDictIndex[0]
    if not hasattr(top, "ROS"):
        return False
    for old, new in new_glyphs.items():
        if old and new != _NO_GLYPH:
            match = _CID_NAME.fullmatch(top.charset[new])
            if match is None or int(match[1]) != old:
                return False
    return True


def subset_tag(program: bytes) -> str:
    """Six capital letters that identify a font program: two different subsets get
    different tags, the same subset the same tag, in every PDF."""
    digest = hashlib.sha256(program).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


def _programs_by_stream(pdf) -> dict[tuple, tuple]:
    """Each embedded font program (by its stream object), with the CIDFonts that use
    it and, for each, its Type0 fonts.

    WeasyPrint may share one program between several Type0 fonts, each with its
    own widths: the program must keep the glyphs of all of them.
    """
    programs: dict[tuple, tuple] = {}
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font" \
                or obj.get("/Subtype") != "/Type0":
            continue
        cid_font = obj.DescendantFonts[0]
        descriptor = cid_font.get("/FontDescriptor")
        key = next((k for k in ("/FontFile2", "/FontFile3") if descriptor is not None
                    and k in descriptor), None)
        if key is None:
            continue
        stream = descriptor[key]
        _stream, cid_fonts = programs.setdefault(stream.objgen, (stream, []))
        for known, type0_fonts in cid_fonts:
            if known.objgen == cid_font.objgen:
                type0_fonts.append(obj)
                break
        else:
            cid_fonts.append((cid_font, [obj]))
    return programs


def _compact(pdf, stream, cid_fonts, made: dict[str, Compacted]) -> bytes:
    """Re-subset one program in place, if that makes it smaller; its bytes as embedded."""
    program = stream.read_bytes()
    used = {0}  # .notdef, which a renderer falls back to
    for cid_font, _type0_fonts in cid_fonts:
        used |= drawn_glyphs(cid_font.get("/W", []))
    ready = {made.get(str(cid_font.BaseFont)[1:]) for cid_font, _type0_fonts in cid_fonts}
    if len(ready) == 1 and None not in ready:
        compacted = ready.pop()
        compact, cid_to_gid = compacted.embedded, compacted.cid_to_gid
    elif stream.get("/Subtype") == "/OpenType":
        compact, cid_to_gid = _compact_cff(program, used), None
    elif "/Length1" in stream:
        compact, cid_to_gid = _compact_truetype(program, used)
    else:
        return program
    if compact is None:
        return program  # a program HarfBuzz cannot cut is embedded as WeasyPrint wrote it
    packed = zlib.compress(compact, 9)
    packed_map = zlib.compress(cid_to_gid, 9) if cid_to_gid is not None else b""
    if len(packed) + len(packed_map) >= len(stream.read_raw_bytes()):
        return program
    if cid_to_gid is None:
        program_stream = _flate_stream(pdf, packed, Subtype=pikepdf.Name("/CIDFontType0C"))
    else:
        program_stream = _flate_stream(pdf, packed, Length1=len(compact))
        glyph_map = _flate_stream(pdf, packed_map)
    for cid_font, _type0_fonts in cid_fonts:
        descriptor = cid_font.FontDescriptor
        if cid_to_gid is None:
            descriptor.FontFile3 = program_stream
            # /CIDToGIDMap means nothing to a CFF font: its charset maps the CIDs.
            if "/CIDToGIDMap" in cid_font:
                del cid_font["/CIDToGIDMap"]
        else:
            descriptor.FontFile2 = program_stream
            cid_font.CIDToGIDMap = glyph_map
    return compact


def _flate_stream(pdf, packed: bytes, **keys) -> pikepdf.Stream:
    """A stream of bytes already Flate-compressed (at level 9, smaller than pikepdf's default)."""
    stream = pikepdf.Stream(pdf, packed)
    stream.Filter = pikepdf.Name.FlateDecode
    for key, value in keys.items():
        stream[f"/{key}"] = value
    return stream


def _subset_plan(program: bytes, used: set[int], keep_tables: tuple[str, ...] | None = None):
    """HarfBuzz's plan to cut ``program`` to the ``used`` glyphs (and the glyphs
    composite glyphs are built of), renumbered in their order; None if it cannot."""
    import uharfbuzz as hb

    face = hb.Face(program)
    subset_input = hb.SubsetInput()
    subset_input.glyph_set.update(used)
    # Glyph substitution and positioning were done when the text was shaped.
    subset_input.flags = hb.SubsetFlags.NOTDEF_OUTLINE | hb.SubsetFlags.NO_LAYOUT_CLOSURE
    if keep_tables is not None:
        subset_input.drop_table_tag_set.update(
            int.from_bytes(tag.encode("ascii"), "big") for tag in face.table_tags
            if tag not in keep_tables)
    try:
        return hb.SubsetPlan(face, subset_input)
    except Exception:  # uharfbuzz raises a bare Exception when HarfBuzz fails
        return None


def _compact_cff(program: bytes, used: set[int]) -> bytes | None:
    """A bare CID-keyed CFF program of the ``used`` glyphs, or None unless each
    glyph keeps its number as its CID (which the content streams use).

    HarfBuzz renumbers the glyphs and writes their CIDs in the charset, so a
    glyph's CID stays the number WeasyPrint drew it with when the font's CIDs
    are its glyph numbers, as in Noto CJK; that is checked, not assumed.
    """
    plan = _subset_plan(program, used)
    if plan is None:
        return None
    cff = plan.execute().reference_table("CFF ").data
    if not cff or not _cids_are_old_glyphs(cff, dict(plan.old_to_new_glyph_mapping)):
        return None
    return cff


def _compact_truetype(program: bytes, used: set[int]) -> tuple[bytes | None, bytes]:
    """A compact TrueType program of the ``used`` glyphs (and the glyphs their
    composites are built of), and the /CIDToGIDMap from old glyph numbers to new."""
    plan = _subset_plan(program, used, _TRUETYPE_TABLES)
    if plan is None:
        return None, b""
    compact = plan.execute().blob.data
    cid_to_gid = bytearray(2 * (max(used) + 1))
    for old_gid, new_gid in plan.old_to_new_glyph_mapping.items():
        if old_gid < len(cid_to_gid) // 2:
            cid_to_gid[2 * old_gid:2 * old_gid + 2] = new_gid.to_bytes(2, "big")
    return compact, bytes(cid_to_gid)


def _rename(cid_font, type0_fonts, tag: str) -> None:
    """Give the Type0 fonts, the CIDFont and its descriptor the subset tag ``tag``."""
    def tagged(name) -> pikepdf.Name:
        base = str(name)[1:]
        if re.match(r"[A-Z]{6}\+", base):
            base = base[7:]
        return pikepdf.Name(f"/{tag}+{base}")

    for type0 in type0_fonts:
        type0.BaseFont = tagged(type0.BaseFont)
    cid_font.BaseFont = tagged(cid_font.BaseFont)
    descriptor = cid_font.FontDescriptor
    descriptor.FontName = tagged(descriptor.FontName)
