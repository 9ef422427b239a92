"""The inline markup a translation may carry, and nothing else.

Translations may keep the tags of the English (``<strong>`` around a key term,
say), from a short allow-list. The checks use this list to catch broken or
unexpected tags before a catalog lands.
"""

from __future__ import annotations

import re

ALLOWED_TAGS = ("strong", "em", "a", "br")
LINK_SCHEMES = ("https:", "tel:")

TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)([^<>]*?)(/?)\s*>")
VOID_TAGS = ("br",)


def tags_of(text: str) -> list[str]:
    """The tags of ``text`` as written, normalised: ``<strong>``, ``</strong>``, ``<br>``."""
    return [f"<{m[1]}{m[2].lower()}>" for m in TAG.finditer(text)]


def markup_problems(text: str) -> list[str]:
    """What is wrong with the markup of ``text``: unknown tags, bad links, unbalanced tags."""
    problems = []
    open_tags: list[str] = []
    for match in TAG.finditer(text):
        closing, name, attributes = match[1], match[2].lower(), match[3]
        if name not in ALLOWED_TAGS:
            problems.append(f"tag <{name}> is not allowed (allowed: {', '.join(ALLOWED_TAGS)})")
            continue
        if closing:
            if not open_tags or open_tags[-1] != name:
                problems.append(f"</{name}> closes a tag that is not open")
            else:
                open_tags.pop()
            continue
        if name == "a":
            href = re.search(r"""href\s*=\s*["']?([^"'\s>]+)""", attributes)
            if not href or not href[1].lower().startswith(LINK_SCHEMES):
                problems.append("a link must have an https: or tel: href")
        elif attributes.strip(" /"):
            problems.append(f"<{name}> may not have attributes")
        if name not in VOID_TAGS and not match[4]:
            open_tags.append(name)
    problems.extend(f"<{name}> is not closed" for name in reversed(open_tags))
    # A "<" that starts no tag is text; one that looks like a broken tag is not.
    if re.search(r"<\s*/?\s*[a-zA-Z][^>]*$", TAG.sub("", text)):
        problems.append("a tag is not finished (no closing >)")
    return problems


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]\w{1,31});")


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
    position = 0
    for match in TAG.finditer(text):
        out.append(_escape_text(text[position:match.start()]))
        position = match.end()
        closing, name, attributes = match[1], match[2].lower(), match[3]
        if name not in ALLOWED_TAGS:
            out.append(_escape_text(match[0]))
        elif closing:
            if name in open_tags:  # close what was opened inside it, then it
                while open_tags:
                    inner = open_tags.pop()
                    out.append(f"</{inner}>")
                    if inner == name:
                        break
            # a closing tag with nothing to close is dropped
        elif name in VOID_TAGS:
            out.append(f"<{name}>")
        elif name == "a":
            href = re.search(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", attributes)
            url = next((g for g in href.groups() if g is not None), "") if href else ""
            if url.lower().startswith(LINK_SCHEMES) and not re.search(r"[\s<>\"']", url):
                out.append(f'<a href="{_escape_attribute(url)}">')
                open_tags.append("a")
            else:
                out.append(_escape_text(match[0]))
        elif attributes.strip(" /"):
            out.append(_escape_text(match[0]))  # attributes are never passed on
        else:
            out.append(f"<{name}>")
            open_tags.append(name)
    out.append(_escape_text(text[position:]))
    out.extend(f"</{name}>" for name in reversed(open_tags))
    return "".join(out)


def _escape_text(text: str) -> str:
    # Well-formed character references stay (they cannot make markup); every
    # other &, < and > is escaped.
    pieces = []
    position = 0
    for match in _ENTITY.finditer(text):
        pieces.append(_escape_plain(text[position:match.start()]))
        pieces.append(match[0])
        position = match.end()
    pieces.append(_escape_plain(text[position:]))
    return "".join(pieces)


def _escape_plain(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    return _escape_plain(text).replace('"', "&quot;")


_FORMAT = re.compile(r"%(?:\((\w+)\)s|%)|%")


def safe_translation(msgid: str, msgstr: str) -> str:
    """``msgstr`` made safe to render in place of ``msgid``.

    Its markup is sanitised, and every ``%`` that is not a placeholder of the
    English (``%(name)s``) or an escaped ``%%`` is escaped, since Jinja formats
    each translation with its variables: a stray "100%" or an unknown
    ``%(name)s`` would otherwise stop the build.
    """
    known = set(re.findall(r"%\((\w+)\)s", msgid))

    def keep_or_escape(match: re.Match) -> str:
        if match[0] == "%%" or (match[1] and match[1] in known):
            return match[0]
        return "%" + match[0]

    return _FORMAT.sub(keep_or_escape, sanitise(msgstr))
