"""The "Data saya" page, the copy downloaded at once or prepared in the background, its link and its limits."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.personal_data.models import DataExport
from lms.personal_data.tokens import link_token
from lms.timeutil import utcnow
from tests.personal_data.conftest import read_zip

PAGE = "/profil/data-saya"
EXPORT = "/profil/data-saya/unduh"


def test_the_profile_leads_to_the_page_which_tells_what_is_kept(world, sign_in):
    browser = sign_in(world.learners[0], lang="en")
    profile = browser.get("/profil").get_data(as_text=True)
    assert f'href="{PAGE}"' in profile
    page = browser.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for said in ("1 course followed", "2 lessons finished", "2 quiz attempts", "1 observation", "1 group",
                 "1 certificate"):
        assert said in html, said


def test_a_small_copy_is_downloaded_at_once_and_audited(world, sign_in):
    me = world.learners[0]
    browser = sign_in(me, lang="en")
    response = browser.post_form(EXPORT, form_url=PAGE)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    data, summary, _files = read_zip(response.data)
    assert data["profile"]["id"] == me.id
    export = db.session.scalar(select(DataExport).where(DataExport.user_id == me.id))
    assert export.status == "delivered" and export.data is None and export.bytes == len(response.data)
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.data_exported"))
    assert entry.actor_id == me.id and entry.target_id == str(me.id)
    assert entry.details == {"export": export.id, "way": "direct"}  # that it was made, never what it holds


def test_without_the_csrf_token_nothing_is_made(world, sign_in):
    browser = sign_in(world.learners[0], lang="en")
    response = browser.client.post(EXPORT, data={})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 0


def test_three_copies_a_day_then_a_clear_refusal(world, sign_in):
    browser = sign_in(world.learners[0], lang="en")
    for _ in range(3):
        assert browser.post_form(EXPORT, form_url=PAGE).status_code == 200
    refused = browser.post_form(EXPORT, form_url=PAGE)
    assert refused.status_code == 429
    assert "Please try again tomorrow" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 3
    # another person is not held back by it
    assert sign_in(world.learners[1], lang="en").post_form(EXPORT, form_url=PAGE).status_code == 200


def _queue_large(app, browser):
    app.config["PERSONAL_DATA_INLINE_ROWS"] = 5
    app.config["PERSONAL_DATA_BUILD_AFTER_RESPONSE"] = False
    try:
        return browser.post_form(EXPORT, form_url=PAGE)
    finally:
        app.config["PERSONAL_DATA_INLINE_ROWS"] = 2000
        app.config["PERSONAL_DATA_BUILD_AFTER_RESPONSE"] = True


def test_a_large_copy_is_built_by_the_command_and_downloaded_by_its_link(app, world, sign_in, runner):
    me = world.learners[0]
    browser = sign_in(me, lang="en")
    queued = _queue_large(app, browser)
    assert queued.status_code == 302 and queued.headers["Location"].endswith(PAGE)
    export = db.session.scalar(select(DataExport).where(DataExport.user_id == me.id))
    assert export.status == "pending" and export.rows > 5
    assert _queue_large(app, browser).status_code == 302  # asked again: still the one copy
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 1
    assert "being prepared" in browser.get(PAGE).get_data(as_text=True)

    result = runner.invoke(args=["lms", "personal-data", "build"])
    assert result.exit_code == 0, result.output
    assert "Built 1 copy" in result.output
    again = runner.invoke(args=["lms", "personal-data", "build"])  # idempotent: nothing left to do
    assert "Built 0 copies" in again.output
    db.session.expire_all()
    export = db.session.get(DataExport, export.id)
    assert export.status == "ready" and export.expires_at - export.built_at == timedelta(days=7)
    link = f"/profil/data-saya/unduhan/{link_token(export)}"
    assert link in browser.get(PAGE).get_data(as_text=True)
    downloaded = browser.get(link)
    assert downloaded.status_code == 200 and downloaded.mimetype == "application/zip"
    assert read_zip(downloaded.data)[0]["profile"]["id"] == me.id
    assert downloaded.headers["Cache-Control"] == "no-store"


def _ready_copy(app, world, sign_in, runner):
    browser = sign_in(world.learners[0], lang="en")
    _queue_large(app, browser)
    runner.invoke(args=["lms", "personal-data", "build"])
    db.session.expire_all()
    export = db.session.scalar(select(DataExport).where(DataExport.user_id == world.learners[0].id))
    assert export.status == "ready"
    return browser, export


def test_the_link_is_refused_to_anyone_else_when_altered_and_when_too_old(app, world, sign_in, runner, client):
    browser, export = _ready_copy(app, world, sign_in, runner)
    token = link_token(export)
    link = f"/profil/data-saya/unduhan/{token}"
    assert browser.get(link).status_code == 200
    assert sign_in(world.learners[1], lang="en").get(link).status_code == 404  # another learner, the right link
    visitor = client.get(link)
    assert visitor.status_code == 302 and "/masuk" in visitor.headers["Location"]
    for altered in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), token.replace(".", "x", 1), "x" * 300,
                    token + "a"):
        assert browser.get(f"/profil/data-saya/unduhan/{altered}").status_code == 404, altered
    export.built_at = utcnow() - timedelta(days=8)  # a link made 8 days ago, its copy still on the shelf
    db.session.commit()
    old = browser.get(f"/profil/data-saya/unduhan/{link_token(export)}")
    assert old.status_code == 410 and "no longer works" in old.get_data(as_text=True)


def test_expired_copies_are_purged_by_the_command_and_their_link_is_gone(app, world, sign_in, runner):
    browser, export = _ready_copy(app, world, sign_in, runner)
    link = f"/profil/data-saya/unduhan/{link_token(export)}"
    export.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert browser.get(link).status_code == 410
    result = runner.invoke(args=["lms", "personal-data", "build"])
    assert "1 expired purged" in result.output
    db.session.expire_all()
    purged = db.session.get(DataExport, export.id)
    assert purged.status == "expired" and purged.data is None and purged.sha256  # the record stays, the file goes


def test_a_copy_is_built_right_after_the_answer_on_a_small_site(app, world, sign_in):
    browser = sign_in(world.learners[0], lang="en")
    app.config["PERSONAL_DATA_INLINE_ROWS"] = 5
    try:
        response = browser.post_form(EXPORT, form_url=PAGE)
    finally:
        app.config["PERSONAL_DATA_INLINE_ROWS"] = 2000
    export = db.session.scalar(select(DataExport).where(DataExport.user_id == world.learners[0].id))
    response.close()  # the server closes the answer once it is sent: then the copy is built
    db.session.expire_all()
    assert db.session.get(DataExport, export.id).status == "ready"


def test_visitors_are_sent_to_sign_in(client):
    assert "/masuk" in client.get(PAGE).headers["Location"]
    assert client.post(EXPORT).status_code in (302, 400)
