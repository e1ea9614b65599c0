"""Checking a PDF that a learner signed, for the signing exercise: the one home of pyHanko.

``check_signed_pdf`` returns a report of named checks, each passed or failed, with a message
that tells the learner what is wrong and what to do. The report is stored as JSON (codes and
parameters, not sentences), so it is shown in the language the learner reads it in.

Validation is offline: the platform may run in a closed network and must not call out to the
certificate authorities named in a learner's certificate. The validation context never fetches
(no OCSP, CRL or AIA requests, ``allow_fetching=False``) and checks revocation in "soft-fail"
mode: revocation data embedded in the PDF is not consulted, and missing revocation data is not
an error. This exercise teaches how to sign; it does not decide whether a signature holds in law.
"""

import asyncio
import io
import logging
import re
from base64 import b64decode
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from asn1crypto import x509
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from pyhanko.pdf_utils.crypt import AuthStatus
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

MAX_MEGABYTES = 10
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
# A learner's computer clock may be a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)
# Signing software sets either bit for document signatures; pyHanko's default wants
# non-repudiation only, which some issuers leave out.
SIGNING_KEY_USAGE = {"digital_signature", "non_repudiation"}

MESSAGES = {
    # The file as a whole.
    "too_large": _(
        "The file is larger than %(limit)s MB. Upload only the signed PDF document, "
        "not a scan or an archive."
    ),
    "not_pdf": _(
        "This file is not a PDF document. Upload the PDF file that you signed; its name "
        "ends in .pdf."
    ),
    "unreadable": _(
        "The PDF file is damaged and cannot be read. Open the original document, sign it "
        "again, save it as a new file and upload that file."
    ),
    "encrypted": _(
        "The PDF file is protected with a password, so its signature cannot be checked. "
        "Sign a copy of the document without password protection and upload it."
    ),
    "no_signature": _(
        "The document has no digital signature. Sign it with your digital signature "
        "certificate, save the signed file and upload that file."
    ),
    "signatures_found": ngettext_lazy(
        "The document has %(count)s digital signature.",
        "The document has %(count)s digital signatures; each of them is checked.",
        "count",
    ),
    # One signature.
    "signature_unreadable": _(
        "This signature is damaged or in a format that cannot be checked. Sign the original "
        "document again with your signing software."
    ),
    "signature_valid": _("The signature is mathematically valid for the signer's certificate."),
    "signature_invalid": _(
        "The signature is damaged: it does not match the signer's certificate. Sign the "
        "original document again."
    ),
    "unmodified": _("The document has not been changed since it was signed."),
    "only_signatures_added": _(
        "After this signature only further signatures were added, which does not change "
        "the document."
    ),
    "modified": _(
        "The document was changed after it was signed. Make all changes first, then sign the "
        "final version, and do not edit or re-save the file after signing."
    ),
    "trusted": _(
        "The certificate of %(signer)s was issued by a trusted certification authority (%(root)s)."
    ),
    "untrusted": _(
        "The certificate of %(signer)s (issued by %(issuer)s) does not come from a "
        "certification authority accepted for this exercise. Sign with the certificate "
        "named in the exercise instructions."
    ),
    "cert_expired": _(
        "The certificate of %(signer)s expired on %(not_after)s. Renew your certificate "
        "with its issuer, then sign the document again."
    ),
    "cert_not_yet_valid": _(
        "The certificate of %(signer)s is only valid from %(not_before)s. Sign again once "
        "it is valid, or check the date on your computer."
    ),
    "cert_revoked": _(
        "The certificate of %(signer)s has been revoked and may no longer be used. Ask its "
        "issuer for a new certificate and sign again."
    ),
    "cert_not_for_signing": _(
        "The certificate of %(signer)s is not meant for signing documents (its key usage "
        "does not allow it). Sign with your digital signature certificate."
    ),
    "signing_time_ok": _("Signed on %(time)s, while the certificate was valid."),
    "signing_time_missing": _(
        "The signature does not record when it was made. Sign again with software that "
        "records the signing time (for example by turning on time stamping)."
    ),
    "signing_time_future": _(
        "The signing time (%(time)s) is in the future. Correct the date and time on your "
        "computer, then sign the document again."
    ),
    "signing_time_outside_validity": _(
        "The signing time (%(time)s) is outside the certificate's validity period "
        "(%(not_before)s to %(not_after)s). Sign with a certificate that is valid when you "
        "sign."
    ),
    "timestamp_invalid": _(
        "The signature's time stamp is damaged and cannot be checked. Sign the document again."
    ),
}
# Parameters holding a moment, kept as ISO 8601 text and shown in the reader's time zone.
MOMENTS = {"time", "not_before", "not_after"}


