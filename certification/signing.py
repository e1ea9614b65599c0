"""Signing certificate PDFs with the platform's key: PAdES, SHA-256, on a PDF/A-2b document.

The level: B-B; B-T when a time-stamping authority is configured (CERTIFICATE_TSA_URL, RFC
3161, the certificates above the TSA's in CERTIFICATE_TSA_CHAIN); B-LT with it, since the
chain and the revocation data (CERTIFICATE_SIGNING_CRLS, _OCSP: files, never fetched) are
embedded in the document security store whenever the chain is known.

The key, its certificate and the chain above it are PEM files named by the settings
CERTIFICATE_SIGNING_KEY (with _KEY_PASSWORD when the key is encrypted), CERTIFICATE_SIGNING_CERT
and CERTIFICATE_SIGNING_CHAIN. Without them the demo CA in PRIVATE_ROOT/demo-ca/ signs (see
demo_ca.py); with neither, signing refuses unless DEBUG is on, where the demo CA is created.

Signing fetches nothing but the time stamp: no OCSP or CRL is looked up on the network.
"""

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp, pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import ImageCms
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import NS, VENDOR, ExpandedName, XmpStructure, XmpValue
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko_certvalidator import ValidationContext

from . import demo_ca
from .demo_ca import SigningMaterial

logger = logging.getLogger(__name__)

FIELD_NAME = "ChuKySoNenTang"
SETTINGS = ("CERTIFICATE_SIGNING_KEY", "CERTIFICATE_SIGNING_CERT")


def signing_material():
    """Where the signing key and certificates are: the settings', else the demo CA's."""
    key = getattr(settings, "CERTIFICATE_SIGNING_KEY", "")
    cert = getattr(settings, "CERTIFICATE_SIGNING_CERT", "")
    chain = getattr(settings, "CERTIFICATE_SIGNING_CHAIN", "")
    password = getattr(settings, "CERTIFICATE_SIGNING_KEY_PASSWORD", "")
    if key and cert:
        return SigningMaterial(
            key=Path(key),
            cert=Path(cert),
            chain=Path(chain) if chain else None,
            password=password.encode() if password else None,
            crls=tuple(_paths("CERTIFICATE_SIGNING_CRLS")),
        )
    if key or cert or chain:
        missing = [name for name in SETTINGS if not getattr(settings, name, "")]
        raise ImproperlyConfigured(
            f"Certificate signing is half configured: set {' and '.join(missing)} as well "
            "(paths to PEM files)."
        )
    if demo_ca.exists():
        if not settings.DEBUG:
            logger.warning(
                "Signing certificates with the demo CA in %s: no PDF reader trusts it. Set "
                "CERTIFICATE_SIGNING_KEY, CERTIFICATE_SIGNING_CERT and CERTIFICATE_SIGNING_CHAIN.",
                demo_ca.directory(),
            )
        return demo_ca.create()  # renews the demo signing certificate when it runs out
    if settings.DEBUG:
        return demo_ca.create()
    raise ImproperlyConfigured(
        "Certificates cannot be signed: set CERTIFICATE_SIGNING_KEY and CERTIFICATE_SIGNING_CERT "
        "(and CERTIFICATE_SIGNING_CHAIN) to the platform's signing key and certificate (PEM "
        f"files), or, for a demonstration only, create a demo CA in {demo_ca.directory()} with "
        "`manage.py seed_demo`."
    )


def _paths(setting):
    return [
        Path(part.strip()) for part in getattr(settings, setting, "").split(",") if part.strip()
    ]


