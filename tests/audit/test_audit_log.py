"""The audit log: each sensitive action leaves exactly one entry, HR see their area's entries
only, and nobody can change or delete an entry."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEntry
from certification import issuing
from officers import roles
from officers.models import Officer
from procedure_system.models import ApiClient
from tests.factories import PASSWORD, OfficerFactory, unit

IMPORT_URL = "/admin/officers/import/"
HEADER = "Tên đăng nhập,Họ và tên,Mã đơn vị\r\n"


def client_for(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def only_entry(action):
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, entries
    return entries[0]


def csv_file(rows, name="can-bo.csv"):
    return SimpleUploadedFile(name, ("\ufeff" + HEADER + "".join(rows)).encode(), "text/csv")


# Each action, one entry


def test_an_officer_import_records_who_imported_what_and_where(hr_na_sang):
    rows = ["lo.van.a,Lò Văn A,03172\r\n", "lo.van.b,Lò Văn B,03172\r\n"]
    response = client_for(hr_na_sang).post(IMPORT_URL, {"file": csv_file(rows)})

    assert response.status_code == 302
    entry = only_entry(Action.OFFICERS_IMPORTED)
    assert entry.actor == hr_na_sang and entry.actor_username == "hr.nasang"
    assert entry.unit == unit("03172")
    assert entry.ip_address == "127.0.0.1"
    assert entry.details == {
        "file": "can-bo.csv",
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }


def test_an_import_over_several_communes_is_filed_under_their_province(administrator):
    rows = ["lo.van.a,Lò Văn A,03172\r\n", "lo.van.b,Lò Văn B,03181\r\n"]
    client_for(administrator).post(IMPORT_URL, {"file": csv_file(rows)})

    assert only_entry(Action.OFFICERS_IMPORTED).unit == unit("11")


def test_a_refused_import_is_recorded_with_its_problem_count(hr_na_sang):
    rows = ["lo.van.a,Lò Văn A,99999\r\n", ",,03172\r\n"]
    response = client_for(hr_na_sang).post(IMPORT_URL, {"file": csv_file(rows)})

    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action=Action.OFFICERS_IMPORTED).exists()
    entry = only_entry(Action.OFFICERS_IMPORT_REFUSED)
    assert entry.details["problems"] == 3 and entry.unit == unit("03172")


def test_an_import_rolled_back_leaves_no_entry(hr_na_sang, monkeypatch):
    def fail(*args, **kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(Officer.objects, "bulk_update", fail)
    monkeypatch.setattr(Officer.objects, "bulk_create", fail)
    client = client_for(hr_na_sang)
    client.raise_request_exception = False
    response = client.post(IMPORT_URL, {"file": csv_file(["lo.van.a,Lò Văn A,03172\r\n"])})

    assert response.status_code == 500
    assert not AuditEntry.objects.filter(action=Action.OFFICERS_IMPORTED).exists()
    assert not get_user_model().objects.filter(username="lo.van.a").exists()


def test_a_question_import_is_recorded(trainer):
    gift = (
        "::Chữ ký số:: Chữ ký số có giá trị pháp lý không? {T}\n\n"
        "::Mã PIN:: Mã PIN {=Bí mật ~Công khai}\n"
    )
    response = client_for(trainer).post(
        reverse("question_import"),
        {
            "file": SimpleUploadedFile("cau-hoi.gift", gift.encode()),
            "format": "gift",
            "category": "Ngân hàng/Chữ ký số",
        },
    )

    assert response.status_code == 302
    entry = only_entry(Action.QUESTIONS_IMPORTED)
    assert entry.actor == trainer
    assert entry.details == {
        "file": "cau-hoi.gift",
        "format": "gift",
        "category": "Ngân hàng/Chữ ký số",
        "questions": 2,
        "categories": {"Ngân hàng/Chữ ký số": 2},
    }


def test_a_revocation_is_recorded_under_the_officers_unit(certificate, hr_na_sang):
    issuing.revoke(certificate, hr_na_sang, "Cấp nhầm đối tượng.")

    entry = only_entry(Action.CERTIFICATE_REVOKED)
    assert entry.actor == hr_na_sang
    assert entry.object_type == "certification.certificate"
    assert entry.object_id == str(certificate.pk)
    assert entry.unit == unit("03172")
    assert entry.details["reason"] == "Cấp nhầm đối tượng."
    # Revoking again changes nothing, and records nothing.
    issuing.revoke(certificate, hr_na_sang, "Lần nữa")
    assert AuditEntry.objects.filter(action=Action.CERTIFICATE_REVOKED).count() == 1


def test_a_role_given_in_the_user_editor_is_recorded_with_who_gave_it(administrator):
    officer = OfficerFactory(unit=unit("03181"))
    user = officer.user
    before = AuditEntry.objects.filter(action=Action.ROLE_CHANGED).count()
    response = client_for(administrator).post(
        reverse("wagtailusers_users:edit", args=[user.pk]),
        {
            "username": user.username,
            "email": user.email,
            "first_name": "Văn A",
            "last_name": "Lò",
            "password1": "",
            "password2": "",
            "is_active": "on",
            "groups": [Group.objects.get(name=n).pk for n in (roles.LEARNER, roles.HR)],
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    entries = AuditEntry.objects.filter(action=Action.ROLE_CHANGED)
    assert entries.count() == before + 1
    entry = entries.latest("pk")
    assert entry.actor == administrator
    assert entry.object_label == user.username
    assert entry.unit == unit("03181")
    assert entry.details == {
        "user": user.username,
        "added": [roles.HR],
        "removed": [],
        "roles": [roles.HR, roles.LEARNER],
    }


def test_role_removal_from_the_group_side_and_learner_only_grants(dien_bien):
    officer = OfficerFactory()  # given the Learner role: not worth an entry
    assert not AuditEntry.objects.filter(object_id=str(officer.user.pk)).exists()
    officer.user.groups.add(Group.objects.get(name=roles.TRAINER))
    Group.objects.get(name=roles.TRAINER).user_set.remove(officer.user)

    added, removed = AuditEntry.objects.filter(object_id=str(officer.user.pk)).order_by("pk")
    assert (added.details["added"], added.details["removed"]) == ([roles.TRAINER], [])
    assert (removed.details["added"], removed.details["removed"]) == ([], [roles.TRAINER])
    assert removed.actor is None  # no request: the shell, a command


def test_a_report_export_records_the_report_format_and_filters(hr_na_sang):
    response = client_for(hr_na_sang).get(
        reverse("reports:competency_csv"), {"gaps_only": "on", "framework": ""}
    )

    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = only_entry(Action.REPORT_EXPORTED)
    assert entry.actor == hr_na_sang and entry.unit == unit("03172")
    assert entry.details == {
        "report": "ma-tran-nang-luc",
        "format": "csv",
        "filters": {"gaps_only": "on"},
    }


def test_api_tokens_created_rotated_and_withdrawn_are_recorded(administrator):
    client = client_for(administrator)
    client.post(
        reverse("api_client:add"),
        {
            "name": "Một cửa Điện Biên",
            "units": [unit("11").pk],
            "requests_per_minute": "60",
            "is_active": "on",
        },
    )
    api_client = ApiClient.objects.get()
    created = only_entry(Action.API_TOKEN_CREATED)
    assert created.details == {"token_prefix": api_client.token_prefix, "units": ["11"]}
    assert created.object_label == "Một cửa Điện Biên"

    client.post(reverse("api_client:rotate", args=[api_client.pk]))
    rotated = only_entry(Action.API_TOKEN_ROTATED)
    assert rotated.details["replaced_prefix"] == api_client.token_prefix

    client.post(
        reverse("api_client:edit", args=[api_client.pk]),
        {"name": "Một cửa Điện Biên", "units": [unit("11").pk], "requests_per_minute": "60"},
    )
    assert only_entry(Action.API_TOKEN_REVOKED).details["how"] == "deactivated"


# Who sees what


@pytest.fixture
def entries(dien_bien):
    return {
        "na_sang": AuditEntry.objects.create(
            action=Action.REPORT_EXPORTED, unit=unit("03172"), object_label="Na Sang"
        ),
        "muong_tung": AuditEntry.objects.create(
            action=Action.REPORT_EXPORTED, unit=unit("03181"), object_label="Muong Tung"
        ),
        "national": AuditEntry.objects.create(
            action=Action.QUESTIONS_IMPORTED, object_label="Question bank"
        ),
    }


def listed(user, **params):
    response = client_for(user).get(reverse("audit_log"), params)
    assert response.status_code == 200
    return {entry.object_label for entry in response.context["object_list"]} - {""}


def test_hr_see_only_entries_of_their_area(entries, hr_na_sang, hr_muong_tung, hr_province):
    visible = lambda user: listed(user) & {"Na Sang", "Muong Tung", "Question bank"}  # noqa: E731
    assert visible(hr_na_sang) == {"Na Sang"}
    assert visible(hr_muong_tung) == {"Muong Tung"}
    assert visible(hr_province) == {"Na Sang", "Muong Tung"}


def test_administrators_see_everything_and_filter(entries, administrator):
    assert {"Na Sang", "Muong Tung", "Question bank"} <= listed(administrator)
    assert listed(administrator, action=Action.QUESTIONS_IMPORTED) == {"Question bank"}
    assert listed(administrator, actor="nobody-by-this-name") == set()
    old = entries["muong_tung"]
    AuditEntry.objects.create(
        action=Action.REPORT_EXPORTED, object_label="Last year", at=old.at.replace(year=2024)
    )
    assert "Last year" in listed(administrator, at_from="2024-01-01", at_to="2024-12-31")
    assert "Last year" not in listed(administrator, at_from="2025-01-01")
    assert "Muong Tung" not in listed(administrator, at_to="2024-12-31")
    page = client_for(administrator).get(reverse("audit_log")).content.decode()
    assert "Muong Tung" in page and "Xã Na Sang" in page  # the object and unit columns


def test_learners_and_trainers_cannot_open_the_log(entries, learner, trainer):
    for user in (learner, trainer):
        assert client_for(user).get(reverse("audit_log")).status_code in (302, 403)


def test_the_csv_download_is_scoped_excel_ready_and_itself_recorded(entries, hr_na_sang):
    response = client_for(hr_na_sang).get(reverse("audit_log"), {"export": "csv"})

    content = response.content
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    objects = [row[5] for row in rows[1:]]
    assert "Na Sang" in objects and "Muong Tung" not in objects
    entry = AuditEntry.objects.filter(action=Action.REPORT_EXPORTED).latest("pk")
    assert entry.details["report"] == "audit_log" and entry.actor == hr_na_sang


# Append only


def test_an_entry_cannot_be_changed_or_deleted(entries):
    entry = entries["na_sang"]
    entry.object_label = "changed"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(object_label="changed")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.object_label == "Na Sang"


def test_the_admin_has_no_address_that_changes_or_deletes(entries, administrator):
    client = client_for(administrator)
    pk = entries["na_sang"].pk
    for url in (f"/admin/audit/{pk}/", f"/admin/audit/{pk}/edit/", f"/admin/audit/{pk}/delete/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"object_label": "changed"}).status_code == 404
    assert AuditEntry.objects.get(pk=pk).object_label == "Na Sang"


def test_the_entry_outlives_the_account_that_made_it(hr_na_sang):
    client_for(hr_na_sang).get(reverse("reports:competency_csv"))
    entry = only_entry(Action.REPORT_EXPORTED)
    hr_na_sang.officer.delete()
    hr_na_sang.delete()

    entry.refresh_from_db()
    assert entry.actor is None and entry.actor_username == "hr.nasang"
