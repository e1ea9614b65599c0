"""Moodle's GIFT text format, read and written the way Moodle's qformat_gift does.

Supported: essay `{}`, true/false, single and multiple choice, short answer; `$CATEGORY:`
lines; `::name::` titles; `[html]` `[plain]` `[markdown]` `[moodle]` text formats; answer
weights, per-answer and general feedback; backslash escapes. Numerical (`{#…}`), matching
(`->`) and description questions are refused with their line, and then nothing is imported.
"""

import dataclasses
import html
import itertools
import re
from decimal import Decimal, InvalidOperation

from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _

from ..models import Question
from .categories import path_from_file, path_in_file
from .common import InterchangeError, ParsedAnswer, ParsedBank, ParsedCategory, ParsedQuestion
from .files import PLUGINFILE, replace_shown_images

Kind = Question.Kind
TRUE_TEXT, FALSE_TEXT = "Đúng", "Sai"
FORMATS = ("html", "plain", "markdown", "moodle")
# Moodle's $giftanswerweightregex: "%50%", "%-100%", "%33.3333%".
WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")

# Escaped characters are swapped for private-use characters while parsing, so that they
# never count as syntax, and swapped back in each piece of text at the end.
PROTECTED = {
    "\\": "\ue000",
    ":": "\ue001",
    "#": "\ue002",
    "=": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    "~": "\ue006",
    "n": "\ue007",
}
UNPROTECTED = {mark: ("\n" if char == "n" else char) for char, mark in PROTECTED.items()}
ESCAPE = re.compile(r"\\([\\:#={}~n])")


def _protect(text):
    return ESCAPE.sub(lambda match: PROTECTED[match.group(1)], text)


def _unprotect(text):
    return "".join(UNPROTECTED.get(char, char) for char in text)


# Reading ------------------------------------------------------------------------------------


def read_gift(text):
    """A ParsedBank from GIFT text; InterchangeError lists every problem with its line."""
    reader = _Reader()
    for start, lines in _blocks(text):
        reader.read_block(start, lines)
    if not reader.problems and not reader.bank.questions:
        reader.problems.append(_("The file holds no questions."))
    if reader.problems:
        raise InterchangeError(reader.problems)
    return reader.bank


def _blocks(text):
    """(first line number, trimmed lines) of each blank-line separated block, as Moodle splits."""
    block, start = [], 0
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line:
            start = start if block else number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


class _Reader:
    def __init__(self):
        self.bank = ParsedBank()
        self.problems = []
        self.category = ""

    def read_block(self, start, lines):
        # Comment lines count as blank inside a question (Moodle keeps them as " ").
        lines = ["" if line.startswith("//") else line for line in lines]
        while lines and not lines[0]:
            lines.pop(0)
            start += 1
        if not lines:
            return
        if lines[0].startswith("$CATEGORY:"):
            self.set_category(_unprotect(_protect(lines[0][len("$CATEGORY:") :])).strip())
            # Moodle would swallow the following lines into the category name; we read them.
            return self.read_block(start + 1, lines[1:])
        question = _QuestionReader(start, "\n".join(lines), self.category)
        parsed = question.read()
        self.problems += question.problems
        if parsed is not None and not question.problems:
            self.bank.questions.append(parsed)

    def set_category(self, raw):
        """Switch to the category a `$CATEGORY:` line names, a path from the root of the bank
        (categories.path_from_file). A line naming only the top ("$course$/top") switches
        nothing, as in Moodle, whose create_category_path finds no category for it: the
        questions after it stay in the category before it (the chosen one at the start)."""
        path = path_from_file(raw)
        if not path:
            return
        self.category = path
        if all(category.path != path for category in self.bank.categories):
            self.bank.categories.append(ParsedCategory(path=path))


