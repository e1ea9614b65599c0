"""Checking a PDF that a learner signed, for the signing exercise: the one home of pyHanko.

``check_signed_pdf`` returns a report of named checks, each passed or failed, with a message
that tells the learner what is wrong and what to do. The report is stored as JSON (codes and
parameters, not sentences), so it is shown in the language the learner reads it in.

Validation is offline: the platform may run in a closed network and must not call out to the
certificate authorities named in a learner's certificate. The validation context never fetches
(no OCSP, CRL or AIA requests, ``allow_fetching=False``); it checks revocation against what the
PDF carries (CRLs and OCSP responses in its Document Security Store, as PAdES-LT signing tools
add them) in "soft-fail" mode: a certificate that names where its status is published (as every
CA's does) and that such data shows revoked fails; missing revocation data is not an error. This
exercise teaches how to sign; it does not decide whether a signature holds in law.

Files are read strictly first and leniently when that fails: signing tools such as poppler
(Okular, pdfsig) write files a strict reader refuses (an object's generation 1 with no free
entry before it) that every PDF viewer opens. What decides is the signature itself: its digest
over the signed bytes, and what the file adds after them. Bytes after the last ``%%EOF`` are no
part of any revision, no viewer shows them, and they are dropped before reading.
"""

import asyncio
import io
import logging
import re
from base64 import b64decode
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from asn1crypto import algos, x509
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from pyhanko.pdf_utils.crypt import AuthStatus
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy

logger = logging.getLogger(__name__)