def _show(value, key):
    if key in MOMENTS and isinstance(value, str):
        moment = datetime.fromisoformat(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)
        return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")
    return value


@dataclass
class Check:
    code: str
    ok: bool
    params: dict = field(default_factory=dict)
    signature: str = ""  # the signature field's name; empty for checks of the whole file

    @property
    def message(self):
        params = {key: _show(value, key) for key, value in self.params.items()}
        template = MESSAGES.get(self.code)
        if template is None:  # a code from an older version of this module
            return self.code
        return str(template % params) if params else str(template)

    def as_dict(self):
        return {
            "code": self.code,
            "ok": self.ok,
            "params": self.params,
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            code=data["code"],
            ok=bool(data["ok"]),
            params=data.get("params") or {},
            signature=data.get("signature", ""),
        )


@dataclass
class SignatureReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self):
        return bool(self.checks) and all(check.ok for check in self.checks)

    def as_json(self):
        return [check.as_dict() for check in self.checks]

    @classmethod
    def from_json(cls, data):
        return cls([Check.from_dict(item) for item in data or []])

    def by_signature(self):
        """[(signature name, its checks)] in order; the file's own checks come first, as ""."""
        groups = {}
        for check in self.checks:
            groups.setdefault(check.signature, []).append(check)
        return list(groups.items())


class TrustRootError(ValueError):
    """The trusted roots text is not a list of PEM certificates.

    ``number`` is the 1-based position of the faulty block (None when there is no block);
    ``problem`` is "none", "not_certificate" or "unreadable".
    """

    def __init__(self, problem, number=None):
        self.problem, self.number = problem, number
        super().__init__(f"{problem} (block {number})")


PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END ([A-Z0-9 ]+)-----", re.DOTALL)


def parse_trust_roots(text):
    """The certificates in a text of one or more PEM blocks, read in full."""
    blocks = PEM_BLOCK.findall(text or "")
    if not blocks:
        raise TrustRootError("none")
    certificates = []
    for number, (label, body, end_label) in enumerate(blocks, start=1):
        if label != end_label:
            raise TrustRootError("unreadable", number)
        if label not in ("CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"):
            raise TrustRootError("not_certificate", number)
        try:
            certificate = x509.Certificate.load(b64decode("".join(body.split()), validate=True))
            # asn1crypto parses lazily: read it all now, or a broken one fails later.
            certificate.native["tbs_certificate"]["validity"]["not_after"]
        except Exception:  # binascii, asn1crypto and the like: all mean "not readable"
            raise TrustRootError("unreadable", number) from None
        certificates.append(certificate)
    return certificates


def _fail(code, **params):
    return SignatureReport([Check(code, False, params)])


def _moment(value):
    return value.isoformat() if value else None


def _name(name):
    common = name.native.get("common_name")
    if isinstance(common, list):
        common = ", ".join(common)
    return common or name.human_friendly


