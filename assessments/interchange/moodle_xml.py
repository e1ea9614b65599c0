"""Moodle XML question banks, read and written.

The reader takes what Moodle exports (see question/format/xml in Moodle): a <quiz> of
<question> elements, where a <question type="category"> sets the category of the questions
after it. Supported types: multichoice, truefalse, shortanswer and essay; any other type makes
the whole file refused, with every problem listed.
"""

import base64
import binascii
import html
import itertools
import posixpath
from decimal import Decimal, InvalidOperation
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape  # writes XML, parses none  # nosec B406

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.utils.translation import gettext as _

from .categories import path_from_file, path_in_file
from .common import (
    InterchangeError,
    ParsedAnswer,
    ParsedBank,
    ParsedCategory,
    ParsedFile,
    ParsedQuestion,
)
from .files import PLUGINFILE, image_problem, mentions, replace_reference, shown_files

QUOTES = {'"': "&quot;"}
TRUE_TEXTS = {"true", "đúng"}
FALSE_TEXTS = {"false", "sai"}
BOOLEANS = {"1": True, "true": True, "0": False, "false": False}
MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "truefalse": "truefalse",
    "short": "shortanswer",
    "essay": "essay",
}


# Reading


def read_xml(text):
    """A ParsedBank from Moodle XML; InterchangeError lists every problem found."""
    root = _parse(text)
    if root.tag != "quiz":
        raise InterchangeError(
            [
                _("The root element is <%(tag)s>, not <quiz>: this is not a Moodle XML file.")
                % {"tag": root.tag}
            ]
        )
    reader = _Reader()
    bank = reader.read(root)
    if reader.problems:
        raise InterchangeError(reader.problems)
    bank.skipped = reader.skipped
    return bank


def _parse(text):
    try:
        # forbid_dtd: no DOCTYPE, hence no entity declarations (no entity-expansion attacks).
        return fromstring(text, forbid_dtd=True)
    except DefusedXmlException as error:
        raise InterchangeError(
            [_("The file declares a DOCTYPE or entities, which is not allowed.")]
        ) from error
    except ParseError as error:
        line, column = error.position
        raise InterchangeError(
            [
                _("The XML is malformed at line %(line)d, column %(column)d.")
                % {"line": line, "column": column + 1}
            ]
        ) from error


