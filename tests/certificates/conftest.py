"""Certificate fixtures (see fixtures.py); keys are created in the test instance folder on first use."""
from tests.certificates.fixtures import certify, fresh_keys, issued_pdf  # noqa: F401
