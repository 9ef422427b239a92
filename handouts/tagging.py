"""Finish the PDF's tagging: page furniture becomes artifacts.

WeasyPrint tags the document for PDF/UA (headings, lists, links, paragraphs)
and leaves what it draws in the page margins (the running footer, the draft
notice on later pages) marked as spans that no structure element owns. PDF/UA
wants such content marked as artifacts, so that screen readers skip it instead
of meeting orphan text. This step rewrites exactly those spans as artifacts.
"""

from __future__ import annotations

import io
import re

import pikepdf

# The marked-content operators of a content stream: WeasyPrint's tagged spans
# of text, the /ActualText spans of the text layer (text_layer.py, whose text is
# always a hex string, so no string here holds an operator), other sequences,
# and their ends.
_MARKED_CONTENT = re.compile(
    rb"/Span\s*<<\s*/MCID\s+(?P<mcid>\d+)\s*>>\s*BDC"
    rb"|/Span(?P<actual_text>\s*<<\s*/ActualText\s*<[0-9a-fA-F]*>\s*>>\s*BDC)"
    rb"|/(?P<tag>\w+)\s*(?:<<[^<>]*>>\s*BDC|BMC)"
    rb"|\bEMC\b")


def mark_margin_content_as_artifacts(pdf: pikepdf.Pdf) -> None:
    """Re-mark, in ``pdf``, the marked content outside the structure tree as /Artifact."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    owned = _owned_content(root, pdf)
    for page in pdf.pages:
        page_owned = owned.get(page.obj.objgen, set())
        streams = page.obj.Contents
        for stream in (streams if isinstance(streams, pikepdf.Array) else [streams]):
            content = stream.read_bytes()
            rewritten = _with_artifacts(content, page_owned)
            if rewritten != content:
                stream.write(rewritten)


def _with_artifacts(content: bytes, owned: set[int]) -> bytes:
    """The content stream with the spans no structure element owns marked as
    artifacts.

    An /ActualText span inside an artifact moves out to hold an artifact of its
    own: poppler reads /ActualText only on a /Span, and readers that keep no
    stack of marked content (pdfminer) would take the artifact's text after an
    inner span for content."""
    pieces, start = [], 0
    stack = [(False, False)]  # (in an artifact, reopen the artifact at its end)
    for match in _MARKED_CONTENT.finditer(content):
        replacement = None
        in_artifact = stack[-1][0]
        if match["mcid"] is not None:
            artifact = in_artifact or int(match["mcid"]) not in owned
            if artifact:
                replacement = b"/Artifact BMC"
            stack.append((artifact, False))
        elif match["actual_text"] is not None:
            if in_artifact:
                replacement = b"EMC /Span" + match["actual_text"] + b" /Artifact BMC"
            stack.append((in_artifact, in_artifact))
        elif match["tag"] is not None:
            stack.append((in_artifact or match["tag"] == b"Artifact", False))
        elif len(stack) > 1:
            if stack.pop()[1]:
                replacement = b"EMC EMC /Artifact BMC"
        if replacement is not None:
            pieces += [content[start:match.start()], replacement]
            start = match.end()
    return b"".join(pieces + [content[start:]])


def _owned_content(root, pdf) -> dict[tuple, set[int]]:
    """The marked-content ids that structure elements own, per page object."""
    owned: dict[tuple, set[int]] = {}
    stack = [(root, None)]
    seen = set()
    while stack:
        node, page = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            key = node.objgen if node.is_indirect else None
            if key is not None:
                if key in seen:
                    continue
                seen.add(key)
            page = node.get("/Pg", page)
            if "/MCID" in node and "/Type" in node and node.Type == "/MCR":
                owned.setdefault(node.get("/Pg", page).objgen, set()).add(int(node.MCID))
                continue
            kids = node.get("/K")
            if kids is None:
                continue
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            for kid in kids:
                if isinstance(kid, int) or (isinstance(kid, pikepdf.Object)
                                            and kid._type_code == pikepdf.ObjectType.integer):
                    if page is not None:
                        owned.setdefault(page.objgen, set()).add(int(kid))
                else:
                    stack.append((kid, page))
    return owned


def table_column_language(data: bytes, column: int, lang: str) -> bytes:
    """The PDF with the data cells (/TD) of table column ``column`` (from 0)
    tagged with ``/Lang``, so that a screen reader reads them in their language.

    WeasyPrint keeps an element's ``lang`` only for the document as a whole; a
    table whose column holds another language than the rest (the review
    sheet's translations) needs it on each cell.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        for row in _elements(root, "/TR"):
            cells = [kid for kid in _kids(row) if isinstance(kid, pikepdf.Dictionary)]
            if len(cells) > column and cells[column].get("/S") == "/TD":
                cells[column].Lang = pikepdf.String(lang)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(root, role: str):
    """The structure elements of ``role`` (such as /TR) under ``root``, in order."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.get("/S") == role:
            yield node
            continue
        stack.extend(reversed([kid for kid in _kids(node) if isinstance(kid, pikepdf.Dictionary)]))
