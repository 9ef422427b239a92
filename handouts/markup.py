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
