"""The words of a handout in one language: what each message renders as.

Translations come from the language's catalog, compiled in memory, and are made
safe to render (markup sanitised, stray ``%`` escaped), and each message's
variables are written in its language (``localized_gettext``). The bilingual
edition follows each message with its English; previews of unfinished
catalogs mark what is not translated yet.
"""

from __future__ import annotations

import gettext
import re
from typing import Callable

from jinja2 import pass_context
from markupsafe import Markup

from .catalogs import (TranslationCatalog, compile_translations, first_form, plural_index,
                       read_catalog)
from .languages import Language
from .markup import safe_translation


def load_translations(language: Language, catalog: TranslationCatalog | None = None,
                      highlight: bool = False) -> gettext.NullTranslations:
    """The language's compiled catalog, or no translation for the source language.

    ``catalog`` is the language's catalog if it has been read already. With
    ``highlight``, for previews of unfinished catalogs, untranslated messages
    show their English and fuzzy ones their guess, each marked.
    """
    if language.catalog is None:
        translations = SafeTranslations(gettext.NullTranslations())
    else:
        catalog = catalog or read_catalog(language.catalog, language.locale)
        translations = (HighlightingTranslations(catalog) if highlight
                        else SafeTranslations(compile_translations(catalog)))
    return translations


def localized_gettext(translations: gettext.NullTranslations,
                      localize: Callable[[object, bool], object], bilingual: bool) -> dict:
    """The gettext functions a template calls (Jinja's "newstyle"), which fill each
    message's variables in its own language.

    ``localize(value, english)`` writes a variable for the translation, or with
    ``english`` for the English that the bilingual edition sets after each
    message (in ``<span class="source" lang="en">``, which the layout sets as a
    block of its own and the ``primary`` filter removes where only one language
    belongs). So a date reads "27 de octubre de 2021" in the Spanish and
    "October 27, 2021" in its English, never one language's date in the other.
    """

    def fill(text: str, variables: dict, english: bool) -> Markup:
        return Markup(text) % {name: localize(value, english) for name, value in variables.items()}

    def pair(translated: str, source: str, variables: dict) -> Markup:
        primary_text = fill(translated, variables, english=False)
        if not bilingual:
            return primary_text
        english = fill(safe_translation(source, source), variables, english=True)
        return primary_text + Markup('<span class="source" lang="en" dir="ltr">{}</span>').format(
            english)

    @pass_context
    def gettext_(context, message, **variables):
        return pair(translations.gettext(message), message, variables)

    @pass_context
    def ngettext_(context, singular, plural, n, **variables):
        variables.setdefault("num", n)
        return pair(translations.ngettext(singular, plural, n),
                    singular if n == 1 else plural, variables)

    @pass_context
    def pgettext_(context, message_context, message, **variables):
        return pair(translations.pgettext(message_context, message), message, variables)

    @pass_context
    def npgettext_(context, message_context, singular, plural, n, **variables):
        variables.setdefault("num", n)
        return pair(translations.npgettext(message_context, singular, plural, n),
                    singular if n == 1 else plural, variables)

    return {"gettext": gettext_, "_": gettext_, "ngettext": ngettext_,
            "pgettext": pgettext_, "npgettext": npgettext_}


_SOURCE_SPAN = re.compile(r'<span class="source" lang="en" dir="ltr">.*?</span>', re.DOTALL)


def primary(text) -> Markup:
    """Text without the English that the bilingual edition adds to each message."""
    return Markup(_SOURCE_SPAN.sub("", str(text)))


class SafeTranslations(gettext.NullTranslations):
    """Translations whose text is made safe to render (see ``markup.safe_translation``)."""

    def __init__(self, translations: gettext.NullTranslations):
        super().__init__()
        self.translations = translations

    def gettext(self, message):
        return safe_translation(message, self.translations.gettext(message))

    def ngettext(self, singular, plural, n):
        return safe_translation(f"{singular} {plural}", self.translations.ngettext(singular, plural, n))

    def pgettext(self, context, message):
        return safe_translation(message, self.translations.pgettext(context, message))

    def npgettext(self, context, singular, plural, n):
        return safe_translation(f"{singular} {plural}",
                                self.translations.npgettext(context, singular, plural, n))


class HighlightingTranslations(gettext.NullTranslations):
    """Translations that mark what is not ready: for translators' previews only."""

    def __init__(self, catalog: TranslationCatalog):
        super().__init__()
        self.messages = catalog.messages

    def _lookup(self, msgid, context=None, plural=None, n=1):
        english = plural if (plural and n != 1) else msgid
        message = self.messages.get(msgid, context=context)
        if message is None or not first_form(message.string):
            return f'<mark class="untranslated">{safe_translation(english, english)}</mark>'
        string = message.string
        if isinstance(string, tuple):
            string = string[plural_index(self.messages, n)] or string[0]
        string = safe_translation(plural or msgid, string)
        if message.fuzzy:
            return f'<mark class="fuzzy">{string}</mark>'
        return string

    def gettext(self, message):
        return self._lookup(message)

    def ngettext(self, singular, plural, n):
        return self._lookup(singular, plural=plural, n=n)

    def pgettext(self, context, message):
        return self._lookup(message, context=context)

    def npgettext(self, context, singular, plural, n):
        return self._lookup(singular, context=context, plural=plural, n=n)
