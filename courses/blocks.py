"""StreamField blocks of a lesson: what trainers compose lessons from."""

import re

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "link", "ol", "ul", "document-link"]
YOUTUBE_ID = re.compile(r"(?:youtube\.com/(?:watch\?v=|embed/|shorts/)|youtu\.be/)([\w-]{11})")


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """A video from YouTube (played from youtube-nocookie.com) or a link to any other."""

    url = blocks.URLBlock(label=_("Video address"))
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    minutes = blocks.IntegerBlock(label=_("Length in minutes"), required=False, min_value=1)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        match = YOUTUBE_ID.search(value["url"])
        context["youtube_id"] = match.group(1) if match else None
        return context


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=250)

    class Meta:
        icon = "doc-full"
        label = _("Downloadable document")
        template = "courses/blocks/document.html"


class StepBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(label=_("What to do"), features=RICH_TEXT_FEATURES)
    screenshot = ImageChooserBlock(label=_("Screenshot"), required=False)


class ProcedureBlock(blocks.StructBlock):
    """A numbered, step-by-step procedure, e.g. signing a PDF with vSignPDF."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Step-by-step procedure")
        template = "courses/blocks/procedure.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("law", _("Legal basis"))],
        default="tip",
    )
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Tip or warning")
        template = "courses/blocks/callout.html"


class QuizPlacementBlock(blocks.StructBlock):
    """Where a quiz sits in the lesson, chosen from the question bank (so it cannot name a
    quiz that does not exist, and Wagtail's usage view lists the lessons that place it)."""

    introduction = blocks.CharBlock(label=_("Introduction"), required=False, max_length=250)
    quiz = SnippetChooserBlock("assessments.Quiz", label=_("Quiz"))

    class Meta:
        icon = "help"
        label = _("Quiz")
        template = "courses/blocks/quiz_placement.html"


class SigningExerciseBlock(blocks.StructBlock):
    """Where a signing exercise sits in the lesson, chosen from the question bank: the learner
    follows it to upload the PDF they signed."""

    introduction = blocks.CharBlock(label=_("Introduction"), required=False, max_length=250)
    exercise = SnippetChooserBlock("assessments.SigningExercise", label=_("Signing exercise"))

    class Meta:
        icon = "key"
        label = _("Signing exercise")
        template = "courses/blocks/signing_exercise.html"


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = ImageWithCaptionBlock()
    video = VideoBlock()
    document = DocumentBlock()
    procedure = ProcedureBlock()
    callout = CalloutBlock()
    quiz = QuizPlacementBlock()
    signing_exercise = SigningExerciseBlock()
