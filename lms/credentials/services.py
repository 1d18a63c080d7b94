"""Signing each certificate's credential, and the status lists that revoke them.

No request, no commit: the caller commits (the transaction that issued the certificate, a
download, `lms certificates reconcile`). Concurrency is settled by the database: one credential
per certificate (its primary key) and one certificate per status bit (a unique constraint).
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ..certificates.keys import Keyring, load_keyring
from ..certificates.models import Certificate
from ..certificates.urls import base_url
from ..database import insert_ignoring_conflict
from ..extensions import db
from ..timeutil import utcnow
from .builder import iso_z, unsigned_credential, unsigned_status_list
from .data_integrity import add_proof
from .did import did_web, verification_method_id
from .models import CertificateCredential, StatusList
from .status_list import encode, list_number_for, random_index

log = logging.getLogger(__name__)
#: certificates signed per transaction by build_missing
BATCH = 200


def serialize(document: dict) -> str:
    """The stored and downloaded form: UTF-8 JSON, indented for people who open the file."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def issuer_url() -> str:
    return current_app.config.get("CERTIFICATE_ISSUER_URL") or base_url()


def sign(keyring: Keyring, unsigned: dict) -> dict:
    """`unsigned` with a Data Integrity proof (eddsa-rdfc-2022) by the current key."""
    method = verification_method_id(did_web(base_url()), keyring.current_kid)
    return add_proof(unsigned, keyring.ed25519_private(), created=iso_z(utcnow()), verification_method=method)


def ensure_credential(certificate: Certificate) -> CertificateCredential:
    """The certificate's signed credential, made on first need; the same bytes ever after.

    Raises KeysMissing without signing keys. Flushes, never commits.
    """
    existing = db.session.get(CertificateCredential, certificate.id)
    if existing is not None:
        return existing
    keyring = load_keyring()
    number = list_number_for(certificate.id)
    for _attempt in range(8):
        index = random_index()
        document = sign(keyring, unsigned_credential(certificate, status_list=number, status_index=index,
                                                     issuer_url=issuer_url()))
        credential = CertificateCredential(certificate_id=certificate.id, status_list=number, status_index=index,
                                           document=serialize(document), key_id=keyring.current_kid,
                                           created_at=utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(credential)
                db.session.flush()
        except IntegrityError:
            made = db.session.scalar(select(CertificateCredential).where(
                CertificateCredential.certificate_id == certificate.id).execution_options(populate_existing=True))
            if made is not None:
                return made  # another request signed it first: theirs is the credential
            continue  # the bit was taken: draw another
        if certificate.revoked_at is not None or certificate.withdrawn_at is not None:
            mark_stale(credential.status_list)
        return credential
    raise RuntimeError("no free status bit after 8 draws")  # pragma: no cover - lists fill to half


def mark_stale(number: int) -> None:
    """A certificate on list `number` changed status: the list is signed again when next asked for.

    An upsert, not an UPDATE: when the list's row does not exist yet (nobody asked for the list) it is
    made here, so that a request creating it at the same moment waits for this transaction and then
    reads the new status (see status_list_document). Issuing never touches the row.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(StatusList).values(number=number, revision=1, document=None, updated_at=utcnow())
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["number"],
        set_={"revision": StatusList.revision + 1, "document": None, "updated_at": statement.excluded.updated_at}))


def certificate_status_changed(certificate: Certificate, kind: str | None = None) -> None:
    """The certificate's list is signed again; a certificate withdrawn at its holder's request also loses the
    stored copy of its credential (forget_holder_copy)."""
    credential = db.session.get(CertificateCredential, certificate.id)
    if credential is not None:
        mark_stale(credential.status_list)
        if kind == "withdrawn":
            forget_holder_copy(credential)


#: the stored credential once its holder's account was erased: only what a check compares (the proof value)
REDUCED_KEY = "rawatHolderErased"


def forget_holder_copy(credential: CertificateCredential) -> None:
    """Keep of Rawat's copy of a credential only its proof value, when the holder's account is erased
    (lms/erasure): the copy held their name and a salted hash of their phone or e-mail. The holder's own file
    still checks (verification compares proof values), its status bit stays; nobody can download it again."""
    if is_reduced(credential):
        return
    proof = (json.loads(credential.document).get("proof") or {}).get("proofValue")
    credential.document = serialize({REDUCED_KEY: True, "proof": {"proofValue": proof}})


def is_reduced(credential: CertificateCredential) -> bool:
    return bool(json.loads(credential.document).get(REDUCED_KEY))


def revoked_indexes(number: int) -> set[int]:
    """The bits set in list `number`: its certificates revoked now, or withdrawn at their holder's request (few;
    an index on the list finds them)."""
    return set(db.session.scalars(
        select(CertificateCredential.status_index)
        .join(Certificate, Certificate.id == CertificateCredential.certificate_id)
        .where(CertificateCredential.status_list == number,
               or_(Certificate.revoked_at.is_not(None), Certificate.withdrawn_at.is_not(None)))))


def status_list_document(number: int) -> str | None:
    """The signed status list credential `number` (signed again first when stale); None when no such list.

    The row is made (committed by the caller) on the first request for a list that has credentials.
    The revision is read before the revoked bits: a revocation committed in between raises it, so
    this signature is served but not stored, and the next request signs the newer state.
    """
    row = db.session.scalar(select(StatusList).where(StatusList.number == number)
                            .execution_options(populate_existing=True))
    if row is None:
        if db.session.scalar(select(CertificateCredential.certificate_id)
                             .where(CertificateCredential.status_list == number).limit(1)) is None:
            return None
        insert_ignoring_conflict(StatusList, {"number": number, "revision": 0, "document": None,
                                              "updated_at": utcnow()}, ["number"])
        row = db.session.scalar(select(StatusList).where(StatusList.number == number)
                                .execution_options(populate_existing=True))
    if row.document is not None:
        return row.document
    revision = row.revision
    document = serialize(sign(load_keyring(), unsigned_status_list(number, encode(revoked_indexes(number)),
                                                                   valid_from=utcnow())))
    db.session.execute(update(StatusList).where(StatusList.number == number, StatusList.revision == revision)
                       .values(document=document, updated_at=utcnow()).execution_options(synchronize_session=False))
    return document


def build_missing() -> Iterator[int]:
    """Credentials for every certificate that has none (issued before credentials, or without keys then),
    BATCH at a time: yields how many each batch made, and the caller commits between batches, so that a
    national register is not one huge transaction. Safe to stop and run again.
    """
    after = 0
    while True:
        batch = list(db.session.scalars(
            select(Certificate).outerjoin(CertificateCredential,
                                          CertificateCredential.certificate_id == Certificate.id)
            .where(CertificateCredential.certificate_id.is_(None), Certificate.id > after,
                   Certificate.withdrawn_at.is_(None))
            .order_by(Certificate.id).limit(BATCH)))
        if not batch:
            return
        for certificate in batch:
            ensure_credential(certificate)
        after = batch[-1].id
        yield len(batch)
