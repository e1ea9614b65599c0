"""The Draftail editor of questions (WAGTAILADMIN_RICH_TEXT_EDITORS["question"])."""

from wagtail.admin.rich_text import DraftailRichTextArea

from .rich_text import well_formed


class QuestionDraftail(DraftailRichTextArea):
    """Draftail that also opens HTML it did not write: imported questions (see well_formed).
    What it saves is Draftail's own, well-formed HTML."""

    def format_value(self, value):
        return super().format_value(well_formed(value) if value else value)
