"""The inline markup a translation may carry, and nothing else.

Translations may keep the tags of the English (``<strong>`` around a key term,
say), from a short allow-list. One tokenizer reads a translation's tags; the
``markup`` check reports the ones that may not pass, and the sanitiser turns
exactly those into text. So a translation that passes ``check`` prints as
written, and one that does not can never inject markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

ALLOWED_TAGS = ("strong", "em", "a", "br")
LINK_SCHEMES = ("https:", "tel:")
VOID_TAGS = ("br",)

_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)([^<>]*?)(/?)\s*>")
_ATTRIBUTE = re.compile(r"""\s*([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]\w{1,31});")


@dataclass(frozen=True)
class Tag:
    """One tag of a translation, as written, and whether it may pass."""

    written: str
    name: str  # lower case
    closing: bool
    self_closing: bool = False  # <strong/>: opened and closed at once
    href: str | None = None  # the link of an <a>
    problem: str | None = None  # why it may not pass; None if it may

    @property
    def normalised(self) -> str:
        """The tag as the handout gets it: ``<strong>``, ``</a>``, ``<a href="…">``."""
        if self.closing:
            return f"</{self.name}>"
        if self.href is not None:
            return f'<a href="{html.escape(self.href, quote=True)}">'
        return f"<{self.name}>"


def tokenize(text: str) -> list[str | Tag]:
    """``text`` as a list of text pieces and tags, in order."""
    pieces: list[str | Tag] = []
    position = 0
    for match in _TAG.finditer(text):
        if match.start() > position:
            pieces.append(text[position:match.start()])
        pieces.append(_tag(match))
        position = match.end()
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def _tag(match: re.Match) -> Tag:
    closing, name, attributes = bool(match[1]), match[2].lower(), match[3]
    tag = Tag(match[0], name, closing, self_closing=bool(match[4]) and name not in VOID_TAGS)
    if name not in ALLOWED_TAGS:
        return replace(tag, problem=f"tag <{name}> is not allowed "
                                    f"(allowed: {', '.join(ALLOWED_TAGS)})")
    if closing:
        return tag
    found = {m[1].lower(): next((g for g in m.groups()[1:] if g is not None), None)
             for m in _ATTRIBUTE.finditer(attributes) if m[1]}
    if name != "a":
        return replace(tag, problem=f"<{name}> may not have attributes") if found else tag
    href = found.pop("href", None)
    if found:
        return replace(tag, problem=f"a link may have only an href, not {', '.join(sorted(found))}")
    if not href or not href.lower().startswith(LINK_SCHEMES):
        return replace(tag, problem="a link must have an https: or tel: href")
    if re.search(r"[\s<>\"'\\]", href):
        return replace(tag, problem="a link's href may not hold spaces, quotes or angle brackets")
    return replace(tag, href=href)


def tags_of(text: str) -> list[str]:
    """The tags of ``text``, without attributes: ``<strong>``, ``</strong>``, ``<br>``."""
    tags = []
    for piece in tokenize(text):
        if isinstance(piece, Tag):
            tags.append(f"<{'/' if piece.closing else ''}{piece.name}>")
            if piece.self_closing:  # <strong/> is <strong></strong>
                tags.append(f"</{piece.name}>")
    return tags


def markup_problems(text: str) -> list[str]:
    """What is wrong with the markup of ``text``: tags that may not pass,
    unbalanced tags, unfinished tags, and character references that spell markup."""
    problems = []
    open_tags: list[str] = []
    for piece in tokenize(text):
        if isinstance(piece, str):
            continue
        if piece.problem:
            problems.append(piece.problem)
        elif piece.closing:
            if not open_tags or open_tags[-1] != piece.name:
                problems.append(f"</{piece.name}> closes a tag that is not open")
            else:
                open_tags.pop()
        elif piece.name not in VOID_TAGS and not piece.self_closing:
            open_tags.append(piece.name)
    problems.extend(f"<{name}> is not closed" for name in reversed(open_tags))
    # A "<" that starts no tag is text; one that looks like a broken tag is not.
    if re.search(r"<\s*/?\s*[a-zA-Z][^>]*$", _TAG.sub("", text)):
        problems.append("a tag is not finished (no closing >)")
    spelt = sorted({m[0] for m in _ENTITY.finditer(text) if html.unescape(m[0]) in "<>"})
    if spelt:
        problems.append(f"{', '.join(spelt)} spells a markup character: write the character "
                        "itself, or leave it out")
    return problems


def sanitise(text: str) -> str:
    """``text`` as safe HTML: allowed tags pass, normalised and balanced; all else is text.

    A catalog is input from outside the team. Whatever it holds, what reaches
    the page is its words as words, plus at most the allow-listed inline tags:
    ``<img>``, ``<link>``, ``<style>``, attributes and event handlers are shown as
    text, never rendered, so a translation can neither inject markup nor make a
    build fetch anything.
    """
    out: list[str] = []
    open_tags: list[str] = []
    for piece in tokenize(text):
        if isinstance(piece, str):
            out.append(_escape_text(piece))
        elif piece.problem:
            out.append(_escape_text(piece.written))
        elif piece.closing:
            if piece.name in open_tags:  # close what was opened inside it, then it
                while open_tags:
                    inner = open_tags.pop()
                    out.append(f"</{inner}>")
                    if inner == piece.name:
                        break
            # a closing tag with nothing to close is dropped
        else:
            out.append(piece.normalised)
            if piece.self_closing:
                out.append(f"</{piece.name}>")
            elif piece.name not in VOID_TAGS:
                open_tags.append(piece.name)
    out.extend(f"</{name}>" for name in reversed(open_tags))
    return "".join(out)


def _escape_text(text: str) -> str:
    # Well-formed character references stay, except those that spell markup
    # characters; every other &, < and > is escaped.
    pieces = []
    position = 0
    for match in _ENTITY.finditer(text):
        pieces.append(_escape_plain(text[position:match.start()]))
        spelt = html.unescape(match[0])
        pieces.append(_escape_plain(spelt) if spelt in "<>" else match[0])
        position = match.end()
    pieces.append(_escape_plain(text[position:]))
    return "".join(pieces)


def _escape_plain(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_FORMAT = re.compile(r"%(?:\((\w+)\)s|%)|%")

# Stand-ins for the page counters in the running footer (see render.py). They
# are private-use characters, which no translation may smuggle in: typed into
# a message, they would print as page numbers.
PAGE = "\ue000"
PAGES = "\ue001"


def safe_translation(msgid: str, msgstr: str) -> str:
    """``msgstr`` made safe to render in place of ``msgid``.

    Its markup is sanitised, the page-counter stand-ins are removed, and every
    ``%`` that is not a placeholder of the English (``%(name)s``) or an escaped
    ``%%`` is escaped, since Jinja formats each translation with its variables:
    a stray "100%" or an unknown ``%(name)s`` would otherwise stop the build.
    """
    known = set(re.findall(r"%\((\w+)\)s", msgid))

    def keep_or_escape(match: re.Match) -> str:
        if match[0] == "%%" or (match[1] and match[1] in known):
            return match[0]
        return "%" + match[0]

    text = sanitise(msgstr.replace(PAGE, "").replace(PAGES, ""))
    return _FORMAT.sub(keep_or_escape, text)
