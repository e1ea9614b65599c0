"""Question text and feedback are Wagtail rich text: trainers add images in Draftail, Moodle
imports turn their embedded images into the same Wagtail image embeds, exports turn them back
into base64 files, and learners get resized renditions in sanitised HTML."""

import base64
import dataclasses
import io
import json
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.cache import caches
from django.core.files.images import ImageFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.fields import RichTextField
from wagtail.images.models import Image

from assessments.interchange import InterchangeError, read_bank
from assessments.interchange.gift import read_gift, write_gift
from assessments.interchange.moodle_xml import read_xml, write_xml
from assessments.interchange.store import load_bank, save_bank
from assessments.models import (
    Answer,
    Attempt,
    Question,
    QuestionCategory,
    QuestionFile,
    Quiz,
    QuizQuestion,
)
from assessments.rich_text import image_embed, render
from assessments.widgets import QuestionDraftail
from tests.factories import PASSWORD


def png(width=8, height=6, color=(163, 20, 28)):
    """A real PNG, made with Pillow."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def fresh_caches():
    """Wagtail caches renditions by image id, and ids come back after a test's rollback."""
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def photo(db):
    """A trainer's upload: a 1600×1200 screenshot, titled without its extension."""
    return Image.objects.create(
        title="Ô ký số của vSignPDF",
        file=ImageFile(io.BytesIO(png(1600, 1200)), name="vsignpdf.png"),
    )


def contentstate(*paragraphs, image=None):
    """What Draftail posts: bold first words, then the image as an atomic block."""
    blocks, entities = [], {}
    for number, (bold, rest) in enumerate(paragraphs):
        blocks.append(
            {
                "key": f"p{number}",
                "type": "unstyled",
                "depth": 0,
                "text": bold + rest,
                "inlineStyleRanges": [{"offset": 0, "length": len(bold), "style": "BOLD"}]
                if bold
                else [],
                "entityRanges": [],
                "data": {},
            }
        )
    if image is not None:
        image_id, alt = image
        entities["0"] = {
            "type": "IMAGE",
            "mutability": "IMMUTABLE",
            "data": {"id": image_id, "src": "/ignored.png", "alt": alt, "format": "question"},
        }
        blocks.append(
            {
                "key": "img",
                "type": "atomic",
                "depth": 0,
                "text": " ",
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 1, "key": 0}],
                "data": {},
            }
        )
    return json.dumps({"blocks": blocks, "entityMap": entities})


# The model and the admin ----------------------------------------------------------------------


def test_texts_and_feedback_are_rich_text_with_their_features():
    text = Question._meta.get_field("text")
    general = Question._meta.get_field("general_feedback")
    feedback = Answer._meta.get_field("feedback")
    assert all(isinstance(field, RichTextField) for field in (text, general, feedback))
    assert {"bold", "italic", "ol", "ul", "link", "image"} <= set(text.features)
    assert set(general.features) == set(text.features)
    assert feedback.features == ["bold", "italic", "link"]
    assert not isinstance(Answer._meta.get_field("text"), RichTextField)