def _ders(path):
    """The DER objects of a file: PEM (one or more blocks) or DER."""
    data = Path(path).read_bytes()
    if pem.detect(data):
        return [der for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [data]


def validation_context(signer, material=None):
    """What the signature's validation data is made of, from files only: the signer's chain
    (and the TSA's), the CRLs and OCSP responses configured; None without a chain to trust."""
    material = material or signing_material()
    certificates = list(signer.cert_registry)
    for path in _paths("CERTIFICATE_TSA_CHAIN"):
        certificates += [asn1_x509.Certificate.load(der) for der in _ders(path)]
    roots = [cert for cert in certificates if cert.self_signed != "no"]
    if not roots:
        return None
    crls = [asn1_crl.CertificateList.load(der) for path in material.crls for der in _ders(path)]
    responses = [
        ocsp.OCSPResponse.load(der)
        for path in _paths("CERTIFICATE_SIGNING_OCSP")
        for der in _ders(path)
    ]
    return ValidationContext(
        trust_roots=roots,
        other_certs=[cert for cert in certificates if cert not in roots],
        crls=crls,
        ocsps=responses,
        allow_fetching=False,
        # Revocation data is checked where given; a certificate no CRL covers (the TSA's
        # demo one) is not refused for it.
        revocation_mode="soft-fail",
    )


def timestamper():
    url = getattr(settings, "CERTIFICATE_TSA_URL", "")
    return RequestsHTTPTimeStamper(url, timeout=20) if url else None


def load_signer(material=None):
    """pyHanko's signer for the key and certificates; ImproperlyConfigured when unusable."""
    material = material or signing_material()
    for path in (material.key, material.cert, material.chain):
        if path is not None and not Path(path).is_file():
            raise ImproperlyConfigured(f"Certificate signing: {path} does not exist.")
    signer = signers.SimpleSigner.load(
        key_file=str(material.key),
        cert_file=str(material.cert),
        ca_chain_files=(str(material.chain),) if material.chain else None,
        key_passphrase=material.password,
    )
    if signer is None:  # pyHanko logs the reason
        raise ImproperlyConfigured(
            f"Certificate signing: cannot read the key {material.key} or the certificate "
            f"{material.cert} (wrong password, or not PEM/DER files?)."
        )
    return signer


def signer_name(signer):
    """The signing certificate's common name, as printed on the certificate."""
    subject = signer.signing_cert.subject.native
    return subject.get("common_name") or subject.get("organization_name") or ""


def sign(pdf, signer=None, metadata=None):
    """The PDF (bytes) made PDF/A-2b and signed in a new, invisible signature field; returns
    the signed bytes. `metadata`: the document's title, author, subject and creator."""
    signer = signer or load_signer()
    context = validation_context(signer)
    with translation.override("vi"):
        signature = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            # A certification signature: any later change to the document breaks it.
            certify=True,
            docmdp_permissions=fields.MDPPerm.NO_CHANGES,
            reason=_("Certificate of course completion issued by the Digital skills platform"),
            location=_("Viet Nam"),
            embed_validation_info=context is not None,
            validation_context=context,
        )
    field = fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=0, box=None)
    arguments = (pdf, signature, signer, field, timestamper(), metadata or {})
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _sign(*arguments)
    # pyHanko's synchronous API runs its own event loop, which cannot start inside a running
    # one (an ASGI server): sign in a worker thread instead.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_sign, *arguments).result()


def _sign(pdf, signature, signer, field, stamper, metadata):
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    make_pdfa(writer, metadata)
    return signers.sign_pdf(
        writer, signature, signer=signer, timestamper=stamper, new_field_spec=field
    ).getvalue()


@lru_cache(maxsize=1)
def srgb_profile():
    """An sRGB ICC profile (made by Pillow's LittleCMS), for the PDF/A output intent."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def make_pdfa(writer, metadata):
    """PDF/A-2b: an sRGB output intent, and XMP metadata that repeats the document information
    and declares the conformance (fonts are embedded when the PDF is drawn)."""
    meta = writer.document_meta
    meta.title = metadata.get("title")
    meta.author = metadata.get("author")
    meta.subject = metadata.get("subject")
    meta.creator = metadata.get("creator")
    meta.created = datetime.now(UTC)
    # PDF/A: the information dictionary says what the XMP says, nothing more.
    info_reference = writer.trailer.raw_get("/Info")
    info = info_reference.get_object()
    info[generic.NameObject("/Producer")] = generic.TextStringObject(VENDOR)
    # pyHanko would write keywords to XMP as pdf:keywords, not pdf:Keywords: none at all.
    for key in ("/Trapped", "/Keywords"):
        info.pop(key, None)
    writer.mark_update(info_reference)
    meta.xmp_extra = [
        XmpStructure.of(
            (ExpandedName(ns=NS["pdfaid"], local_name="part"), XmpValue("2")),
            (ExpandedName(ns=NS["pdfaid"], local_name="conformance"), XmpValue("B")),
        )
    ]
    profile = generic.StreamObject(
        {generic.NameObject("/N"): generic.NumberObject(3)}, stream_data=srgb_profile()
    )
    profile.compress()
    intent = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/OutputIntent"),
            generic.NameObject("/S"): generic.NameObject("/GTS_PDFA1"),
            generic.NameObject("/OutputConditionIdentifier"): generic.TextStringObject(
                "sRGB IEC61966-2.1"
            ),
            generic.NameObject("/Info"): generic.TextStringObject("sRGB IEC61966-2.1"),
            generic.NameObject("/DestOutputProfile"): writer.add_object(profile),
        }
    )
    writer.root[generic.NameObject("/OutputIntents")] = generic.ArrayObject(
        [writer.add_object(intent)]
    )
    writer.update_root()
