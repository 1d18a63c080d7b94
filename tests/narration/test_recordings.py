"""A trainer records a lesson, the server checks and converts it, learners stream it (issue #24)."""
from __future__ import annotations

import json
import re
import subprocess

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.courses.models import Course, Lesson, LessonNarration
from lms.extensions import db

from .conftest import PNG_HEADER, damaged, speech_like_wav, upload

LESSON = "/kursus/kursus-suara/materi/pelajaran-a"


def narrations() -> list[LessonNarration]:
    return list(db.session.scalars(select(LessonNarration).order_by(LessonNarration.id)))


def audio_url(page: str) -> str:
    return re.search(r'<source src="([^"]+)" type="audio/ogg; codecs=opus">', page).group(1).replace("&amp;", "&")


def ffprobe(data: bytes, tmp_path) -> dict:
    path = tmp_path / "served.ogg"
    path.write_bytes(data)
    result = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
                             str(path)], capture_output=True, check=True, timeout=30)
    return json.loads(result.stdout)


def test_a_recording_is_converted_to_opus_and_streamed_with_ranges(published, trainer, sign_in, client, recording,
                                                                    tmp_path):
    draft, _course = published
    author = sign_in(trainer, lang="en")
    response = upload(author, draft, "pelajaran-a", recording, language="jv")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    (stored,) = narrations()
    assert stored.language == "jv" and stored.content_type == "audio/ogg"
    assert stored.size < len(recording) / 5  # 160 KB of WAV becomes a few KB of speech-quality Opus
    assert 4900 <= stored.duration_ms <= 5100
    assert "The recording has been saved" in author.get(response.headers["Location"]).get_data(as_text=True)

    # a visitor reads the lesson: the recording, its language and size before playing, never preloaded
    client.set_cookie("lang", "en")
    page = client.get(LESSON).get_data(as_text=True)
    size_kb = max(1, round(stored.size / 1024))
    assert f"Voice recording · Javanese · {size_kb} KB" in page
    assert re.search(r'<audio controls preload="none" aria-labelledby="narration-\d+">', page)
    url = audio_url(page)
    assert url.endswith(f"?v={stored.sha256[:12]}")

    whole = client.get(url)
    assert whole.status_code == 200
    assert whole.headers["Content-Type"] == "audio/ogg"
    assert int(whole.headers["Content-Length"]) == stored.size == len(whole.data)
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert "immutable" in whole.headers["Cache-Control"]
    assert whole.data.startswith(b"OggS") and b"OpusHead" in whole.data[:200]
    info = ffprobe(whole.data, tmp_path)
    (stream,) = info["streams"]
    assert (stream["codec_name"], stream["channels"]) == ("opus", 1)
    assert 4.9 <= float(info["format"]["duration"]) <= 5.1
    assert int(info["format"]["bit_rate"]) < 32_000  # speech quality: about 20 kbit/s

    part = client.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 0-99/{stored.size}"
    assert part.headers["Content-Length"] == "100" and part.data == whole.data[:100]
    tail = client.get(url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.data == whole.data[-50:]
    beyond = client.get(url, headers={"Range": f"bytes={stored.size + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{stored.size}"

    again = client.get(url, headers={"If-None-Match": f'"{stored.sha256}"'})
    assert again.status_code == 304 and not again.data
    unversioned = client.get(url.split("?")[0])
    assert unversioned.status_code == 200 and "immutable" not in unversioned.headers["Cache-Control"]
    assert client.get(url.replace(f"/rekaman/{stored.id}.ogg", f"/rekaman/{stored.id + 99}.ogg")).status_code == 404
    # the URL names its lesson: another lesson of the course does not serve this recording
    assert client.get(url.replace("pelajaran-a", "pelajaran-b")).status_code == 404


@pytest.mark.parametrize("name, make, expected", [
    ("picture.mp3", lambda wav: PNG_HEADER + bytes(range(256)) * 8, "This file is not a sound recording"),
    ("notes.mp3", lambda wav: b"Ini bukan rekaman suara, hanya tulisan.\n" * 50, "This file is not a sound recording"),
    ("broken.mp3", lambda wav: b"ID3\x03\x00\x00\x00\x00\x00\x00" + damaged(bytes(20000)), "This recording is damaged"),
    ("broken.wav", lambda wav: wav[:200] + damaged(wav[200:20000], seed=3)[6000:], "This recording is damaged"),
    ("empty.wav", lambda wav: b"", "The file is empty."),
    ("blip.wav", lambda wav: speech_like_wav(0.4), "shorter than one second"),
])
def test_uploads_that_are_no_usable_recording_are_refused_with_a_reason(published, trainer, sign_in, recording,
                                                                        name, make, expected):
    draft, _course = published
    author = sign_in(trainer, lang="en")
    response = upload(author, draft, "pelajaran-a", make(recording), filename=name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert expected in page, page[-4000:]
    assert 'aria-invalid="true"' in page  # the file field is marked, the form is shown again
    assert narrations() == []


def test_a_damaged_copy_of_a_real_recording_is_refused(published, trainer, sign_in, recording, app):
    """A recording whose middle was overwritten (Ogg pages fail their checksum) is not stored half-played."""
    draft, course = published
    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording, language="id").status_code == 302
    good = db.session.scalar(select(LessonNarration.data))
    response = upload(author, draft, "pelajaran-b", damaged(good), filename="salinan.ogg")
    assert response.status_code == 400
    assert "This recording is damaged" in response.get_data(as_text=True)
    assert len(narrations()) == 1


def test_an_over_long_recording_is_refused(published, trainer, sign_in, app, monkeypatch):
    monkeypatch.setitem(app.config, "NARRATION_MAX_MINUTES", 0.05)  # three seconds
    draft, _course = published
    author = sign_in(trainer, lang="en")
    response = upload(author, draft, "pelajaran-a", speech_like_wav(4))
    assert response.status_code == 400
    assert "The recording is longer than 0.1 minutes" in response.get_data(as_text=True)  # 0.05 as the page rounds it
    assert narrations() == []


def test_a_recording_past_the_byte_limit_gets_a_clear_message_not_an_error(published, trainer, sign_in, app,
                                                                           monkeypatch, recording):
    draft, _course = published
    author = sign_in(trainer, lang="en")
    monkeypatch.setitem(app.config, "NARRATION_MAX_BYTES", 40_000)
    # past the limit but inside the request's allowance: read, then refused
    response = upload(author, draft, "pelajaran-a", recording[:60_000])
    assert response.status_code == 400
    assert "The recording is larger than 39 KB" in response.get_data(as_text=True)
    # far past it: the request itself is refused before it is read (413), and the page says why
    response = upload(author, draft, "pelajaran-a", speech_like_wav(8), follow_redirects=True)
    assert response.status_code == 200
    assert "The recording is larger than 39 KB" in response.get_data(as_text=True)
    assert narrations() == []


def test_a_server_without_ffmpeg_says_so_instead_of_failing(published, trainer, sign_in, app, monkeypatch, recording):
    monkeypatch.setitem(app.config, "FFMPEG", "/nonexistent/ffmpeg")
    draft, _course = published
    author = sign_in(trainer, lang="en")
    page = author.get(f"/tulis/{draft.id}/rekaman/pelajaran-a").get_data(as_text=True)
    assert "Recordings cannot be converted on this server, because the ffmpeg program is not installed" in page
    assert 'type="file"' not in page
    response = upload(author, draft, "pelajaran-a", recording, follow_redirects=True)
    assert response.status_code == 400
    assert "the ffmpeg program is not installed" in response.get_data(as_text=True)
    assert narrations() == []


def test_one_recording_per_language_a_new_one_replaces_it(published, trainer, sign_in, recording, client):
    draft, _course = published
    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording, language="jv").status_code == 302
    assert upload(author, draft, "pelajaran-a", recording, language="id").status_code == 302
    first_jv = {n.language: (n.id, n.sha256) for n in narrations()}["jv"]
    assert upload(author, draft, "pelajaran-a", speech_like_wav(3), language="jv").status_code == 302
    stored = {n.language: n for n in narrations()}
    assert sorted(stored) == ["id", "jv"]
    assert stored["jv"].id == first_jv[0] and stored["jv"].sha256 != first_jv[1]  # a new URL for the new bytes
    client.set_cookie("lang", "en")
    page = client.get(LESSON).get_data(as_text=True)
    assert page.index("Voice recording · Indonesian") < page.index("Voice recording · Javanese")
    assert f"v={stored['jv'].sha256[:12]}" in page and f"v={first_jv[1][:12]}" not in page
    bad = upload(author, draft, "pelajaran-a", recording, language="xx")
    assert bad.status_code == 400 and len(narrations()) == 2


def test_a_changed_lesson_says_its_recording_may_be_out_of_date_until_confirmed(published, trainer, sign_in,
                                                                                  recording, client):
    from lms.authoring import editing
    from lms.authoring.services import publish, start_draft

    draft, course = published
    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording, language="su").status_code == 302
    client.set_cookie("lang", "en")
    assert "may be out of date" not in client.get(LESSON).get_data(as_text=True)

    start_draft(draft, trainer)
    editing.save_lesson(draft, trainer, "pelajaran-a", title="Pelajaran A", minutes=5,
                        body="Isi pelajaran A yang baru: cuci tangan dua puluh detik.\n")
    publish(draft, trainer)
    db.session.commit()
    assert "the recording may be out of date" in client.get(LESSON).get_data(as_text=True)
    page = author.get(f"/tulis/{draft.id}/rekaman/pelajaran-a").get_data(as_text=True)
    assert "The lesson was changed after this recording was made (for version 1)" in page
    listing = author.get(f"/tulis/{draft.id}/rekaman").get_data(as_text=True)
    assert "may be out of date" in listing

    (narration,) = narrations()
    before = db.session.get(Course, course.id).updated_at
    response = author.post_form(f"/tulis/{draft.id}/rekaman/pelajaran-a/{narration.id}/cocok",
                                form_url=f"/tulis/{draft.id}/rekaman/pelajaran-a")
    assert response.status_code == 302
    assert "may be out of date" not in client.get(LESSON).get_data(as_text=True)
    assert "Matches the lesson" in author.get(f"/tulis/{draft.id}/rekaman/pelajaran-a").get_data(as_text=True)
    stored = db.session.get(LessonNarration, narration.id)
    assert stored.course_version == 2 and stored.confirmed_at is not None
    assert db.session.get(Course, course.id).updated_at > before  # saved copies see the change


def test_removing_a_recording(published, trainer, sign_in, recording, client):
    draft, _course = published
    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording).status_code == 302
    (narration,) = narrations()
    url = audio_url(client.get(LESSON).get_data(as_text=True))
    remove = f"/tulis/{draft.id}/rekaman/pelajaran-a/{narration.id}/hapus"
    assert "Remove the recording in Javanese" in author.get(remove).get_data(as_text=True)
    assert author.post_form(remove).status_code == 302
    assert narrations() == []
    assert client.get(url).status_code == 404
    assert "Voice recording" not in client.get(LESSON).get_data(as_text=True)


