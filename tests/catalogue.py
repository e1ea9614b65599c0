"""Catching text that reaches a reader untranslated.

The catalogue tests compare the .po files with what xgettext extracts, so they cannot see a
string xgettext never extracts (a `_()` inside an f-string expression, a message built at run
time): such a string is printed in English on a Vietnamese document. `misses()` records, while a
document is made, every message that was looked up in the Vietnamese catalogue and not found.
"""

from contextlib import contextmanager
from unittest import mock

from django.utils import translation
from django.utils.translation import trans_real

CONTEXT_SEPARATOR = "\x04"  # how pgettext joins a context and its message


@contextmanager
def misses(language="vi"):
    """Yields a list that fills with the messages looked up in `language` without a translation."""
    missed = []
    gettext = trans_real.DjangoTranslation.gettext
    ngettext = trans_real.DjangoTranslation.ngettext

    def recording_gettext(self, message):
        if self.language() == language and message and message not in self._catalog:
            missed.append(message.split(CONTEXT_SEPARATOR)[-1])
        return gettext(self, message)

    def recording_ngettext(self, singular, plural, number):
        if self.language() == language and (singular, 0) not in self._catalog:
            missed.append(singular)
        return ngettext(self, singular, plural, number)

    with (
        mock.patch.object(trans_real.DjangoTranslation, "gettext", recording_gettext),
        mock.patch.object(trans_real.DjangoTranslation, "ngettext", recording_ngettext),
        translation.override(language),
    ):
        yield missed