MAX_MEGABYTES = 10
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
# A learner's computer clock may be a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)
# Signing software sets either bit for document signatures; pyHanko's default wants
# non-repudiation only, which some issuers leave out.
SIGNING_KEY_USAGE = {"digital_signature", "non_repudiation"}
# pyHanko's own default, stated here because the messages below name its two limits: MD5 and
# SHA-1 digests are weak, and RSA keys must have at least 2,048 bits.
ALGORITHM_POLICY = DisallowWeakAlgorithmsPolicy()
DIGEST_NAMES = {"md2": "MD2", "md5": "MD5", "sha1": "SHA-1"}
CRYPTO_FAILURES = {
    AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE,
    AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
}

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
    "digest_mismatch": _(
        "The document was changed after it was signed: its content no longer matches the "
        "signature. Sign the original document again, and do not edit or re-save the file "
        "after signing."
    ),
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
    "weak_digest": _(
        "The signature uses the %(algorithm)s hash algorithm, which is no longer secure. In "
        "your signing software's settings choose SHA-256 as the hash algorithm, then sign "
        "the document again. Your certificate can stay as it is."
    ),
    "weak_key": _(
        "The certificate of %(signer)s has an RSA key of only %(bits)s bits, which is too "
        "short to be secure (at least %(minimum)s bits are needed). No setting in the signing "
        "software can change this: ask %(issuer)s to renew the certificate with a new RSA key "
        "of at least %(minimum)s bits, then sign with the new certificate."
    ),
    "weak_certificate": _(
        "The certificate of %(signer)s was issued with an algorithm that is no longer secure "
        "(such as SHA-1, or a short RSA key in its chain). No setting in the signing software "
        "can change this: ask %(issuer)s for a new certificate, then sign with it."
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
    data = _up_to_last_end_of_file(data)
    try:
        try:
            reader, every, signatures = _open(data, strict=True)
        except PdfError:
            reader, every, signatures = _open(data, strict=False)
    except PasswordProtected:
        return _fail("encrypted")
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
    store = _document_security_store(reader)
    checks = [Check("signatures_found", True, {"count": len(signatures)})]
    for embedded in signatures:
        checks.extend(_check_signature(embedded, roots, store, signature_fields, now))
    return SignatureReport(checks)


END_OF_FILE = re.compile(rb"%%EOF[\r\n]{0,2}")


def _up_to_last_end_of_file(data):
    # pyHanko looks for the marker only in the last kilobyte; padding or a tool's note after
    # it hides the marker from pyHanko, but not from viewers.
    ends = list(END_OF_FILE.finditer(data))
    return data[: ends[-1].end()] if ends else data


class PasswordProtected(Exception):
    pass


def _open(data, strict):
    """The reader and the file's signatures (all, and those that are not time stamps)."""
    reader = PdfFileReader(io.BytesIO(data), strict=strict)
    if reader.encrypted and reader.decrypt("").status == AuthStatus.FAILED:
        raise PasswordProtected
    return reader, reader.embedded_signatures, reader.embedded_regular_signatures


def _document_security_store(reader):
    """The PDF's Document Security Store (PAdES validation data), or None."""
    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None
    except Exception:  # a damaged store: the signatures are checked without it
        logger.info("Unreadable Document Security Store in an uploaded PDF", exc_info=True)
        return None


def _context(roots, now, store=None):
    # Offline on purpose (see the module's docstring): nothing is fetched, and revocation is
    # checked in soft-fail mode against the data the PDF carries, so a missing CRL or OCSP
    # response does not fail a learner but a revoked certificate does.
    settings = {
        "trust_roots": list(roots),  # never None: None would mean the system's trust list
        "moment": now,
        "allow_fetching": False,
        "revocation_mode": "soft-fail",
        "algorithm_usage_policy": ALGORITHM_POLICY,
    }
    if store is None:
        return ValidationContext(**settings)
    return store.as_validation_context(settings)


def _check_signature(embedded, roots, store, signature_fields, now):
    label = embedded.field_name or ""
    try:
        status = validate_pdf_signature(
            embedded,
            signer_validation_context=_context(roots, now, store),
            key_usage_settings=KeyUsageConstraints(key_usage=SIGNING_KEY_USAGE),
        )
    except Exception:
        logger.info("Signature %r could not be validated", label, exc_info=True)
        return [Check("signature_unreadable", False, signature=label)]
    if not status.intact:
        # The digest over the signed bytes differs: whatever the signature's own validity,
        # the document is not the one that was signed.
        checks = [Check("digest_mismatch", False)]
    else:
        checks = [
            Check("signature_valid" if status.valid else "signature_invalid", status.valid),
            _modification_check(status, signature_fields),
        ]
    if status.valid and status.intact:
        checks.append(_trust_check(status, roots, now))
    checks.append(_time_check(status, now))
    for check in checks:
        check.signature = label
    return checks


def _modification_check(status, signature_fields):
    """Unchanged since signing: the signature covers the whole file, or what follows it in
    the file adds only signatures (or their validation data) and changes no content."""
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
    if status.trust_problem_indic in CRYPTO_FAILURES:
        return _weak_algorithm_check(status, params)
    usage = cert.key_usage_value
    if (
        status.trust_problem_indic == AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE
        and usage is not None
        and not (set(usage.native) & SIGNING_KEY_USAGE)
    ):
        return Check("cert_not_for_signing", False, params)
    return Check("untrusted", False, {**params, "issuer": _name(cert.issuer)})


def _weak_algorithm_check(status, params):
    """Which algorithm the policy refused, and so who can fix it: the hash algorithm is a
    setting of the signing software; a key's length is fixed in the certificate, and so is
    the algorithm the issuer signed the certificate with."""
    cert = status.signing_cert
    params = {**params, "issuer": _name(cert.issuer)}
    key = cert.public_key
    if key.algorithm == "rsa" and key.bit_size < ALGORITHM_POLICY.rsa_key_size_threshold:
        return Check(
            "weak_key",
            False,
            {**params, "bits": key.bit_size, "minimum": ALGORITHM_POLICY.rsa_key_size_threshold},
        )
    digests = {status.md_algorithm}
    try:
        mechanism = algos.SignedDigestAlgorithm({"algorithm": status.pkcs7_signature_mechanism})
        digests.add(mechanism.hash_algo)
    except ValueError:  # a mechanism that names no hash (RSASSA-PSS, EdDSA)
        pass
    weak = sorted(digests & ALGORITHM_POLICY.weak_hash_algos)
    if weak:
        return Check("weak_digest", False, {"algorithm": DIGEST_NAMES.get(weak[0], weak[0])})
    return Check("weak_certificate", False, params)


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
