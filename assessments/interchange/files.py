"""The files of a question bank: images as Wagtail images, or QuestionFile rows when linked.

Moodle XML carries a question's files base64-encoded in <file> elements, and its HTML refers to
them as "@@PLUGINFILE@@/name". On import, a file that an <img> shows becomes a Wagtail image
(in the "Ngân hàng câu hỏi" collection) and the <img> an image embed, exactly what Draftail
writes when a trainer inserts an image, so that editing the question later keeps it. An image
the text only links to becomes a QuestionFile row, referred to by its URL. Only images are
taken, by their content (the reader refuses other files, or leaves out those no text refers
to). Export turns both back into references.
"""

import hashlib
import os
import re
from html.parser import HTMLParser
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.images.fields import WagtailImageField
from wagtail.models import Collection
from wagtail.rich_text.rewriters import FIND_EMBED_TAG

from toolkit.numbers import whole_number
from toolkit.uploads import sanitize_image, sanitized_image_file

from ..image_formats import RENDITIONS

PLUGINFILE = "@@PLUGINFILE@@/"
# The collection of imported question images: a fixed name (not translated), found again by
# every import whatever the language of the admin.
COLLECTION_NAME = "Ngân hàng câu hỏi"

IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ANY_EMBED_TAG = re.compile(r"<embed\b[^>]*>(?:\s*</embed>)?", re.IGNORECASE)
# Characters Moodle does not keep in file names (and our reader refuses "/" and "\").
UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class _TagParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attributes = None

    def handle_starttag(self, tag, attrs):
        if self.attributes is None:
            self.attributes = {name: value or "" for name, value in attrs}

    handle_startendtag = handle_starttag


def tag_attributes(tag):
    """The attributes of an HTML start tag such as '<img src="a.png" alt="A &amp; B">'."""
    parser = _TagParser()
    parser.feed(tag)
    parser.close()
    return parser.attributes or {}


def _referenced_name(src):
    src = src.strip()
    return src[len(PLUGINFILE) :] if src.startswith(PLUGINFILE) else ""


def shown_files(html):
    """Names of the files that <img> tags of `html` show ("@@PLUGINFILE@@/name")."""
    names = set()
    for tag in IMG_TAG.findall(html or ""):
        name = _referenced_name(tag_attributes(tag).get("src", ""))
        if name:
            names.add(name)
    return names


def replace_shown_images(html, replacement):
    """`html` with the <img> of each file replaced by replacement(name, alt), unless None."""

    def replace(match):
        attributes = tag_attributes(match.group(0))
        name = _referenced_name(attributes.get("src", ""))
        new = replacement(name, attributes.get("alt", "")) if name else None
        return match.group(0) if new is None else new

    return IMG_TAG.sub(replace, html or "")


def without_embeds(html):
    """Imported HTML without any <embed>: only the import itself makes embeds (an embed from a
    file could show any image of the library, or make Wagtail fetch an outside URL)."""
    return ANY_EMBED_TAG.sub("", html or "")


def image_embed_ids(html):
    """The ids of the images embedded in rich text, as strings."""
    found = []
    for match in FIND_EMBED_TAG.finditer(html or ""):
        attributes = tag_attributes(match.group(0))
        image_id = whole_number(attributes.get("id"))
        if attributes.get("embedtype") == "image" and image_id is not None:
            found.append(attributes["id"])
    return found


def replace_image_embeds(html, replacement):
    """`html` with each image embed replaced by replacement(image id, alt text)."""

    def replace(match):
        attributes = tag_attributes(match.group(0))
        if attributes.get("embedtype") != "image":
            return match.group(0)
        return replacement(attributes.get("id", ""), attributes.get("alt", ""))

    return FIND_EMBED_TAG.sub(replace, html or "")


def _reference_pattern(reference):
    # Not where `reference` is the start of a longer name ("a.png" in "a.png.bak").
    return re.compile(re.escape(reference) + r"""(?=["'\s<>?#)]|$)""")


def mentions(html, reference):
    return _reference_pattern(reference).search(html or "") is not None


def replace_reference(html, old, new):
    """`html` with the reference (or URL) `old` replaced by `new`."""
    return _reference_pattern(old).sub(lambda _match: new, html or "")


# Import


def image_problem(name, content):
    """Why this file cannot be a question image (as for an upload in the admin), or None."""
    damaged = _("it is not an image, or it is damaged")
    try:
        WagtailImageField().clean(SimpleUploadedFile(name, content))
        with PILImage.open(BytesIO(content)) as picture:
            picture.load()  # a truncated file can pass the checks but cannot be resized
        sanitize_image(content)  # as it will be stored (see store_image)
    except ValidationError as error:
        return damaged if error.error_list[0].code == "invalid_image" else " ".join(error.messages)
    except Exception:  # noqa: BLE001 — Pillow and Willow report damage in many ways
        return damaged
    return None


def question_image_collection():
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(name=COLLECTION_NAME)


def store_image(name, content):
    """A Wagtail image of this content: the library's own when the same file is already there
    (a bank imported twice, or exported and imported again), else a new one titled `name`."""
    Image = get_image_model()
    # Stored images are re-encoded (toolkit.uploads): the library holds the re-encoded file
    # of an image imported before, and the very file of one exported from it.
    clean = sanitized_image_file(name, content)
    digests = {
        hashlib.sha1(data, usedforsecurity=False).hexdigest()  # Wagtail's file_hash is SHA-1
        for data in (content, clean.read())
    }
    existing = Image.objects.filter(file_hash__in=digests).order_by("pk").first()
    if existing is not None:
        return existing
    clean.seek(0)
    image = Image(title=name[:255], collection=question_image_collection(), file=clean)
    image._set_image_file_metadata()
    image.save()
    # Made now rather than when the first learners open the quiz, all at once.
    image.get_renditions(*RENDITIONS)
    return image


# Export


def _same_extension(extension):
    extension = extension.lower()
    return ".jpg" if extension == ".jpeg" else extension


def export_name(image, content, taken):
    """A file name for the image, not among `taken` (names → contents) with another content.

    Imported images are titled with their file name, which comes back unchanged; images a
    trainer uploaded get their title with the file's extension ("Sơ đồ ký số.png")."""
    extension = os.path.splitext(image.file.name)[1].lower()
    name = UNSAFE_IN_NAME.sub("-", image.title).strip().lstrip(".").strip() or "image"
    if _same_extension(os.path.splitext(name)[1]) != _same_extension(extension):
        name += extension
    return unique_name(name, content, taken)


def unique_name(name, content, taken):
    stem, extension = os.path.splitext(name)
    candidate, number = name, 1
    while candidate in taken and taken[candidate] != content:
        number += 1
        candidate = f"{stem}-{number}{extension}"
    return candidate


def image_reference(name, alt):
    """The <img> of an exported image, as Moodle's own HTML editor writes it."""
    return f'<img src="{PLUGINFILE}{name}" alt="{_attribute(alt)}">'


def _attribute(value):
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