def test_trainer_writes_a_question_with_an_image_in_draftail(client, trainer, photo):
    category = QuestionCategory.from_path("Ngân hàng/Chữ ký số")
    assert client.login(username=trainer.username, password=PASSWORD)
    add = reverse("wagtailsnippets_assessments_question:add")
    assert client.get(add).content.decode().count("data-draftail-input") >= 3

    response = client.post(
        add,
        {
            "category": category.pk,
            "kind": "single",
            "name": "Ô ký số",
            "text": contentstate(("Ký số", " vào ô nào?"), image=(photo.pk, "Ô ký số")),
            "general_feedback": contentstate(("Xem", " bài 2.")),
            "default_mark": "1",
            "shuffle_answers": "on",
            "answers-TOTAL_FORMS": "2",
            "answers-INITIAL_FORMS": "0",
            "answers-MIN_NUM_FORMS": "0",
            "answers-MAX_NUM_FORMS": "1000",
            "answers-0-text": "Ô chữ ký",
            "answers-0-fraction": "1",
            "answers-0-feedback": contentstate(("Đúng", ": ô có khung đỏ.")),
            "answers-1-text": "Ô ngày tháng",
            "answers-1-fraction": "0",
            "answers-1-feedback": contentstate(),
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    question = Question.objects.get(name="Ô ký số")
    # Draftail writes the very embed an import writes.
    assert image_embed(photo.pk, "Ô ký số") in question.text
    assert "<b>Ký số</b> vào ô nào?" in question.text
    assert "<b>Xem</b> bài 2." in question.general_feedback
    right = question.answers.get(text="Ô chữ ký")
    assert "<b>Đúng</b>: ô có khung đỏ." in right.feedback
    # Editing again shows the image in Draftail, as a rendition, with its alt text.
    edit = reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    page = client.get(edit).content.decode()
    assert json.dumps(photo.get_rendition("max-800x800").url)[1:-1] in page.replace("\\/", "/")
    assert "Ô ký số" in page


# Learners -------------------------------------------------------------------------------------


@pytest.fixture
def quiz_with_image(db, photo):
    category = QuestionCategory.from_path("Ngân hàng/Chữ ký số")
    question = Question.objects.create(
        category=category,
        kind=Question.Kind.SINGLE,
        name="Ô ký số",
        text="<p>Ký số vào ô nào?</p>" + image_embed(photo.pk, "Ô ký số"),
    )
    Answer.objects.create(question=question, text="Ô chữ ký", fraction=1)
    Answer.objects.create(question=question, text="Ô ngày tháng", fraction=0)
    quiz = Quiz.objects.create(slug="o-ky-so", title="Ô ký số", pass_mark=Decimal("50"))
    QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=0)
    return quiz


def attempt_page(client, learner, quiz):
    assert client.login(username=learner.username, password=PASSWORD)
    response = client.post(reverse("quiz_start", args=[quiz.slug]), follow=True)
    assert response.status_code == 200
    assert Attempt.objects.filter(quiz=quiz).exists()
    return response.content.decode()


def test_the_learner_gets_renditions_never_the_original(client, learner, quiz_with_image, photo):
    page = attempt_page(client, learner, quiz_with_image)

    [tag] = re.findall(r"<img [^>]*>", page)
    large = photo.get_rendition("max-800x800")
    small = photo.get_rendition("max-400x400")
    assert f'src="{large.url}"' in tag
    assert f'srcset="{small.url} 400w, {large.url} 800w"' in tag
    assert 'width="800"' in tag and 'height="600"' in tag
    assert 'alt="Ô ký số"' in tag
    assert 'loading="lazy"' in tag
    assert photo.file.url not in page and "original_images" not in page


def test_small_images_get_one_rendition_without_srcset(db):
    icon = Image.objects.create(title="icon", file=ImageFile(io.BytesIO(png()), name="icon.png"))

    html = render(image_embed(icon.pk, "Biểu tượng"))

    assert html == (
        f'<img alt="Biểu tượng" class="question-image" decoding="async" height="6" '
        f'loading="lazy" src="{icon.get_rendition("max-800x800").url}" width="8">'
    )


def test_scripts_and_handlers_never_reach_the_learner(client, learner, quiz_with_image, photo):
    question = quiz_with_image.fixed_questions.get().question
    question.text = (
        '<p onclick="steal()">Ký số vào ô nào?<script>steal()</script></p>'
        '<img src="x" onerror="steal()">'
        + image_embed(photo.pk, '"><script>steal()</script>')
        + '<a href="javascript:steal()">xem</a><iframe src="https://example.com"></iframe>'
    )
    question.save()

    page = attempt_page(client, learner, quiz_with_image)

    assert "Ký số vào ô nào?" in page
    for danger in ("<script>steal", "onclick", "onerror", "javascript:", "<iframe"):
        assert danger not in page
    assert photo.get_rendition("max-800x800").url in page


def test_an_embed_wagtail_cannot_expand_does_not_break_the_page(db, photo):
    html = render(
        f'<p>Trước</p><embed embedtype="image" format="no-such-format" id="{photo.pk}" alt=""/>'
    )

    assert html == "<p>Trước</p>"


# Moodle XML import and export ---------------------------------------------------------------

PICTURE = png(1200, 900, (20, 90, 160))
# The full-size picture the feedback links to (not shown by an <img>).
FULL_SIZE = png(40, 30, (200, 120, 40))


def bank_xml(picture=PICTURE, picture_name="o ky so.png"):
    encoded = base64.b64encode(picture).decode()
    reference = "@@PLUGINFILE@@/" + quote(picture_name)
    full_size = base64.b64encode(FULL_SIZE).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/Ngân hàng/Chữ ký số</text></category></question>
  <question type="multichoice">
    <name><text>Ô ký số</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Ký vào ô nào?</p><p><img src="{reference}"
        alt="Ô ký số &amp; ngày" width="400" class="img-responsive"></p>]]></text>
      <file name="{picture_name}" path="/" encoding="base64">{encoded}</file>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Xem <a href="@@PLUGINFILE@@/so-do-lon.png">sơ đồ lớn</a>.</p>]]></text>
      <file name="so-do-lon.png" path="/" encoding="base64">{full_size}</file>
    </generalfeedback>
    <single>true</single>
    <answer fraction="100"><text>Ô chữ ký</text>
      <feedback><text><![CDATA[<p><b>Đúng</b></p>]]></text></feedback></answer>
    <answer fraction="0"><text>Ô ngày tháng</text></answer>
  </question>
  <question type="truefalse">
    <name><text>Nhúng lạ</text></name>
    <questiontext format="html"><text><![CDATA[<p>Đúng?</p><embed embedtype="image"
      id="999" format="bogus" alt=""/><embed embedtype="media" url="https://example.com/v"/>
      ]]></text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>
