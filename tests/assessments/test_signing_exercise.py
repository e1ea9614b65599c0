"""The practical signing exercise: a learner uploads a PDF they signed; pyHanko checks it.

Everything is made here at test time: a root CA and signer certificates (with cryptography),
a small hand-written PDF, and signatures made with pyHanko's SimpleSigner.
"""

import asyncio
import io
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign import signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from assessments.models import SigningExercise, SigningSubmission
from assessments.signatures import (
    MAX_BYTES,
    Check,
    SignatureReport,
    TrustRootError,
    check_signed_pdf,
    parse_trust_roots,
)
from courses.blocks import SigningExerciseBlock
from courses.models import Enrolment, LessonPage
from tests.courses.pages import make_course, publish
from tests.courses.reading import read
from tests.factories import PASSWORD, OfficerFactory, UserFactory

NOW = datetime.now(UTC)


# --- Certificates -------------------------------------------------------------------------


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(**wanted):
    flags = dict.fromkeys(
        [
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ],
        False,
    )
    return x509.KeyUsage(**{**flags, **wanted})


class Authority:
    """A test root CA that issues signer certificates."""

    def __init__(self, common_name):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(_name(common_name))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - timedelta(days=3650))
            .not_valid_after(NOW + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
            .sign(self.key, hashes.SHA256())
        )

    @property
    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def asn1(self):
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))

    def issue(
        self, common_name, valid_from=None, valid_until=None, usage=None, extra=(), rsa_key=False
    ):
        """A key and certificate issued by this authority, as asn1crypto objects."""
        if rsa_key:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(valid_from or NOW - timedelta(days=30))
            .not_valid_after(valid_until or NOW + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                usage or _key_usage(digital_signature=True, content_commitment=True),
                critical=True,
            )
        )
        for extension in extra:
            builder = builder.add_extension(extension, critical=True)
        cert = builder.sign(self.key, hashes.SHA256())
        return (
            asn1_keys.PrivateKeyInfo.load(
                key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        )

    def signer(self, common_name, **validity):
        key, cert = self.issue(common_name, **validity)
        return signers.SimpleSigner(
            signing_cert=cert,
            signing_key=key,
            cert_registry=SimpleCertificateStore.from_certs([self.asn1]),
        )

    def time_stamper(self, at):
        """A time-stamping authority under this root that stamps the given moment."""
        key, cert = self.issue(
            "TSA thử nghiệm",
            usage=_key_usage(digital_signature=True),
            extra=[x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING])],
            rsa_key=True,  # pyHanko's test time stamper signs with RSA only
        )
        return DummyTimeStamper(
            tsa_cert=cert,
            tsa_key=key,
            certs_to_embed=SimpleCertificateStore.from_certs([self.asn1]),
            fixed_dt=at,
        )


@pytest.fixture(scope="module")
def root():
    return Authority("Test Root CA – Ban Cơ yếu (thử nghiệm)")


@pytest.fixture(scope="module")
def stranger_root():
    return Authority("Unknown CA")


@pytest.fixture(scope="module")
def signer(root):
    return root.signer("Lò Văn Cán")


# --- PDFs ---------------------------------------------------------------------------------


def make_pdf(text=b"Quyet dinh so 1/QD-UBND"):
    """A one-page PDF, written by hand with a correct cross-reference table."""
    content = b"BT /F1 14 Tf 50 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def sign(data, signer, field="Chu ky 1", time_stamper=None):
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(field_name=field)
    return signers.sign_pdf(writer, meta, signer=signer, timestamper=time_stamper).getvalue()


def change_page_after_signing(data):
    """An incremental update that replaces the page's text, as an editor saving would."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 14 Tf 50 780 Td (Quyet dinh so 2) Tj ET")
    )
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_text_field(data):
    """The PDF with an empty text field "GhiChu" on its page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    field = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/FT"): generic.pdf_name("/Tx"),
                generic.pdf_name("/T"): generic.pdf_string("GhiChu"),
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
                generic.pdf_name("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (50, 700, 300, 720)]
                ),
                generic.pdf_name("/P"): page_ref,
            }
        )
    )
    page = page_ref.get_object()
    page["/Annots"] = generic.ArrayObject([field])
    writer.update_container(page)
    writer.root["/AcroForm"] = generic.DictionaryObject(
        {generic.pdf_name("/Fields"): generic.ArrayObject([field])}
    )
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def fill_text_field(data, text):
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    field = writer.root["/AcroForm"]["/Fields"][0].get_object()
    field["/V"] = generic.pdf_string(text)
    writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def codes(report):
    return {check.code for check in report.checks}


