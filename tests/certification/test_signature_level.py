"""The signature outlives the signing certificate: PAdES B-T (an RFC 3161 time stamp from the
configured authority, here the local simulator run as `manage.py tsa_simulator` would run it)
and B-LT (chain and CRL in the document security store, from files), on a PDF/A-2b document."""

import io
import shutil
import subprocess

import pytest
import requests
from asn1crypto import tsp
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from certification import pdf, signing

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdfsig"), reason="poppler-utils missing"),
]


def signed(certificate):
    return pdf.render_signed(certificate)


def pdfsig(data, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def trusted_roots(settings, tsa=None):
    return [
        cert
        for path in [settings.CERTIFICATE_SIGNING_CHAIN, tsa and str(tsa.root)]
        if path
        for cert in (signing.asn1_x509.Certificate.load(der) for der in signing._ders(path))
    ]


def offline_context(settings, tsa=None):
    """A verifier that trusts the roots and may fetch nothing."""
    return ValidationContext(
        trust_roots=trusted_roots(settings, tsa), allow_fetching=False, revocation_mode="soft-fail"
    )


def test_with_a_tsa_the_signature_is_time_stamped(certificate, tsa, settings, tmp_path):
    data = signed(certificate)
    assert tsa.issued >= 1  # pyHanko asks once more to size the signature
    report = pdfsig(data, tmp_path)
    assert "Signature is Valid." in report
    status = validate_pdf_signature(
        PdfFileReader(io.BytesIO(data)).embedded_signatures[0],
        signer_validation_context=offline_context(settings, tsa),
        ts_validation_context=offline_context(settings, tsa),
        key_usage_settings=KeyUsageConstraints(key_usage={"non_repudiation"}),
    )
    assert status.intact and status.valid
    assert status.timestamp_validity is not None and status.timestamp_validity.valid
    assert status.timestamp_validity.trusted


def test_the_validation_data_is_embedded_for_an_offline_check_years_later(
    certificate, tsa, settings
):
    """B-LT: with no network and hard-fail revocation checks, the chain and the CRL in the
    document are enough."""
    data = signed(certificate)
    reader = PdfFileReader(io.BytesIO(data))
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 2 and len(dss["/CRLs"]) >= 1
    from_document = DocumentSecurityStore.read_dss(reader).as_validation_context(
        {
            "trust_roots": trusted_roots(settings, tsa),
            "allow_fetching": False,
            "revocation_mode": "hard-fail",
        }
    )
    status = validate_pdf_signature(
        reader.embedded_signatures[0],
        signer_validation_context=from_document,
        key_usage_settings=KeyUsageConstraints(key_usage={"non_repudiation"}),
    )
    assert status.valid and status.intact and status.trusted


def test_without_a_tsa_there_is_no_time_stamp_and_nothing_is_fetched(certificate, tsa, settings):
    settings.CERTIFICATE_TSA_URL = ""
    data = signed(certificate)
    assert tsa.issued == 0
    status = validate_pdf_signature(
        PdfFileReader(io.BytesIO(data)).embedded_signatures[0],
        signer_validation_context=offline_context(settings),
        key_usage_settings=KeyUsageConstraints(key_usage={"non_repudiation"}),
    )
    assert status.valid and status.timestamp_validity is None


def test_the_pdf_declares_pdfa_2b_with_an_srgb_output_intent(certificate):
    reader = PdfFileReader(io.BytesIO(signed(certificate)))
    xmp = reader.root["/Metadata"].get_object().data.decode()
    assert "pdfaid" in xmp and ">2<" in xmp.replace('"', "><") or 'pdfaid:part="2"' in xmp
    assert "http://www.aiim.org/pdfa/ns/id/" in xmp
    assert "GIẤY CHỨNG NHẬN" in xmp  # the title, as in the document information
    [intent] = reader.root["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.data[36:40] == b"acsp"


def test_the_simulator_answers_rfc_3161_over_http(tsa):
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": b"\x01" * 32,
            },
            "cert_req": True,
        }
    )
    answer = requests.post(
        tsa.url,
        request.dump(),
        headers={"Content-Type": "application/timestamp-query"},
        timeout=10,
    )
    assert answer.headers["Content-Type"] == "application/timestamp-reply"
    assert tsp.TimeStampResp.load(answer.content)["status"]["status"].native == "granted"
    refused = requests.post(
        tsa.url, b"nonsense", headers={"Content-Type": "application/timestamp-query"}, timeout=10
    )
    assert refused.status_code == 400


def test_manage_py_tsa_simulator_serves_time_stamps(tmp_path):
    """The command a demo or a test environment runs (on a port of its own)."""
    import os
    import sys
    import time

    from django.conf import settings as django_settings

    port = 18141
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "tsa_simulator",
            "--port",
            str(port),
            "--directory",
            str(tmp_path),
        ],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "elearning.test_settings"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        banner = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in banner and str(tmp_path / "root-ca.pem") in banner
        request = tsp.TimeStampReq(
            {
                "version": "v1",
                "message_imprint": {
                    "hash_algorithm": {"algorithm": "sha256"},
                    "hashed_message": b"\x02" * 32,
                },
            }
        )
        for _attempt in range(50):
            try:
                answer = requests.post(
                    f"http://127.0.0.1:{port}/",
                    request.dump(),
                    headers={"Content-Type": "application/timestamp-query"},
                    timeout=10,
                )
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert tsp.TimeStampResp.load(answer.content)["status"]["status"].native == "granted"
    finally:
        process.terminate()
        process.wait(timeout=10)