"""


def questions_of(path):
    return list(
        Question.objects.filter(category__in=QuestionCategory.from_path(path).children.all())
        .prefetch_related("answers")
        .order_by("pk")
    )


def test_import_makes_wagtail_images_embedded_with_their_alt_text(db):
    [question, odd] = save_bank(read_bank(bank_xml().encode(), "xml"), "Ngân hàng")

    image = Image.objects.get()
    assert image.title == "o ky so.png"
    assert image.collection.name == "Ngân hàng câu hỏi"
    assert (image.width, image.height) == (1200, 900)
    with image.open_file() as handle:
        assert handle.read() == PICTURE
    question.refresh_from_db()
    assert question.text == (
        "<p>Ký vào ô nào?</p><p>" + image_embed(image.pk, "Ô ký số & ngày") + "</p>"
    )
    # The linked picture is a question file, linked by its URL.
    linked = QuestionFile.objects.get(question=question)
    assert linked.name == "so-do-lon.png"
    assert f'<a href="{linked.file.url}">sơ đồ lớn</a>' in question.general_feedback
    # Embeds written in the file itself are dropped: only the import makes embeds.
    odd.refresh_from_db()
    assert "<embed" not in odd.text and "Đúng?" in odd.text


def test_an_imported_image_survives_editing_in_draftail(client, trainer):
    [question, _odd] = save_bank(read_bank(bank_xml().encode(), "xml"), "Ngân hàng")
    image = Image.objects.get()
    assert client.login(username=trainer.username, password=PASSWORD)
    edit = reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    page = client.get(edit).content.decode()
    # Draftail is given the image as an entity (not dropped as unknown HTML).
    assert '\\"IMAGE\\"' in page or "&quot;IMAGE&quot;" in page
    assert image.get_rendition("max-800x800").url in page.replace("\\/", "/")


MOODLE_HTML = """<quiz><question type="essay"><name><text>Mô tả</text></name>
  <questiontext format="html"><text><![CDATA[<p dir="ltr" style="text-align: left;">Mô tả
    <b><i>quy trình</b></i><br>ký số<img src="https://example.com/x.png"><p>Bước 1<ul><li>Mở
    <li>Ký</ul><script>alert(1)</script>]]></text></questiontext>
