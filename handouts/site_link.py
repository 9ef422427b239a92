"""The QR code printed on each handout: the way back from paper to the page.

It encodes the address of the handout's language on the "PDFs by language"
page (``site_url`` in ``templates/site.toml`` and the entry's anchor), where
the other languages, the large print and the online copy are. segno makes the
code; the template draws it as SVG, so it prints as crisp vector squares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup

from .errors import HandoutsError

# The code is printed PRINTED_MM wide. Up to version MAX_VERSION (53 modules
# with the quiet zone) each module is at least half a millimetre, which phone
# cameras read at arm's length; larger codes need a longer reach than a clinic
# leaflet gives. Error correction M survives a fold or a smudge.
PRINTED_MM = 25
MAX_VERSION = 8
ERROR_CORRECTION = "M"
QUIET_ZONE = 4  # modules, as ISO/IEC 18004 requires


@dataclass(frozen=True)
class SiteLink:
    """One handout's link back: its URL, and its QR code as SVG path data."""

    url: str
    modules: int  # the code's width in modules, quiet zone included
    path: Markup  # the SVG <path> of the dark modules, in module units


def entry_anchor(slug: str, code: str) -> str:
    """The id of one language's entry for one handout on the page."""
    return f"{slug}-{code}"


def check_site_url(url: str, source: Path | str | None = None, line: int | None = None) -> str:
    """``url`` if it can be the page's public address, or a clear error."""
    parts = urlsplit(url)
    fix = 'give the page\'s public https address, such as site_url = "https://…/pdfs-by-language/"'
    if parts.scheme != "https" or not parts.netloc:
        raise HandoutsError(f"site_url must be an https:// address, not {url!r}",
                            path=source, line=line, fix=fix)
    if parts.fragment or url.endswith("#"):
        raise HandoutsError(f"site_url must not end with a #fragment: {url!r}", path=source,
                            line=line, fix="give the page's address alone; each handout adds "
                                           "its language's anchor")
    if any(char.isspace() for char in url):
        raise HandoutsError(f"site_url has a space in it: {url!r}", path=source, line=line,
                            fix="write spaces as %20")
    return url


def site_link(site_url: str | None, slug: str, code: str) -> SiteLink | None:
    """The link back for ``slug`` in the language ``code``: None with no site_url."""
    if not site_url:
        return None
    import segno  # only when a code is made

    url = f"{site_url}#{entry_anchor(slug, code)}"
    try:
        code_ = segno.make_qr(url, error=ERROR_CORRECTION, boost_error=False)
    except segno.DataOverflowError:
        code_ = None
    if code_ is None or code_.version > MAX_VERSION:
        limit = _capacity()
        raise HandoutsError(
            f"the QR code's address is {len(url.encode())} bytes ({url}); a code printed "
            f"{PRINTED_MM} mm wide holds at most {limit} (QR version {MAX_VERSION}, error "
            f"correction {ERROR_CORRECTION})",
            fix=f"use a shorter site_url: at most {limit - len(url) + len(site_url)} characters")
    svg = code_.svg_inline(scale=1, border=QUIET_ZONE, omitsize=True, dark="#000")
    path = re.search(r"<path\b[^>]*/>", svg)
    return SiteLink(url, code_.symbol_size(border=QUIET_ZONE)[0], Markup(path[0]))


def _capacity() -> int:
    """The most bytes a code of ``MAX_VERSION`` holds at ``ERROR_CORRECTION``."""
    import segno

    def fits(size: int) -> bool:
        try:
            return segno.make_qr("a" * size, error=ERROR_CORRECTION, boost_error=False,
                                 mode="byte").version <= MAX_VERSION
        except segno.DataOverflowError:
            return False

    low, high = 1, 3000  # fits(low); not fits(high): a version 40 code holds under 3000
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low