class _QuestionReader:
    """One question block, following qformat_gift::readquestion."""

    def __init__(self, start, text, category):
        self.start = start
        self.text = _protect(text)
        self.category = category
        self.name = ""
        self.problems = []

    def problem(self, message, position=0):
        line = self.start + self.text.count("\n", 0, position)
        self.problems.append(
            _("line %(line)d: question “%(name)s”: %(problem)s")
            % {"line": line, "name": self.name, "problem": message}
        )

    def read(self):
        body = self.read_name()
        opening, closing = self.text.find("{", body), self.text.find("}", body)
        if opening == -1 and closing == -1:
            self.name = self.name or _default_name(_unprotect(self.text[body:]), "html")
            return self.problem(_("descriptions (text without answers) are not supported"))
        before = self.text[body:opening] if opening != -1 else self.text[body:]
        after = self.text[closing + 1 :]
        # Text after the closing brace makes a "missing word" question: Moodle puts a blank
        # where the answers were and keeps the rest, stray characters included.
        question_text = before + ("_____" + after if after else "")
        text_format, question_text = _split_format(question_text.strip(), "moodle")
        self.name = self.name or _default_name(question_text, text_format)
        if not self.braces_are_well_formed(opening, closing):
            return None
        answers, general_feedback = _split_general_feedback(self.text[opening + 1 : closing])
        question = ParsedQuestion(
            kind="",
            name=self.name,
            text=_to_html(text_format, question_text),
            category=self.category,
            general_feedback=_formatted(general_feedback, text_format),
            position=_("line %(line)d") % {"line": self.start},
        )
        return self.read_answers(question, answers, text_format, opening)

    def read_name(self):
        """Take the `::name::` off; return where the question text starts."""
        if not self.text.startswith("::"):
            return 0
        end = self.text.find("::", 2)
        if end == -1:
            return 2
        self.name = " ".join(strip_tags(_unprotect(self.text[2:end])).split())[:255]
        return end + 2

    def braces_are_well_formed(self, opening, closing):
        if opening == -1 or closing == -1:
            missing = opening if closing == -1 else closing
            self.problem(_("“{” and “}” do not pair up"), missing)
        elif closing < opening:
            self.problem(_("“}” comes before “{”"), closing)
        elif "{" in self.text[opening + 1 : closing]:
            self.problem(_("“{” inside an answer block"), opening)
        elif "{" in self.text[closing:] or "}" in self.text[closing + 1 :]:
            self.problem(_("a question has only one answer block “{…}”"), closing)
        else:
            return True
        return False

    def read_answers(self, question, answers, text_format, position):
        if answers == "":
            question.kind = Kind.ESSAY
        elif answers.startswith("#"):
            return self.problem(_("numerical questions are not supported"))
        elif "~" in answers:
            question.kind = Kind.SINGLE if "=" in answers else Kind.MULTIPLE
            question.answers = self.choices(answers, text_format, position)
        elif "=" in answers and "->" in answers:
            return self.problem(_("matching questions are not supported"))
        elif answers.split("#", 1)[0].strip() in ("T", "TRUE", "F", "FALSE"):
            question.kind = Kind.TRUE_FALSE
            question.answers = _true_false(answers, text_format)
        else:
            question.kind = Kind.SHORT
            question.answers = self.short_answers(answers, text_format, position)
        return question

    def choices(self, answers, text_format, position):
        parts = [part.strip() for part in answers.replace("=", "~=").split("~")]
        result = []
        for part in parts[1:] if not parts[0] else parts:
            if part.startswith("="):
                fraction, part = Decimal("1"), part[1:]
            else:
                fraction, part = self.weight(part, Decimal("0"), position)
            answer = _answer_with_feedback(part, fraction, text_format)
            if answer.text:  # Moodle drops empty answers when saving
                result.append(answer)
        if len(result) < 2:
            self.problem(_("a choice question needs at least two answers"), position)
        return result

    def short_answers(self, answers, text_format, position):
        parts = [part.strip() for part in answers.split("=")]
        result = []
        for part in parts[1:] if not parts[0] else parts:
            fraction, part = self.weight(part, Decimal("1"), position)
            answer, feedback = (part.split("#", 1) + [""])[:2]
            # Moodle compares short answers as plain text (`*` a wildcard), whatever their format;
            # ours are that text HTML-escaped, as the Moodle XML reader stores them.
            text = html.escape(_split_format(answer.strip(), text_format)[1], quote=False)
            if text:
                result.append(ParsedAnswer(text, fraction, _formatted(feedback, text_format)))
        if not result:
            self.problem(_("a short-answer question needs an answer"), position)
        return result

    def weight(self, answer, default, position):
        """(fraction, rest of the answer) from a leading "%50%"."""
        if not WEIGHT.match(answer):
            return default, answer
        end = answer.index("%", 1)
        try:
            fraction = Decimal(answer[1:end]) / 100
        except InvalidOperation:
            fraction = None
        if fraction is None or not -1 <= fraction <= 1:
            self.problem(
                _("the weight “%(weight)s” is not between -100%% and 100%%")
                % {"weight": answer[: end + 1]},
                position,
            )
            fraction = default
        return fraction, answer[end + 1 :]


