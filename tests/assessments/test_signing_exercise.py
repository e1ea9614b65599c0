"""The practical signing exercise: a learner uploads a PDF they signed; pyHanko checks it.

Everything is made here at test time: a root CA and signer certificates (with cryptography),
a small hand-written PDF, and signatures made with pyHanko's SimpleSigner.
"""

import asyncio
import io
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import algos as asn1_algos
from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfStrictReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign import signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
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
from assessments.submissions import KEPT_FILES
from courses.blocks import SigningExerciseBlock
from courses.models import Enrolment, LessonPage
from tests.courses.pages import make_course, publish
from tests.courses.reading import read
from tests.factories import PASSWORD, OfficerFactory, UserFactory

NOW = datetime.now(UTC)
CRL_URL = "http://crl.ca-thu-nghiem.invalid/root.crl"
OCSP_URL = "http://ocsp.ca-thu-nghiem.invalid/"


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
        self,
        common_name,
        valid_from=None,
        valid_until=None,
        usage=None,
        extra=(),
        rsa_key=False,
        rsa_bits=2048,
    ):
        """A key and certificate issued by this authority, as asn1crypto objects.

        Like a real CA's, the certificate names where its CRL and OCSP responder are (never
        reached: the check is offline, and reads only what the PDF carries)."""
        if rsa_key:
            key = rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
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
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(CRL_URL)], None, None, None
                        )
                    ]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(OCSP_URL),
                        )
                    ]
                ),
                critical=False,
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
        return self.signer_for(key, cert)

    def signer_for(self, key, cert):
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


def test_bytes_changed_inside_the_signed_range_say_the_document_was_changed(signed_pdf, root):
    tampered = signed_pdf.replace(b"so 1/QD", b"so 7/QD")
    assert tampered != signed_pdf
    report = check_signed_pdf(tampered, [root.asn1])
    assert not report.passed
    # The signature over the signed attributes still verifies, but the document's digest no
    # longer matches: no "signature valid" tick may be shown for it.
    assert failed(report) == {"digest_mismatch"}
    assert "signature_valid" not in codes(report)
    mismatch = next(check for check in report.checks if check.code == "digest_mismatch")
    with translation.override("en"):
        assert mismatch.message.startswith("The document was changed after it was signed")
    with translation.override("vi"):
        assert mismatch.message.startswith("Tài liệu đã bị thay đổi sau khi ký")


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


# --- Weak algorithms: who can fix them ----------------------------------------------------


def test_a_sha1_digest_names_the_setting_in_the_signing_software(signer, root):
    writer = IncrementalPdfFileWriter(io.BytesIO(make_pdf()))
    meta = signers.PdfSignatureMetadata(field_name="Chu ky 1", md_algorithm="sha1")
    data = signers.sign_pdf(writer, meta, signer=signer).getvalue()
    report = check_signed_pdf(data, [root.asn1])
    assert failed(report) == {"weak_digest"}  # not "untrusted": the certificate is fine
    weak = next(check for check in report.checks if check.code == "weak_digest")
    assert weak.params == {"algorithm": "SHA-1"}
    with translation.override("vi"):
        assert "SHA-1" in weak.message and "chọn SHA-256" in weak.message
        assert "phần mềm ký" in weak.message


def test_a_short_rsa_key_needs_a_new_certificate_not_a_setting(root):
    key, cert = root.issue("Lò Văn Cán", rsa_key=True, rsa_bits=1024)
    report = check_signed_pdf(sign(make_pdf(), root.signer_for(key, cert)), [root.asn1])
    assert failed(report) == {"weak_key"}
    weak = next(check for check in report.checks if check.code == "weak_key")
    assert weak.params == {
        "signer": "Lò Văn Cán",
        "issuer": root.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value,
        "bits": 1024,
        "minimum": 2048,
    }
    with translation.override("vi"):
        assert "1024 bit" in weak.message and "2048 bit" in weak.message
        assert "cấp lại chứng thư" in weak.message


def test_a_certificate_issued_with_sha1_needs_a_new_certificate(root):
    key, cert = root.issue("Lò Văn Cán")
    # cryptography no longer signs certificates with SHA-1: re-sign the same contents here.
    tbs = cert["tbs_certificate"].copy()
    tbs["signature"] = asn1_algos.SignedDigestAlgorithm({"algorithm": "sha1_ecdsa"})
    signature = root.key.sign(tbs.dump(force=True), ec.ECDSA(hashes.SHA1()))  # noqa: S303
    sha1_cert = asn1_x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": tbs["signature"],
            "signature_value": signature,
        }
    )
    report = check_signed_pdf(sign(make_pdf(), root.signer_for(key, sha1_cert)), [root.asn1])
    assert failed(report) == {"weak_certificate"}
    with translation.override("en"):
        message = next(c for c in report.checks if c.code == "weak_certificate").message
        assert "No setting in the signing software can change this" in message


