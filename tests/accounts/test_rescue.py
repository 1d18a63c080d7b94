"""Account rescue: one-time reset codes from a care manager, an admin, or by e-mail."""
import re
from datetime import timedelta

from sqlalchemy import select, update

from lms.accounts.models import PasswordResetCode
from lms.audit.models import AuditEntry
from lms.cohorts.services import add_member, create_cohort
from lms.extensions import db
from lms.mail import outbox
from lms.timeutil import utcnow

NEW = "sandi baru yang aman 5"


def issued_code(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    return re.search(r'<p class="join-code">([A-Z0-9-]+)</p>', response.get_data(as_text=True)).group(1)


def use_code(client_browser, code, password=NEW):
    return client_browser.post_form("/atur-ulang-sandi", {"code": code, "new_password": password, "confirm": password})


def test_trainer_issues_a_code_for_a_learner_of_their_group(app, browser, make_user, make_course):
    from tests.conftest import Browser

    trainer = make_user("trainer", phone="+6281300000001")
    learner = make_user(phone="+6281400000001", full_name="Ibu Sari")
    cohort = create_cohort(trainer, "Desa", "", [make_course().id])
    add_member(cohort, learner, actor=trainer)
    db.session.commit()
    browser.login("081300000001")
    code = issued_code(browser.post_form(f"/kelompok/{cohort.id}/anggota/{learner.id}/kode-reset",
                                         {"reason": "lupa kata sandi"}))
    stored = db.session.scalar(select(PasswordResetCode))
    assert stored.code_hash != code.replace("-", "") and len(stored.code_hash) == 64  # only the hash is kept
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.password_reset_issued"))
    assert entry.actor_id == trainer.id and entry.target_label == "Ibu Sari"
    assert entry.details["reason"] == "lupa kata sandi" and entry.details["cohort"] == "Desa"

    learner_browser = Browser(app.test_client())
    assert use_code(learner_browser, code.lower()).status_code == 302
    learner_browser.login("081400000001", NEW)
    # Single use: the same code never works twice.
    again = use_code(Browser(app.test_client()), code, "sandi lain lagi 77")
    assert again.status_code == 400
    text = again.get_data(as_text=True)
    assert "Kode ini tidak bisa dipakai" in text or "does not work" in text


def test_trainer_cannot_issue_for_a_learner_outside_their_groups(browser, make_user, make_course):
    trainer = make_user("trainer", phone="+6281300000001")
    outsider = make_user(phone="+6281400000009")
    cohort = create_cohort(trainer, "Desa", "", [make_course().id])
    db.session.commit()
    browser.login("081300000001")
    response = browser.post_form(f"/kelompok/{cohort.id}/anggota/{outsider.id}/kode-reset",
                                 {"reason": "lupa kata sandi"}, form_url=f"/kelompok/{cohort.id}")
    assert response.status_code == 403
    assert db.session.scalar(select(PasswordResetCode)) is None


def test_expired_code_is_refused(app, browser, make_user):
    make_user("admin", phone="+6281100000001")
    learner = make_user(phone="+6281400000001")
    browser.login("081100000001")
    code = issued_code(browser.post_form(f"/admin/pengguna/{learner.id}/kode-reset", {"reason": "HP baru"}))
    db.session.execute(update(PasswordResetCode).values(created_at=utcnow() - timedelta(hours=9),
                                                        expires_at=utcnow() - timedelta(hours=1)))
    from tests.conftest import Browser

    response = use_code(Browser(app.test_client()), code)
    assert response.status_code == 400


def test_a_new_code_replaces_the_previous_one(app, browser, make_user):
    from tests.conftest import Browser

    make_user("admin", phone="+6281100000001")
    learner = make_user(phone="+6281400000001")
    browser.login("081100000001")
    first = issued_code(browser.post_form(f"/admin/pengguna/{learner.id}/kode-reset", {"reason": "HP baru"}))
    second = issued_code(browser.post_form(f"/admin/pengguna/{learner.id}/kode-reset", {"reason": "HP baru"}))
    assert use_code(Browser(app.test_client()), first).status_code == 400
    assert use_code(Browser(app.test_client()), second).status_code == 302


def test_learner_with_email_resets_by_mail_without_enumeration(app, browser, make_user):
    make_user(email="siti@contoh.id", full_name="Siti")
    outbox().clear()
    known = browser.post_form("/lupa-sandi", {"email": "Siti@Contoh.id"}, follow_redirects=True)
    unknown = browser.post_form("/lupa-sandi", {"email": "orang@lain.id"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    message = "Jika ada akun dengan e-mail ini"
    body_known, body_unknown = known.get_data(as_text=True), unknown.get_data(as_text=True)
    assert (message in body_known) == (message in body_unknown)
    [mail] = outbox()
    assert mail["To"] == "siti@contoh.id"
    link = re.search(r"(http://\S+/atur-ulang-sandi\?kode=[A-Z0-9-]+)", mail.get_content()).group(1)
    from tests.conftest import Browser

    learner = Browser(app.test_client())
    page = learner.get(link.replace("http://localhost", "")).get_data(as_text=True)
    code = re.search(r'name="code"[^>]*value="([A-Z0-9-]+)"|value="([A-Z0-9-]+)"[^>]*name="code"', page)
    assert code
    assert use_code(learner, code.group(1) or code.group(2)).status_code == 302
    learner.login("siti@contoh.id", NEW)


def test_learner_cannot_issue_codes(browser, make_user):
    make_user(phone="+6281400000001")
    other = make_user()
    browser.login("081400000001")
    assert browser.post_form(f"/admin/pengguna/{other.id}/kode-reset", {"reason": "x y z"},
                             form_url="/").status_code == 403


class SlowSmtpServer:
    """A tiny SMTP server on loopback that waits before greeting, like a far-away mail relay."""

    def __init__(self, delay: float):
        import socket
        import threading

        self.delay, self.messages = delay, []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        import time

        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            with connection, connection.makefile("rb") as lines:
                time.sleep(self.delay)
                connection.sendall(b"220 slow.example ESMTP\r\n")
                data = None
                for line in lines:
                    if data is not None:
                        if line == b".\r\n":
                            self.messages.append(b"".join(data).decode())
                            data = None
                            connection.sendall(b"250 queued\r\n")
                        else:
                            data.append(line)
                        continue
                    verb = line[:4].upper()
                    if verb == b"DATA":
                        data = []
                        connection.sendall(b"354 go on\r\n")
                    elif verb == b"QUIT":
                        connection.sendall(b"221 bye\r\n")
                        break
                    else:
                        connection.sendall(b"250 ok\r\n")

    def close(self):
        self.sock.close()


def test_forgot_password_answers_as_fast_for_a_known_address_as_for_an_unknown_one(app, browser, make_user):
    """The mail goes out in the background: a slow mail server cannot tell who has an account."""
    import time

    make_user(email="siti@contoh.id")
    server = SlowSmtpServer(delay=1.5)
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False)
    try:
        timings = {}
        for email in ("siti@contoh.id", "tidak.ada@contoh.id"):
            started = time.perf_counter()
            response = browser.post_form("/lupa-sandi", {"email": email})
            timings[email] = time.perf_counter() - started
            assert response.status_code == 302
        assert max(timings.values()) < 1.0, timings  # neither waited for the 1.5 s greeting
        deadline = time.monotonic() + 10
        while not server.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        app.config.update(saved)
        server.close()
    [message] = server.messages
    assert "siti@contoh.id" in message and "/atur-ulang-sandi?kode=" in message
