"""The learner's side of narrations without a browser: the offline copy (audio only when chosen), the listen
control's script and words, and a lesson page that works without JavaScript."""
from __future__ import annotations

import json
import re
from html import unescape

from sqlalchemy import select

from lms.courses.models import LessonNarration
from lms.extensions import db

from .conftest import upload

COURSE = "/kursus/kursus-suara"


def test_the_offline_copy_holds_the_recordings_only_when_the_learner_chooses_them(published, trainer, sign_in,
                                                                                  recording, client):
    draft, _course = published
    client.set_cookie("lang", "en")
    plain = client.get(f"{COURSE}/luring.json").get_json()
    assert plain["audio_bytes"] == 0 and not plain["audio"]
    assert "Also save the" not in client.get(COURSE).get_data(as_text=True)  # no recording: nothing to offer

    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording, language="jv").status_code == 302
    assert upload(author, draft, "pelajaran-c", recording, language="id").status_code == 302
    sizes = sum(db.session.scalars(select(LessonNarration.size)))

    without = client.get(f"{COURSE}/luring.json").get_json()
    assert not [url for url in without["urls"] if "/rekaman/" in url]
    assert without["audio_bytes"] == sizes and without["audio"] is False
    chosen = client.get(f"{COURSE}/luring.json?rekaman=1").get_json()
    audio = [url for url in chosen["urls"] if "/rekaman/" in url]
    assert len(audio) == 2 and all(re.search(r"/rekaman/\d+\.ogg\?v=[0-9a-f]{12}$", url) for url in audio)
    assert chosen["audio"] is True
    assert chosen["bytes"] == without["bytes"] + sizes
    assert set(chosen["urls"]) - set(without["urls"]) == set(audio)
    for url in audio:
        assert client.get(url).status_code == 200  # every URL the phone stores answers

    # the panel says what the recordings add before anything is saved (the checkbox is shown by offline.js)
    page = client.get(COURSE).get_data(as_text=True)
    kilobytes = max(1, round(sizes / 1024))
    assert f"Also save the 2 voice recordings: {kilobytes} KB more." in page
    assert re.search(r'<p class="offline-audio" data-offline-audio-row hidden><label><input type="checkbox" '
                     r'data-offline-audio>', page)


def test_a_saved_copy_made_before_a_new_recording_is_out_of_date(published, trainer, sign_in, recording, client):
    draft, _course = published
    before = client.get(f"{COURSE}/luring.json").get_json()["updated"]
    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording).status_code == 302
    after = client.get(f"{COURSE}/luring.json").get_json()["updated"]
    assert after != before  # the course page's data-updated moves with it: "Update the saved copy"


def test_the_listen_control_is_made_by_its_script_only(published, client):
    """Without JavaScript the lesson page shows no listen control: only the script tag, with its words."""
    client.set_cookie("lang", "en")
    page = client.get(f"{COURSE}/materi/pelajaran-a").get_data(as_text=True)
    tag = re.search(r"<script src=\"(/static/listen\.js\?v=[0-9a-f]+)\" defer data-rawat-listen data-lang=\"id\" "
                    r"data-key=\"kursus-suara/pelajaran-a\" data-texts='([^']+)'></script>", page)
    assert tag, page[:3000]
    texts = json.loads(unescape(tag.group(2)))
    assert texts["listen"] == "Listen" and texts["pause"] == "Pause" and texts["decimal"] == "."
    assert "{part}" in texts["reading"] and "{total}" in texts["reading"]
    assert 'class="listen' not in page and "<button" not in page.split('<div class="lesson-body">')[1].split(
        "</article>")[0]
    assert client.get(tag.group(1)).status_code == 200
    client.set_cookie("lang", "id")
    indonesian = client.get(f"{COURSE}/materi/pelajaran-a").get_data(as_text=True)
    texts = json.loads(unescape(re.search(r"data-rawat-listen [^>]*data-texts='([^']+)'", indonesian).group(1)))
    assert texts["decimal"] == ","


def test_the_lesson_page_plays_a_recording_without_javascript(published, trainer, sign_in, recording, client):
    draft, _course = published
    author = sign_in(trainer, lang="en")
    assert upload(author, draft, "pelajaran-a", recording, language="ban").status_code == 302
    page = client.get(f"{COURSE}/materi/pelajaran-a").get_data(as_text=True)  # Indonesian, as for a first visit
    figure = re.search(r'<figure class="narration" id="rekaman-ban">.*?</figure>', page, re.S).group(0)
    assert re.search(r"<figcaption id=\"narration-\d+\">Rekaman suara · Basa Bali · \d+ KB</figcaption>", figure) \
        or "Balinese" in figure  # (untranslated until the catalogs are updated)
    assert '<audio controls preload="none"' in figure and 'type="audio/ogg; codecs=opus"' in figure
    assert "<a href=" in figure  # a browser that cannot play it offers the file
