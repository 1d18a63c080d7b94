"""How long issuing one certificate takes, against a bare reportlab + pyHanko baseline.

    .venv/bin/python bench/certificates.py [COUNT]     (default 200)

Runs standalone on a temporary SQLite database and key folder. Per certificate it
times the whole issue: the record (snapshot, public ID, Ed25519 signature, event, flush),
the PDF (reportlab, QR code, Babel dates), its PAdES signature (pyHanko), storing it
and committing. In the same run, interleaved, it times the baseline: a similar A4
landscape page drawn with bare reportlab (same fonts, texts, a QR code) and signed with
the same pyHanko signer, plus, since every certificate is also an Open Badges credential
(issue #20), a bare eddsa-rdfc-2022 proof of a similar credential made with PyLD and
`cryptography` alone. It prints the median and p95 of both; the goal is a ratio of at most 1.5.
Then it verifies uploaded PDFs as a verifier does: every issued PDF posted to
/verifikasi/pdf through the app (upload, signature and revocation checks, result page), and
the check alone (lms.verification.services.check_pdf).

Then the Open Badges 3.0 credential of each certificate (issue #20): building and signing one
(eddsa-rdfc-2022: JSON-LD canonicalization with PyLD, SHA-256, Ed25519), checking one as a
verifier does (lms.verification.services.check_credential: proof, key, register, status list)
and through POST /api/v1/credentials/verify, and the bytes of the JSON and of the baked badge.

Last, what junk costs (issue #15): 5 MB uploads a stranger can post without an account
(zeros after a PDF header, random bytes, ASCII zeros with a forged ``startxref``, a real
certificate with junk appended, a truncated one, our real signature moved into 5 MB of junk
with a byte range made to fit), each checked a few times, in CPU time (time.process_time):
the check alone and the whole POST. It prints the median and p95 of each and the worst case.
"""
from __future__ import annotations

