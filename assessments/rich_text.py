"""Question rich text: what trainers may use in Draftail, and how learners get it.

Questions are stored in Wagtail's rich-text database format: ordinary HTML in which images are
`<embed embedtype="image" id=".." format=".." alt=".."/>` tags pointing at Wagtail images
(imports from Moodle produce the same, see interchange.store). Before showing it to anyone,
`render` expands those tags (images become resized renditions, see image_formats) and then
sanitises the whole with nh3, since imported HTML can hold anything.
"""

import html
import logging
from copy import deepcopy
from html.parser import HTMLParser

import nh3
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from wagtail.rich_text import expand_db_html

logger = logging.getLogger(__name__)

QUESTION_IMAGE_FORMAT = "question"  # registered in image_formats
QUESTION_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link", "image"]
FEEDBACK_FEATURES = ["bold", "italic", "link"]

_ATTRIBUTES = deepcopy(nh3.ALLOWED_ATTRIBUTES)
_ATTRIBUTES["img"] = {"src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding"}
_CLEANER = nh3.Cleaner(
    attributes=_ATTRIBUTES,
    allowed_classes={"img": {"question-image"}},
)


def render(source):
    """Safe HTML for a page from a question's stored rich text (or legacy plain HTML)."""
    source = source or ""
    try:
        expanded = expand_db_html(source)
    except (KeyError, ValueError, TypeError, ValidationError):
        # An embed Wagtail cannot expand (an unknown image format, a malformed id): show the
        # rest rather than fail the page; nh3 drops the unexpanded <embed> tags.
        logger.warning("Rich text with an embed that cannot be expanded", exc_info=True)
        expanded = source
    return mark_safe(_CLEANER.clean(expanded))  # noqa: S308 — nh3 has just sanitised it  # nosec B308 B703


def image_embed(image_id, alt):
    """The database form of an image in rich text, as Draftail writes it."""
    return (
        f'<embed embedtype="image" format="{QUESTION_IMAGE_FORMAT}" id="{int(image_id)}" '
        f'alt="{html.escape(alt or "", quote=True)}"/>'
    )


VOID_ELEMENTS = {
    *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"),
    *("source", "track", "wbr"),
}
DROPPED_WITH_CONTENT = {"script", "style", "template"}
CLOSES_A_PARAGRAPH = {
    *("p", "div", "ul", "ol", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6"),
    *("blockquote", "pre", "hr", "figure", "section", "article", "aside"),
}


def well_formed(source):
    """HTML as Wagtail's Draftail converter needs it: void elements self-closed ("<br/>") and
    every tag closed in order. Moodle's HTML ("<p>a<br>b</p>", "<img src=..>", a <p> left
    open) makes that converter fail, and with it the question's edit page."""
    parser = _WellFormed()
    parser.feed(source or "")
    parser.close()
    return "".join(parser.out)


class _WellFormed(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.open, self.dropping = [], [], None

    def handle_starttag(self, tag, attrs, closed=False):
        if self.dropping:
            return
        if tag in DROPPED_WITH_CONTENT:
            self.dropping = None if closed else tag
            return
        if self.open and (
            (tag in CLOSES_A_PARAGRAPH and self.open[-1] == "p")
            or (tag == "li" and self.open[-1] == "li")
        ):
            self.close_down_to(self.open[-1])  # as a browser does: "<p>a<p>b", "<li>a<li>b"
        start = "<" + tag
        start += "".join(f' {name}="{html.escape(value or "")}"' for name, value in attrs)
        if tag in VOID_ELEMENTS:
            self.out.append(start + "/>")
        elif closed:
            self.out.append(f"{start}></{tag}>")
        else:
            self.out.append(start + ">")
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, closed=True)

    def handle_endtag(self, tag):
        if self.dropping:
            self.dropping = None if tag == self.dropping else self.dropping
        elif tag in self.open:
            self.close_down_to(tag)
        # Any other end tag (stray, or of a void element) is left out.

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def close_down_to(self, tag):
        while self.open:
            current = self.open.pop()
            self.out.append(f"</{current}>")
            if current == tag:
                return

    def close(self):
        super().close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
