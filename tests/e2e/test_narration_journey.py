"""Listening to lessons (issue #24) in a real browser.

A care manager records a lesson (here: uploads a recording made earlier) in Javanese on the
lesson's recordings page; a family member opens the lesson on a phone and plays it: the player
streams it in ranges (206). The listen control reads a lesson aloud with the phone's speech
engine, stubbed here (Chromium in a container has no voices): block by block, in order, callouts
with their headings, the block being read highlighted, pause and resume where it stopped.
Without JavaScript no control is shown and the page works as before.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.e2e.conftest import check_accessibility
from tests.factories import DEFAULT_PASSWORD
from tests.narration.conftest import speech_like_wav
from tests.e2e.browser import sign_in_through_form

pytestmark = pytest.mark.e2e

COURSE = "perawatan-dasar-lansia"
LESSON = "posisi-dan-cara-menyuapi"
LESSON_URL = f"/kursus/{COURSE}/materi/{LESSON}"
TRAINER_PHONE = "+6281355500024"
LEARNER_PHONE = "+6281355500025"

#: a speech engine with one Indonesian voice that "speaks" each text in `window.__speakMs` milliseconds;
#: every utterance is kept in `window.__spoken` (its text and rate). The voice arrives late, as on phones.
FAKE_SPEECH = """
(() => {
  const spoken = [];
  window.__spoken = spoken;
  window.__speakMs = 40;
  const listeners = {};
  let current = null, timer = null, ready = false;
  const voices = [{ name: "Bahasa Indonesia", lang: "id-ID", localService: true, default: false, voiceURI: "id" },
                  { name: "English", lang: "en-US", localService: true, default: true, voiceURI: "en" }];
  const synth = {
    speaking: false, paused: false, pending: false,
    getVoices() { return ready ? voices.slice() : []; },
    speak(u) {
      current = u;
      spoken.push({ text: u.text, rate: u.rate, lang: u.lang, voice: u.voice && u.voice.name });
      this.speaking = true;
      setTimeout(() => u.onstart && u.onstart({}), 0);
      timer = setTimeout(() => {
        if (current !== u) return;
        current = null; synth.speaking = false;
        if (u.onend) u.onend({});
      }, window.__speakMs);
    },
    cancel() {
      clearTimeout(timer);
      const u = current;
      current = null; this.speaking = false;
      if (u && u.onerror) setTimeout(() => u.onerror({ error: "interrupted" }), 0);
    },
    pause() {}, resume() {},
    addEventListener(name, fn) { (listeners[name] = listeners[name] || []).push(fn); },
    removeEventListener(name, fn) { listeners[name] = (listeners[name] || []).filter((f) => f !== fn); },
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; this.rate = 1; this.lang = ""; } };
  setTimeout(() => {
    ready = true;
    (listeners.voiceschanged || []).forEach((f) => f(new Event("voiceschanged")));
  }, 80);
})();
"""
ENGLISH_ONLY = FAKE_SPEECH.replace('{ name: "Bahasa Indonesia", lang: "id-ID", localService: true, default: false, '
                                   'voiceURI: "id" },', "")


def _accounts(live_server) -> int:
    """A care manager who owns the course's authoring page, and a learner; returns the draft id."""
    from lms.accounts.models import Role
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.accounts.services import register_user
    from lms.authoring.services import workspace_for_course
    from lms.courses.models import Course
    from lms.extensions import db

    with live_server.app.app_context():
        trainer = register_user("Bu Sri Pendamping", "phone", TRAINER_PHONE, DEFAULT_PASSWORD, role=Role.TRAINER,
                                consent=ADULT_CONSENT, locale="en")
        register_user("Mbah Darmi Keluarga", "phone", LEARNER_PHONE, DEFAULT_PASSWORD, consent=ADULT_CONSENT,
                      locale="en")
        course = db.session.scalar(select(Course).where(Course.slug == COURSE))
        draft_id = workspace_for_course(course, trainer).id
        db.session.commit()
        db.session.remove()
    return draft_id


def _sign_in(page, live_server, phone: str) -> None:
    sign_in_through_form(page, live_server, phone, DEFAULT_PASSWORD, lang="en")


