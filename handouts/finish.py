"""Finish the PDF WeasyPrint wrote: one pass that opens it, fixes it up and
saves it.

WeasyPrint writes the PDF uncompressed and without an identifier: given one,
pydyf compresses every stream at level 9 and then serialises and compresses
every object again to hash them for the /ID, and this pass reads and rewrites
the streams anyway. Here the page furniture becomes artifacts (tagging.py),
the fonts are cut down (font_subsets.py), every stream is compressed once, and
the /ID is set; the same content gives the same bytes.
"""

from __future__ import annotations

import io
import zlib

import pikepdf

from .font_subsets import Compacted, compact_fonts
from .tagging import mark_margin_content_as_artifacts


def finish_pdf(data: bytes, identifier: str, fonts: dict[str, Compacted] | None = None) -> bytes:
    """The PDF ``data`` (as WeasyPrint writes it with ``uncompressed_pdf``) with its
    margin content as artifacts, its fonts compacted (``fonts``: those
    ``font_subsets.compact_subsets`` made as it was written), its streams
    compressed and ``identifier`` as the first part of its /ID."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        mark_margin_content_as_artifacts(pdf)
        compact_fonts(pdf, fonts)
        return save_pdf(pdf, identifier)


def save_pdf(pdf: pikepdf.Pdf, identifier: str | None = None) -> bytes:
    """``pdf``'s bytes: its streams Flate-compressed at level 9 (as WeasyPrint
    does, smaller than pikepdf's default), object streams, and an /ID whose
    first part is ``identifier`` (or the one it has) and whose second comes
    from the content."""
    for obj in pdf.objects:
        # The XMP metadata stays readable as it is, as PDF/A and PDF/UA
        # checkers expect.
        if (isinstance(obj, pikepdf.Stream) and "/Filter" not in obj
                and obj.get("/Type") != "/Metadata"):
            obj.write(zlib.compress(obj.read_raw_bytes(), 9), filter=pikepdf.Name.FlateDecode)
    if identifier is not None:
        pdf.trailer.ID = pikepdf.Array([pikepdf.String(identifier.encode())] * 2)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
