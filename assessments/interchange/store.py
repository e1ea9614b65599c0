"""Saving an imported question bank (all or nothing) and reading one back for export."""

import re

from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.images import get_image_model

from ..models import Answer, Question, QuestionCategory, QuestionFile
from ..rich_text import image_embed
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

# Moodle prefixes category paths with the context they live in; ours are global.
MOODLE_CONTEXTS = re.compile(r"^\$(course|system|module|cat)\$/?(top/?)?|^top/?")


def relative_path(path):
    return MOODLE_CONTEXTS.sub("", path.strip()).strip("/")


@transaction.atomic
def save_bank(bank, category_path):
    """Create the bank's categories and questions under `category_path`; return the questions."""
    base = QuestionCategory.from_path(category_path)

    def category_for(path):
        relative = relative_path(path)
        return QuestionCategory.from_path(f"{base.path}/{relative}") if relative else base

    for declared in bank.categories:
        category = category_for(declared.path)
        if declared.description and not category.description:
            category.description = declared.description
            category.save(update_fields=["description"])
    saved = []
    for parsed in bank.questions:
        html = _ImportedHtml(parsed)
        question = Question.objects.create(
            category=category_for(parsed.category),
            kind=parsed.kind,
            name=parsed.name[:255],
            text=html.convert(parsed.text),
            general_feedback=html.convert(parsed.general_feedback),
            default_mark=parsed.default_mark,
            shuffle_answers=parsed.shuffle_answers,
            case_sensitive=parsed.case_sensitive,
        )
        answers = [
            (html.convert(answer.text), html.convert(answer.feedback)) for answer in parsed.answers
        ]
        texts = [question.text, question.general_feedback, *(t for pair in answers for t in pair)]
        urls = {}
        for parsed_file in parsed.files:
            # Files no <img> shows, and images also referred to otherwise (a link to the
            # full-size picture), are kept as they are.
            if parsed_file.name not in html.images or any(
                mentions(text, PLUGINFILE + parsed_file.name) for text in texts
            ):
                stored = QuestionFile.objects.create(
                    question=question,
                    name=parsed_file.name,
                    file=ContentFile(parsed_file.content, name=parsed_file.name),
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
        saved.append(question)
    return saved


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
    """The category, the categories under it and their questions, for export."""
    categories = [category]
    index = 0
    while index < len(categories):
        categories += list(categories[index].children.order_by("name"))
        index += 1
    base_length = len(category.path) + 1
    bank = ParsedBank()
    for current in categories:
        relative = current.path[base_length:]
        bank.categories.append(ParsedCategory(path=relative, description=current.description))
        for question in current.questions.prefetch_related("answers", "files").order_by("pk"):
            bank.questions.append(_exported(question, relative))
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
        name = self.names.get(int(image_id)) if image_id.isdigit() else None
        return image_reference(name, alt) if name else ""


def _read(field_file):
    try:
        with field_file.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None