import io
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL = 1.5
#: a QR code of the same size as the real one, encoded once (the baseline only draws it)
QR_URL = "https://rawat.example.id/verifikasi/RWT-2026-7K3M-9QXH-F?k=rk-20261123-0000&s=" + "A" * 86
QR_MATRIX: list = []
ROOM = [8192]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def bare_page(signer, index: int) -> bytes:
    """The baseline: a similar page drawn with bare reportlab, then signed with pyHanko."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from lms.pdf.canvas import BOLD, REGULAR

    width, height = landscape(A4)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    canvas.setLineWidth(6)
    canvas.rect(18, 18, width - 36, height - 36)
    canvas.setLineWidth(1.2)
    canvas.rect(30, 30, width - 60, height - 60)
    lines = [(BOLD, 13, "RAWAT"), (BOLD, 31, "Sertifikat Pelatihan"), (REGULAR, 13, "diberikan kepada"),
             (BOLD, 34, f"Peserta Pembanding {index}"), (REGULAR, 13, "atas keberhasilan menyelesaikan kursus"),
             (BOLD, 20, "Perawatan Dasar Lansia di Rumah"),
             (REGULAR, 11.5, "16 jam pelajaran (JP) · Versi kursus 2 · Selesai pada 23 November 2026"),
             (BOLD, 11.5, "Berlaku hingga 22 November 2028")]
    y = height - 74
    for font, size, text in lines:
        canvas.setFont(font, size)
        canvas.drawCentredString(width / 2, y, text)
        y -= size + 24
    canvas.line(70, 108, 320, 108)
    for offset, text in enumerate(("Tim Pelatihan Rawat", "Koordinator Pelatihan", "Rawat")):
        canvas.setFont(BOLD if offset == 0 else REGULAR, 12 if offset == 0 else 10)
        canvas.drawString(70, 92 - 14 * offset, text)
    for offset, text in enumerate(("Nomor sertifikat", f"RWT-2026-BASE-{index:04d}-X",
                                   "Periksa keasliannya di", "https://rawat.example.id/verifikasi")):
        canvas.setFont(REGULAR, 9)
        canvas.drawRightString(658, 140 - 18 * offset, text)
    # The QR modules as plain rectangles, from a matrix encoded once outside the timing.
    module = 112 / (len(QR_MATRIX) + 4)
    path = canvas.beginPath()
    for r, row in enumerate(QR_MATRIX):
        for c, dark in enumerate(row):
            if dark:
                path.rect(668 + (2 + c) * module, 50 + 112 - (3 + r) * module, module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    writer = IncrementalPdfFileWriter(io.BytesIO(buffer.getvalue()))
    meta = signers.PdfSignatureMetadata(field_name="Signature", subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256")
    # Same signature settings as the certificates (room reserved up front, see signing.signature_room).
    return signers.PdfSigner(meta, signer=signer).sign_pdf(writer, bytes_reserved=ROOM[0]).getvalue()


BARE_CREDENTIAL: dict = {}


def bare_credential(index: int) -> str:
    """The baseline's credential: a similar OpenBadgeCredential canonicalized by PyLD (the same context
    files, PyLD's own cache), hashed and signed with Ed25519, as the eddsa-rdfc-2022 suite asks."""
    import copy
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from pyld import jsonld

    from lms.credentials.jsonld import CONTEXTS, OB_V3, VC_V2, _context_document

    if not BARE_CREDENTIAL:
        BARE_CREDENTIAL["key"] = Ed25519PrivateKey.generate()
        BARE_CREDENTIAL["loader"] = lambda url, _options=None: {
            "contextUrl": None, "documentUrl": url, "document": _context_document(url), "tag": "static"} \
            if url in CONTEXTS else None
    document = {
        "@context": [VC_V2, OB_V3], "id": f"https://rawat.example.id/verifikasi/{index}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:rawat.example.id", "type": ["Profile"], "name": "Rawat",
                   "url": "https://rawat.example.id",
                   "image": {"id": "https://rawat.example.id/i.png", "type": "Image"}},
        "validFrom": "2026-11-23T17:00:00Z", "validUntil": "2028-11-23T16:59:59Z", "name": "Perawatan Dasar Lansia",
        "credentialSubject": {
            "type": ["AchievementSubject"], "name": f"Peserta {index}",
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": f"Peserta {index}"}],
            "achievement": {"id": "https://rawat.example.id/kursus/bench", "type": ["Achievement"],
                            "name": "Perawatan Dasar Lansia", "description": "-", "criteria": {"narrative": "-"},
                            "creditsAvailable": 16.0, "image": {"id": "https://rawat.example.id/b.png",
                                                                "type": "Image"}}},
        "credentialStatus": {"id": "https://rawat.example.id/s/1#5", "type": "BitstringStatusListEntry",
                             "statusPurpose": "revocation", "statusListIndex": "5",
                             "statusListCredential": "https://rawat.example.id/s/1"},
    }
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-12-03T00:00:00Z",
               "verificationMethod": "did:web:rawat.example.id#k", "proofPurpose": "assertionMethod",
               "@context": document["@context"]}
    settings = {"algorithm": "URDNA2015", "format": "application/n-quads",
                "documentLoader": BARE_CREDENTIAL["loader"]}
    data = hashlib.sha256(jsonld.normalize(options, settings).encode()).digest() + \
        hashlib.sha256(jsonld.normalize(document, settings).encode()).digest()
    secured = copy.deepcopy(document)
    secured["proof"] = dict(options, proofValue=BARE_CREDENTIAL["key"].sign(data).hex())
    return json.dumps(secured)


