"""Trainers upload a Moodle file in the admin; a file with any problem saves nothing; the
questions go where the file's categories say (unless unticked) and are new drafts."""

import re

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Question, QuestionCategory
from audit.models import Action, AuditEntry
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


ATTACK = "$CATEGORY: $course$/X\n\n::Một:: Một? {T}\n\n::Hai:: Hai? {=a ~b}\n"


def upload_gift(client, user, content, category, **fields):
    assert client.login(username=user.username, password=PASSWORD)
    return client.post(
        reverse("question_import"),
        {
            "file": SimpleUploadedFile("cau-hoi.gift", content.encode(), "text/plain"),
            "format": "gift",
            "category": category,
            **fields,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_form_uses_the_files_categories_unless_told_otherwise(client, trainer):
    assert client.login(username=trainer.username, password=PASSWORD)
    page = client.get(reverse("question_import"), HTTP_ACCEPT_LANGUAGE="en")
    form = page.context["form"]
    assert form.fields["categories_from_file"].initial is True
    assert form.fields["category"].required
    assert re.search(
        r'<input type="checkbox" name="categories_from_file"[^>]* checked>',
        page.content.decode(),
    )


def test_a_course_category_goes_to_the_top_of_the_bank_and_the_message_says_so(client, trainer):
    response = upload_gift(client, trainer, ATTACK, "Ngân hàng/X", categories_from_file="on")

    assert response.status_code == 302
    assert {q.category.path for q in Question.objects.all()} == {"X"}
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã nhập 2 câu hỏi vào “X”. Câu hỏi được lưu dưới dạng bản nháp: học viên chỉ thấy sau "
        "khi người duyệt phê duyệt câu hỏi, hoặc phê duyệt bài kiểm tra có dùng câu hỏi đó."
    ]
    entry = AuditEntry.objects.get(action=Action.QUESTIONS_IMPORTED)
    assert entry.details["categories"] == {"X": 2}
    assert entry.details["category"] == "Ngân hàng/X"


def test_unticked_every_question_goes_into_the_chosen_category(client, trainer):
    response = upload_gift(client, trainer, ATTACK, "Ngân hàng/X")

    assert response.status_code == 302
    assert {q.category.path for q in Question.objects.all()} == {"Ngân hàng/X"}
    assert not QuestionCategory.objects.filter(name="X", parent=None).exists()
    [message] = get_messages(response.wsgi_request)
    assert str(message).startswith("Đã nhập 2 câu hỏi vào “Ngân hàng/X”.")


def test_imported_questions_are_the_trainers_drafts(client, trainer):
    upload(client, trainer, GOOD)

    question = Question.objects.get()
    assert question.live is False
    assert question.live_revision is None
    assert question.latest_revision.user == trainer
    assert [a["text"] for a in question.latest_revision.content["answers"]] == [
        "Ban Cơ yếu Chính phủ",
        "Bộ Công an",
    ]