def failed(report):
    return {check.code for check in report.checks if not check.ok}


@pytest.fixture(scope="module")
def signed_pdf(signer):
    return sign(make_pdf(), signer)


# --- The check itself ---------------------------------------------------------------------


def test_a_validly_signed_pdf_passes(signed_pdf, root):
    report = check_signed_pdf(signed_pdf, [root.asn1])
    assert report.passed, [check.message for check in report.checks]
    assert {"signatures_found", "signature_valid", "unmodified", "trusted", "signing_time_ok"} <= (
        codes(report)
    )
    trusted = next(check for check in report.checks if check.code == "trusted")
    assert trusted.params["signer"] == "Lò Văn Cán"
    assert trusted.signature == "Chu ky 1"


def test_the_check_also_runs_where_an_event_loop_is_running(signed_pdf, root):
    async def in_a_loop():
        return check_signed_pdf(signed_pdf, [root.asn1])

    assert asyncio.run(in_a_loop()).passed


def test_trust_roots_may_be_given_as_pem_text(signed_pdf, root):
    assert check_signed_pdf(signed_pdf, root.pem).passed


def test_bytes_changed_inside_the_signed_range_fail_as_modified(signed_pdf, root):
    tampered = signed_pdf.replace(b"so 1/QD", b"so 7/QD")
    assert tampered != signed_pdf
    report = check_signed_pdf(tampered, [root.asn1])
    assert not report.passed
    assert "modified" in failed(report)
    modified = next(check for check in report.checks if check.code == "modified")
    with translation.override("en"):
        assert modified.message.startswith("The document was changed after it was signed.")


def test_changing_the_page_in_an_incremental_update_fails_as_modified(signed_pdf, root):
    report = check_signed_pdf(change_page_after_signing(signed_pdf), [root.asn1])
    assert not report.passed
    assert failed(report) == {"modified"}


def test_filling_in_a_form_field_after_signing_fails_as_modified(signer, root):
    # PDF allows form filling after an approval signature, but the filled-in text changes
    # what the reader sees: for this exercise it is a change to the document.
    signed = sign(with_text_field(make_pdf()), signer)
    assert check_signed_pdf(signed, [root.asn1]).passed
    report = check_signed_pdf(fill_text_field(signed, "Da sua sau khi ky"), [root.asn1])
    assert failed(report) == {"modified"}


def test_a_second_signature_is_a_harmless_update_and_both_are_checked(signed_pdf, root):
    both = sign(signed_pdf, root.signer("Quàng Thị Hoa"), field="Chu ky 2")
    report = check_signed_pdf(both, [root.asn1])
    assert report.passed, [check.message for check in report.checks]
    assert {name for name, _checks in report.by_signature()} == {"", "Chu ky 1", "Chu ky 2"}
    first = [check.code for check in report.checks if check.signature == "Chu ky 1"]
    assert "only_signatures_added" in first


def test_every_signature_must_pass(signed_pdf, root, stranger_root):
    both = sign(signed_pdf, stranger_root.signer("Người lạ"), field="Chu ky 2")
    report = check_signed_pdf(both, [root.asn1])
    assert not report.passed
    assert [(c.signature, c.code) for c in report.checks if not c.ok] == [("Chu ky 2", "untrusted")]


def test_a_signer_from_an_untrusted_authority_fails_on_the_chain(root, stranger_root):
    data = sign(make_pdf(), stranger_root.signer("Người lạ"))
    report = check_signed_pdf(data, [root.asn1])
    assert failed(report) == {"untrusted"}
    untrusted = next(check for check in report.checks if check.code == "untrusted")
    assert untrusted.params == {"signer": "Người lạ", "issuer": "Unknown CA"}
    with translation.override("en"):
        assert "not come from a certification authority accepted" in untrusted.message


