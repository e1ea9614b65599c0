"""Checks for every file people upload: its size, and what it is by its content, not its name.

- `check_upload(upload, kinds=..., max_bytes=...)` refuses a file that is too large or whose
  first bytes are not of an expected kind, with a message saying what is wrong.
- `sanitize_image(content)` re-encodes an image with Pillow: the stored file keeps the pixels
  (turned upright) and drops everything else: EXIF (GPS position, camera serial), XMP, comments
  and anything appended after the image data (a script glued to a JPEG). Images are served
  as they were uploaded, to anyone with the link, so this matters.
- `sanitize_new_image_file` does it for every new Wagtail image, whatever the path (admin
  upload, multiple upload, chooser, question-bank import): connected to pre_save in
  toolkit.apps.
- `DocumentForm` is the base of Wagtail's document forms (WAGTAILDOCS_DOCUMENT_FORM_BASE): a
  document's content must match its extension.
"""

import hashlib
import io
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageOps, ImageSequence
from wagtail.documents.forms import BaseDocumentForm

MB = 1024 * 1024
HEAD_BYTES = 2048

# What a kind of file is called in messages ("… its content is <this>").
KIND_LABELS = {
    "pdf": _("a PDF document"),
    "zip": _("a ZIP archive or an Office document (.xlsx, .docx…)"),
    "ole": _("an old Office file (.xls, .doc)"),
    "jpeg": _("a JPEG image"),
    "png": _("a PNG image"),
    "gif": _("a GIF image"),
    "webp": _("a WebP image"),
    "html": _("a web page (HTML)"),
    "xml": _("XML"),
    "text": _("plain text"),
    "binary": _("binary data of an unknown kind"),
}

# Extensions of Wagtail documents, and the kinds their content may be.
DOCUMENT_KINDS = {
    "pdf": {"pdf"},
    "docx": {"zip"},
    "xlsx": {"zip"},
    "pptx": {"zip"},
    "odt": {"zip"},
    "zip": {"zip"},
    "csv": {"text"},
    "txt": {"text"},
}

# Pillow format → what the re-encoded file is saved as (the same format: no surprise for the
# trainer, and the extension stays true).
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# Image.info entries that are pixels' business, not metadata: kept on re-encoding.
KEPT_INFO = {"transparency", "duration", "loop", "background", "disposal", "icc_profile"}


def sniff(head):
    """The kind of a file from its first bytes: one of KIND_LABELS' keys."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    # ISO 32000 lets a PDF header follow a little junk; readers look in the first 1024 bytes.
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16, as Excel's "Unicode text" saves
    text = _utf8_text(head)
    if text is None:
        return "binary"
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body", "<script", "<?php")):
        return "html"
    if start.startswith("<"):
        return "xml"
    return "text"


def _utf8_text(head):
    """The head as UTF-8 text, or None when it is not text (bad UTF-8, control characters)."""
    for cut in range(4):  # the head may end in the middle of a character
        try:
            text = head[: len(head) - cut].decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in text):
        return None
    return text


def megabytes(size):
    """12.3 (or 12,3 in Vietnamese): one decimal, in the active language's format."""
    return number_format(size / MB, decimal_pos=1 if size % MB else 0)


def check_size(size, max_bytes):
    if max_bytes is not None and size > max_bytes:
        raise ValidationError(
            _("File too large: %(size)s MB; the limit is %(limit)s MB."),
            code="file_too_large",
            params={"size": megabytes(size), "limit": megabytes(max_bytes)},
        )


def read_head(upload):
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def check_kind(head, kinds, expected=None):
    """Refuse content whose kind is not among `kinds`; `expected` names what was wanted."""
    found = sniff(head)
    if found in kinds:
        return found
    expected = expected or " / ".join(str(KIND_LABELS[kind]) for kind in sorted(kinds))
    raise ValidationError(
        _("This file is not %(expected)s: its content is %(found)s."),
        code="wrong_file_type",
        params={"expected": expected, "found": KIND_LABELS[found]},
    )