def _split_general_feedback(answers):
    separator = answers.rfind("####")
    if separator == -1:
        return answers.strip(), ""
    return answers[:separator].strip(), answers[separator + 4 :]


def _answer_with_feedback(text, fraction, default_format):
    answer, feedback = (text.split("#", 1) + [""])[:2]
    return ParsedAnswer(
        _formatted(answer, default_format), fraction, _formatted(feedback, default_format)
    )


def _true_false(answers, text_format):
    """Đúng and Sai; `{FALSE#wrong#right}` shows "wrong" to whoever chooses the wrong one."""
    answer, wrong, right = (answers.split("#", 2) + ["", ""])[:3]
    wrong, right = _formatted(wrong, text_format), _formatted(right, text_format)
    if _split_format(answer.strip(), text_format)[1] in ("T", "TRUE"):
        return [
            ParsedAnswer(TRUE_TEXT, Decimal("1"), right),
            ParsedAnswer(FALSE_TEXT, Decimal("0"), wrong),
        ]
    return [
        ParsedAnswer(TRUE_TEXT, Decimal("0"), wrong),
        ParsedAnswer(FALSE_TEXT, Decimal("1"), right),
    ]


def _split_format(text, default):
    """(format, unescaped text) of a piece that may start with "[html]" and the like."""
    text_format = default
    if text.startswith("["):
        end = text.find("]")
        if end != -1 and text[1:end] in FORMATS:
            text_format, text = text[1:end], text[end + 1 :]
    return text_format, _unprotect(text).strip()


def _formatted(text, default_format):
    return _to_html(*_split_format(text.strip(), default_format))


def _to_html(text_format, text):
    if text_format == "html":
        return text
    if text_format == "markdown":
        paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
        return "".join(f"<p>{_escaped_lines(part)}</p>" for part in paragraphs)
    return _escaped_lines(text)


def _escaped_lines(text):
    return str(escape(text)).replace("\n", "<br>")


def _default_name(text, text_format):
    """Like Moodle: the start of the question's plain text, shortened to about 80 characters."""
    if text_format == "html":
        text = html.unescape(strip_tags(text))
    plain = " ".join(text.split())
    if len(plain) > 80:
        cut = plain.rfind(" ", 0, 80)
        plain = plain[: cut if cut > 0 else 80] + "..."
    return plain or _("Question")


# Writing ------------------------------------------------------------------------------------