def test_no_trust_roots_trusts_nothing(signed_pdf):
    # Not the operating system's list: an empty list means no one is trusted.
    assert failed(check_signed_pdf(signed_pdf, [])) == {"untrusted"}


def test_an_unsigned_pdf_fails(root):
    report = check_signed_pdf(make_pdf(), [root.asn1])
    assert not report.passed
    assert failed(report) == {"no_signature"}


def test_a_file_that_is_not_a_pdf_fails(root):
    report = check_signed_pdf("Biên bản họp".encode() * 100, [root.asn1])
    assert failed(report) == {"not_pdf"}


def test_a_broken_pdf_fails(root):
    assert failed(check_signed_pdf(b"%PDF-1.7\n1 0 obj\n<< /Type", [root.asn1])) == {"unreadable"}


def test_a_truncated_signed_pdf_fails(signed_pdf, root):
    assert not check_signed_pdf(signed_pdf[: len(signed_pdf) // 2], [root.asn1]).passed


def test_a_password_protected_pdf_fails(root):
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(make_pdf())))
    writer.encrypt("chu-so-huu", "mat-khau")
    out = io.BytesIO()
    writer.write(out)
    assert failed(check_signed_pdf(out.getvalue(), [root.asn1])) == {"encrypted"}


def test_a_file_over_ten_megabytes_fails(root):
    report = check_signed_pdf(b"%PDF-1.7\n" + b"0" * MAX_BYTES, [root.asn1])
    assert failed(report) == {"too_large"}
    with translation.override("en"):
        assert "larger than 10 MB" in report.checks[0].message


def test_a_certificate_that_has_expired_since_fails(root):
    data = sign(make_pdf(), root.signer("Lò Văn Cán", valid_until=NOW + timedelta(days=1)))
    report = check_signed_pdf(data, [root.asn1], now=NOW + timedelta(days=10))
    assert failed(report) == {"cert_expired"}  # it was valid when the document was signed


def test_signing_outside_the_certificate_validity_fails(root):
    expired = root.signer(
        "Lò Văn Cán",
        valid_from=NOW - timedelta(days=400),
        valid_until=NOW - timedelta(days=35),
    )
    report = check_signed_pdf(sign(make_pdf(), expired), [root.asn1])
    assert failed(report) == {"cert_expired", "signing_time_outside_validity"}
    outside = next(c for c in report.checks if c.code == "signing_time_outside_validity")
    assert set(outside.params) == {"time", "not_before", "not_after"}
    with translation.override("en"):
        assert "outside the certificate's validity period" in outside.message


def test_a_signing_time_in_the_future_fails(signed_pdf, root):
    report = check_signed_pdf(signed_pdf, [root.asn1], now=NOW - timedelta(hours=2))
    assert failed(report) == {"signing_time_future"}


def test_a_trusted_time_stamp_gives_the_signing_time(signer, root):
    stamped_at = (NOW - timedelta(days=2)).replace(microsecond=0)
    data = sign(make_pdf(), signer, time_stamper=root.time_stamper(stamped_at))
    report = check_signed_pdf(data, [root.asn1])
    assert report.passed, [check.message for check in report.checks]
    timing = next(check for check in report.checks if check.code == "signing_time_ok")
    assert timing.params == {"time": stamped_at.isoformat()}


def test_a_time_stamp_in_the_future_fails(signer, root):
    data = sign(make_pdf(), signer, time_stamper=root.time_stamper(NOW + timedelta(days=2)))
    assert failed(check_signed_pdf(data, [root.asn1])) == {"signing_time_future"}


def test_a_certificate_not_meant_for_signing_fails(root):
    encipher_only = root.signer("Lò Văn Cán", usage=_key_usage(key_encipherment=True))
    report = check_signed_pdf(sign(make_pdf(), encipher_only), [root.asn1])
    assert failed(report) == {"cert_not_for_signing"}


def test_the_report_is_stored_as_codes_and_shown_in_the_readers_language(signed_pdf, root):
    report = check_signed_pdf(signed_pdf, [root.asn1])
    again = SignatureReport.from_json(report.as_json())
    assert again == report and again.passed
    with translation.override("en"):
        found = Check.from_dict({"code": "signatures_found", "ok": True, "params": {"count": 2}})
        assert found.message == ("The document has 2 digital signatures; each of them is checked.")
        assert Check("a_retired_code", False).message == "a_retired_code"