</question><question type="shortanswer"><name><text>Ngắn</text></name>
  <questiontext format="plain_text"><text>Dòng 1
Dòng 2 &lt;b&gt;</text></questiontext><answer fraction="100"><text>x</text></answer>
</question></quiz>"""


def test_moodle_html_opens_in_draftail_and_saves_back_well_formed(client, trainer):
    essay, short = save_bank(read_bank(MOODLE_HTML.encode(), "xml"), "Ngân hàng")
    # Stored as imported: exports give back what came in.
    assert essay.text.startswith('<p dir="ltr" style="text-align: left;">Mô tả')
    assert short.text == "Dòng 1<br>Dòng 2 &lt;b&gt;"
    assert client.login(username=trainer.username, password=PASSWORD)

    for question in (essay, short):
        edit = reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
        response = client.get(edit)
        assert response.status_code == 200
        assert question.name in response.content.decode()

    features = Question._meta.get_field("text").features
    opened = QuestionDraftail(features=features).format_value(essay.text)
    saved = ContentstateConverter(features).to_database_format(opened)
    assert re.sub(r' data-block-key="\w+"', "", saved) == (
        "<p>Mô tả <b><i>quy trình</i></b><br/>ký số</p><p>Bước 1</p><ul><li>Mở</li><li>Ký</li></ul>"
    )


def test_export_writes_images_back_as_base64_files_and_reimport_is_equal(db):
    save_bank(read_bank(bank_xml().encode(), "xml"), "Ngân hàng")

    exported = write_xml(load_bank(QuestionCategory.from_path("Ngân hàng")))

    assert "<embed" not in exported
    assert '<img src="@@PLUGINFILE@@/o%20ky%20so.png" alt="Ô ký số &amp; ngày">' in exported
    assert (
        f'<file name="o ky so.png" path="/" encoding="base64">'
        f"{base64.b64encode(PICTURE).decode()}</file></questiontext>"
    ) in exported
    assert '<a href="@@PLUGINFILE@@/so-do-lon.png">' in exported
    assert (
        f'<file name="so-do-lon.png" path="/" encoding="base64">'
        f"{base64.b64encode(FULL_SIZE).decode()}</file></generalfeedback>"
    ) in exported

    # Imported with its categories, the file would put the copy back into "Ngân hàng".
    save_bank(read_xml(exported), "Bản sao", categories_from_file=False)

    first = questions_of("Ngân hàng")
    copy = list(
        Question.objects.filter(category=QuestionCategory.from_path("Bản sao"))
        .prefetch_related("answers")
        .order_by("pk")
    )
    # The same picture is the same library image: the texts are identical.
    assert Image.objects.count() == 1
    assert [q.text for q in copy] == [q.text for q in first]
    assert [[(a.text, a.fraction, a.feedback) for a in q.answers.all()] for q in copy] == [
        [(a.text, a.fraction, a.feedback) for a in q.answers.all()] for q in first
    ]
    # Exported again, the copy is what the original gave, files included.
    again = load_bank(QuestionCategory.from_path("Bản sao"))
    original = load_bank(QuestionCategory.from_path("Ngân hàng"))
    assert [dataclasses.replace(q, category="") for q in again.questions] == [
        dataclasses.replace(q, category="") for q in original.questions
    ]
    assert [f.name for f in original.questions[0].files] == ["o ky so.png", "so-do-lon.png"]


def test_a_trainers_image_is_exported_under_its_title(db, photo):
    category = QuestionCategory.from_path("Ngân hàng")
    Question.objects.create(
        category=category,
        kind=Question.Kind.ESSAY,
        name="Mô tả",
        text="<p>Mô tả ô này.</p>" + image_embed(photo.pk, "Ô"),
    )

    [question] = load_bank(category).questions
    exported = write_xml(load_bank(category))

    assert (
        question.text
        == '<p>Mô tả ô này.</p><img src="@@PLUGINFILE@@/Ô ký số của vSignPDF.png" alt="Ô">'
    )
    assert [f.name for f in question.files] == ["Ô ký số của vSignPDF.png"]
    assert "@@PLUGINFILE@@/%C3%94%20k%C3%BD%20s%E1%BB%91%20c%E1%BB%A7a%20vSignPDF.png" in exported
    assert read_xml(exported).questions[0].text == question.text


@pytest.mark.parametrize(
    "picture, name, reason",
    [
        (b"not a picture", "o ky so.png", "it is not an image, or it is damaged"),
        (PICTURE[: len(PICTURE) // 2], "o ky so.png", "it is not an image, or it is damaged"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "o ky so.png",
            "Not a valid .png image. The extension does not match the file format (svg)",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "so-do.svg",
            "Not a supported image format. Supported formats: GIF, JPG, JPEG, PNG, WEBP.",
        ),
        (b"", "o ky so.png", "The submitted file is empty."),
    ],
    ids=["not-an-image", "truncated", "svg-named-png", "svg", "empty"],
)
def test_an_invalid_image_refuses_the_whole_file(db, picture, name, reason):
    with pytest.raises(InterchangeError) as raised:
        read_bank(bank_xml(picture, name).encode(), "xml")

    assert raised.value.problems == [
        f"question 1 (“Ô ký số”): image “{name}” cannot be used: {reason}"
    ]


def test_an_image_whose_content_does_not_match_its_extension_is_refused(db):
    jpeg = io.BytesIO()
    PILImage.new("RGB", (4, 4)).save(jpeg, "JPEG")

    with pytest.raises(InterchangeError) as raised:
        read_bank(bank_xml(jpeg.getvalue()).encode(), "xml")

    [problem] = raised.value.problems
    assert problem.startswith("question 1 (“Ô ký số”): image “o ky so.png” cannot be used: ")
    assert "does not match" in problem


def test_the_import_command_saves_nothing_from_a_file_with_a_bad_image(db, tmp_path):
    path = tmp_path / "ngan-hang.xml"
    path.write_text(bank_xml(b"GIF89a broken"), encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command(
            "import_questions",
            str(path),
            "--format",
            "xml",
            "--category",
            "Ngân hàng",
            "--language",
            "en",
        )

    assert "question 1 (“Ô ký số”): image “o ky so.png” cannot be used" in str(raised.value)
    assert not Question.objects.exists()
    assert not Image.objects.exists()
    assert not QuestionFile.objects.exists()


def test_the_admin_upload_refuses_a_file_with_a_bad_image(client, trainer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert client.login(username=trainer.username, password=PASSWORD)
    response = client.post(
        reverse("question_import"),
        {
            "file": SimpleUploadedFile("ngan-hang.xml", bank_xml(b"broken").encode(), "text/xml"),
            "format": "xml",
            "category": "Ngân hàng",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "o ky so.png" in response.content.decode()
    assert not Question.objects.exists() and not Image.objects.exists()


# GIFT ---------------------------------------------------------------------------------------


def test_gift_export_names_the_image_it_cannot_carry(db):
    save_bank(read_bank(bank_xml().encode(), "xml"), "Ngân hàng")
    bank = load_bank(QuestionCategory.from_path("Ngân hàng"))

    written = write_gift(bank)

    assert "@@PLUGINFILE@@" not in written and "base64" not in written
    assert "[image\\: Ô ký số &amp; ngày]" in written
    assert "Xem sơ đồ lớn." in written
    [question, _odd] = read_gift(written).questions
    assert question.text == "<p>Ký vào ô nào?</p><p>[image: Ô ký số &amp; ngày]</p>"
    assert question.files == []


def test_the_gift_export_command_warns_about_images(db, capsys):
    save_bank(read_bank(bank_xml().encode(), "xml"), "Ngân hàng")

    call_command("export_questions", "--format", "gift", "--category", "Ngân hàng")

    out, err = capsys.readouterr()
    assert "[image\\: Ô ký số &amp; ngày]" in out
    assert "GIFT cannot carry images or files: 1 question" in err
    assert "Ô ký số" in err and "Export as Moodle XML" in err