def check_signed_pdf(data: bytes, trust_roots, now=None) -> SignatureReport:
    """Check every signature in a PDF against the trusted roots (certificates, or PEM text).

    The document passes when it has at least one signature and every signature is valid,
    covers a document unchanged since, chains to a trusted root, and has a believable time.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _check_signed_pdf(data, trust_roots, now or timezone.now())
    # pyHanko's synchronous API runs its own event loop, which cannot start inside a running
    # one (an ASGI server, a test driving a browser): check in a worker thread instead.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_check_signed_pdf, data, trust_roots, now or timezone.now()).result()


def _check_signed_pdf(data, trust_roots, now):
    if len(data) > MAX_BYTES:
        return _fail("too_large", limit=MAX_MEGABYTES)
    # The header may follow a little junk (ISO 32000 allows readers to look for it).
    if b"%PDF-" not in data[:1024]:
        return _fail("not_pdf")
    roots = parse_trust_roots(trust_roots) if isinstance(trust_roots, str) else list(trust_roots)
    try:
        reader = PdfFileReader(io.BytesIO(data))  # strict: no hybrid-reference tricks
        if reader.encrypted and reader.decrypt("").status == AuthStatus.FAILED:
            return _fail("encrypted")
        every = reader.embedded_signatures
        signatures = reader.embedded_regular_signatures
    except PdfError:
        return _fail("unreadable")
    except Exception:
        # A damaged upload can break the parser in unforeseen ways; the learner only needs
        # to know the file could not be read.
        logger.warning("Unexpected error reading an uploaded PDF", exc_info=True)
        return _fail("unreadable")
    if not signatures:
        return _fail("no_signature")
    # Document time stamps (PAdES-LTA) are no one's signature; they are not checked here,
    # but they are expected updates after a signature.
    signature_fields = {embedded.field_name for embedded in every}
    checks = [Check("signatures_found", True, {"count": len(signatures)})]
    for embedded in signatures:
        checks.extend(_check_signature(embedded, roots, signature_fields, now))
    return SignatureReport(checks)


def _context(roots, now):
    # Offline on purpose (see the module's docstring): nothing is fetched, and revocation is
    # checked in soft-fail mode, so a missing CRL or OCSP response does not fail a learner.
    return ValidationContext(
        trust_roots=list(roots),  # never None: None would mean the system's trust list
        moment=now,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def _check_signature(embedded, roots, signature_fields, now):
    label = embedded.field_name or ""
    try:
        status = validate_pdf_signature(
            embedded,
            signer_validation_context=_context(roots, now),
            key_usage_settings=KeyUsageConstraints(key_usage=SIGNING_KEY_USAGE),
        )
    except Exception:
        logger.info("Signature %r could not be validated", label, exc_info=True)
        return [Check("signature_unreadable", False, signature=label)]
    checks = [
        Check("signature_valid" if status.valid else "signature_invalid", status.valid),
        _modification_check(status, signature_fields),
    ]
    if status.valid:
        checks.append(_trust_check(status, roots, now))
    checks.append(_time_check(status, now))
    for check in checks:
        check.signature = label
    return checks


def _modification_check(status, signature_fields):
    """Unchanged since signing: the signature covers the whole file, or what follows it in
    the file adds only signatures (or their validation data) and changes no content."""
    if not status.intact:  # bytes inside the signed range were changed
        return Check("modified", False)
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return Check("unmodified", True)
    diff = status.diff_result
    harmless = (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and isinstance(diff, DiffResult)
        and status.docmdp_ok
        and (
            diff.modification_level <= ModificationLevel.LTA_UPDATES
            or (
                # Form filling counts only when the "filled" fields are later signatures:
                # a text field filled in after signing changes what the reader sees.
                diff.modification_level == ModificationLevel.FORM_FILLING
                and diff.changed_form_fields <= signature_fields
            )
        )
    )
    return Check("only_signatures_added", True) if harmless else Check("modified", False)


def _trust_check(status, roots, now):
    cert = status.signing_cert
    params = {"signer": _name(cert.subject)}
    path = status.validation_path
    if status.trust_problem_indic is None and path is not None:
        anchor = path.trust_anchor.authority.name
        return Check("trusted", True, {**params, "root": _name(anchor)})
    if status.revoked:
        return Check("cert_revoked", False, params)
    if now > cert.not_valid_after:
        return Check("cert_expired", False, {**params, "not_after": _moment(cert.not_valid_after)})
    if now < cert.not_valid_before:
        return Check(
            "cert_not_yet_valid", False, {**params, "not_before": _moment(cert.not_valid_before)}
        )
    usage = cert.key_usage_value
    if (
        status.trust_problem_indic == AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE
        and usage is not None
        and not (set(usage.native) & SIGNING_KEY_USAGE)
    ):
        return Check("cert_not_for_signing", False, params)
    return Check("untrusted", False, {**params, "issuer": _name(cert.issuer)})


def _time_check(status, now):
    """When the signature was made: a trusted time stamp if there is one, else the time the
    signer's software recorded (a signed attribute, or /M in the signed dictionary)."""
    stamp = status.timestamp_validity
    if stamp is not None and not (stamp.intact and stamp.valid):
        return Check("timestamp_invalid", False)
    if stamp is not None and stamp.trusted:
        signed_at = stamp.timestamp
    else:
        signed_at = status.signer_reported_dt
    if signed_at is None:
        return Check("signing_time_missing", False)
    cert = status.signing_cert
    params = {"time": _moment(signed_at)}
    if signed_at > now + CLOCK_SKEW:
        return Check("signing_time_future", False, params)
    if not cert.not_valid_before <= signed_at <= cert.not_valid_after:
        return Check(
            "signing_time_outside_validity",
            False,
            {
                **params,
                "not_before": _moment(cert.not_valid_before),
                "not_after": _moment(cert.not_valid_after),
            },
        )
    return Check("signing_time_ok", True, params)
