"""Verification fixtures: the certificate fixtures of tests/certificates/fixtures.py.

Keys are created in the test instance folder on first use.
"""
from tests.certificates.fixtures import certify, fresh_keys, issued_pdf  # noqa: F401
