"""Signing certificate PDFs with the platform's key: PAdES (baseline B-B), SHA-256.

The key, its certificate and the chain above it are PEM files named by the settings
CERTIFICATE_SIGNING_KEY (with _KEY_PASSWORD when the key is encrypted), CERTIFICATE_SIGNING_CERT
and CERTIFICATE_SIGNING_CHAIN. Without them the demo CA in PRIVATE_ROOT/demo-ca/ signs (see
demo_ca.py); with neither, signing refuses unless DEBUG is on, where the demo CA is created.

Signing is offline: no time-stamping authority, no OCSP or CRL fetched, nothing embedded that
would need the network.
"""

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

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


def sign(pdf, signer=None):
    """The PDF (bytes) signed in a new, invisible signature field; returns the signed bytes."""
    signer = signer or load_signer()
    with translation.override("vi"):
        metadata = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            # A certification signature: any later change to the document breaks it.
            certify=True,
            docmdp_permissions=fields.MDPPerm.NO_CHANGES,
            reason=_("Certificate of course completion issued by the Digital skills platform"),
            location=_("Viet Nam"),
        )
    field = fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=0, box=None)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _sign(pdf, metadata, signer, field)
    # pyHanko's synchronous API runs its own event loop, which cannot start inside a running
    # one (an ASGI server): sign in a worker thread instead.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_sign, pdf, metadata, signer, field).result()


def _sign(pdf, metadata, signer, field):
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, metadata, signer=signer, new_field_spec=field).getvalue()