def test_the_audio_follows_the_lessons_own_access_rule(published, trainer, sign_in, recording, client):
    draft, course = published
    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording).status_code == 302
    url = audio_url(client.get(LESSON).get_data(as_text=True))
    assert client.get(url).status_code == 200  # a lesson is readable without an account: so is its recording
    db.session.get(Course, course.id).is_published = False
    db.session.commit()
    assert client.get(LESSON).status_code == 404
    assert client.get(url).status_code == 404
    assert author.get(url).status_code == 200  # trainers see unpublished courses


PAGES = ["/rekaman", "/rekaman/pelajaran-a"]


def _actions(narration_id):
    return [f"/rekaman/pelajaran-a/{narration_id}/cocok", f"/rekaman/pelajaran-a/{narration_id}/hapus"]


def test_only_the_courses_authors_and_admins_manage_recordings(published, trainer, sign_in, recording, browser,
                                                               make_user):
    draft, _course = published
    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording).status_code == 302
    (narration,) = narrations()
    other = sign_in(Role.TRAINER, lang="en")
    learner = sign_in(Role.LEARNER, lang="en")
    for path in PAGES + [_actions(narration.id)[1]]:
        assert other.get(f"/tulis/{draft.id}{path}").status_code == 403, path
        assert learner.get(f"/tulis/{draft.id}{path}").status_code == 403, path
        visitor = browser.get(f"/tulis/{draft.id}{path}")
        assert visitor.status_code == 302 and visitor.headers["Location"].startswith("/masuk"), path
    for path in _actions(narration.id):
        assert other.post_form(f"/tulis/{draft.id}{path}", form_url="/tulis").status_code == 403, path
    assert upload(other, draft, "pelajaran-b", recording).status_code == 403
    assert len(narrations()) == 1
    admin = sign_in(Role.ADMIN, lang="en")
    for path in PAGES:
        assert admin.get(f"/tulis/{draft.id}{path}").status_code == 200, path
    assert upload(admin, draft, "pelajaran-b", recording).status_code == 302
    assert db.session.scalar(select(func.count(LessonNarration.id))) == 2


