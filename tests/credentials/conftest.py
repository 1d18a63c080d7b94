"""Credential fixtures: the certificate fixtures of tests/certificates/fixtures.py, and credentials.py."""
from tests.certificates.fixtures import certify, fresh_keys, issued_pdf  # noqa: F401
