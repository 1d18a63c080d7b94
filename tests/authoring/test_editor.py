"""The editor pages write the course files as content/README.md describes them; errors show beside the fields."""
from __future__ import annotations

import io

import pytest
import yaml

from lms.authoring.models import CourseDraft
from lms.courses.importer import MAX_ASSET_BYTES
from lms.extensions import db

from tests.courses.svg_payloads import ATTACKS, REFUSED, assert_harmless

from .conftest import SVG


@pytest.fixture
def draft(make_draft):
    return make_draft()


@pytest.fixture
def editor(trainer, sign_in):
    return sign_in(trainer, lang="en")


def files(draft) -> dict[str, str]:
    return db.session.get(CourseDraft, draft.id).files


def test_new_course_errors_are_shown_beside_the_fields_in_english_and_indonesian(trainer, browser):
    browser.login(trainer.phone)
    response = browser.post_form("/tulis/baru", {"title": "", "slug": "Bukan Slug!", "summary": "s",
                                                 "audience": "a", "language": "id"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="title-error"' in page and 'aria-invalid="true"' in page
    browser.client.set_cookie("lang", "en")
    page = browser.post_form("/tulis/baru", {"title": "", "slug": "Bukan Slug!", "summary": "s", "audience": "a",
                                             "language": "id"}).get_data(as_text=True)
    page = page.replace("&#39;", "'")
    assert "Give the course a title." in page
    assert "Use lower-case letters, digits and '-' only" in page
    assert 'name="hours"' not in page  # counted from the content, never typed in


def test_course_settings_write_course_yaml(draft, editor):
    response = editor.post_form(f"/tulis/{draft.id}/pengaturan", {
        "title": "Kursus Baru", "summary": "Ringkas.\r\nDua baris.", "audience": "Relawan.", "language": "en",
        "pass_mark": "80", "certificate_validity_months": "", "authors": "Ani\r\n\r\nBudi",
        "sources-0-title": "Panduan WHO", "sources-0-publisher": "WHO", "sources-0-url": "https://who.int",
        "sources-0-year": "2019", "sources-1-title": "", "sources-2-title": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    data = yaml.safe_load(files(draft)["course.yaml"])
    assert data == {"title": "Kursus Baru", "summary": "Ringkas.\nDua baris.", "audience": "Relawan.",
                    "language": "en", "version": 1, "pass_mark": 80, "authors": ["Ani", "Budi"],
                    "sources": [{"title": "Panduan WHO", "publisher": "WHO", "url": "https://who.int", "year": 2019}]}
    assert db.session.get(CourseDraft, draft.id).title == "Kursus Baru"
    page = editor.get(f"/tulis/{draft.id}/pengaturan").get_data(as_text=True)
    assert "1 JP" in page and 'name="hours"' not in page  # counted, and said how

    response = editor.post_form(f"/tulis/{draft.id}/pengaturan", {
        "title": "Kursus Baru", "summary": "S", "audience": "A", "language": "id", "pass_mark": "101",
        "authors": "", "sources-0-title": "", "sources-0-url": "ftp://x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a whole number from 1 to 100." in page and "Name at least one author." in page
    assert "A web address starts with https://" in page and "Every source needs a title." in page


def test_modules_are_added_renamed_reordered_and_removed(draft, editor):
    base = f"/tulis/{draft.id}"
    assert editor.post_form(f"{base}/modul", {"title": "Modul Tiga", "summary": "Baru."}, form_url=base
                            ).status_code == 302
    assert "03-modul-tiga/module.yaml" in files(draft)
    response = editor.post_form(f"{base}/modul", {"title": "Lagi", "slug": "modul-tiga"}, form_url=base)
    assert response.status_code == 400 and "already used in the course" in response.get_data(as_text=True)

    assert editor.post_form(f"{base}/modul/modul-dua", {"title": "Modul Dua Baru", "summary": ""}).status_code == 302
    assert yaml.safe_load(files(draft)["02-modul-dua/module.yaml"]) == {"title": "Modul Dua Baru"}

    editor.post_form(f"{base}/modul/modul-satu/geser", {"direction": "down"}, form_url=base)
    paths = files(draft)
    assert "01-modul-dua/01-pelajaran-c.md" in paths and "02-modul-satu/quiz.yaml" in paths
    assert "02-modul-satu/01-pelajaran-a.md" in paths

    assert "Remove the module" in editor.get(f"{base}/modul/modul-satu/hapus").get_data(as_text=True)
    editor.post_form(f"{base}/modul/modul-satu/hapus")
    assert sorted(p.split("/")[0] for p in files(draft) if "/" in p) == [
        "01-modul-dua", "01-modul-dua", "02-modul-tiga"]


def test_lessons_are_reordered_and_removed(draft, editor):
    base = f"/tulis/{draft.id}"
    editor.post_form(f"{base}/materi/pelajaran-b/geser", {"direction": "up"}, form_url=base)
    assert "01-modul-satu/01-pelajaran-b.md" in files(draft) and "01-modul-satu/02-pelajaran-a.md" in files(draft)
    editor.post_form(f"{base}/materi/pelajaran-b/geser", {"direction": "up"}, form_url=base)  # already first
    assert "01-modul-satu/01-pelajaran-b.md" in files(draft)
    editor.post_form(f"{base}/materi/pelajaran-b/hapus")
    assert [p for p in files(draft) if p.startswith("01-modul-satu/") and p.endswith(".md")] == [
        "01-modul-satu/01-pelajaran-a.md"]
    assert editor.get(f"{base}/materi/pelajaran-b").status_code == 404


def test_lesson_preview_uses_the_learners_renderer_and_does_not_save(draft, editor):
    url = f"/tulis/{draft.id}/materi/pelajaran-c"
    body = "## Bagian\n\n::: warning\nSegera ke puskesmas.\n:::\n\n<script>alert(1)</script>\n\n" \
           "![Gambar](images/gambar.png)\n\n[tautan](javascript:alert(1))"
    response = editor.post_form(url, {"title": "Pelajaran C", "minutes": "5", "body": body, "preview": "Show preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="callout callout-warning"' in page and '<p class="callout-title">Warning</p>' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert f"/tulis/{draft.id}/gambar/gambar.png?v=" in page
    assert "Segera ke puskesmas" not in files(draft)["02-modul-dua/01-pelajaran-c.md"]  # a preview saves nothing

    response = editor.post_form(url, {"title": "Pelajaran C", "minutes": "5", "body": "Teks\r\nbaru.",
                                      "submit": "Save lesson"})
    assert response.status_code == 302
    assert files(draft)["02-modul-dua/01-pelajaran-c.md"] == "---\ntitle: Pelajaran C\nminutes: 5\n---\n\nTeks\nbaru.\n"


def test_lesson_errors_are_shown_beside_the_fields(draft, editor):
    response = editor.post_form(f"/tulis/{draft.id}/modul/modul-dua/materi-baru", {
        "title": "", "minutes": "90", "body": "", "submit": "Save lesson"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give the lesson a title." in page and "Enter a whole number from 1 to 60." in page
    assert "Write the lesson text." in page
    response = editor.post_form(f"/tulis/{draft.id}/modul/modul-dua/materi-baru", {
        "title": "Lain", "slug": "pelajaran-a", "minutes": "3", "body": "x", "submit": "Save lesson"})
    assert response.status_code == 400 and "already used in the course" in response.get_data(as_text=True)


@pytest.mark.parametrize("name, data, message", [
    ("foto.gif", b"GIF89a....", "Images must be PNG, JPEG, WebP or SVG files."),
    ("foto.png", b"bukan gambar", "is not really a picture"),
    ("besar.png", b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_ASSET_BYTES, "larger than 2 MB"),
    ("rusak.svg", REFUSED["broken XML"][0], "This SVG file is damaged (line 3), so it cannot be used."),
    ("tawa.svg", REFUSED["billion laughs"][0], "This SVG declares entities (&lt;!ENTITY …&gt;)"),
    ("xxe.svg", REFUSED["external entity"][0], "This SVG declares entities"),
    ("halaman.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><p>x</svg>', "This SVG file is damaged (line 1)"),
])
def test_image_uploads_are_refused_like_the_importer_refuses_them(draft, editor, name, data, message):
    response = editor.post_form(f"/tulis/{draft.id}/gambar", {"file": (io.BytesIO(data), name)},
                                content_type="multipart/form-data")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert editor.get(f"/tulis/{draft.id}/gambar/{name}").status_code == 404


def test_a_refused_svg_is_explained_in_indonesian_too(draft, editor):
    editor.post_form("/bahasa", {"lang": "id", "next": "/"}, form_url="/")
    response = editor.post_form(f"/tulis/{draft.id}/gambar", {"file": (io.BytesIO(REFUSED["billion laughs"][0]),
                                                                       "tawa.svg")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Simpan ulang gambar sebagai SVG biasa." in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["namespaced script", "entity-encoded javascript: link", "foreignObject with HTML",
                                  "style with url(javascript:)", "animate turning href into javascript"])
def test_an_uploaded_svg_is_stored_cleaned_and_served_sandboxed(draft, editor, name):
    response = editor.post_form(f"/tulis/{draft.id}/gambar", {"file": (io.BytesIO(ATTACKS[name]), "jahat.svg")},
                                content_type="multipart/form-data")
    assert response.status_code == 302
    served = editor.get(f"/tulis/{draft.id}/gambar/jahat.svg")
    assert served.status_code == 200 and "sandbox" in served.headers["Content-Security-Policy"]
    assert_harmless(served.data)


def test_a_huge_upload_is_stopped_before_it_is_read(draft, editor):
    response = editor.post_form(f"/tulis/{draft.id}/gambar", {"file": (io.BytesIO(b"\0" * (5 * 1024 * 1024)), "x.png")},
                                content_type="multipart/form-data", follow_redirects=True)
    assert "The file is too large." in response.get_data(as_text=True)


def test_images_are_uploaded_served_to_authors_and_removed_when_unused(draft, editor):
    base = f"/tulis/{draft.id}"
    response = editor.post_form(f"{base}/gambar", {"file": (io.BytesIO(SVG), "Langkah Satu.SVG")},
                                content_type="multipart/form-data", follow_redirects=True)
    assert "![what it shows](images/langkah-satu.svg)" in response.get_data(as_text=True)
    served = editor.get(f"{base}/gambar/langkah-satu.svg")
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert served.headers["Cache-Control"].startswith("private")

    refused = editor.post_form(f"{base}/gambar/gambar.png/hapus", form_url=f"{base}/gambar", follow_redirects=True)
    assert "still used in Module 1 “Modul Satu”, lesson “Pelajaran A”. Remove it there first." \
        in refused.get_data(as_text=True)
    editor.post_form(f"{base}/gambar/langkah-satu.svg/hapus", form_url=f"{base}/gambar")
    assert editor.get(f"{base}/gambar/langkah-satu.svg").status_code == 404


def quiz(draft) -> dict:
    return yaml.safe_load(files(draft)["01-modul-satu/quiz.yaml"])


def test_quiz_settings_cover_every_key_and_check_the_pool(draft, editor):
    url = f"/tulis/{draft.id}/modul/modul-satu/kuis"
    response = editor.post_form(url, {"title": "Kuis Baru", "pass_mark": "80", "questions_per_attempt": "3",
                                      "max_attempts": "3", "wait_minutes": "60", "shuffle_questions": "y"})
    assert response.status_code == 302
    data = quiz(draft)
    assert {k: v for k, v in data.items() if k != "questions"} == {
        "title": "Kuis Baru", "pass_mark": 80, "questions_per_attempt": 3, "shuffle_options": False,
        "max_attempts": 3, "wait_minutes": 60, "show_correct_answers": False}
    assert len(data["questions"]) == 4

    response = editor.post_form(url, {"title": "Kuis", "questions_per_attempt": "9", "wait_minutes": "99999"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The quiz has only 4 questions." in page or "from 0 to 43200" in page
    response = editor.post_form(url, {"title": "Kuis", "questions_per_attempt": "9"})
    assert "The quiz has only 4 questions." in response.get_data(as_text=True)


def test_a_quiz_is_added_to_a_module_without_one(draft, editor):
    url = f"/tulis/{draft.id}/modul/modul-dua/kuis"
    assert "Kuis Modul Dua" in editor.get(url).get_data(as_text=True)
    editor.post_form(url, {"title": "Kuis Modul Dua", "shuffle_questions": "y", "shuffle_options": "y",
                           "show_correct_answers": "y", "wait_minutes": "0"})
    assert files(draft)["02-modul-dua/quiz.yaml"] == "title: Kuis Modul Dua\nquestions: []\n"


QUESTION_BASE = {"scenario": "", "image": "", "image_alt": "", "explanation": "Karena begitu."}


def _rows(*rows):
    data = {}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"options-{index}-{key}"] = value
    return data


def test_questions_of_every_type_are_written_to_quiz_yaml(draft, editor):
    base = f"/tulis/{draft.id}/modul/modul-satu/kuis/soal-baru"
    single = editor.post_form(f"{base}?jenis=single", {**QUESTION_BASE, "text": "Mana yang benar?", "key": "",
                                                       "correct": "2", **_rows({"text": "Satu"}, {"text": ""},
                                                                               {"text": "Tiga", "feedback": "Ya."})})
    assert single.status_code == 302, single.get_data(as_text=True)[-3000:]
    multiple = editor.post_form(f"{base}?jenis=multiple", {**QUESTION_BASE, "text": "Pilih semua.", "key": "semua",
                                                           **_rows({"text": "A", "correct": "y"}, {"text": "B"},
                                                                   {"text": "C", "correct": "y"})})
    assert multiple.status_code == 302
    editor.post_form(f"{base}?jenis=true_false", {**QUESTION_BASE, "text": "Benar?", "key": "benar",
                                                  "answer": "true", "image": "images/gambar.png",
                                                  "image_alt": "Gambar tangan"})
    editor.post_form(f"{base}?jenis=ordering", {**QUESTION_BASE, "text": "Urutkan.", "key": "urut",
                                                "steps": "Pertama\r\n\r\nKedua\r\nKetiga\r\n"})
    added = quiz(draft)["questions"][4:]
    assert added == [
        {"id": "mana-yang-benar", "type": "single", "text": "Mana yang benar?",
         "options": [{"text": "Satu"}, {"text": "Tiga", "correct": True, "feedback": "Ya."}],
         "explanation": "Karena begitu."},
        {"id": "semua", "type": "multiple", "text": "Pilih semua.",
         "options": [{"text": "A", "correct": True}, {"text": "B"}, {"text": "C", "correct": True}],
         "explanation": "Karena begitu."},
        {"id": "benar", "type": "true_false", "text": "Benar?", "image": "images/gambar.png",
         "image_alt": "Gambar tangan", "answer": True, "explanation": "Karena begitu."},
        {"id": "urut", "type": "ordering", "text": "Urutkan.", "steps": ["Pertama", "Kedua", "Ketiga"],
         "explanation": "Karena begitu."},
    ]


@pytest.mark.parametrize("kind, data, message", [
    ("single", {"correct": "", **_rows({"text": "A"}, {"text": "B"})}, "No answer is chosen as right."),
    ("single", {"correct": "0", **_rows({"text": "A"})}, "Write at least two answers."),
    ("multiple", _rows({"text": "A"}, {"text": "B"}), "No answer is ticked as right."),
    ("multiple", _rows({"text": "A", "correct": "y"}, {"text": "A"}), "Two answers have the same text."),
    ("true_false", {}, "Choose whether the statement is true or false."),
    ("ordering", {"steps": "Hanya satu"}, "Write at least two steps, one per line."),
    ("ordering", {"steps": "A\nB\nA"}, "Two steps have the same text."),
    ("single", {"key": "kapan-cuci-tangan", "correct": "0", **_rows({"text": "A"}, {"text": "B"})},
     "already used in the course"),
    ("single", {"image": "images/tidak-ada.png", "correct": "0", **_rows({"text": "A"}, {"text": "B"})},
     "Choose one of the course"),
])
def test_question_errors_are_shown_beside_the_fields(draft, editor, kind, data, message):
    before = files(draft)["01-modul-satu/quiz.yaml"]
    response = editor.post_form(f"/tulis/{draft.id}/modul/modul-satu/kuis/soal-baru?jenis={kind}",
                                {**QUESTION_BASE, "text": "Soal?", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert files(draft)["01-modul-satu/quiz.yaml"] == before


def test_editing_a_question_keeps_the_ids_of_its_options_and_steps(draft, editor):
    url = f"/tulis/{draft.id}/modul/modul-satu/kuis/soal"
    page = editor.get(f"{url}/tanda-infeksi").get_data(as_text=True)
    assert 'value="Merah dan panas"' in page and 'name="options-5-text"' in page
    editor.post_form(f"{url}/tanda-infeksi", {**QUESTION_BASE, "text": "Tanda infeksi?",
                                             **_rows({"key": "a", "text": "Bernanah", "correct": "y"},
                                                     {"key": "b", "text": ""},
                                                     {"key": "c", "text": "Kering"},
                                                     {"key": "", "text": "Gatal", "correct": "y"})})
    question = next(q for q in quiz(draft)["questions"] if q["id"] == "tanda-infeksi")
    assert question["options"] == [{"text": "Bernanah", "correct": True}, {"id": "c", "text": "Kering"},
                                   {"id": "d", "text": "Gatal", "correct": True}]
    editor.post_form(f"{url}/urutan", {**QUESTION_BASE, "text": "Urutkan langkahnya.",
                                      "steps": "Sabuni\nBasahi\nBilas\nKeringkan"})
    question = next(q for q in quiz(draft)["questions"] if q["id"] == "urutan")
    assert question["steps"] == [{"id": "b", "text": "Sabuni"}, {"id": "a", "text": "Basahi"}, "Bilas", "Keringkan"]


def test_questions_are_reordered_and_removed(draft, editor):
    url = f"/tulis/{draft.id}/modul/modul-satu/kuis"
    editor.post_form(f"{url}/soal/urutan/geser", {"direction": "up"}, form_url=url)
    assert [q["id"] for q in quiz(draft)["questions"]] == ["kapan-cuci-tangan", "tanda-infeksi", "urutan",
                                                           "lima-detik"]
    editor.post_form(f"{url}/soal/tanda-infeksi/hapus")
    assert [q["id"] for q in quiz(draft)["questions"]] == ["kapan-cuci-tangan", "urutan", "lima-detik"]
    editor.post_form(f"{url}/hapus")
    assert "01-modul-satu/quiz.yaml" not in files(draft)


GIFT = """\
::Minum::Berapa gelas air sehari untuk lansia? {=Enam sampai delapan gelas ~Satu gelas ~Tidak perlu minum
####Lansia sering tidak merasa haus.}

Tulis pengalaman Anda. {}

::Rusak:: Jawaban tidak ditutup {=A ~B

Lansia perlu minum walau tidak haus. {T}
"""


def test_gift_import_is_checked_first_then_added_to_the_quiz(draft, editor):
    url = f"/tulis/{draft.id}/modul/modul-satu/kuis/gift"
    before = files(draft)["01-modul-satu/quiz.yaml"]
    check = editor.post_form(url, {"text": GIFT, "check": "Check"})
    page = check.get_data(as_text=True)
    assert check.status_code == 200 and files(draft)["01-modul-satu/quiz.yaml"] == before
    assert "2 questions can be imported" in page and "2 skipped" in page
    assert "Line 4" in page and "Essay question" in page
    assert "Line 6 (Rusak)" in page and "never closed" in page
    assert "Line 8" in page and "write an explanation before publishing" in page

    done = editor.post_form(url, {"text": GIFT, "submit": "Import the questions"})
    assert "2 questions imported" in done.get_data(as_text=True)
    added = quiz(draft)["questions"][4:]
    assert added == [
        {"id": "minum", "type": "single", "text": "Berapa gelas air sehari untuk lansia?",
         "options": [{"text": "Enam sampai delapan gelas", "correct": True}, {"text": "Satu gelas"},
                     {"text": "Tidak perlu minum"}], "explanation": "Lansia sering tidak merasa haus."},
        {"id": "lansia-perlu-minum-walau-tidak-haus", "type": "true_false",
         "text": "Lansia perlu minum walau tidak haus.", "answer": True, "explanation": ""},
    ]
    editor.post_form(url, {"text": GIFT, "submit": "Import the questions"})
    assert [q["id"] for q in quiz(draft)["questions"][6:]] == ["minum-2", "lansia-perlu-minum-walau-tidak-haus-2"]


def test_gift_report_counts_questions_only_not_the_category_line(draft, editor):
    from .test_gift import MOODLE_EXPORT

    url = f"/tulis/{draft.id}/modul/modul-satu/kuis/gift"
    page = editor.post_form(url, {"text": MOODLE_EXPORT, "check": "Check"}).get_data(as_text=True)
    assert "2 questions can be imported · 4 skipped" in page
    assert "Line 2: $CATEGORY lines are ignored" in page
    editor.post_form("/bahasa", {"lang": "id", "next": url}, form_url=url)
    page = editor.post_form(url, {"text": MOODLE_EXPORT, "check": "Periksa"}).get_data(as_text=True)
    assert "2 soal bisa dimasukkan · 4 dilewati" in page


def test_gift_import_from_a_file_and_refusals(draft, editor):
    url = f"/tulis/{draft.id}/modul/modul-satu/kuis/gift"
    response = editor.post_form(url, {"text": "", "file": (io.BytesIO("Air baik. {T}".encode("utf-16")), "q.txt"),
                                      "check": "Check"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "not UTF-8 text" in response.get_data(as_text=True)
    response = editor.post_form(url, {"text": "", "check": "Check"})
    assert response.status_code == 400 and "Paste GIFT questions or choose a file." in response.get_data(as_text=True)
    response = editor.post_form(url, {"text": "", "file": (io.BytesIO(b"\xef\xbb\xbfAir baik. {T}"), "q.txt"),
                                      "submit": "Import"}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert quiz(draft)["questions"][-1]["id"] == "air-baik"


def test_a_draft_problem_is_shown_when_a_gift_question_lacks_an_explanation(draft, editor):
    editor.post_form(f"/tulis/{draft.id}/modul/modul-satu/kuis/gift", {"text": "Air baik. {T}", "submit": "Import"})
    page = editor.get(f"/tulis/{draft.id}").get_data(as_text=True)
    assert "Quiz of Module 1 “Modul Satu”, question 5 “Air baik.”:</strong> The explanation is missing." in page
    assert f'<a href="/tulis/{draft.id}/modul/modul-satu/kuis/soal/air-baik">Edit the question</a>' in page
    assert "quiz.yaml" not in page and "&#39;explanation&#39;" not in page  # no file, no developer's English


def test_editing_pages_need_a_draft(make_draft, trainer, editor):
    from lms.authoring.services import publish

    draft = make_draft("kursus-terbit")
    publish(draft, trainer)
    db.session.commit()
    response = editor.get(f"/tulis/{draft.id}/materi/pelajaran-a")
    assert response.status_code == 302 and response.headers["Location"] == f"/tulis/{draft.id}"
    assert "Start a new draft" in editor.get(f"/tulis/{draft.id}").get_data(as_text=True)


def test_control_characters_are_dropped_from_what_trainers_type(draft, editor):
    response = editor.post_form(f"/tulis/{draft.id}/materi/pelajaran-c", {
        "title": "Judul\x00 baru\x07", "minutes": "5", "body": "Isi\x00 pelajaran\ttab.", "submit": "Save lesson"})
    assert response.status_code == 302
    assert files(draft)["02-modul-dua/01-pelajaran-c.md"] == \
        "---\ntitle: Judul baru\nminutes: 5\n---\n\nIsi pelajaran\ttab.\n"
    response = editor.post_form(f"/tulis/{draft.id}/modul/modul-satu/kuis/gift",
                                {"text": "Air\x00 baik. {T####Ya.}", "submit": "Import"})
    assert response.status_code == 200
    assert quiz(draft)["questions"][-1]["text"] == "Air baik."