# --- Trusted roots of an exercise ---------------------------------------------------------


def test_trust_roots_are_read_block_by_block(root, stranger_root):
    assert len(parse_trust_roots(root.pem + "\n" + stranger_root.pem)) == 2
    broken = root.pem + stranger_root.pem.replace("MI", "M!", 1)
    with pytest.raises(TrustRootError) as raised:
        parse_trust_roots(broken)
    assert (raised.value.problem, raised.value.number) == ("unreadable", 2)
    key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    with pytest.raises(TrustRootError) as raised:
        parse_trust_roots(key + root.pem)
    assert (raised.value.problem, raised.value.number) == ("not_certificate", 1)
    with pytest.raises(TrustRootError) as raised:
        parse_trust_roots("dán chứng thư vào đây")
    assert raised.value.problem == "none"


@pytest.mark.django_db
def test_an_exercise_names_the_invalid_certificate_block(root):
    exercise = SigningExercise(
        slug="ky-so-van-ban",
        title="Ký số văn bản",
        instructions="Ký số tệp quyết định và tải lên.",
        trust_roots=root.pem + root.pem.replace("MI", "M!", 1),
    )
    with translation.override("vi"):
        with pytest.raises(ValidationError) as raised:
            exercise.full_clean()
        assert raised.value.message_dict["trust_roots"] == [
            "Chứng thư số 2 không phải chứng thư PEM hợp lệ. Hãy dán đầy đủ, "
            "từ -----BEGIN CERTIFICATE----- đến -----END CERTIFICATE-----."
        ]
    exercise.trust_roots = root.pem
    exercise.full_clean()


# --- Learner pages ------------------------------------------------------------------------


