"""Embedded fonts cut down to the glyphs the PDF draws, each named by a tag of its own.

Why this pass exists: WeasyPrint subsets every font with *retained glyph ids*
(HarfBuzz's RETAIN_GIDS), so that the glyph numbers in its content streams stay
the font's own. An embedded subset of a Noto CJK face therefore keeps all of its
~63,000 glyph slots, an empty charstring in each, and full-length hmtx and vmtx
tables: 700-800 KB a face for a few hundred glyphs, most of a Chinese, Japanese
or Korean PDF. Here fontTools subsets each embedded program again, to just the
glyphs the PDF uses, in a compact glyph order, without touching any content
stream: the character codes (CIDs) stay WeasyPrint's glyph numbers, and the font
says where each glyph now sits:

- a CID-keyed CFF program (Noto CJK) is embedded bare (FontFile3 /CIDFontType0C):
  its charset names each compact glyph by its CID, the old glyph number, and the
  OpenType wrapper (hmtx, vmtx, cmap, name, …) goes, since /W gives the widths;
- a TrueType program (every other Noto face) gets a /CIDToGIDMap stream from old
  glyph numbers to new ones, and keeps only the tables a renderer needs, and its
  cmap, which the dotted-circle check (glyphs.py) reads.

A program that would not come out smaller is kept as it is, so no PDF grows.

It also gives each subset the six-letter tag the PDF specification asks for
(ISO 32000 9.6.4: the tag identifies the subset). WeasyPrint derives the tag
from the font's description alone, so one tag named dozens of different subsets
across an output folder; here it comes from the program's bytes, and is written
to the Type0 font, its CIDFont and its FontDescriptor alike.

Everything here is a function of the PDF's bytes (no clock, no randomness), so
the same PDF in gives the same PDF out.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib

import pikepdf

from .glyphs import drawn_glyphs

# What a renderer needs of a TrueType program embedded as a CIDFontType2 (ISO
# 32000 9.9: head, hhea, loca, maxp, cvt, prep, glyf, hmtx, fpgm), with OS/2 and
# post for the rasterisers that look at them, and cmap for the dotted-circle check.
_TRUETYPE_TABLES = ("head", "hhea", "maxp", "loca", "glyf", "hmtx", "cvt ", "fpgm", "prep",
                    "OS/2", "post", "cmap")

# A CID-keyed CFF glyph is named by its CID: "cid01234".
_CID_NAME = re.compile(r"cid(\d+)")


def compact_embedded_fonts(data: bytes) -> bytes:
    """The PDF ``data`` with each embedded font program cut down to the glyphs it
    draws, compressed, and named with a subset tag taken from its bytes.

    The content streams are not touched. A PDF that would not come out smaller
    keeps its programs (only its tags change).
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        programs = _programs_by_stream(pdf)
        if not programs:
            return data
        for stream, cid_fonts in programs.values():
            program = _compact(pdf, stream, cid_fonts)
            tag = subset_tag(program)
            for cid_font, type0_fonts in cid_fonts:
                _rename(cid_font, type0_fonts, tag)
        out = io.BytesIO()
        # As in tagging.py: a deterministic /ID, so the same content gives the same bytes.
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


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


def _compact(pdf, stream, cid_fonts) -> bytes:
    """Re-subset one program in place, if that makes it smaller; its bytes as embedded."""
    from fontTools.ttLib import TTFont, TTLibError

    program = stream.read_bytes()
    used = {0}  # .notdef, which a renderer falls back to
    for cid_font, _type0_fonts in cid_fonts:
        used |= drawn_glyphs(cid_font.get("/W", []))
    try:
        font = TTFont(io.BytesIO(program), recalcBBoxes=False, recalcTimestamp=False)
        if "CFF " in font and stream.get("/Subtype") == "/OpenType":
            compact = _compact_cff(font, used)
            cid_to_gid = None
        elif "glyf" in font and "/Length1" in stream:
            compact, cid_to_gid = _compact_truetype(font, used)
        else:
            return program
    except (TTLibError, KeyError, AssertionError, ValueError):
        return program  # a program fontTools cannot read is embedded as WeasyPrint wrote it
    if compact is None:
        return program
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


def _subsetter(used_names, **options):
    from fontTools import subset

    settings = subset.Options(
        retain_gids=False, notdef_outline=True, ignore_missing_glyphs=True,
        # WeasyPrint has dropped the hints and subroutines already: not doing it
        # again spares running every charstring.
        hinting=True, desubroutinize=False,
        # Glyph substitution and positioning were done when the text was shaped.
        layout_features=[], name_IDs=[], glyph_names=False, **options)
    subsetter = subset.Subsetter(settings)
    subsetter.populate(glyphs=used_names)
    return subsetter


def _compact_cff(font, used: set[int]) -> bytes | None:
    """A bare CID-keyed CFF program of the ``used`` glyphs, or None if the font is
    not CID-keyed with each glyph's CID equal to its number (which the content
    streams use as CIDs).

    The glyphs are taken out of the CFF table directly rather than through
    fontTools' Subsetter, which would read all 63,000 advance widths and run
    each charstring looking for accented components that CJK faces lack: a
    quarter of a second a face, against a twentieth. The charstrings are
    copied as they are (WeasyPrint has already desubroutinised them).
    """
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    if not hasattr(top, "ROS") or not hasattr(top, "FDSelect"):
        return None
    charset = top.charset
    gids = [gid for gid in sorted(used) if gid < len(charset)]
    for gid in gids:
        match = _CID_NAME.fullmatch(charset[gid])
        if gid and (match is None or int(match[1]) != gid):
            return None
    # The charstrings, in the compact order; each keeps its name, "cid" and its CID,
    # which the compiled charset records.
    charstrings = top.CharStrings
    index = charstrings.charStringsIndex
    index.items = [index[gid] for gid in gids]
    del index.file, index.offsets
    charstrings.charStrings = {charset[gid]: new for new, gid in enumerate(gids)}
    # Each glyph's font dictionary (Noto CJK has one per kind of glyph), only those used.
    selector = top.FDSelect
    chosen = [selector.gidArray[gid] for gid in gids]
    kept = sorted(set(chosen))
    selector.format = None  # the compiler picks the smallest format
    selector.gidArray = [kept.index(fd) for fd in chosen]
    dictionaries = top.FDArray
    dictionaries.items = [dictionaries[fd] for fd in kept]
    del dictionaries.file, dictionaries.offsets
    top.charset = [charset[gid] for gid in gids]
    top.numGlyphs = len(gids)
    out = io.BytesIO()
    cff.compile(out, font, isCFF2=False)
    return out.getvalue()


def _compact_truetype(font, used: set[int]) -> tuple[bytes, bytes]:
    """A compact TrueType program of the ``used`` glyphs (and the glyphs their
    composites are built of), and the /CIDToGIDMap from old glyph numbers to new."""
    order = font.getGlyphOrder()
    old_gid = {name: gid for gid, name in enumerate(order)}
    names = [order[gid] for gid in sorted(used) if gid < len(order)]
    # Tables the PDF does not need go first, so that the subsetter does not read them.
    for tag in list(font.keys()):
        if tag != "GlyphOrder" and tag not in _TRUETYPE_TABLES:
            del font[tag]
    _subsetter(names).subset(font)
    new_order = font.getGlyphOrder()
    cid_to_gid = bytearray(2 * (max(used) + 1))
    for new_gid, name in enumerate(new_order):
        cid = old_gid[name]
        if cid < len(cid_to_gid) // 2:
            cid_to_gid[2 * cid:2 * cid + 2] = new_gid.to_bytes(2, "big")
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), bytes(cid_to_gid)


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