def test_a_care_manager_uploads_a_recording_and_a_learner_plays_it(live_server, new_page, shots, tmp_path):
    draft_id = _accounts(live_server)
    recording = tmp_path / "menyuapi-basa-jawa.wav"
    recording.write_bytes(speech_like_wav(6))

    trainer = new_page(locale="en-US")
    _sign_in(trainer, live_server, TRAINER_PHONE)
    trainer.goto(live_server(f"/tulis/{draft_id}"))
    trainer.get_by_role("link", name="Recordings", exact=True).click()
    trainer.get_by_role("link", name="Safe Positioning and Feeding", exact=False).or_(
        trainer.locator(f'a[href$="/rekaman/{LESSON}"]')).first.click()
    trainer.wait_for_load_state()
    assert trainer.url.endswith(f"/rekaman/{LESSON}")
    check_accessibility(trainer, "recordings page")
    trainer.get_by_label("Language of the recording").select_option("jv")
    trainer.locator("input[type=file]").set_input_files(str(recording))
    trainer.get_by_role("button", name="Upload the recording").click()
    trainer.wait_for_load_state()
    assert "The recording has been saved" in trainer.locator(".flashes").inner_text()
    assert trainer.get_by_role("heading", name="Javanese").is_visible()
    shots(trainer, "trainer-recording-saved")

    learner = new_page(locale="en-US")
    _sign_in(learner, live_server, LEARNER_PHONE)
    ranges = []
    learner.on("response", lambda r: ranges.append((r.status, r.request.headers.get("range")))
               if "/rekaman/" in r.url else None)
    learner.goto(live_server(LESSON_URL))
    caption = learner.locator("figure.narration figcaption").inner_text()
    assert caption.startswith("Voice recording · Javanese · ") and caption.endswith(" KB")
    assert ranges == []  # preload="none": nothing is downloaded before the learner presses play
    # muted, so Chromium's autoplay rule lets a script start it (a learner taps the player instead)
    played = learner.evaluate("""async () => {
      const audio = document.querySelector("figure.narration audio");
      audio.muted = true;
      await audio.play();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { time: audio.currentTime, duration: audio.duration, source: audio.currentSrc };
    }""")
    assert played["time"] > 0.5, played
    assert 5.9 < played["duration"] < 6.1, played
    assert (206, "bytes=0-") in ranges, ranges
    check_accessibility(learner, "lesson with a recording")
    shots(learner, "learner-lesson-with-recording")


#: the texts the control should read, in order: the title, then every block of the lesson body
BLOCK_TEXTS = """() => {
  const blocks = [document.querySelector("article.lesson h1")]
    .concat(Array.from(document.querySelectorAll(".lesson-body :is(h2, h3, h4, p, li, th, td)")));
  return blocks.map((el) => el.textContent.replace(/\\s+/g, " ").trim()).filter(Boolean);
}"""


