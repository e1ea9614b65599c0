"""The certificates admin: read-only, scoped to HR's area, with the audit log and revocation."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from certification import issuing
from certification.models import Certificate, CertificateLogEntry

from .conftest import client_for, complete

pytestmark = pytest.mark.django_db

INDEX = "certificate:index"


@pytest.fixture
def two_certificates(certificate, muong_tung_officer, course):
    complete(muong_tung_officer, course)
    return certificate, muong_tung_officer.certificates.get()


def listed(user, **params):
    response = client_for(user).get(reverse(INDEX), params)
    assert response.status_code == 200
    return {row.code for row in response.context["object_list"]}


def test_hr_sees_only_certificates_of_their_area(two_certificates, hr_na_sang, hr_muong_tung):
    na_sang, muong_tung = two_certificates
    assert listed(hr_na_sang) == {na_sang.code}
    assert listed(hr_muong_tung) == {muong_tung.code}


def test_province_hr_and_administrators_see_all(two_certificates, hr_province, administrator):
    codes = {certificate.code for certificate in two_certificates}
    assert listed(hr_province) == codes
    assert listed(administrator) == codes


def test_the_listing_shows_the_columns_and_offers_no_add(two_certificates, hr_province):
    html = client_for(hr_province).get(reverse(INDEX)).content.decode()
    na_sang, _ = two_certificates
    for text in [na_sang.code, na_sang.officer.full_name, na_sang.course_title]:
        assert escape(text) in html
    assert "/admin/certificate/new/" not in html
    assert "/admin/certificate/edit/" not in html
    for view in ["add", "edit", "delete", "copy"]:
        with pytest.raises(NoReverseMatch):
            reverse(f"certificate:{view}", args=[] if view == "add" else [1])


def test_filters_and_search(two_certificates, hr_province, administrator):
    na_sang, muong_tung = two_certificates
    issuing.revoke(muong_tung, administrator, "Thử")
    assert listed(hr_province, status="revoked") == {muong_tung.code}
    assert listed(hr_province, status="valid") == {na_sang.code}
    assert listed(hr_province, course=na_sang.course_id) == {na_sang.code, muong_tung.code}
    assert listed(hr_province, q=na_sang.code) == {na_sang.code}
    assert listed(hr_province, q="Quàng Thị") == {muong_tung.code}


def test_people_without_the_permission_cannot_list(certificate, trainer):
    response = client_for(trainer).get(reverse(INDEX))
    assert response.status_code in (302, 403)


def test_the_menu_shows_certificates_to_hr(certificate, hr_na_sang):
    html = client_for(hr_na_sang).get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(INDEX) in html


def test_inspect_shows_the_certificate_and_its_log(certificate, hr_na_sang, administrator):
    issuing.revoke(certificate, administrator, "Cấp nhầm đối tượng.")
    response = client_for(hr_na_sang).get(reverse("certificate:inspect", args=[certificate.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert certificate.code in html
    assert "data-certificate-log" in html
    assert escape("Cấp nhầm đối tượng.") in html
    assert escape(administrator.officer.full_name) in html
    assert list(response.context["log_entries"].values_list("action", flat=True)) == [
        CertificateLogEntry.Action.ISSUED,
        CertificateLogEntry.Action.REVOKED,
    ]


def test_inspect_outside_the_area_is_a_404(certificate, hr_muong_tung):
    url = reverse("certificate:inspect", args=[certificate.pk])
    assert client_for(hr_muong_tung).get(url).status_code == 404


# --- Revocation ---------------------------------------------------------------------------


def revoke_url(certificate):
    return reverse("certificate:revoke", args=[certificate.pk])


def test_hr_revokes_with_a_reason_that_goes_into_the_log(certificate, hr_na_sang):
    client = client_for(hr_na_sang)
    assert client.get(revoke_url(certificate)).status_code == 200

    response = client.post(revoke_url(certificate), {"reason": "  Cấp nhầm:   chưa thi.  "})

    assert response.status_code == 302
    assert response["Location"] == reverse("certificate:inspect", args=[certificate.pk])
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    entry = certificate.log_entries.get(action=CertificateLogEntry.Action.REVOKED)
    assert entry.actor == hr_na_sang and entry.reason == "Cấp nhầm: chưa thi."


def test_a_reason_is_required(certificate, hr_na_sang):
    response = client_for(hr_na_sang).post(revoke_url(certificate), {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_revoking_outside_the_area_is_a_404(certificate, hr_muong_tung):
    response = client_for(hr_muong_tung).post(revoke_url(certificate), {"reason": "Thử"})
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_revoking_needs_the_revoke_permission(certificate, trainer, hr_na_sang):
    hr_na_sang.groups.get().permissions.remove(
        *hr_na_sang.groups.get().permissions.filter(codename="revoke_certificate")
    )
    for user in (trainer, hr_na_sang):
        response = client_for(user).post(revoke_url(certificate), {"reason": "Thử"})
        assert response.status_code in (302, 403), user
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_an_already_revoked_certificate_cannot_be_revoked_again(certificate, administrator):
    client = client_for(administrator)
    client.post(revoke_url(certificate), {"reason": "Lần một"})
    response = client.post(revoke_url(certificate), {"reason": "Lần hai"})
    assert response.status_code == 302
    assert certificate.log_entries.filter(action="revoked").count() == 1
    html = client.get(reverse("certificate:inspect", args=[certificate.pk])).content.decode()
    assert revoke_url(certificate) not in html


def test_deleting_an_officer_with_a_certificate_is_refused_with_a_message(
    client, administrator, holder, course
):
    # A certificate made outside the admin (an import, the demo seed) has no reference-index
    # entry, so Wagtail's own protection check does not see it; the database still refuses.
    from django.contrib.messages import get_messages
    from wagtail.models import ReferenceIndex

    from officers.models import Officer

    certificate = issuing.issue(holder, course)
    ReferenceIndex.objects.all().delete()
    client.force_login(administrator)
    client.cookies["django_language"] = "en"

    response = client.post(f"/admin/officer/delete/{holder.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/admin/officer/edit/{holder.pk}/"
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "cannot be deleted: their certificates must be kept" in message
    assert Officer.objects.filter(pk=holder.pk).exists()
    assert Certificate.objects.filter(pk=certificate.pk).exists()
