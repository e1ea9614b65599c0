# Certificates for the revocation tests: the certification tests' own fixtures.
from tests.certification.conftest import (  # noqa: F401
    certificate,
    course,
    holder,
    signing_ca,
    signing_settings,
)