@pytest.fixture
def exercise(db, root):
    return SigningExercise.objects.create(
        slug="ky-so-van-ban",
        title="Ký số văn bản",
        instructions="Ký số tệp quyết định bằng chứng thư số của bạn, rồi tải tệp đã ký lên.",
        trust_roots=root.pem,
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, exercise, data, name="quyet-dinh-da-ky.pdf"):
    return client.post(
        reverse("signing_exercise", args=[exercise.slug]),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def shown(code, **params):
    """A check's message as the page shows it, in the page's language."""
    with translation.override("vi"):
        return escape(Check(code, False, params).message)


@pytest.mark.django_db
def test_the_exercise_needs_a_signed_in_officer(client, exercise, dien_bien):
    url = reverse("signing_exercise", args=[exercise.slug])
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response.url
    UserFactory(username="khong.phai.can.bo")
    client.login(username="khong.phai.can.bo", password=PASSWORD)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_uploading_stores_the_submission_and_shows_the_result(
    client, learner, exercise, signed_pdf, media_root, settings
):
    client.login(username=learner.username, password=PASSWORD)
    page = client.get(reverse("signing_exercise", args=[exercise.slug])).content.decode()
    assert exercise.instructions in page and 'enctype="multipart/form-data"' in page

    response = upload(client, exercise, signed_pdf)
    submission = SigningSubmission.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("signing_submission", args=[exercise.slug, submission.pk])
    assert submission.officer == learner.officer and submission.passed
    assert submission.original_name == "quyet-dinh-da-ky.pdf"
    assert {check["code"] for check in submission.checks} >= {"trusted", "unmodified"}
    # Kept under an unguessable name, not the learner's.
    assert submission.file.name.startswith("signing-exercises/")
    assert "quyet-dinh" not in submission.file.name
    # Private: stored outside MEDIA_ROOT, where no URL reaches it.
    assert (settings.PRIVATE_ROOT / submission.file.name).read_bytes() == signed_pdf
    assert not (media_root / submission.file.name).exists()

    result = client.get(response.url).content.decode()
    with translation.override("vi"):
        passed = escape(translation.gettext("Passed: your signed document is valid."))
    assert passed in result
    assert "quyet-dinh-da-ky.pdf" in result
    assert submission.file.url not in result  # the file is never linked


@pytest.mark.django_db
def test_a_failed_check_explains_what_to_fix(client, learner, exercise, signed_pdf):
    client.login(username=learner.username, password=PASSWORD)
    response = upload(client, exercise, change_page_after_signing(signed_pdf))
    submission = SigningSubmission.objects.get()
    assert not submission.passed
    page = client.get(response.url).content.decode()
    assert shown("modified") in page

    upload(client, exercise, b"not a pdf at all", name="anh-chup.jpg")
    page = client.get(reverse("signing_exercise", args=[exercise.slug])).content.decode()
    assert "anh-chup.jpg" in page  # listed with the earlier one
    latest = SigningSubmission.objects.latest("pk")
    assert latest.checks == [{"code": "not_pdf", "ok": False, "params": {}, "signature": ""}]


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_and_not_stored(client, learner, exercise):
    client.login(username=learner.username, password=PASSWORD)
    response = upload(client, exercise, b"%PDF-1.7\n" + b"0" * MAX_BYTES)
    assert response.status_code == 200
    assert shown("too_large", limit=10) in response.content.decode()
    assert not SigningSubmission.objects.exists()


@pytest.mark.django_db
def test_an_officer_never_sees_another_officers_submissions(client, learner, exercise, signed_pdf):
    client.login(username=learner.username, password=PASSWORD)
    upload(client, exercise, signed_pdf, name="cua-toi.pdf")
    mine = SigningSubmission.objects.get()
    client.logout()

    other = OfficerFactory()
    client.login(username=other.user.username, password=PASSWORD)
    page = client.get(reverse("signing_exercise", args=[exercise.slug])).content.decode()
    assert "cua-toi.pdf" not in page
    url = reverse("signing_submission", args=[exercise.slug, mine.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_upload_needs_the_csrf_token(learner, exercise, signed_pdf):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.login(username=learner.username, password=PASSWORD)
    assert upload(client, exercise, signed_pdf).status_code == 403
    assert not SigningSubmission.objects.exists()


# --- Lessons and course completion --------------------------------------------------------


def add_exercise_lesson(course, exercise, optional=False):
    return publish(
        course,
        LessonPage(
            title="Thực hành ký số",
            slug=f"thuc-hanh-{exercise.slug}-{optional}",
            optional=optional,
            body=[
                {
                    "type": "signing_exercise",
                    "value": {"introduction": "Ký tệp mẫu", "exercise": exercise.pk},
                }
            ],
        ),
    )


@pytest.mark.django_db
def test_the_lesson_block_links_to_the_exercise(exercise):
    block = SigningExerciseBlock()
    html = block.render(block.to_python({"introduction": "Ký tệp mẫu", "exercise": exercise.pk}))
    assert reverse("signing_exercise", args=[exercise.slug]) in html
    assert "Ký tệp mẫu" in html and exercise.title in html


@pytest.mark.django_db
def test_passing_the_exercise_completes_the_course(
    client, learner, exercise, signed_pdf, dien_bien
):
    course = make_course(lessons=1)
    add_exercise_lesson(course, exercise)
    officer = learner.officer
    for lesson in course.lessons():
        read(officer, lesson)
    enrolment = Enrolment.objects.get(officer=officer, course=course)
    assert enrolment.completed_at is None  # the exercise is not passed yet

    client.login(username=learner.username, password=PASSWORD)
    upload(client, exercise, change_page_after_signing(signed_pdf))
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None

    upload(client, exercise, signed_pdf)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


@pytest.mark.django_db
def test_an_exercise_in_an_optional_lesson_is_not_required(exercise, dien_bien):
    course = make_course(lessons=1)
    add_exercise_lesson(course, exercise, optional=True)
    enrolment = read(OfficerFactory(), course.lessons().first())
    assert enrolment.completed_at is not None


# --- Administration -----------------------------------------------------------------------


@pytest.mark.django_db
def test_trainers_keep_signing_exercises_in_the_question_bank(client, trainer, exercise):
    assert trainer.has_perm("assessments.add_signingexercise")
    assert trainer.has_perm("assessments.change_signingexercise")
    client.login(username=trainer.username, password=PASSWORD)
    listing = client.get(reverse("wagtailsnippets_assessments_signingexercise:list"))
    assert listing.status_code == 200 and exercise.title in listing.content.decode()
    add = reverse("wagtailsnippets_assessments_signingexercise:add")
    assert client.get(add).status_code == 200
