"""The certificate PDF: Vietnamese text with diacritics, a PAdES signature that poppler's
pdfsig accepts, and that it rejects once a few bytes of the document change."""

import io
import shutil
import subprocess
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from certification import demo_ca, pdf, signing
from certification.models import Certificate
from tests.catalogue import misses

from .conftest import COURSE_TITLE, OFFICER_NAME

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdfsig"), reason="poppler-utils missing: run `scripts/bootstrap tools`"
)


def poppler(tool, data, tmp_path, *args):
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout


@pytest.fixture
def signed(certificate):
    pdf.ensure_signed_pdf(certificate)
    with certificate.pdf.open("rb") as stored:
        return stored.read()


@needs_poppler
def test_the_pdf_shows_the_officer_course_dates_and_code_in_vietnamese(
    signed, certificate, tmp_path
):
    text = poppler("pdftotext", signed, tmp_path)
    assert OFFICER_NAME in text
    assert COURSE_TITLE in text
    assert certificate.code in text
    assert "Xã Na Sang" in text
    assert "IU01" in text and "IU06" in text
    assert certificate.issued_at.astimezone().strftime("%Y") in text
    assert "https://kynangso.example.vn/certificates/verify/" + certificate.code in text


@needs_poppler
def test_the_pdf_is_a4_landscape_with_its_font_embedded(signed, tmp_path):
    info = poppler("pdfinfo", signed, tmp_path)
    assert "841.89 x 595.276 pts (A4)" in info
    fonts = poppler("pdffonts", signed, tmp_path).splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts), fonts
    assert any("DejaVuSerif" in line for line in fonts)


@needs_poppler
def test_pdfsig_finds_a_valid_pades_signature(signed, settings, tmp_path):
    report = poppler("pdfsig", signed, tmp_path)
    assert "Signature is Valid." in report
    assert "ETSI.CAdES.detached" in report
    assert "SHA-256" in report
    # After the signed revision comes only the validation data (B-LT), which changes nothing
    # the signature covers.
    status = validate_pdf_signature(
        PdfFileReader(io.BytesIO(signed)).embedded_signatures[0],
        signer_validation_context=ValidationContext(
            trust_roots=[
                signing.asn1_x509.Certificate.load(der)
                for der in signing._ders(settings.CERTIFICATE_SIGNING_CHAIN)
            ],
            allow_fetching=False,
        ),
    )
    assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert status.modification_level == ModificationLevel.LTA_UPDATES
    assert f"Signature Field Name: {signing.FIELD_NAME}" in report


@needs_poppler
def test_pdfsig_rejects_a_copy_with_a_few_bytes_changed(signed, tmp_path):
    tampered = signed.replace(b"ReportLab Generated", b"ReportLab Modified!", 1)
    assert tampered != signed and len(tampered) == len(signed)
    report = poppler("pdfsig", tampered, tmp_path)
    assert "Signature is Valid." not in report
    assert "Digest Mismatch" in report


def test_the_pdf_is_made_once_and_reused(certificate):
    with mock.patch.object(pdf, "render_signed", wraps=pdf.render_signed) as render:
        pdf.ensure_signed_pdf(certificate)
        name = certificate.pdf.name
        again = Certificate.objects.get(pk=certificate.pk)
        pdf.ensure_signed_pdf(again)
    assert render.call_count == 1
    assert again.pdf.name == name
    assert name.startswith("certificates/") and name.endswith(f"{certificate.code}.pdf")


def test_making_the_pdf_does_not_count_as_a_change_for_the_procedure_system(certificate):
    before = certificate.updated_at
    pdf.ensure_signed_pdf(certificate)
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.updated_at == before


def test_a_pdf_stored_meanwhile_by_another_server_wins(certificate):
    """Two servers make the first PDF at once: the one recorded first is kept, the other's
    file is deleted."""
    storage = certificate.pdf.storage
    real = pdf.render_signed

    def other_server_is_faster(locked, stated):
        name = storage.save("certificates/other.pdf", pdf.ContentFile(b"%PDF-other"))
        Certificate.objects.filter(pk=certificate.pk).update(pdf=name, pdf_facts=stated)
        return real(locked, stated)

    with mock.patch.object(pdf, "render_signed", side_effect=other_server_is_faster):
        pdf.ensure_signed_pdf(certificate)

    assert certificate.pdf.name == "certificates/other.pdf"
    assert Certificate.objects.get(pk=certificate.pk).pdf.name == "certificates/other.pdf"
    ours = certificate.pdf.field.generate_filename(certificate, f"{certificate.code}.pdf")
    assert storage.exists("certificates/other.pdf") and not storage.exists(ours)


def test_a_pdf_missing_from_storage_is_made_again(certificate):
    pdf.ensure_signed_pdf(certificate)
    certificate.pdf.storage.delete(certificate.pdf.name)
    pdf.ensure_signed_pdf(certificate)
    assert certificate.pdf.storage.exists(certificate.pdf.name)


# --- Where the signing key comes from ----------------------------------------------------


def test_half_configured_signing_is_refused(settings):
    settings.CERTIFICATE_SIGNING_CERT = ""
    with pytest.raises(ImproperlyConfigured, match="CERTIFICATE_SIGNING_CERT"):
        signing.signing_material()


def test_without_settings_or_demo_ca_signing_is_refused_in_production(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY = settings.CERTIFICATE_SIGNING_CERT = ""
    settings.CERTIFICATE_SIGNING_CHAIN = ""
    settings.PRIVATE_ROOT = tmp_path
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="seed_demo"):
        signing.signing_material()
    assert not demo_ca.exists()


def test_without_settings_the_demo_ca_signs_and_debug_creates_it(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY = settings.CERTIFICATE_SIGNING_CERT = ""
    settings.CERTIFICATE_SIGNING_CHAIN = ""
    settings.PRIVATE_ROOT = tmp_path
    settings.DEBUG = True
    material = signing.signing_material()
    assert material.key == tmp_path / "demo-ca" / "signing-key.pem"
    assert (material.key.stat().st_mode & 0o777) == 0o600
    assert signing.signer_name(signing.load_signer()) == demo_ca.SIGNER_NAME

    settings.DEBUG = False  # an existing demo CA is used in production too (with a warning)
    assert signing.signing_material() == material


def test_the_demo_ca_is_created_once(tmp_path):
    first = demo_ca.create(tmp_path)
    key = first.key.read_bytes()
    root = first.chain.read_bytes()
    assert demo_ca.create(tmp_path) == first
    assert first.key.read_bytes() == key and first.chain.read_bytes() == root


def test_unreadable_key_material_is_refused_clearly(settings, tmp_path):
    broken = tmp_path / "key.pem"
    broken.write_text("not a key")
    settings.CERTIFICATE_SIGNING_KEY = str(broken)
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        signing.load_signer()
    settings.CERTIFICATE_SIGNING_KEY = str(tmp_path / "missing.pem")
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        signing.load_signer()


@needs_poppler
def test_every_word_printed_on_the_certificate_is_vietnamese(certificate, tmp_path):
    """The certificate is an official document: no text of it may fall back to English."""
    with misses("vi") as missed:
        data = pdf.render_signed(certificate)
    assert not missed, missed
    text = poppler("pdftotext", data, tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập – Tự do – Hạnh phúc" in text
    assert "SOCIALIST" not in text and "Independence" not in text
