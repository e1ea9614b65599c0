"""Upload checks: size and kind by content for every upload, and images re-encoded so that
what is stored (and served) carries no metadata and nothing hidden after the picture."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.factories import logged_in
from toolkit.uploads import check_upload, sanitize_image, sniff

PAYLOAD = b"<?php system($_GET['c']); ?>"


def jpeg_with_secrets(size=(64, 32)):
    """A JPEG whose EXIF holds a GPS position, a camera and a sideways orientation, with a
    comment, and a script appended after the end of the image."""
    exif = PILImage.Exif()
    exif[0x010F] = "Secret Camera Co"
    exif[0x0112] = 6  # rotate 90° to display
    exif[0x8825] = {1: "N", 2: (21.0, 23.0, 10.0), 3: "E", 4: (103.0, 1.0, 5.0)}
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (163, 20, 28)).save(
        buffer, "JPEG", exif=exif.tobytes(), comment=b"secret comment"
    )
    return buffer.getvalue() + PAYLOAD


@pytest.fixture
def editor(trainer):
    """Trainers upload the images and documents of their lessons."""
    return trainer


def assert_clean_jpeg(data):
    assert PAYLOAD not in data and b"Secret Camera" not in data and b"secret comment" not in data
    assert data.endswith(b"\xff\xd9")  # nothing after the end-of-image marker
    with PILImage.open(io.BytesIO(data)) as picture:
        picture.load()
        assert picture.format == "JPEG"
        assert not dict(picture.getexif())
        return picture.size


# Kinds and sizes


@pytest.mark.parametrize(
    "head, kind",
    [
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"%PDF-1.7\n", "pdf"),
        (b"PK\x03\x04", "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
        ("\ufeffHọ và tên,Mã đơn vị\r\n".encode(), "text"),
        (b'<?xml version="1.0"?><quiz>', "xml"),
        (b"<!DOCTYPE html><html>", "html"),
        (b"<?php echo 1;", "html"),
        (b"MZ\x90\x00\x03\x00", "binary"),
    ],
)
def test_files_are_known_by_their_content(head, kind):
    assert sniff(head) == kind


def test_a_multibyte_letter_cut_at_the_end_of_the_head_is_still_text():
    assert sniff("Nguyễn".encode()[:-1]) == "text"


def test_messages_say_what_is_wrong_in_the_users_language():
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7\n" + bytes(int(12.3 * 1024 * 1024)))
    for language, expected in [
        ("en", "File too large: 12.3 MB; the limit is 10 MB."),
        ("vi", "12,3 MB"),  # the decimal comma, whatever the catalogue says around it
    ]:
        with translation.override(language), pytest.raises(ValidationError) as raised:
            check_upload(upload, kinds={"pdf"}, max_bytes=10 * 1024 * 1024)
        with translation.override(language):
            assert expected in raised.value.messages[0]

    page = SimpleUploadedFile("can-bo.csv", b"<html><body>Danh sach</body></html>")
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        check_upload(page, kinds={"text", "zip"}, max_bytes=None, expected="a CSV file")
    with translation.override("en"):
        assert raised.value.messages == [
            "This file is not a CSV file: its content is a web page (HTML)."
        ]


# Images


def test_re_encoding_drops_metadata_and_trailing_bytes_and_keeps_the_picture_upright():
    clean = sanitize_image(jpeg_with_secrets(size=(64, 32)))

    assert assert_clean_jpeg(clean.content) == (32, 64) == (clean.width, clean.height)


def test_re_encoding_keeps_animation_and_transparency_but_not_text():
    frames = [PILImage.new("RGB", (20, 20), color) for color in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "GIF", save_all=True, append_images=frames[1:], duration=150, comment=b"secret"
    )
    clean = sanitize_image(buffer.getvalue() + PAYLOAD)
    with PILImage.open(io.BytesIO(clean.content)) as gif:
        assert gif.n_frames == 3 and gif.info["duration"] == 150
    assert b"secret" not in clean.content and PAYLOAD not in clean.content

    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Author", "secret author")
    buffer = io.BytesIO()
    PILImage.new("RGBA", (8, 8), (0, 0, 0, 0)).save(buffer, "PNG", pnginfo=text)
    clean = sanitize_image(buffer.getvalue())
    assert b"secret author" not in clean.content
    with PILImage.open(io.BytesIO(clean.content)) as png:
        assert png.mode == "RGBA" and png.getpixel((0, 0))[3] == 0


def test_an_image_uploaded_in_the_admin_is_stored_re_encoded(client, editor):
    logged_in(client, editor)
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Ảnh chụp màn hình",
            "file": SimpleUploadedFile("anh.jpg", jpeg_with_secrets(), "image/jpeg"),
        },
    )

    assert response.status_code == 302
    image = get_image_model().objects.get()
    with image.file.open("rb") as stored:
        data = stored.read()
    assert assert_clean_jpeg(data) == (image.width, image.height) == (32, 64)
    assert image.file_size == len(data)
    assert image.file_hash == hashlib.sha1(data).hexdigest()  # noqa: S324


def test_images_saved_by_code_are_re_encoded_too(db):
    image = get_image_model().objects.create(
        title="Ảnh", file=ImageFile(io.BytesIO(jpeg_with_secrets()), name="anh.jpg")
    )
    with image.file.open("rb") as stored:
        assert_clean_jpeg(stored.read())
    # A later save (a new title) does not encode the stored file again.
    name, file_hash = image.file.name, image.file_hash
    image.title = "Ảnh mới"
    image.save()
    image.refresh_from_db()
    assert (image.file.name, image.file_hash) == (name, file_hash)


def test_a_script_named_jpg_is_refused_with_a_message(client, editor):
    logged_in(client, editor)
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Ảnh", "file": SimpleUploadedFile("anh.jpg", PAYLOAD, "image/jpeg")},
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["file"]
    assert error.code == "invalid_image"  # "Upload a valid image. The file you uploaded was…"
    assert not get_image_model().objects.exists()


def test_an_image_too_large_is_refused(client, editor, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    logged_in(client, editor)
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Ảnh", "file": SimpleUploadedFile("anh.jpg", jpeg_with_secrets((400, 400)))},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


def test_svg_is_not_an_accepted_image(client, editor):
    logged_in(client, editor)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Sơ đồ", "file": SimpleUploadedFile("so-do.svg", svg, "image/svg+xml")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]


# Documents


def test_a_document_must_be_what_its_extension_says(client, editor):
    logged_in(client, editor)
    page = SimpleUploadedFile("quyet-dinh.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "Quyết định", "file": page},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Tệp này không phải là tài liệu PDF: nội dung của tệp là trang web (HTML)."
    ]

    pdf = SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.7\n%%EOF\n")
    response = client.post(reverse("wagtaildocs:add"), {"title": "Quyết định", "file": pdf})
    assert response.status_code == 302
    assert get_document_model().objects.get().title == "Quyết định"


# Imports


def test_an_officer_import_refuses_a_file_that_is_not_a_table(client, hr_na_sang):
    logged_in(client, hr_na_sang)
    response = client.post(
        "/admin/officers/import/",
        {"file": SimpleUploadedFile("can-bo.csv", b"%PDF-1.7\n" + bytes(100))},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Tệp này không phải là tệp CSV (UTF-8) hoặc Excel .xlsx: nội dung của tệp là tài liệu PDF."
    ]


def test_an_officer_import_too_large_says_how_large(client, hr_na_sang, settings):
    settings.OFFICER_IMPORT_MAX_BYTES = 1024 * 1024
    logged_in(client, hr_na_sang)
    big = SimpleUploadedFile("can-bo.csv", b"a,b,c\r\n" * 300_000)  # 2.0 MB
    response = client.post("/admin/officers/import/", {"file": big}, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert "2,0" in message and "1" in message  # Vietnamese decimal comma


@pytest.mark.parametrize(
    "content, file_format",
    [
        (b"::Q1:: Hoi? {T}", "xml"),  # GIFT sent as Moodle XML
        (b"\x00\x01binary", "gift"),
        (b"<html><body>trang web</body></html>", "gift"),
    ],
)
def test_a_question_import_checks_the_content_against_the_format(
    client, trainer, content, file_format
):
    logged_in(client, trainer)
    response = client.post(
        reverse("question_import"),
        {
            "file": SimpleUploadedFile("cau-hoi.txt", content),
            "format": file_format,
            "category": "Ngân hàng",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