def wait_until(page, expression: str, timeout: float = 15.0):
    """Poll a JavaScript expression until it is true (wait_for_function evaluates strings, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)


def _listen_page(new_page, live_server, script=FAKE_SPEECH):
    page = new_page(locale="en-US")
    page.add_init_script(script)
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    page.goto(live_server(LESSON_URL))
    return page


def test_the_listen_control_reads_the_lesson_in_order_highlighting_each_block(live_server, new_page, shots):
    page = _listen_page(new_page, live_server)
    control = page.locator("section.listen")
    control.wait_for()
    expected = page.evaluate(BLOCK_TEXTS)
    assert expected[0] == page.locator("h1").inner_text()
    check_accessibility(page, "lesson with the listen control")

    # slow speech: one block at a time
    page.evaluate("window.__speakMs = 600000")
    page.get_by_role("button", name="Listen", exact=True).click()
    wait_until(page, "window.__spoken.length === 1")
    assert page.locator(".listen-current").inner_text() == expected[0]
    assert page.locator(".listen-status").inner_text() == f"Reading part 1 of {len(expected)}"
    assert page.get_by_role("button", name="Pause").get_attribute("aria-pressed") == "true"
    shots(page, "listening-title")

    page.evaluate("window.__speakMs = 40")
    page.get_by_role("button", name="Faster").click()  # reads the current block again, faster
    wait_until(page, "window.__spoken.length >= 4")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(100)
    stopped_at = page.evaluate("window.__spoken.length")
    assert page.locator(".listen-current").count() == 0
    assert page.locator(".listen-status").inner_text().startswith("Paused at part ")
    assert page.locator(".listen-speed").inner_text() == "Speed: 1.15×"
    spoken = page.evaluate("window.__spoken")
    assert spoken[0]["rate"] == 1 and spoken[1]["rate"] == 1.15 and spoken[1]["text"] == expected[0]
    assert all(item["lang"] == "id-ID" and item["voice"] == "Bahasa Indonesia" for item in spoken)

    # the phone remembers where it stopped: a new visit continues there
    page.reload()
    page.get_by_role("button", name="Continue listening").click()
    wait_until(page, "document.querySelector('.listen-status').textContent === 'Finished reading the lesson.'", 30)
    texts = [item["text"] for item in page.evaluate("window.__spoken")]
    resumed = texts[0]
    assert resumed == spoken[stopped_at - 1]["text"], (resumed, spoken[stopped_at - 1])
    start = expected.index(resumed)
    assert texts == expected[start:]
    # callouts are read with their heading first, and the warning's list after it
    warning = expected.index("Segera cari pertolongan medis bila")
    assert expected[warning + 1].startswith("Lansia batuk, tersedak")
    assert expected.index("Biarkan lansia makan sendiri bila bisa") < warning
    assert page.get_by_role("button", name="Listen", exact=True).is_visible()


def test_the_highlighted_block_is_kept_in_view(live_server, new_page, shots):
    page = _listen_page(new_page, live_server)
    page.locator("section.listen").wait_for()
    near_the_end = len(page.evaluate(BLOCK_TEXTS)) - 3
    page.evaluate("""(index) => localStorage.setItem("rawat-listen:%s/%s", JSON.stringify({ index, rate: 1 }))""" % (
        COURSE, LESSON), near_the_end)
    page.reload()
    page.evaluate("window.__speakMs = 600000")
    page.get_by_role("button", name="Continue listening").click()
    current = page.locator(".listen-current")
    current.wait_for()
    page.wait_for_timeout(800)  # the smooth scroll
    box = current.bounding_box()
    controls = page.locator("section.listen").bounding_box()
    assert controls["y"] < 1  # the controls stay at hand while reading, at the top of the screen
    assert box["y"] >= controls["y"] + controls["height"] and box["y"] + box["height"] <= 800, (box, controls)
    shots(page, "listening-kept-in-view")


def test_no_listen_control_without_javascript_or_without_an_indonesian_voice(live_server, new_page, shots):
    plain = new_page(javascript=False, locale="en-US")
    plain.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    plain.goto(live_server(LESSON_URL))
    assert plain.locator(".listen").count() == 0
    assert plain.locator(".lesson-body h2").first.is_visible()
    assert plain.get_by_role("button", name="Listen").count() == 0
    shots(plain, "lesson-without-javascript")

    english_only = _listen_page(new_page, live_server, ENGLISH_ONLY)
    english_only.wait_for_timeout(400)  # the voices arrive after 80 ms
    assert english_only.locator(".listen").count() == 0


def _recorded_lesson(live_server) -> None:
    """A Javanese recording of the lesson, stored through the real service (as the upload page does)."""
    from lms.accounts.models import Role
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.accounts.services import register_user
    from lms.courses.models import Lesson
    from lms.courses.narrations import save_narration
    from lms.extensions import db

    app = live_server.app
    with app.app_context(), app.test_request_context():
        trainer = register_user("Bu Sri Pendamping", "phone", TRAINER_PHONE, DEFAULT_PASSWORD, role=Role.TRAINER,
                                consent=ADULT_CONSENT)
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == LESSON))
        save_narration(lesson, trainer, "jv", speech_like_wav(6))
        db.session.commit()
        db.session.remove()


CACHED_RECORDINGS = """async () => {
  const cache = await caches.open("rawat-offline-v1");
  return (await cache.keys()).map((request) => request.url).filter((url) => url.includes("/rekaman/"));
}"""


def test_a_saved_course_keeps_its_recordings_only_when_chosen_and_plays_them_offline(live_server, new_page, shots):
    _recorded_lesson(live_server)
    page = new_page(locale="en-US")
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    page.goto(live_server(f"/kursus/{COURSE}"))
    choice = page.get_by_label("Also save the 1 voice recording:", exact=False)
    assert choice.is_visible() and not choice.is_checked()
    assert page.locator(".offline-audio").inner_text().endswith("KB more.")
    choice.check()
    shots(page, "offline-panel-with-recordings")
    page.get_by_role("button", name="Save for offline reading").click()
    page.get_by_text("Saved on this phone. You can read this course without signal.").wait_for()
    assert len(page.evaluate(CACHED_RECORDINGS)) == 1

    page.context.set_offline(True)
    page.goto(live_server(LESSON_URL))
    played = page.evaluate("""async () => {
      const audio = document.querySelector("figure.narration audio");
      audio.muted = true;
      await audio.play();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      return { time: audio.currentTime, duration: audio.duration };
    }""")
    assert played["time"] > 0.4 and 5.9 < played["duration"] < 6.1, played  # from the phone, in ranges

    # saved again without the recordings: they leave the phone
    page.context.set_offline(False)
    page.goto(live_server(f"/kursus/{COURSE}"))
    wait_until(page, "document.querySelector('[data-offline-audio]').checked")  # the saved copy remembers the choice
    page.get_by_label("Also save the 1 voice recording:", exact=False).uncheck()
    page.get_by_role("button", name="Save again").click()
    page.get_by_text("Saved on this phone. You can read this course without signal.").wait_for()
    assert page.evaluate(CACHED_RECORDINGS) == []


def test_a_care_manager_records_a_lesson_with_the_phones_microphone(live_server, chromium):
    """record.js: MediaRecorder's recording goes into the form's file field and is sent by the same form.

    Chromium's fake microphone (a beep) stands in for the care manager's voice; its WEBM states no
    duration in its header, as phones' recordings often do, and is converted all the same.
    """
    from lms.courses.models import LessonNarration
    from lms.extensions import db
    from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PHONE, Watch

    draft_id = _accounts(live_server)
    # a browser of its own (the shared one has no fake microphone), from the same Playwright
    browser = chromium.browser_type.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
    try:
        context = browser.new_context(viewport=PHONE, locale="en-US")
        context.grant_permissions(["microphone"], origin=live_server.url)
        watch = Watch(live_server.url)
        page = context.new_page()
        page.on("console", watch.on_console)
        page.on("pageerror", lambda error: watch.console_errors.append(str(error)))
        context.on("request", watch.on_request)
        _sign_in(page, live_server, TRAINER_PHONE)
        page.goto(live_server(f"/tulis/{draft_id}/rekaman/{LESSON}"))
        page.get_by_label("Language of the recording").select_option("su")
        page.get_by_role("button", name="Start recording").click()
        page.get_by_text("Recording… 0:02").wait_for(timeout=10_000)
        page.get_by_role("button", name="Stop recording").click()
        page.get_by_text("Recording ready (0:0", exact=False).wait_for()
        assert page.evaluate("document.querySelector('input[type=file]').files[0].name") == "rekaman.webm"
        folder = ARTIFACTS / "test_a_care_manager_records_a_lesson_with_the_phones_microphone"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "01-recorded-in-the-browser.png"), full_page=True)
        page.get_by_role("button", name="Upload the recording").click()
        page.wait_for_load_state()
        assert "The recording has been saved" in page.locator(".flashes").inner_text()
        assert page.get_by_role("heading", name="Sundanese").is_visible()
    finally:
        browser.close()
    assert watch.console_errors == [] and watch.foreign_requests == []
    with live_server.app.app_context():
        (narration,) = db.session.scalars(select(LessonNarration)).all()
        assert narration.language == "su" and 1500 < narration.duration_ms < 6000
        db.session.remove()
