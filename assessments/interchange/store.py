"""Saving an imported question bank (all or nothing) and reading one back for export."""

import re

from django.core.files.base import ContentFile
from django.db import transaction

from ..models import Answer, Question, QuestionCategory, QuestionFile
from .common import ParsedAnswer, ParsedBank, ParsedCategory, ParsedQuestion

PLUGINFILE = "@@PLUGINFILE@@/"
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
        question = Question.objects.create(
            category=category_for(parsed.category),
            kind=parsed.kind,
            name=parsed.name[:255],
            text=parsed.text,
            general_feedback=parsed.general_feedback,
            default_mark=parsed.default_mark,
            shuffle_answers=parsed.shuffle_answers,
            case_sensitive=parsed.case_sensitive,
        )
        urls = {}
        for parsed_file in parsed.files:
            stored = QuestionFile.objects.create(
                question=question,
                name=parsed_file.name,
                file=ContentFile(parsed_file.content, name=parsed_file.name),
            )
            urls[PLUGINFILE + parsed_file.name] = stored.file.url
        question.text = _with_urls(question.text, urls)
        question.general_feedback = _with_urls(question.general_feedback, urls)
        if urls:
            question.save(update_fields=["text", "general_feedback"])
        Answer.objects.bulk_create(
            Answer(
                question=question,
                text=_with_urls(answer.text, urls),
                fraction=answer.fraction,
                feedback=_with_urls(answer.feedback, urls),
                sort_order=order,
            )
            for order, answer in enumerate(parsed.answers)
        )
        saved.append(question)
    return saved


def _with_urls(html, urls):
    for reference, url in urls.items():
        html = html.replace(reference, url)
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
        for question in current.questions.prefetch_related("answers").order_by("pk"):
            bank.questions.append(
                ParsedQuestion(
                    kind=question.kind,
                    name=question.name,
                    text=question.text,
                    category=relative,
                    general_feedback=question.general_feedback,
                    default_mark=question.default_mark,
                    shuffle_answers=question.shuffle_answers,
                    case_sensitive=question.case_sensitive,
                    answers=[
                        ParsedAnswer(a.text, a.fraction, a.feedback) for a in question.answers.all()
                    ],
                )
            )
    return bank
