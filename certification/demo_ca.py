"""A local demonstration certification authority for signing certificate PDFs.

Made offline with `cryptography`, in PRIVATE_ROOT/demo-ca/ (never served by any URL):

    root-ca.pem        the demo root certificate (the chain given to the signer)
    root-ca-key.pem    its key, kept to issue a new signing certificate when the old one expires
    signing-cert.pem   the platform's signing certificate, issued by the demo root
    signing-key.pem    its key
    root-ca.crl        the root's certificate revocation list (PEM, none revoked), renewed
                       before it runs out, embedded in signed PDFs as validation data (B-LT)

`create_tsa(base)` makes the same kind of CA for the local time-stamping authority (see
tsa_simulator.py), whose certificate is for time stamping only:

    tsa-cert.pem, tsa-key.pem

Signatures made with it are mathematically valid, but no PDF reader trusts the demo root: it is
for development and demonstrations (`manage.py seed_demo` creates it). In production,
CERTIFICATE_SIGNING_KEY, _CERT and _CHAIN name a certificate from a real provider.
"""

import fcntl
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

ROOT_NAME = "Kỹ năng số – CA thử nghiệm (demo)"
SIGNER_NAME = "Kỹ năng số – Ký giấy chứng nhận (thử nghiệm)"
ORGANIZATION = "Nền tảng Kỹ năng số (thử nghiệm)"
ROOT_YEARS = 20
# Decree 68/2024: a new subscriber certificate is valid for at most five years.
SIGNER_YEARS = 5
# A signing certificate this close to its end is replaced by a new one.
RENEW_BEFORE = timedelta(days=30)

ROOT_CERT = "root-ca.pem"
ROOT_KEY = "root-ca-key.pem"
SIGNING_CERT = "signing-cert.pem"
SIGNING_KEY = "signing-key.pem"
ROOT_CRL = "root-ca.crl"
TSA_CERT = "tsa-cert.pem"
TSA_KEY = "tsa-key.pem"
TSA_NAME = "Kỹ năng số – Dấu thời gian (thử nghiệm)"
TSA_ROOT_NAME = "Kỹ năng số – CA dấu thời gian (demo)"
# A CRL is valid this long, and made again when less than half of it is left.
CRL_DAYS = 30


@dataclass(frozen=True)
class SigningMaterial:
    """Where a signing key, its certificate and the chain above it are (PEM files)."""

    key: Path
    cert: Path
    chain: Path | None = None
    password: bytes | None = None
    crls: tuple[Path, ...] = ()


def directory():
    return Path(settings.PRIVATE_ROOT) / "demo-ca"


def material(base=None):
    base = Path(base) if base else directory()
    return SigningMaterial(
        key=base / SIGNING_KEY,
        cert=base / SIGNING_CERT,
        chain=base / ROOT_CERT,
        crls=(base / ROOT_CRL,),
    )


def exists(base=None):
    base = Path(base) if base else directory()
    return all((base / name).is_file() for name in (ROOT_CERT, SIGNING_CERT, SIGNING_KEY))


def create(base=None, now=None):
    """The demo CA's signing material, created when missing (idempotent).

    An existing root is kept; the signing certificate is issued again only when it is missing
    or about to expire.
    """
    base = Path(base) if base else directory()
    now = now or datetime.now(UTC)
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o700)
    with _exclusive(base / ".lock"):
        _create(base, now)
    return material(base)


def _create(base, now, root_name=ROOT_NAME):
    if (base / ROOT_CERT).is_file() and (base / ROOT_KEY).is_file():
        root_key = _read_key(base / ROOT_KEY)
        root_cert = x509.load_pem_x509_certificate((base / ROOT_CERT).read_bytes())
    else:
        root_key, root_cert = _make_root(now, root_name)
        _write_key(base / ROOT_KEY, root_key)
        _write(base / ROOT_CERT, root_cert.public_bytes(serialization.Encoding.PEM))
    if not _signing_cert_usable(base, now):
        key, cert = _make_signer(root_key, root_cert, now)
        _write_key(base / SIGNING_KEY, key)
        _write(base / SIGNING_CERT, cert.public_bytes(serialization.Encoding.PEM))
    if not _crl_usable(base, now):
        _write(base / ROOT_CRL, _make_crl(root_key, root_cert, now))
    return root_key, root_cert


def create_tsa(base, now=None):
    """A demo CA with a time-stamping certificate (tsa-cert.pem, tsa-key.pem), created when
    missing; returns (cert path, key path, root path)."""
    base = Path(base)
    now = now or datetime.now(UTC)
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o700)
    with _exclusive(base / ".lock"):
        root_key, root_cert = _create(base, now, TSA_ROOT_NAME)
        if not (base / TSA_CERT).is_file() or _expires_soon(base / TSA_CERT, now):
            key, cert = _make_signer(
                root_key, root_cert, now, TSA_NAME, ExtendedKeyUsageOID.TIME_STAMPING
            )
            _write_key(base / TSA_KEY, key)
            _write(base / TSA_CERT, cert.public_bytes(serialization.Encoding.PEM))
    return base / TSA_CERT, base / TSA_KEY, base / ROOT_CERT


def _make_crl(root_key, root_cert, now):
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root_cert.subject)
        .last_update(now - timedelta(minutes=5))
        .next_update(now + timedelta(days=CRL_DAYS))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    return crl.public_bytes(serialization.Encoding.PEM)


def _crl_usable(base, now):
    if not (base / ROOT_CRL).is_file():
        return False
    crl = x509.load_pem_x509_crl((base / ROOT_CRL).read_bytes())
    return crl.next_update_utc - timedelta(days=CRL_DAYS / 2) > now


def _expires_soon(path, now):
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return cert.not_valid_after_utc - RENEW_BEFORE <= now


@contextmanager
def _exclusive(path):
    """Two processes creating the CA at once would each make a root: one waits instead."""
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
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


def _make_root(now, root_name=ROOT_NAME):
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = _name(root_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _make_signer(root_key, root_cert, now, name=SIGNER_NAME, usage=None):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    not_after = min(now + timedelta(days=365 * SIGNER_YEARS), root_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
    )
    if usage is not None:  # RFC 3161: a TSA's certificate is for time stamping only, critical
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=True)
    return key, builder.sign(root_key, hashes.SHA256())


def _signing_cert_usable(base, now):
    if not ((base / SIGNING_CERT).is_file() and (base / SIGNING_KEY).is_file()):
        return False
    cert = x509.load_pem_x509_certificate((base / SIGNING_CERT).read_bytes())
    return cert.not_valid_after_utc - RENEW_BEFORE > now


def _read_key(path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _write_key(path, key):
    _write(
        path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        mode=0o600,
    )


def _write(path, data, mode=0o644):
    """Write through a temporary file, so a reader never sees half a key."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