def main(count: int) -> float:
    import logging

    logging.disable(logging.WARNING)
    from flask_migrate import upgrade

    from lms import create_app
    from lms.accounts.models import User
    from lms.certificates.keygen import init_keys
    from lms.certificates.keys import load_keyring
    from lms.pdf.canvas import register_fonts
    from lms.certificates.services import ensure_document, issue_certificate
    from lms.config import Config
    from lms.courses.models import Course
    from lms.extensions import db

    import segno

    QR_MATRIX[:] = [list(row) for row in segno.make(QR_URL, error="m").matrix]
    folder = Path(tempfile.mkdtemp(prefix="rawat-bench-"))
    app = create_app(Config, instance_path=str(folder), SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.db'}",
                     VERIFICATION_BASE_URL="https://rawat.example.id", RATELIMIT_ENABLED=False)
    with app.app_context():
        upgrade()
        init_keys(app)
        from lms.certificates.signing import signature_room

        signer = load_keyring(app).pdf_signer()
        ROOM[0] = signature_room(load_keyring(app))
        register_fonts()
        course = Course(slug="bench", title="Perawatan Dasar Lansia di Rumah", summary="-", audience="-", hours=16,
                        version=2, certificate_validity_months=24)
        warmup = 5
        users = [User(full_name=f"Peserta Uji Kinerja {n} Sÿlviá O'Brien-Đặng", phone=f"+62812{n:08d}",
                      password_hash="x", locale="id" if n % 2 else "en") for n in range(count + warmup)]
        db.session.add(course)
        db.session.add_all(users)
        db.session.commit()

        issue_times, bare_times, documents, certificate_ids = [], [], [], []
        for n, user in enumerate(users):
            started = time.perf_counter()
            certificate = issue_certificate(user, course)
            document = ensure_document(certificate)
            db.session.commit()
            issued = time.perf_counter() - started
            documents.append(document.data)
            certificate_ids.append(certificate.id)

            started = time.perf_counter()
            bare_page(signer, n)
            bare_credential(n)
            bare = time.perf_counter() - started
            if n >= warmup:
                issue_times.append(issued)
                bare_times.append(bare)

        from lms.verification.services import check_pdf

        check_times, upload_times = [], []
        client = app.test_client()
        page = client.get("/verifikasi").get_data(as_text=True)  # the verifier's form, with its CSRF token
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        for n, data in enumerate(documents):
            with app.test_request_context():
                started = time.perf_counter()
                verdict = check_pdf(data)
                checked = time.perf_counter() - started
            assert verdict.outcome == "genuine", verdict
            started = time.perf_counter()
            response = client.post("/verifikasi/pdf", data={"document": (io.BytesIO(data), "sertifikat.pdf"),
                                                                "csrf_token": token},
                                   content_type="multipart/form-data")
            uploaded = time.perf_counter() - started
            assert response.status_code == 200 and b'data-outcome="genuine"' in response.data, response.status
            if n >= warmup:
                check_times.append(checked)
                upload_times.append(uploaded)

        junk_times = time_junk(app, client, token, documents[0], repeats=max(3, count // 20))
        credential_figures = time_credentials(app, client, certificate_ids[warmup:])

    def show(label, values):
        print(f"{label:<44} median {statistics.median(values) * 1000:7.1f} ms   "
              f"p95 {percentile(values, 0.95) * 1000:7.1f} ms")

    shutil.rmtree(folder, ignore_errors=True)
    print(f"{count} certificates, temporary SQLite database")
    show("issue one (record, PDF, credential, signatures)", issue_times)
    show("bare: reportlab + pyHanko, PyLD + Ed25519", bare_times)
    ratio = statistics.median(issue_times) / statistics.median(bare_times)
    p95_ratio = percentile(issue_times, 0.95) / percentile(bare_times, 0.95)
    verdict = "within" if ratio <= GOAL else "ABOVE"
    print(f"ratio (medians) {ratio:.2f}x, (p95) {p95_ratio:.2f}x — {verdict} the goal of {GOAL}x")
    show("verify an uploaded PDF (POST /verifikasi/pdf)", upload_times)
    show("  of which the check (signature, record)", check_times)
    print(f"\nuploads that cannot be ours, CPU time (time.process_time), {len(junk_times[0][1])} runs each")
    for label, checks, posts in junk_times:
        show(f"check: {label}", checks)
        show("  POST /verifikasi/pdf", posts)
    worst_label, worst_checks, worst_posts = max(junk_times, key=lambda case: percentile(case[2], 0.95))
    print(f"worst case: {worst_label}: check p95 {percentile(worst_checks, 0.95) * 1000:.1f} ms, "
          f"POST p95 {percentile(worst_posts, 0.95) * 1000:.1f} ms of CPU")
    signing, checking, posting, sizes = credential_figures
    print(f"\nOpen Badges 3.0 credentials ({len(signing)} certificates)")
    show("build and sign one credential", signing)
    show("check one (proof, key, register, status list)", checking)
    show("  POST /api/v1/credentials/verify", posting)
    print(f"credential JSON median {statistics.median(sizes[0]):.0f} bytes, baked badge PNG median "
          f"{statistics.median(sizes[1]):.0f} bytes")
    return ratio


def time_credentials(app, client, certificate_ids: list[int]):
    """Sign each certificate's credential again (timed), then check the stored one as a verifier would."""
    from lms.certificates.keys import load_keyring
    from lms.certificates.models import Certificate
    from lms.credentials.badge import badge_png
    from lms.credentials.baking import bake
    from lms.credentials.builder import unsigned_credential
    from lms.credentials.models import CertificateCredential
    from lms.credentials.services import issuer_url, sign
    from lms.extensions import db
    from lms.verification.services import check_credential

    signing, checking, posting, json_sizes, png_sizes = [], [], [], [], []
    keyring = load_keyring(app)
    for certificate_id in certificate_ids:
        with app.test_request_context():
            certificate = db.session.get(Certificate, certificate_id)
            stored = db.session.get(CertificateCredential, certificate_id)
            started = time.perf_counter()
            sign(keyring, unsigned_credential(certificate, status_list=stored.status_list,
                                              status_index=stored.status_index, issuer_url=issuer_url()))
            signing.append(time.perf_counter() - started)
            data = stored.document.encode("utf-8")
            started = time.perf_counter()
            verdict = check_credential(data)
            checking.append(time.perf_counter() - started)
            assert verdict.outcome == "genuine", verdict
            json_sizes.append(len(data))
            png_sizes.append(len(bake(badge_png(certificate.course_title, certificate.issuer), stored.document)))
            db.session.commit()
        started = time.perf_counter()
        response = client.post("/api/v1/credentials/verify", data=data, content_type="application/json")
        posting.append(time.perf_counter() - started)
        assert response.status_code == 200 and response.get_json()["outcome"] == "genuine", response.data
    return signing, checking, posting, (json_sizes, png_sizes)


FIVE_MB = 5 * 1024 * 1024


def _filled(pattern: bytes, size: int) -> bytes:
    return (pattern * (size // len(pattern) + 1))[:size]


def junk_uploads(pdf: bytes) -> list[tuple[str, bytes, str]]:
    """(label, bytes, expected outcome): what a stranger can post, 5 MB each, and two real files."""
    import os

    header = b"%PDF-1.4\n"
    forged_tail = b"\nstartxref\n9\n%%EOF\n"
    return [
        ("5 MB of zero bytes after a header", header + _filled(b"\0", FIVE_MB - len(header)), "not_ours"),
        ("5 MB of random bytes", os.urandom(FIVE_MB), "not_pdf"),
        ("5 MB of random bytes after a header", header + os.urandom(FIVE_MB - len(header)), "not_ours"),
        ("5 MB of ASCII zeros, forged startxref",
         header + _filled(b"0", FIVE_MB - len(header) - len(forged_tail)) + forged_tail, "not_ours"),
        ("a real certificate", pdf, "genuine"),
        ("a real certificate + junk to 5 MB", pdf + _filled(b"\0", FIVE_MB - len(pdf)), "altered"),
        ("real certificate, 10 bytes cut off", pdf[:-10], "altered"),
        ("a real certificate cut in half", pdf[:len(pdf) // 2], "not_ours"),
        ("our signature moved into 5 MB of junk", _signature_in_junk(pdf, FIVE_MB), "altered"),
    ]


def _signature_in_junk(pdf: bytes, size: int) -> bytes:
    """A real certificate's signature in a file of junk, with its byte range and trailer made to fit."""
    pattern = re.compile(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
    byte_range = pattern.search(pdf, pdf.rindex(b"/ByteRange"))
    start, end, _length = (int(value) for value in byte_range.groups())
    junk = b"%" + _filled(b"0", size - len(pdf) - 16) + b"\n"
    shift = len(junk)
    startxref = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf).group(1))
    tail = pdf[end:].replace(f"startxref\n{startxref}\n".encode(), f"startxref\n{startxref + shift}\n".encode())
    fitted = f"/ByteRange [0 {start + shift} {end + shift} {len(tail)}]".encode().ljust(len(byte_range.group(0)))
    return pdf[:9] + junk + pdf[9:end] + tail.replace(byte_range.group(0), fitted)


def time_junk(app, client, token: str, pdf: bytes, *, repeats: int):
    """[(label, check CPU seconds, POST CPU seconds)] for each of junk_uploads()."""
    from lms.verification.services import check_pdf

    results = []
    for label, data, expected in junk_uploads(pdf):
        checks, posts = [], []
        for _ in range(repeats):
            with app.test_request_context():
                started = time.process_time()
                verdict = check_pdf(data)
                checks.append(time.process_time() - started)
            assert verdict.outcome == expected, (label, verdict.outcome)
            started = time.process_time()
            response = client.post("/verifikasi/pdf", data={"document": (io.BytesIO(data), "sertifikat.pdf"),
                                                            "csrf_token": token},
                                   content_type="multipart/form-data")
            posts.append(time.process_time() - started)
            assert response.status_code in (200, 400), (label, response.status_code)
        results.append((label, checks, posts))
    return results


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
