"""The PDF and the verification page always state the same facts: a correction of what the
certificate states (HR corrects a name or a unit, in the admin or by an import) re-issues the
PDF as a new signed version, recorded in the certificate's log; the old one is not served."""

import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from certification import pdf
from certification.models import Certificate, CertificateLogEntry
from officers.models import Officer
from units.models import AdministrativeUnit

from .conftest import OFFICER_NAME, client_for

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdfsig"), reason="poppler-utils missing"),
]

CORRECTED = "Lò Văn Cần"


def downloaded(user, certificate, tmp_path):
    response = client_for(user).get(reverse("certificate_pdf", args=[certificate.code]))
    assert response.status_code == 200
    path = tmp_path / "downloaded.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def text(path):
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def verification_page(certificate):
    return Client().get(reverse("certificate_verify", args=[certificate.code]))


def correct_in_the_admin(hr, officer, **changes):
    """HR edits the officer's profile in the Wagtail admin, as they would by hand."""
    client = client_for(hr)
    url = reverse("officer:edit", args=[officer.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors


def test_a_name_corrected_by_hr_is_on_the_pdf_and_the_verification_page(
    certificate, holder, learner, hr_na_sang, tmp_path
):
    first = downloaded(learner, certificate, tmp_path)
    old_name = Certificate.objects.get(pk=certificate.pk).pdf.name
    assert OFFICER_NAME in text(first)

    correct_in_the_admin(hr_na_sang, holder, full_name=CORRECTED)

    again = downloaded(learner, certificate, tmp_path)
    assert CORRECTED in text(again) and OFFICER_NAME not in text(again)
    assert CORRECTED in verification_page(certificate).content.decode()
    report = subprocess.run(["pdfsig", str(again)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in report
    # The old version is gone: it can never be served again.
    stored = Certificate.objects.get(pk=certificate.pk)
    assert stored.pdf.name != old_name and not stored.pdf.storage.exists(old_name)
    [entry] = stored.log_entries.filter(action=CertificateLogEntry.Action.REISSUED)
    assert entry.reason == f"Họ và tên: {OFFICER_NAME} → {CORRECTED}"


def test_a_unit_changed_by_an_import_reissues_the_pdf(certificate, holder, learner, tmp_path):
    """An import updates rows in bulk (no save(), no signal): the PDF still follows."""
    downloaded(learner, certificate, tmp_path)
    muong_tung = AdministrativeUnit.objects.current().get(code="03181")
    Officer.objects.filter(pk=holder.pk).update(unit=muong_tung)
    assert "Xã Mường Tùng" in text(downloaded(learner, certificate, tmp_path))


def test_an_unchanged_certificate_keeps_its_pdf_and_its_log(certificate, learner, tmp_path):
    downloaded(learner, certificate, tmp_path)
    name = Certificate.objects.get(pk=certificate.pk).pdf.name
    downloaded(learner, certificate, tmp_path)
    assert Certificate.objects.get(pk=certificate.pk).pdf.name == name
    assert not certificate.log_entries.filter(action=CertificateLogEntry.Action.REISSUED)


def test_the_pdf_records_what_it_states(certificate):
    pdf.ensure_signed_pdf(certificate)
    stated = Certificate.objects.get(pk=certificate.pk).pdf_facts
    assert stated["full_name"] == OFFICER_NAME and stated["code"] == certificate.code
