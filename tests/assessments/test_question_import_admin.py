"""Trainers upload a Moodle XML file in the admin; a file with any problem saves nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Question
from tests.factories import PASSWORD

GOOD = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Ai cấp chứng thư</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Ai cấp chứng thư chuyên dùng công vụ?</p>]]></text>
    </questiontext>
    <single>true</single>
    <answer fraction="100">
      <text>Ban Cơ yếu Chính phủ</text><feedback><text>Đúng.</text></feedback>
    </answer>
    <answer fraction="0"><text>Bộ Công an</text></answer>
  </question>
</quiz>
"""
WITH_CLOZE = GOOD.replace(
    "</quiz>",
    """  <question type="cloze">
    <name><text>Điền vào chỗ trống</text></name>
    <questiontext format="html"><text>{1:SHORTANSWER:=Văn thư}</text></questiontext>
  </question>
</quiz>""",
)


def upload(client, user, content, category="Ngân hàng/Chữ ký số"):
    assert client.login(username=user.username, password=PASSWORD)
    return client.post(
        reverse("question_import"),
        {
            "file": SimpleUploadedFile("ngan-hang.xml", content.encode(), "text/xml"),
            "format": "xml",
            "category": category,
        },
    )


def test_trainer_imports_a_moodle_xml_bank(client, trainer):
    response = upload(client, trainer, GOOD)
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.category.path == "Ngân hàng/Chữ ký số"
    assert [a.text for a in question.answers.all()] == ["Ban Cơ yếu Chính phủ", "Bộ Công an"]


def test_a_file_with_an_unsupported_question_is_refused_whole(client, trainer):
    response = upload(client, trainer, WITH_CLOZE)
    assert response.status_code == 200
    assert "cloze" in response.content.decode()
    assert not Question.objects.exists()
