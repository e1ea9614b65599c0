"""Moodle question-bank formats: GIFT and Moodle XML, read and written."""

from .common import InterchangeError


def read_bank(content, format):
    """A ParsedBank from file bytes; InterchangeError lists every problem with its position."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        from django.utils.translation import gettext as _

        raise InterchangeError([_("The file is not in UTF-8.")]) from error
    if format == "gift":
        from .gift import read_gift

        return read_gift(text)
    from .moodle_xml import read_xml

    return read_xml(text)


def write_bank(bank, format):
    if format == "gift":
        from .gift import write_gift

        return write_gift(bank)
    from .moodle_xml import write_xml

    return write_xml(bank)


__all__ = ["InterchangeError", "read_bank", "write_bank"]
