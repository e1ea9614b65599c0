"""The one image format of rich text: images in questions, sized for phones.

Wagtail finds this module by its name (every app's `image_formats`). Only question texts and
feedback allow images in rich text, so Wagtail's default formats (full width 800 px wide,
left/right 500 px wide, with no limit on height) are replaced by one that is pre-selected in
the image chooser and never sends an original: at most 800×800 px, with a 400-px version that
small screens pick from the srcset.
"""

import html

from django.utils.translation import gettext_lazy as _
from wagtail.images.formats import (
    FORMATS_BY_NAME,
    Format,
    register_image_format,
    unregister_image_format,
)
from wagtail.images.shortcuts import get_renditions_or_not_found

from .rich_text import QUESTION_IMAGE_FORMAT

LARGE = "max-800x800"
SMALL = "max-400x400"
RENDITIONS = (SMALL, LARGE)


class QuestionImageFormat(Format):
    def image_to_html(self, image, alt_text, extra_attributes=None):
        renditions = get_renditions_or_not_found(image, RENDITIONS)
        small, large = renditions[SMALL], renditions[LARGE]
        attributes = {
            # Wagtail hands over the alt text as stored, entities and all; img_tag escapes it.
            "alt": html.unescape(alt_text),
            "class": self.classname,
            "loading": "lazy",
            "decoding": "async",
        }
        if 0 < small.width < large.width:
            attributes["srcset"] = f"{small.url} {small.width}w, {large.url} {large.width}w"
            attributes["sizes"] = f"(max-width: {large.width}px) 100vw, {large.width}px"
        attributes.update(extra_attributes or {})
        return large.img_tag(attributes)


for _name in ("fullwidth", "left", "right"):
    if _name in FORMATS_BY_NAME:
        unregister_image_format(_name)
if QUESTION_IMAGE_FORMAT not in FORMATS_BY_NAME:
    register_image_format(
        QuestionImageFormat(QUESTION_IMAGE_FORMAT, _("Fit to the screen"), "question-image", LARGE)
    )
