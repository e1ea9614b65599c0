"""The public verification page, the officer's certificates, and who may download a PDF."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from certification import issuing
from certification.models import Certificate

from .conftest import COURSE_TITLE, OFFICER_NAME, client_for, complete

pytestmark = pytest.mark.django_db


def verify(code, client=None):
    return (client or Client()).get(reverse("certificate_verify", args=[code]))


def page_text(response):
    return response.content.decode()


# --- Verification page -------------------------------------------------------------------


def test_the_verification_page_shows_a_valid_certificate_without_login(certificate):
    response = verify(certificate.code)

    assert response.status_code == 200
    html = page_text(response)
    assert escape(OFFICER_NAME) in html
    assert escape(COURSE_TITLE) in html
    assert certificate.code in html
    assert timezone.localtime(certificate.issued_at).strftime("%d/%m/%Y") in html
    assert timezone.localtime(certificate.expires_at).strftime("%d/%m/%Y") in html
    assert 'data-status="valid"' in html and "certificate-valid" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"].startswith("noindex")


def test_the_verification_page_tells_nothing_else_personal(certificate):
    officer = certificate.officer
    officer.national_id = "011090001234"
    officer.phone = "0912345678"
    officer.procedure_account = "lvc.nasang"
    officer.save()

    html = page_text(verify(certificate.code))

    for secret in [
        "Na Sang",
        officer.unit.code,
        officer.job_position.name,
        officer.user.username,
        officer.email,
        officer.national_id,
        officer.phone,
        officer.procedure_account,
        f"/{officer.pk}/",
        f"/{certificate.pk}/",
    ]:
        assert escape(secret) not in html, secret


def test_a_revoked_certificate_says_so(certificate, administrator):
    issuing.revoke(certificate, administrator, "Cấp nhầm cho cán bộ khác.")
    html = page_text(verify(certificate.code))
    assert 'data-status="revoked"' in html
    assert "Cấp nhầm" not in html  # the reason stays in the log


def test_an_expired_certificate_says_so_even_before_the_task_ran(holder, course):
    certificate = issuing.issue(holder, course, at=timezone.now() - timedelta(days=800))
    html = page_text(verify(certificate.code))
    assert 'data-status="expired"' in html


def test_a_superseded_certificate_links_to_its_renewal(holder, course):
    old = issuing.issue(holder, course, at=timezone.now() - timedelta(days=800))
    new = issuing.issue(holder, course)

    html = page_text(verify(old.code))

    assert 'data-status="superseded"' in html
    assert reverse("certificate_verify", args=[new.code]) in html
    assert 'data-status="valid"' in page_text(verify(new.code))


def test_an_unknown_code_gives_a_clear_404_page(db):
    response = verify("KNS-2222-2222")
    assert response.status_code == 404
    html = page_text(response)
    assert "KNS-2222-2222" in html and 'data-status="unknown"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_code_typed_in_lower_case_or_without_dashes_finds_the_certificate(certificate):
    body = certificate.code.replace("-", "")[3:]
    for typed in [certificate.code.lower(), body.lower()]:
        response = verify(typed)
        assert response.status_code == 302
        assert response["Location"] == reverse("certificate_verify", args=[certificate.code])
    response = Client().get(reverse("certificate_lookup"), {"code": f" {certificate.code} "})
    assert response["Location"] == reverse("certificate_verify", args=[certificate.code])


def test_whatever_is_typed_into_the_lookup_form_gives_a_page_not_an_error(db):
    for typed in ["a/b", "KNS/1234/5678", "<script>", "ñ", "   "]:
        response = Client().get(reverse("certificate_lookup"), {"code": typed}, follow=True)
        assert response.status_code in (200, 404)
    assert Client().get("/certificates/verify/%C3%B1/").status_code == 404


# --- The officer's certificates ----------------------------------------------------------


def test_my_certificates_lists_the_officers_certificates_with_a_download_link(certificate, learner):
    client = client_for(learner)
    html = page_text(client.get(reverse("my_certificates")))
    assert escape(COURSE_TITLE) in html
    assert reverse("certificate_pdf", args=[certificate.code]) in html
    assert reverse("certificate_verify", args=[certificate.code]) in html


def test_my_certificates_needs_a_login(db):
    response = Client().get(reverse("my_certificates"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_navigation_and_my_courses_lead_to_the_certificates(certificate, learner):
    client = client_for(learner)
    html = page_text(client.get(reverse("my_courses")))
    assert reverse("my_certificates") in html
    assert f"{reverse('my_certificates')}#{certificate.code}" in html


def test_my_courses_shows_no_certificate_link_for_a_course_without_one(holder, course, learner):
    course.issues_certificate = False
    course.save()
    complete(holder, course)
    html = page_text(client_for(learner).get(reverse("my_courses")))
    assert "#KNS-" not in html


# --- Downloading the PDF -----------------------------------------------------------------


def download(user, certificate):
    client = client_for(user) if user else Client()
    return client.get(reverse("certificate_pdf", args=[certificate.code]))


def test_the_owner_downloads_the_signed_pdf_as_an_attachment(certificate, learner):
    response = download(learner, certificate)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="chung-nhan-{certificate.code}.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["hr_na_sang", "hr_province", "administrator"])
def test_hr_whose_area_holds_the_officer_and_administrators_download(certificate, who, request):
    assert download(request.getfixturevalue(who), certificate).status_code == 200


@pytest.mark.parametrize("who", ["hr_muong_tung", "other_learner", "trainer"])
def test_anyone_else_gets_a_404(certificate, who, request):
    assert download(request.getfixturevalue(who), certificate).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(certificate):
    response = download(None, certificate)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_revoked_certificate_is_no_longer_handed_to_its_owner(
    certificate, learner, hr_na_sang, administrator
):
    issuing.revoke(certificate, administrator, "Cấp nhầm.")
    assert download(learner, certificate).status_code == 404
    assert download(hr_na_sang, certificate).status_code == 200
    html = page_text(client_for(learner).get(reverse("my_certificates")))
    assert reverse("certificate_pdf", args=[certificate.code]) not in html
    assert Certificate.objects.get().pdf  # made for HR, kept