def check_upload(upload, *, kinds, max_bytes, expected=None):
    """Size first (before anything is read), then the kind by content. Returns the kind."""
    check_size(upload.size, max_bytes)
    return check_kind(read_head(upload), kinds, expected)


# Images


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    width: int
    height: int


def sanitize_image(content):
    """The image re-encoded in its own format, upright, with no metadata or trailing bytes.

    ValidationError when it is not an image of an allowed format or has too many pixels.
    """
    max_pixels = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000)
    try:
        with PILImage.open(io.BytesIO(content)) as source:
            image_format = source.format
            if image_format not in IMAGE_FORMATS:
                raise ValidationError(
                    _("Images in %(format)s are not accepted: use JPEG, PNG, GIF or WebP."),
                    code="invalid_image_format",
                    params={"format": image_format},
                )
            frame_count = getattr(source, "n_frames", 1)
            if source.width * source.height * frame_count > max_pixels:
                raise ValidationError(
                    _("This image has too many pixels (%(pixels)s); at most %(limit)s."),
                    code="file_too_many_pixels",
                    params={
                        "pixels": source.width * source.height * frame_count,
                        "limit": max_pixels,
                    },
                )
            if frame_count == 1:
                # The EXIF orientation is applied to the pixels, since the tag itself goes.
                frames = [ImageOps.exif_transpose(source)]
            else:
                frames = [frame.copy() for frame in ImageSequence.Iterator(source)]
            for frame in frames:
                # EXIF, XMP, comments, text chunks: gone with the rest of the info.
                frame.info = {key: value for key, value in frame.info.items() if key in KEPT_INFO}
    except ValidationError:
        raise
    except Exception as error:  # noqa: BLE001 — Pillow reports damage in many ways
        raise ValidationError(
            _("This file is not an image, or it is damaged."), code="invalid_image"
        ) from error
    first = frames[0]
    options = {}
    if image_format == "JPEG":
        options = {"quality": 90, "optimize": True}
    if first.info.get("icc_profile"):
        # The colour profile is kept: without it a phone's wide-gamut photo looks dull.
        options["icc_profile"] = first.info["icc_profile"]
    if len(frames) > 1:
        options.update(
            save_all=True,
            append_images=frames[1:],
            duration=[frame.info.get("duration", 100) for frame in frames],
            loop=first.info.get("loop", 0),
        )
    output = io.BytesIO()
    first.save(output, image_format, **options)
    return CleanImage(output.getvalue(), first.width, first.height)


def sanitize_new_image_file(sender, instance, **kwargs):
    """pre_save of the image model: re-encode a file not stored yet (a new upload)."""
    field_file = instance.file
    if not field_file or field_file._committed:
        return  # no new file: a title or focal point changed
    source = field_file.file
    if getattr(source, "sanitized", False):
        return
    source.seek(0)
    clean = sanitize_image(source.read())
    new = ContentFile(clean.content, name=os.path.basename(field_file.name))
    new.sanitized = True
    instance.file = new
    instance.width, instance.height = clean.width, clean.height
    # Size and hash describe the stored file: Wagtail finds duplicates by this hash.
    instance.file_size = len(clean.content)
    instance.file_hash = hashlib.sha1(clean.content, usedforsecurity=False).hexdigest()


def sanitized_image_file(name, content):
    """A file for a new image, already re-encoded (callers that need its hash before saving)."""
    clean = sanitize_image(content)
    new = ContentFile(clean.content, name=name)
    new.sanitized = True
    return new


# Documents


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, also checking that the content matches the extension (a web
    page renamed .pdf would otherwise be served as a document)."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload  # no new file: the document's other fields were edited
        extension = os.path.splitext(upload.name)[1].lower().lstrip(".")
        kinds = DOCUMENT_KINDS.get(extension)
        if kinds is not None:
            check_kind(read_head(upload), kinds)
        return upload

    def _post_clean(self):
        # A refused file never reaches the instance: the model's own extension check would then
        # add a second, puzzling message about a file with no extension.
        if self.has_error("file"):
            return
        super()._post_clean()