RESERVED = str.maketrans(
    {
        "\\": "\\\\",
        "#": "\\#",
        "=": "\\=",
        "~": "\\~",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)


def write_gift(bank):
    """GIFT text of the bank, in [html] format, with `$CATEGORY:` lines as Moodle writes them
    ("$course$/top/A/B"). Questions without a category (imported into the chosen category)
    must come first: no line can switch back to the chosen category."""
    chunks, current = [], ""
    uncategorised = list(itertools.takewhile(lambda q: not q.category, bank.questions))
    chunks += map(_write_question, uncategorised)
    questions = bank.questions[len(uncategorised) :]
    used = {question.category for question in questions}
    for category in bank.categories:
        if category.path and category.path not in used:
            chunks.append(_category_line(category.path))
            current = category.path
    for question in questions:
        if not question.category:
            raise ValueError(f"question “{question.name}” has no category but follows some")
        if question.category != current:
            chunks.append(_category_line(question.category))
            current = question.category
        chunks.append(_write_question(question))
    return "\n".join(chunks)


# Moodle writes the path as it is; only a backslash, which both readers take as the start of
# an escape, is doubled (Moodle reads "\\" back as "\" too).
CATEGORY_RESERVED = str.maketrans({"\\": "\\\\", "\n": " ", "\r": " "})


def _category_line(path):
    return f"$CATEGORY: {path_in_file(path).translate(CATEGORY_RESERVED)}\n"


def _escaped(text):
    return text.translate(RESERVED)


def _html_piece(text):
    """An answer or feedback; the question's [html] format carries over to it."""
    return ("[html]" if text.startswith("[") else "") + _escaped(text)


# A link to one of the question's files: <a href="@@PLUGINFILE@@/form.pdf">the form</a>.
FILE_LINK = re.compile(
    r"<a\b[^>]*\bhref\s*=\s*[\"']" + re.escape(PLUGINFILE) + r"[^>]*>(.*?)</a>",
    re.IGNORECASE | re.DOTALL,
)


def without_files(html):
    """GIFT cannot carry files (Moodle's GIFT export leaves dangling references): an image
    becomes “[image: its alt text]”, a link to a file its text."""
    html = replace_shown_images(
        html, lambda name, alt: str(escape(_("[image: %(name)s]") % {"name": alt or name}))
    )
    return FILE_LINK.sub(r"\1", html)


def _write_question(question):
    question = dataclasses.replace(
        question,
        text=without_files(question.text),
        general_feedback=without_files(question.general_feedback),
        answers=[
            dataclasses.replace(
                answer, text=without_files(answer.text), feedback=without_files(answer.feedback)
            )
            for answer in question.answers
        ],
        files=[],
    )
    head = f"::{_escaped(question.name)}::[html]{_escaped(question.text)}"
    feedback = question.general_feedback
    general = f"####{_html_piece(feedback)}" if feedback else ""
    if question.kind == Kind.ESSAY:
        return f"{head}{{{general}}}\n"
    if question.kind == Kind.TRUE_FALSE:
        return f"{head}{{{_true_false_answers(question.answers)}{general}}}\n"
    lines = [_choice_line(question, answer) for answer in question.answers]
    if general:
        lines.append(f"\t{general}\n")
    return f"{head}{{\n{''.join(lines)}}}\n"


def _true_false_answers(answers):
    true, false = answers[0], answers[1]
    if true.fraction == 1:
        result, right, wrong = "TRUE", true.feedback, false.feedback
    else:
        result, right, wrong = "FALSE", false.feedback, true.feedback
    if wrong or right:
        result += f"#{_html_piece(wrong)}"
    if right:
        result += f"#{_html_piece(right)}"
    return result


def _choice_line(question, answer):
    if question.kind == Kind.SINGLE and answer.fraction == 1:
        mark = "="
    else:
        # Always weighted (even %0%), so that an answer starting with "%" stays itself.
        mark = ("=" if question.kind == Kind.SHORT else "~") + f"%{_percent(answer.fraction)}%"
    text = html.unescape(answer.text) if question.kind == Kind.SHORT else answer.text
    feedback = f"#{_html_piece(answer.feedback)}" if answer.feedback else ""
    return f"\t{mark}{_html_piece(text)}{feedback}\n"


def _percent(fraction):
    return f"{(Decimal(fraction) * 100).normalize():f}"