def test_every_post_needs_its_csrf_token(published, trainer, sign_in, recording):
    import io

    draft, _course = published
    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording).status_code == 302
    (narration,) = narrations()
    bare = author.client.post(f"/tulis/{draft.id}/rekaman/pelajaran-b", data={
        "language": "id", "file": (io.BytesIO(recording), "a.wav")}, content_type="multipart/form-data")
    assert bare.status_code == 400
    for path in _actions(narration.id):
        assert author.client.post(f"/tulis/{draft.id}{path}").status_code == 400, path
    assert len(narrations()) == 1


def test_a_lesson_not_published_yet_has_no_recording_page(published, trainer, sign_in):
    draft, _course = published
    author = sign_in(trainer, lang="en")
    assert author.get(f"/tulis/{draft.id}/rekaman/pelajaran-baru").status_code == 404
    assert db.session.scalar(select(func.count(Lesson.id)).where(Lesson.slug == "pelajaran-baru")) == 0


def test_the_recording_page_may_use_the_microphone_and_other_pages_may_not(published, trainer, sign_in):
    draft, _course = published
    author = sign_in(trainer, lang="en")
    page = author.get(f"/tulis/{draft.id}/rekaman/pelajaran-a")
    assert "microphone=(self)" in page.headers["Permissions-Policy"]
    assert "media-src 'self' blob:" in page.headers["Content-Security-Policy"]  # hearing it before sending it
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "record.js" in page.get_data(as_text=True)
    assert "microphone=()" in author.get(f"/tulis/{draft.id}").headers["Permissions-Policy"]