class _Reader:
    def __init__(self):
        self.problems = []
        self.skipped = []  # files left out, for the import report

    def read(self, root):
        bank = ParsedBank()
        category = ""  # the category chosen for the import, until a category question
        number = 0
        for element in root.findall("question"):
            kind = element.get("type", "")
            if kind == "category":
                category = self.category(element, bank) or category
                continue
            number += 1
            question = self.question(element, kind, number)
            if question is not None:
                question.category = category
                bank.questions.append(question)
        if number == 0 and not self.problems:
            self.problem(_("The file holds no questions."))
        return bank

    def category(self, element, bank):
        """Declare the category a category question names in `bank` and return its path
        from the root of the bank (categories.path_from_file); "" when it names only the top
        ("$course$/top"), which switches nothing, as in Moodle, whose create_category_path
        finds no category for it (its description is dropped with it)."""
        holder = element.find("category")
        raw = _text(holder) if holder is not None and holder.find("text") is not None else ""
        if not raw and holder is not None:
            raw = (holder.text or "").strip()  # Moodle 1.9: <category>path</category>
        path = path_from_file(raw)
        if not path:
            return ""
        description = _html(element.find("info"))
        for declared in bank.categories:
            if declared.path == path:
                # Moodle keeps the first description a category gets.
                declared.description = declared.description or description
                return path
        bank.categories.append(ParsedCategory(path=path, description=description))
        return path

    def question(self, element, kind, number):
        name = _text(element.find("name"))
        where = _("question %(number)d (“%(name)s”)") % {"number": number, "name": name}
        if kind not in {"multichoice", "truefalse", "shortanswer", "essay"}:
            self.problem(
                _("%(where)s: type %(type)s is not supported") % {"where": where, "type": kind}
            )
            return None
        question = ParsedQuestion(
            kind=kind,
            name=name,
            text=_html(element.find("questiontext")),
            general_feedback=_html(element.find("generalfeedback")),
            position=_("question %(number)d") % {"number": number},
        )
        if not name:
            self.problem(_("%(where)s: the question has no name") % {"where": where})
        if not question.text:
            self.problem(_("%(where)s: the question has no text") % {"where": where})
        question.default_mark = self.decimal(element.findtext("defaultgrade"), "1", where)
        if question.default_mark < 0:
            self.problem(_("%(where)s: the default mark is negative") % {"where": where})
        files = {}
        for holder in (element.find("questiontext"), element.find("generalfeedback")):
            self.collect_files(holder, files, where)
        self.old_image(element, question, files, where)
        reader = getattr(self, kind)
        reader(element, question, files, where)
        question.files = [ParsedFile(name, content) for name, content in files.items()]
        for parsed_file in question.files:
            _link_references(question, parsed_file.name)
        question.files = self.checked_files(question, where)
        return question

    def checked_files(self, question, where):
        """The files the question keeps: only images, checked by their content as an upload
        in the admin is. Files are served from the site's own address, so anything else (a
        web page with a login form, a script) would speak in the site's name. A file <img>
        tags show becomes a Wagtail image; one the text only links to (the full-size picture)
        a question file. A file the question never refers to is left out and reported (Moodle
        keeps the files of deleted text); a file it refers to that is not an image refuses
        the import, as the question would point to nothing."""
        texts = _html_texts(question)
        shown = set().union(*map(shown_files, texts))
        kept = []
        for parsed_file in question.files:
            name = parsed_file.name
            values = {"where": where, "name": name}
            if name not in shown and not any(mentions(text, PLUGINFILE + name) for text in texts):
                self.skipped.append(
                    _("%(where)s: file “%(name)s” was not imported: the question does not show it")
                    % values
                )
                continue
            reason = image_problem(name, parsed_file.content)
            if reason and name in shown:
                self.problem(
                    _("%(where)s: image “%(name)s” cannot be used: %(reason)s")
                    % {**values, "reason": reason}
                )
            elif reason:
                self.problem(
                    _(
                        "%(where)s: file “%(name)s” cannot be imported: a question can carry "
                        "only images (%(reason)s). Put other files in the document library and "
                        "link to them there."
                    )
                    % {**values, "reason": reason}
                )
            kept.append(parsed_file)
        return kept

    def multichoice(self, element, question, files, where):
        single = self.boolean(element.findtext("single"), True, where)
        question.kind = "single" if single else "multiple"
        # findtext takes the first: Moodle 1.9 exports sometimes repeat <shuffleanswers>.
        question.shuffle_answers = self.boolean(element.findtext("shuffleanswers"), True, where)
        question.answers = self.answers(element, files, where)
        if len(question.answers) < 2:
            self.problem(_("%(where)s: a choice needs at least two answers") % {"where": where})
        elif not any(answer.fraction > 0 for answer in question.answers):
            self.problem(_("%(where)s: no answer gives any credit") % {"where": where})

    def truefalse(self, element, question, files, where):
        found = {}
        for answer in self.answers(element, files, where, plain=True):
            text = html.unescape(answer.text).strip().lower()
            side = "true" if text in TRUE_TEXTS else "false" if text in FALSE_TEXTS else None
            if side is None or side in found:
                self.problem(
                    _("%(where)s: a true/false question needs one “true” and one “false” answer")
                    % {"where": where}
                )
                return
            found[side] = answer
        if len(found) != 2:
            self.problem(
                _("%(where)s: a true/false question needs one “true” and one “false” answer")
                % {"where": where}
            )
            return
        question.answers = [
            ParsedAnswer("Đúng", found["true"].fraction, found["true"].feedback),
            ParsedAnswer("Sai", found["false"].fraction, found["false"].feedback),
        ]

    def shortanswer(self, element, question, files, where):
        question.kind = "short"
        question.case_sensitive = self.boolean(element.findtext("usecase"), False, where)
        # Moodle compares short answers as plain text, whatever format they declare.
        question.answers = self.answers(element, files, where, plain=True)
        if not question.answers:
            self.problem(_("%(where)s: a short answer needs an answer") % {"where": where})

    def essay(self, element, question, files, where):
        """Nothing more to read: an essay has no answers (older exports carry an empty one)."""

    def answers(self, element, files, where, plain=False):
        answers = []
        for answer in element.findall("answer"):
            fraction = self.decimal(answer.get("fraction"), "0", where) / 100
            if not -1 <= fraction <= 1:
                self.problem(
                    _("%(where)s: answer fraction %(fraction)s%% is outside -100..100")
                    % {"where": where, "fraction": answer.get("fraction")}
                )
            feedback = answer.find("feedback")
            self.collect_files(answer, files, where)
            self.collect_files(feedback, files, where)
            text = _html(answer, "plain_text" if plain else None)
            answers.append(ParsedAnswer(text, fraction, _html(feedback)))
        return answers

    def collect_files(self, holder, files, where):
        """Decode the <file> elements of a text holder (questiontext, answer, …) into `files`."""
        if holder is None:
            return
        for element in holder.findall("file"):
            name = element.get("name", "")
            if element.get("encoding", "base64") != "base64":
                self.problem(
                    _("%(where)s: file “%(name)s” is not base64-encoded")
                    % {"where": where, "name": name}
                )
                continue
            self.add_file(files, name, element.text, where)

    def old_image(self, element, question, files, where):
        """Moodle 1.9's <image> + <image_base64>: a file shown after the question text."""
        data = element.findtext("image_base64")
        name = posixpath.basename((element.findtext("image") or "").strip())
        if not data or not data.strip() or not name:
            return
        if self.add_file(files, name, data, where):
            question.text += f' <img src="{PLUGINFILE}{html.escape(name)}" alt="">'

    def add_file(self, files, name, data, where):
        if not name or name.startswith(".") or "/" in name or "\\" in name:
            self.problem(
                _("%(where)s: file name “%(name)s” is not allowed") % {"where": where, "name": name}
            )
            return False
        try:
            content = base64.b64decode("".join((data or "").split()), validate=True)
        except binascii.Error:
            self.problem(
                _("%(where)s: file “%(name)s” is not valid base64") % {"where": where, "name": name}
            )
            return False
        files.setdefault(name, content)
        return True

    def decimal(self, value, default, where):
        try:
            number = Decimal((value or default).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.problem(
                _("%(where)s: “%(value)s” is not a number") % {"where": where, "value": value}
            )
            return Decimal(default)
        return number

    def boolean(self, value, default, where):
        if value is None or not value.strip():
            return default
        if value.strip().lower() not in BOOLEANS:
            self.problem(
                _("%(where)s: “%(value)s” is not true or false") % {"where": where, "value": value}
            )
            return default
        return BOOLEANS[value.strip().lower()]

    def problem(self, message):
        self.problems.append(message)


def _text(holder):
    """The stripped <text> of a holder element ("" when missing); Moodle trims all texts."""
    if holder is None:
        return ""
    return (holder.findtext("text") or "").strip()


def _html(holder, format=None):
    """The holder's text as HTML: formats other than html are escaped, newlines become <br>."""
    text = _text(holder)
    format = format or (holder.get("format", "html") if holder is not None else "html")
    if format == "html":
        return text
    return html.escape(text, quote=False).replace("\n", "<br>")


def _html_texts(question):
    texts = [question.text, question.general_feedback]
    return texts + [text for answer in question.answers for text in (answer.text, answer.feedback)]


def _link_references(question, name):
    """Moodle URL-encodes file names in references; store.save_bank looks for the bare name."""
    encoded, bare = PLUGINFILE + quote(name), PLUGINFILE + name
    if encoded == bare:
        return
    question.text = question.text.replace(encoded, bare)
    question.general_feedback = question.general_feedback.replace(encoded, bare)
    for answer in question.answers:
        answer.text = answer.text.replace(encoded, bare)
        answer.feedback = answer.feedback.replace(encoded, bare)


# Writing


def write_xml(bank):
    """Moodle XML: the declared categories first (with their descriptions), then the questions
    in their order, each change of category announced by a category question, as Moodle does,
    with the path Moodle writes ("$course$/top/A/B")."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    # Questions without a category go into the category chosen for the import: they must
    # come first, as no category question can switch back to it.
    uncategorised = list(itertools.takewhile(lambda q: not q.category, bank.questions))
    for question in uncategorised:
        lines += _question_lines(question)
    current = ""
    written = set()
    for category in bank.categories:
        if category.path and category.path not in written:
            lines += _category_lines(category.path, category.description)
            written.add(category.path)
            current = category.path
    for question in bank.questions[len(uncategorised) :]:
        if not question.category:
            raise ValueError(f"question “{question.name}” has no category but follows some")
        if question.category != current:
            lines += _category_lines(question.category, "")
            current = question.category
        lines += _question_lines(question)
    lines.append("</quiz>")
    return "\n".join(lines) + "\n"


def _category_lines(path, description):
    lines = [
        '  <question type="category">',
        f"    <category><text>{xml_escape(path_in_file(path))}</text></category>",
    ]
    if description:
        lines.append(f'    <info format="html"><text>{_cdata(description)}</text></info>')
    lines.append("  </question>")
    return lines


def _question_lines(question):
    files = _Files(question)
    lines = [
        f'  <question type="{MOODLE_TYPES[question.kind]}">',
        f"    <name><text>{xml_escape(question.name)}</text></name>",
        f'    <questiontext format="html"><text>{files.cdata(question.text)}</text>'
        f"{files.elements(question.text, unreferenced=True)}</questiontext>",
        f'    <generalfeedback format="html"><text>{files.cdata(question.general_feedback)}'
        f"</text>{files.elements(question.general_feedback)}</generalfeedback>",
        f"    <defaultgrade>{_number(question.default_mark)}</defaultgrade>",
    ]
    answers = [(answer, answer.text, "html") for answer in question.answers]
    if question.kind in ("single", "multiple"):
        lines += [
            f"    <single>{'true' if question.kind == 'single' else 'false'}</single>",
            f"    <shuffleanswers>{'true' if question.shuffle_answers else 'false'}"
            "</shuffleanswers>",
            "    <answernumbering>abc</answernumbering>",
        ]
    elif question.kind == "truefalse":
        answers = [
            (answer, text, "moodle_auto_format")
            for answer, text in zip(question.answers, ("true", "false"), strict=False)
        ]
    elif question.kind == "short":
        lines.append(f"    <usecase>{1 if question.case_sensitive else 0}</usecase>")
        # Short answers are plain text in Moodle; ours are that text, HTML-escaped.
        answers = [
            (answer, html.unescape(answer.text), "moodle_auto_format")
            for answer in question.answers
        ]
    elif question.kind == "essay":
        lines += [
            "    <responseformat>editor</responseformat>",
            "    <responserequired>1</responserequired>",
            "    <responsefieldlines>15</responsefieldlines>",
            "    <attachments>0</attachments>",
        ]
        answers = []
    for answer, text, format in answers:
        text_files = files.elements(text) if format == "html" else ""
        lines += [
            f'    <answer fraction="{_number(answer.fraction * 100)}" format="{format}">',
            f"      <text>{files.cdata(text) if format == 'html' else _cdata(text)}</text>"
            f"{text_files}",
            f'      <feedback format="html"><text>{files.cdata(answer.feedback)}</text>'
            f"{files.elements(answer.feedback)}</feedback>",
            "    </answer>",
        ]
    lines.append("  </question>")
    return lines


class _Files:
    """A question's files, written as Moodle does: base64 in a <file> of each text that refers
    to them (files no text refers to go with the question text), the references URL-encoded."""

    def __init__(self, question):
        self.files = {parsed_file.name: parsed_file.content for parsed_file in question.files}
        texts = _html_texts(question)
        self.unreferenced = [
            name
            for name in self.files
            if not any(mentions(text, PLUGINFILE + name) for text in texts)
        ]

    def cdata(self, html):
        for name in self.files:
            if quote(name) != name:
                html = replace_reference(html, PLUGINFILE + name, PLUGINFILE + quote(name))
        return _cdata(html)

    def elements(self, html, unreferenced=False):
        names = [name for name in self.files if mentions(html, PLUGINFILE + name)]
        names += self.unreferenced if unreferenced else []
        return "".join(
            f'<file name="{xml_escape(name, QUOTES)}" path="/" encoding="base64">'
            f"{base64.b64encode(self.files[name]).decode('ascii')}</file>"
            for name in names
        )


def _cdata(text):
    if not text:
        return ""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _number(value):
    """100 rather than 1E+2 or 100.0000000."""
    return format(Decimal(value).normalize(), "f")