# --- Revocation data carried by the PDF ---------------------------------------------------


def revocation_list(authority, *revoked_certs):
    """A CRL from `authority`, as asn1crypto, listing the given certificates as revoked."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.cert.subject)
        .last_update(NOW - timedelta(hours=1))
        .next_update(NOW + timedelta(days=7))
    )
    for cert in revoked_certs:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(NOW - timedelta(minutes=30))
            .build()
        )
    crl = builder.sign(authority.key, hashes.SHA256())
    return asn1_crl.CertificateList.load(crl.public_bytes(serialization.Encoding.DER))


def ocsp_response(authority, cert, revoked):
    """An OCSP response signed by the authority itself about `cert`, as asn1crypto."""
    subject = x509.load_der_x509_certificate(cert.dump())
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=subject,
        issuer=authority.cert,
        algorithm=hashes.SHA1(),  # noqa: S303 - the CertID hash most responders still use
        cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
        this_update=NOW - timedelta(minutes=10),
        next_update=NOW + timedelta(days=1),
        revocation_time=NOW - timedelta(minutes=30) if revoked else None,
        revocation_reason=x509.ReasonFlags.key_compromise if revoked else None,
    )
    builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, authority.cert)
    response = builder.sign(authority.key, hashes.SHA256())
    return asn1_ocsp.OCSPResponse.load(response.public_bytes(serialization.Encoding.DER))


def with_dss(data, crls=(), ocsps=()):
    """The signed PDF with a Document Security Store added, as LTV-enabling software does."""
    out = io.BytesIO(data)
    DocumentSecurityStore.add_dss(out, None, crls=list(crls), ocsps=list(ocsps))
    return out.getvalue()


def test_a_certificate_revoked_by_a_crl_in_the_pdf_fails(root):
    key, cert = root.issue("Lò Văn Cán")
    signed = sign(make_pdf(), root.signer_for(key, cert))
    assert check_signed_pdf(signed, [root.asn1]).passed  # nothing says otherwise yet

    report = check_signed_pdf(with_dss(signed, crls=[revocation_list(root, cert)]), [root.asn1])
    assert failed(report) == {"cert_revoked"}
    with translation.override("vi"):
        message = next(c for c in report.checks if c.code == "cert_revoked").message
        assert "Lò Văn Cán" in message and "thu hồi" in message


def test_a_certificate_revoked_by_an_ocsp_response_in_the_pdf_fails(root):
    key, cert = root.issue("Lò Văn Cán")
    signed = sign(make_pdf(), root.signer_for(key, cert))
    revoked = with_dss(signed, ocsps=[ocsp_response(root, cert, revoked=True)])
    assert failed(check_signed_pdf(revoked, [root.asn1])) == {"cert_revoked"}


def test_revocation_data_that_vouches_for_the_certificate_passes(root, signer):
    key, cert = root.issue("Lò Văn Cán")
    other_key, other = root.issue("Người khác")
    signed = sign(make_pdf(), root.signer_for(key, cert))
    good = with_dss(
        signed,
        crls=[revocation_list(root, other)],
        ocsps=[ocsp_response(root, cert, revoked=False)],
    )
    report = check_signed_pdf(good, [root.asn1])
    assert report.passed, [check.message for check in report.checks]


# --- Files as other signing tools write them ----------------------------------------------


def with_generation_one_object(data):
    """The PDF with its font object given generation 1 and no free entry before it, as
    poppler (Okular, pdfsig) writes the objects of the revision it signs."""
    data = data.replace(b"5 0 obj", b"5 1 obj").replace(b"/F1 5 0 R", b"/F1 5 1 R")
    head, _, tail = data.rpartition(b" 00000 n \n")
    return head + b" 00001 n \n" + tail


def test_a_file_that_a_strict_reader_refuses_but_viewers_open_is_checked(signer, root):
    writer = IncrementalPdfFileWriter(
        io.BytesIO(with_generation_one_object(make_pdf())), strict=False
    )
    meta = signers.PdfSignatureMetadata(field_name="Chu ky 1")
    data = signers.sign_pdf(writer, meta, signer=signer).getvalue()
    with pytest.raises(PdfStrictReadError):  # what made the check call it "damaged"
        list(PdfFileReader(io.BytesIO(data)).embedded_regular_signatures)
    report = check_signed_pdf(data, [root.asn1])
    assert report.passed, [check.message for check in report.checks]
    assert "unmodified" in codes(report)


def test_bytes_after_the_end_of_the_file_do_not_make_it_damaged(signed_pdf, root):
    padded = signed_pdf + b"\0" * 4096 + b"Signed with a test tool\r\n"
    report = check_signed_pdf(padded, [root.asn1])
    assert report.passed, [check.message for check in report.checks]
    assert "unmodified" in codes(report)  # the trailing bytes are no part of the document


def test_a_change_after_signing_is_still_caught_behind_trailing_bytes(signed_pdf, root):
    changed = change_page_after_signing(signed_pdf) + b"\0" * 4096
    assert failed(check_signed_pdf(changed, [root.asn1])) == {"modified"}


POPPLER_TOOLS = all(shutil.which(tool) for tool in ("pdfsig", "certutil", "pk12util"))


@pytest.mark.skipif(not POPPLER_TOOLS, reason="needs poppler's pdfsig and NSS's certutil")
def test_a_file_signed_by_poppler_pdfsig_passes(root, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _pkcs8, asn1_cert = root.issue("Lò Văn Cán", rsa_key=True)
    cert = x509.load_der_x509_certificate(asn1_cert.dump())
    key = serialization.load_der_private_key(_pkcs8.dump(), None)
    (tmp_path / "signer.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer", key, cert, [root.cert], serialization.BestAvailableEncryption(b"pw")
        )
    )
    nss = f"sql:{tmp_path}"
    for command in (
        ["certutil", "-N", "-d", nss, "--empty-password"],
        ["pk12util", "-i", tmp_path / "signer.p12", "-d", nss, "-W", "pw"],
    ):
        subprocess.run(command, check=True, capture_output=True)
    (tmp_path / "in.pdf").write_bytes(make_pdf())
    subprocess.run(
        ["pdfsig", "-add-signature", "-nssdir", nss, "-nick", "signer", "-digest", "SHA256"]
        + [tmp_path / "in.pdf", tmp_path / "signed.pdf"],
        check=True,
        capture_output=True,
    )
    report = check_signed_pdf((tmp_path / "signed.pdf").read_bytes(), [root.asn1])
    assert report.passed, [check.message for check in report.checks]


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


@pytest.mark.django_db
def test_only_the_latest_files_are_kept_and_every_result_stays(
    client, learner, exercise, signed_pdf, settings, django_capture_on_commit_callbacks
):
    client.login(username=learner.username, password=PASSWORD)
    stored = []
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, exercise, signed_pdf, name="dat.pdf")
        stored.append(SigningSubmission.objects.latest("pk").file.name)
        for number in range(KEPT_FILES + 2):
            upload(client, exercise, b"%PDF-1.7 not signed", name=f"lan-{number}.pdf")
            stored.append(SigningSubmission.objects.latest("pk").file.name)
    submissions = list(SigningSubmission.objects.order_by("pk"))
    assert len(submissions) == KEPT_FILES + 3  # every result is kept
    # The latest five files stay, and the passing one that completes the course.
    in_storage = [(settings.PRIVATE_ROOT / name).exists() for name in stored]
    assert in_storage == [True, False, False] + [True] * KEPT_FILES
    assert [bool(s.file) for s in submissions] == in_storage
    assert submissions[0].passed
    page = client.get(reverse("signing_exercise", args=[exercise.slug])).content.decode()
    assert "lan-0.pdf" in page  # its result is still listed


@pytest.mark.django_db
def test_the_submissions_list_is_paginated_and_bad_pages_do_not_fail(
    client, learner, exercise, django_assert_max_num_queries
):
    def add(count):
        SigningSubmission.objects.bulk_create(
            SigningSubmission(
                exercise=exercise,
                officer=learner.officer,
                original_name=f"tep-{number:03d}.pdf",
                submitted_at=NOW - timedelta(minutes=number),
                checks=[],
            )
            for number in range(SigningSubmission.objects.count(), count)
        )

    client.login(username=learner.username, password=PASSWORD)
    url = reverse("signing_exercise", args=[exercise.slug])
    add(3)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(230)
    with django_assert_max_num_queries(len(few)):  # the same queries for 230 as for 3
        first = client.get(url).content.decode()
    assert "tep-000.pdf" in first and "tep-009.pdf" in first
    assert "tep-010.pdf" not in first
    assert "?page=2" in first
    last = client.get(url, {"page": 23}).content.decode()
    assert "tep-229.pdf" in last and "tep-000.pdf" not in last
    for bad in ("abc", "0", "-1", "9999"):
        response = client.get(url, {"page": bad})
        assert response.status_code == 200, bad
    assert "tep-229.pdf" in client.get(url, {"page": "9999"}).content.decode()
    # Beyond 64 bits the site-wide input guard answers its Vietnamese 400 page first.
    assert client.get(url, {"page": "99999999999999999999999"}).status_code == 400
    assert "tep-000.pdf" in client.get(url, {"page": "abc"}).content.decode()


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