def test_hostile_requests_for_a_recording_get_4xx_never_a_500(published, trainer, sign_in, client, recording):
    """Odd Range headers, another lesson's recording, ids out of range, an unknown language: answers, no errors."""
    draft, _course = published
    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording, language="jv").status_code == 302
    url = audio_url(client.get(LESSON).get_data(as_text=True))
    path = url.split("?", 1)[0]
    for header in ("bytes=abc", "bytes=5-2", "items=0-10", "bytes=" + "9" * 40 + "-", "bytes=-0", "bytes=0-0,1-1"):
        answer = client.get(path, headers={"Range": header})
        assert answer.status_code in (200, 206, 416), (header, answer.status_code)
    other_lesson = path.replace("pelajaran-a", "pelajaran-b")
    assert client.get(other_lesson).status_code == 404
    for narration_id in ("0", "99999999999999999999", "-1", "1x"):
        assert client.get(path.rsplit("/", 1)[0] + f"/{narration_id}.ogg").status_code == 404, narration_id
    refused = upload(author, draft, "pelajaran-a", recording, language="xx")
    assert refused.status_code == 400


def test_saving_confirming_and_removing_a_recording_are_in_the_audit_log(published, trainer, sign_in, recording,
                                                                         make_user):
    from lms.audit.models import AuditEntry

    draft, course = published
    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording, language="jv").status_code == 302
    (narration,) = narrations()
    page = f"/tulis/{draft.id}/rekaman/pelajaran-a"
    assert author.post_form(f"{page}/{narration.id}/cocok", form_url=page).status_code == 302
    assert author.post_form(f"{page}/{narration.id}/hapus").status_code == 302
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("narration.%"))
                                      .order_by(AuditEntry.id)))
    assert [entry.action for entry in entries] == ["narration.saved", "narration.confirmed", "narration.removed"]
    assert {(entry.actor_id, entry.target_type, entry.target_label) for entry in entries} == {
        (trainer.id, "lesson", "Pelajaran A")}
    assert entries[0].details["language"] == "jv" and entries[0].details["seconds"] == 5
    log = sign_in("admin", lang="en").get("/admin/audit").get_data(as_text=True)
    assert "Lesson recording saved" in log and "Lesson recording removed" in log
    assert f"Course {course.slug}, recording in the language jv." in log
    assert "5 seconds," in log and "Matches the lesson of version 1." in log
    indonesian = sign_in("admin", lang="id").get("/admin/audit").get_data(as_text=True)
    assert "Rekaman suara pelajaran disimpan" in indonesian and "5 detik," in indonesian
