"""Saving an imported question bank (all or nothing) and reading one back for export."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import ngettext
from wagtail.images import get_image_model

from toolkit.numbers import whole_number
from toolkit.uploads import sanitized_image_file

from ..models import Answer, Question, QuestionCategory, QuestionFile
from ..rich_text import image_embed
from .categories import assemble_category_path, split_category_path
from .common import ParsedAnswer, ParsedBank, ParsedCategory, ParsedFile, ParsedQuestion
from .files import (
    PLUGINFILE,
    export_name,
    image_embed_ids,
    image_reference,
    mentions,
    replace_image_embeds,
    replace_reference,
    replace_shown_images,
    shown_files,
    store_image,
    unique_name,
    without_embeds,
)


@dataclass
class SavedBank:
    """What an import saved: the questions in the order of the file, and the categories they
    went into with how many each, in the order first used."""

    questions: list = field(default_factory=list)
    placements: list = field(default_factory=list)  # (QuestionCategory, number of questions)
    skipped: list = field(default_factory=list)  # the reader's messages about files left out

    def __iter__(self):
        return iter(self.questions)

    def __len__(self):
        return len(self.questions)

    def counts_by_path(self):
        """{"Ngân hàng/Chữ ký số": 8, …}, for the audit log."""
        return {category.path: count for category, count in self.placements}

    def summary(self):
        """The success message: where the questions really went, and that they are drafts."""
        count = len(self.questions)
        if len(self.placements) == 1:
            [(category, _count)] = self.placements
            message = ngettext(
                "%(count)d question imported into “%(category)s”.",
                "%(count)d questions imported into “%(category)s”.",
                count,
            ) % {"count": count, "category": category.path}
        else:
            places = ", ".join(
                ngettext(
                    "%(count)d into “%(category)s”",
                    "%(count)d into “%(category)s”",
                    placed,
                )
                % {"count": placed, "category": category.path}
                for category, placed in self.placements
            )
            message = ngettext(
                "%(count)d question imported: %(places)s.",
                "%(count)d questions imported: %(places)s.",
                count,
            ) % {"count": count, "places": places}
        drafts = ngettext(
            "It is a draft: it reaches learners once a reviewer approves it, or a quiz that "
            "uses it.",
            "They are drafts: they reach learners once a reviewer approves them, or a quiz "
            "that uses them.",
            count,
        )
        return f"{message} {drafts}"


@transaction.atomic
def save_bank(bank, category_path, *, user=None, categories_from_file=True):
    """Save the bank's questions as new drafts, each with a first revision by `user` (None for
    a management command); return a SavedBank.

    Where they go follows Moodle's import (qformat_default::importprocess): with
    `categories_from_file` ("Get category from file"), questions before the file's first
    category go into the chosen category `category_path` ("A/B", created when a question goes
    there), and each category the file names is a path from the root of the bank, not from
    the chosen category (see categories.path_from_file). The readers have already applied
    Moodle's rule that a category naming only the top ("$course$/top") switches nothing:
    those questions stay in the category before it. Without the option, the file's categories
    are ignored and every question goes into the chosen category.
    """
    categories = {}

    def category_for(path):
        if not categories_from_file or not path:
            path = None
        if path not in categories:
            categories[path] = (
                QuestionCategory.from_path(category_path) if path is None else _category_at(path)
            )
        return categories[path]

    if categories_from_file:
        for declared in bank.categories:
            if not declared.path:
                continue
            category = category_for(declared.path)
            # As Moodle: the description goes on the path's last category, unless it has one.
            if declared.description and not category.description:
                category.description = declared.description
                category.save(update_fields=["description"])
    saved = SavedBank(skipped=list(bank.skipped))
    used, counts = {}, Counter()
    for parsed in bank.questions:
        category = category_for(parsed.category)
        saved.questions.append(_save_question(parsed, category, user))
        used.setdefault(category.pk, category)
        counts[category.pk] += 1
    saved.placements = [(category, counts[pk]) for pk, category in used.items()]
    return saved


def _category_at(path):
    """The category at `path` from the root ("A/B//C": "B/C" is one name), created with its
    parents when missing."""
    parent = None
    for name in split_category_path(path):
        parent, _created = QuestionCategory.objects.get_or_create(name=name, parent=parent)
    return parent


def _save_question(parsed, category, user):
    html = _ImportedHtml(parsed)
    # A new draft: it reaches learners when a reviewer approves it, or approves a quiz that
    # draws it (versions.publish_new_questions_of).
    question = Question.objects.create(
        category=category,
        kind=parsed.kind,
        name=parsed.name[:255],
        text=html.convert(parsed.text),
        general_feedback=html.convert(parsed.general_feedback),
        default_mark=parsed.default_mark,
        shuffle_answers=parsed.shuffle_answers,
        case_sensitive=parsed.case_sensitive,
        live=False,
    )
    answers = [
        (html.convert(answer.text), html.convert(answer.feedback)) for answer in parsed.answers
    ]
    texts = [question.text, question.general_feedback, *(t for pair in answers for t in pair)]
    urls = {}
    for parsed_file in parsed.files:
        # Images the text links to (the full-size picture) are also question files, served
        # from /media/: re-encoded as every stored image (the reader took only images).
        if parsed_file.name not in html.images or any(
            mentions(text, PLUGINFILE + parsed_file.name) for text in texts
        ):
            stored = QuestionFile.objects.create(
                question=question,
                name=parsed_file.name,
                file=sanitized_image_file(parsed_file.name, parsed_file.content),
            )
            urls[PLUGINFILE + parsed_file.name] = stored.file.url
    if urls:
        question.text = _with_urls(question.text, urls)
        question.general_feedback = _with_urls(question.general_feedback, urls)
        question.save(update_fields=["text", "general_feedback"])
    Answer.objects.bulk_create(
        Answer(
            question=question,
            text=_with_urls(text, urls),
            fraction=answer.fraction,
            feedback=_with_urls(feedback, urls),
            sort_order=order,
        )
        for order, (answer, (text, feedback)) in enumerate(
            zip(parsed.answers, answers, strict=True)
        )
    )
    # The first revision holds the question with its answers: what a reviewer approves.
    question.save_revision(user=user, clean=False)
    return question


class _ImportedHtml:
    """Turns a parsed question's HTML into rich text: the files its <img> tags show become
    Wagtail images and the tags image embeds (the reader has checked that they are images)."""

    def __init__(self, parsed):
        texts = [parsed.text, parsed.general_feedback]
        texts += [text for answer in parsed.answers for text in (answer.text, answer.feedback)]
        shown = set().union(*map(shown_files, texts))
        self.images = {
            parsed_file.name: store_image(parsed_file.name, parsed_file.content)
            for parsed_file in parsed.files
            if parsed_file.name in shown
        }

    def convert(self, html):
        return replace_shown_images(without_embeds(html), self.embed)

    def embed(self, name, alt):
        image = self.images.get(name)
        return image_embed(image.pk, alt) if image is not None else None


def _with_urls(html, urls):
    for reference, url in urls.items():
        html = replace_reference(html, reference, url)
    return html


def load_bank(category):
    """The category, the categories under it and their questions, for export. Categories are
    paths from the root of the bank, as Moodle's export writes them from its top category: a
    file imported with its categories puts every question back where it was."""
    names = []
    node = category
    while node is not None:
        names.insert(0, node.name)
        node = node.parent
    levels = [(category, names)]
    index = 0
    while index < len(levels):
        current, names = levels[index]
        levels += [(child, [*names, child.name]) for child in current.children.order_by("name")]
        index += 1
    bank = ParsedBank()
    for current, names in levels:
        path = assemble_category_path(names)
        bank.categories.append(ParsedCategory(path=path, description=current.description))
        for question in current.questions.prefetch_related("answers", "files").order_by("pk"):
            bank.questions.append(_exported(question, path))
    return bank


def _exported(question, category):
    answers = list(question.answers.all())
    texts = [question.text, question.general_feedback]
    texts += [text for answer in answers for text in (answer.text, answer.feedback)]
    files = _ExportedFiles(question, texts)
    return ParsedQuestion(
        kind=question.kind,
        name=question.name,
        text=files.convert(question.text),
        category=category,
        general_feedback=files.convert(question.general_feedback),
        default_mark=question.default_mark,
        shuffle_answers=question.shuffle_answers,
        case_sensitive=question.case_sensitive,
        answers=[
            ParsedAnswer(files.convert(a.text), a.fraction, files.convert(a.feedback))
            for a in answers
        ],
        files=[ParsedFile(name, content) for name, content in files.contents.items()],
    )


class _ExportedFiles:
    """Turns a question's rich text back into HTML whose images and files are
    "@@PLUGINFILE@@/name" references, and gathers the files (name → content)."""

    def __init__(self, question, texts):
        self.contents = {}
        self.names = {}  # image id → file name
        wanted = {int(image_id) for text in texts for image_id in image_embed_ids(text)}
        for image in get_image_model().objects.filter(pk__in=wanted).order_by("pk"):
            content = _read(image.file)
            if content is not None:
                name = export_name(image, content, self.contents)
                self.names[image.pk] = name
                self.contents[name] = content
        self.urls = {}
        for stored in question.files.all():
            content = _read(stored.file)
            if content is not None:
                name = unique_name(stored.name, content, self.contents)
                self.contents[name] = content
                self.urls[stored.file.url] = PLUGINFILE + name

    def convert(self, html):
        html = replace_image_embeds(html, self.reference)
        for url, reference in self.urls.items():
            html = replace_reference(html, url, reference)
        return html

    def reference(self, image_id, alt):
        """An image whose file is gone (or was deleted from the library) is left out."""
        name = self.names.get(whole_number(image_id))
        return image_reference(name, alt) if name else ""


def _read(field_file):
    try:
        with field_file.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None
