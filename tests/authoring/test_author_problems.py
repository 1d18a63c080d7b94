"""Issue #16: every importer problem an author can meet in the browser, in Indonesian, with where to fix it.

Authors never see files: a problem names the module, lesson or question in their words and
links to the editor page where it is fixed. A refused zip says the same, with the file as well
(whoever made the zip edited files). The English developer messages stay for `lms import-content`.
"""
from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from lms.authoring.models import CourseDraft
from lms.authoring.problems import MESSAGES
from lms.extensions import db

from .conftest import SVG, course_modules, zip_of_folder

ROOT = Path(__file__).resolve().parents[2]


def text_of(response) -> str:
    """The page's text as a reader sees it: no tags, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split()) \
        .replace(" :", ":").replace(" .", ".").replace("( ", "(").replace(" )", ")")


@pytest.fixture
def author(trainer, browser):
    """The trainer signed in, reading the site in Indonesian (the default)."""
    browser.login(trainer.phone)
    return browser


# --- problems of a draft: each on the course page and on a refused publish, with its link ---------------


def _empty_course(browser, draft):
    response = browser.post_form("/tulis/baru", {"title": "Kursus Kosong", "slug": "", "summary": "Ringkas.",
                                                 "audience": "Keluarga.", "language": "id", "hours": "1"})
    return db.session.scalar(select(CourseDraft).where(CourseDraft.slug == "kursus-kosong")).id if \
        response.status_code == 302 else None


def _empty_module(browser, draft):
    base = f"/tulis/{draft.id}"
    assert browser.post_form(f"{base}/modul", {"title": "Modul Kosong", "summary": ""}, form_url=base).status_code \
        == 302


def _lesson_body(body):
    def change(browser, draft):
        url = f"/tulis/{draft.id}/materi/pelajaran-c"
        assert browser.post_form(url, {"title": "Pelajaran C", "minutes": "5", "body": body,
                                       "submit": "Simpan"}).status_code == 302
    return change


def _quiz_without_questions(browser, draft):
    url = f"/tulis/{draft.id}/modul/modul-dua/kuis"
    assert browser.post_form(url, {"title": "Kuis Modul Dua", "wait_minutes": "0"}).status_code == 302


def _fewer_questions_than_asked(browser, draft):
    for key in ("tanda-infeksi", "lima-detik", "urutan"):
        url = f"/tulis/{draft.id}/modul/modul-satu/kuis/soal/{key}/hapus"
        assert browser.post_form(url).status_code == 302


def _question_without_explanation(browser, draft):
    url = f"/tulis/{draft.id}/modul/modul-satu/kuis/gift"
    assert browser.post_form(url, {"text": "Air baik. {T}", "submit": "Masukkan"}).status_code == 200


DRAFT_CASES = {
    "empty course": (_empty_course, "Kursus ini belum punya modul. Tambahkan paling sedikit satu modul yang berisi "
                     "materi.", "#add-module", "Tambah modul"),
    "empty module": (_empty_module, "Modul 3 “Modul Kosong”: Tambahkan paling sedikit satu materi ke modul ini.",
                     "/modul/modul-kosong/materi-baru", "Tambah materi"),
    "picture not uploaded": (_lesson_body("Lihat gambar.\n\n![Tangan](images/tidak-ada.png)"),
                             "Modul 2 “Modul Dua”, materi “Pelajaran C”: Gambar “images/tidak-ada.png” tidak ada di "
                             "gambar kursus. Unggah di bagian Gambar, atau hapus dari tulisan.",
                             "/materi/pelajaran-c", "Ubah materi"),
    "picture from another site": (_lesson_body("![Tangan](https://contoh.id/tangan.png)"),
                                  "Modul 2 “Modul Dua”, materi “Pelajaran C”: Gambar “https://contoh.id/tangan.png” "
                                  "ada di situs lain. Unggah gambar itu di bagian Gambar, lalu pakai dari sana.",
                                  "/materi/pelajaran-c", "Ubah materi"),
    "quiz without questions": (_quiz_without_questions, "Kuis Modul 2 “Modul Dua”: Kuis ini belum punya soal. "
                               "Tambahkan paling sedikit satu soal, atau hapus kuisnya.",
                               "/modul/modul-dua/kuis#questions", "Tambah soal"),
    "fewer questions than asked": (_fewer_questions_than_asked, "Kuis Modul 1 “Modul Satu”: Setiap percobaan "
                                   "memakai 2 soal, padahal kuis ini hanya punya 1 soal. Tambahkan soal, atau kurangi "
                                   "jumlah soal per percobaan.", "/modul/modul-satu/kuis", "Buka kuis"),
    "question without explanation": (_question_without_explanation, "Kuis Modul 1 “Modul Satu”, soal 5 “Air baik.”: "
                                     "Penjelasan belum diisi. Isi dulu.", "/modul/modul-satu/kuis/soal/air-baik",
                                     "Ubah soal"),
}


@pytest.mark.parametrize("case", DRAFT_CASES)
def test_draft_problems_say_what_to_do_in_indonesian_and_link_to_the_page(make_draft, author, case):
    make_state, expected, target, link_text = DRAFT_CASES[case]
    draft = make_draft()
    draft_id = make_state(author, draft) or draft.id
    base = f"/tulis/{draft_id}"
    link = f'<a href="{base}{target}">{link_text}</a>'
    page = author.get(base)
    assert expected in text_of(page) and link in page.get_data(as_text=True)
    refused = author.post_form(f"{base}/terbitkan", form_url=base)
    assert refused.status_code == 400
    page = text_of(refused)
    assert "Tidak ada yang diterbitkan" in page and expected in page and link in refused.get_data(as_text=True)
    # no file, no developer's English, no problem left unworded
    assert not re.search(r"\.(md|yaml)\b", page) and "named like" not in page
    assert "Ada yang belum benar di bagian kursus ini" not in page
    assert expected in text_of(author.get(f"{base}/pratinjau"))


def test_a_short_name_taken_meanwhile_is_explained(make_draft, make_course, author):
    draft = make_draft()
    make_course("kursus-tulis")  # loaded from content/ by an administrator meanwhile
    refused = author.post_form(f"/tulis/{draft.id}/terbitkan", form_url=f"/tulis/{draft.id}")
    assert refused.status_code == 400
    assert "Kursus lain sudah memakai nama singkat kursus-tulis. Tanyakan kepada admin." in text_of(refused)


# --- a refused zip: every importer problem, worded, with its file -------------------------------------------


def _edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _course(change):
    return lambda folder: _edit_yaml(folder / "course.yaml", change)


def _quiz(change):
    return lambda folder: _edit_yaml(folder / "01-modul-satu" / "quiz.yaml", change)


def _question(index, change):
    return _quiz(lambda data: change(data["questions"][index]))


def _write(relative, content):
    def change(folder):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return change


def _remove(relative):
    def change(folder):
        target = folder / relative
        if target.is_dir():
            for child in target.iterdir():
                child.unlink()
            target.rmdir()
        else:
            target.unlink()
    return change


def _lesson(text):
    return _write("02-modul-dua/01-pelajaran-c.md", text)


MODUL_SATU = "Kuis Modul 1 “Modul Satu”"
Q1 = f"{MODUL_SATU}, soal 1 “Kapan mencuci tangan?”"
Q2 = f"{MODUL_SATU}, soal 2 “Tanda infeksi?”"
Q3 = f"{MODUL_SATU}, soal 3 “Cuci tangan cukup 5 detik.”"
LESSON_C = "Modul 2 “Modul Dua”, materi “Pelajaran C”"

ZIP_CASES = {
    # the course
    "no module": (lambda f: [_remove(m)(f) for m in ("01-modul-satu", "02-modul-dua")],
                  "Kursus ini belum punya modul. Tambahkan paling sedikit satu modul yang berisi materi.", ""),
    "no title": (_course(lambda d: d.pop("title")), "Pengaturan kursus: Judul kursus belum diisi. Isi dulu.",
                 "course.yaml"),
    "pass mark out of range": (_course(lambda d: d.update(pass_mark=0)),
                               "Pengaturan kursus: Nilai lulus paling sedikit 1; sekarang 0.", "course.yaml:"),
    "hours not a number": (_course(lambda d: d.update(hours="dua")),
                           "Pengaturan kursus: Jam pelajaran harus berupa angka bulat.", "course.yaml:"),
    "unknown language": (_course(lambda d: d.update(language="fr")),
                         "Pengaturan kursus: Bahasa materi harus Bahasa Indonesia atau English.", "course.yaml:"),
    "no author": (_course(lambda d: d.update(authors=[])), "Pengaturan kursus: Tulis paling sedikit satu nama "
                  "penulis.", "course.yaml:"),
    "source without title": (_course(lambda d: d.update(sources=[{"publisher": "WHO"}])),
                             "Pengaturan kursus: Sumber ke-1 perlu judul.", "course.yaml:"),
    "unknown setting": (_course(lambda d: d.update(warna="hijau")),
                        "Pengaturan kursus: Rawat tidak mengenal pengaturan “warna”. Hapus pengaturan itu.",
                        "course.yaml:"),
    "settings missing": (_remove("course.yaml"), "Pengaturan kursus: Pengaturan kursus tidak ada.", "course.yaml"),
    "settings unreadable": (_write("course.yaml", "title: [Kursus\n"), "Pengaturan kursus: Berkas ini tidak bisa "
                            "dibaca: periksa titik dua, tanda kutip, dan jarak awal barisnya.", "course.yaml:"),
    "settings not a mapping": (_write("course.yaml", "- satu\n- dua\n"), "Pengaturan kursus: Berkas ini harus berisi "
                               "baris dengan bentuk “nama: isi”.", "course.yaml:1"),
    "unknown folder": (_write("lain/catatan.md", "x"), "Rawat tidak mengenal folder ini: modul adalah folder "
                       "bernama seperti 01-nama, dan gambar ditaruh di folder images. Hapus atau ganti nama folder "
                       "ini.", "lain"),
    # modules and lessons
    "module without lessons": (_remove("02-modul-dua/01-pelajaran-c.md"),
                               "Modul 2 “Modul Dua”: Tambahkan paling sedikit satu materi ke modul ini.",
                               "02-modul-dua"),
    "module without title": (_remove("02-modul-dua/module.yaml"), "Modul 2 “modul-dua”: Modul ini belum punya "
                             "judul. Beri judul.", "02-modul-dua/module.yaml"),
    "lesson without text": (_lesson("---\ntitle: Pelajaran C\nminutes: 5\n---\n\n"),
                            f"{LESSON_C}: Materi ini belum ada isinya. Tulis isinya.",
                            "02-modul-dua/01-pelajaran-c.md"),
    "lesson without front matter": (_lesson("Hanya teks.\n"), "Materi harus diawali judul dan lama membacanya, di "
                                    "antara dua baris ---.", "02-modul-dua/01-pelajaran-c.md:1"),
    "lesson too long to read": (_lesson("---\ntitle: Pelajaran C\nminutes: 90\n---\n\nIsi.\n"),
                                f"{LESSON_C}: Lama membaca paling banyak 60; sekarang 90.",
                                "02-modul-dua/01-pelajaran-c.md:3"),
    "lesson without title": (_lesson("---\nminutes: 5\n---\n\nIsi.\n"),
                             "Modul 2 “Modul Dua”, materi “pelajaran-c”: Judul materi belum diisi. Isi dulu.",
                             "02-modul-dua/01-pelajaran-c.md"),
    "picture not in the zip": (_lesson("---\ntitle: Pelajaran C\nminutes: 5\n---\n\n![x](images/tidak-ada.png)\n"),
                               f"{LESSON_C}: Gambar “images/tidak-ada.png” tidak ada di gambar kursus.",
                               "02-modul-dua/01-pelajaran-c.md:6"),
    "picture from another site": (_lesson("---\ntitle: Pelajaran C\nminutes: 5\n---\n\n![x](https://a.id/x.png)\n"),
                                  f"{LESSON_C}: Gambar “https://a.id/x.png” ada di situs lain.",
                                  "02-modul-dua/01-pelajaran-c.md:6"),
    "the same lesson twice": (_write("02-modul-dua/02-pelajaran-a.md", "---\ntitle: Lagi\nminutes: 2\n---\n\nX\n"),
                              "Ada dua materi dengan nama singkat “pelajaran-a”. Beri setiap materi nama singkat "
                              "sendiri.", ""),
    "unknown file in a module": (_write("02-modul-dua/catatan.txt", "x"), "Modul 2 “Modul Dua”: Rawat tidak mengenal "
                                 "berkas ini: materi adalah berkas bernama seperti 01-nama.md.",
                                 "02-modul-dua/catatan.txt"),
    # pictures
    "picture of an unknown type": (_write("images/foto.gif", b"GIF89a"), "Gambar “foto.gif”: Gambar harus berupa "
                                   "berkas PNG, JPEG, WebP, atau SVG. Hapus gambar ini.", "images/foto.gif"),
    # quizzes
    "quiz without questions": (_quiz(lambda d: d.update(questions=[])),
                               f"{MODUL_SATU}: Kuis ini belum punya soal. Tambahkan paling sedikit satu soal, atau "
                               "hapus kuisnya.", "01-modul-satu/quiz.yaml:"),
    "quiz pass mark out of range": (_quiz(lambda d: d.update(pass_mark=150)),
                                    f"{MODUL_SATU}: Nilai lulus paling banyak 100; sekarang 150.",
                                    "01-modul-satu/quiz.yaml:"),
    "more per attempt than questions": (_quiz(lambda d: d.update(questions_per_attempt=9)),
                                        f"{MODUL_SATU}: Setiap percobaan memakai 9 soal, padahal kuis ini hanya punya "
                                        "4 soal.", "01-modul-satu/quiz.yaml:"),
    "single without a right answer": (_question(0, lambda q: q["options"][0].pop("correct")),
                                      f"{Q1}: Pilih satu jawaban yang benar.", "01-modul-satu/quiz.yaml:"),
    "single with two right answers": (_question(0, lambda q: q["options"][1].update(correct=True)),
                                      f"{Q1}: Hanya satu jawaban yang boleh benar, tetapi 2 jawaban ditandai benar.",
                                      "01-modul-satu/quiz.yaml:"),
    "multiple without a right answer": (_question(1, lambda q: [o.pop("correct", None) for o in q["options"]]),
                                        f"{Q2}: Centang paling sedikit satu jawaban benar.",
                                        "01-modul-satu/quiz.yaml:"),
    "true or false without answer": (_question(2, lambda q: q.pop("answer")),
                                     f"{Q3}: Pilih apakah pernyataan ini benar atau salah.",
                                     "01-modul-satu/quiz.yaml:"),
    "one answer only": (_question(0, lambda q: q.update(options=q["options"][:1])),
                        f"{Q1}: Tulis paling sedikit dua jawaban.", "01-modul-satu/quiz.yaml:"),
    "the same answer twice": (_question(0, lambda q: q["options"][1].update(text="Sebelum makan")),
                              f"{Q1}: Ada dua jawaban yang isinya sama: “Sebelum makan”.", "01-modul-satu/quiz.yaml:"),
    "one step only": (_question(3, lambda q: q.update(steps=["Basahi"])),
                      f"{MODUL_SATU}, soal 4 “Urutkan langkahnya.”: Tulis paling sedikit dua langkah.",
                      "01-modul-satu/quiz.yaml:"),
    "question without explanation": (_question(0, lambda q: q.update(explanation="")),
                                     f"{Q1}: Penjelasan belum diisi. Isi dulu.", "01-modul-satu/quiz.yaml:"),
    "answer without text": (_question(0, lambda q: q["options"][1].update(text="")),
                            f"{Q1}: Isi jawaban ke-2 belum diisi. Isi dulu.", "01-modul-satu/quiz.yaml:"),
    "the same question id twice": (_question(1, lambda q: q.update(id="kapan-cuci-tangan")),
                                   "Ada dua soal dengan id “kapan-cuci-tangan”. Beri setiap soal id sendiri.",
                                   "01-modul-satu/quiz.yaml:"),
    "unknown question type": (_question(0, lambda q: q.update(type="essay")),
                              "Rawat tidak mengenal jenis soal “essay”.", "01-modul-satu/quiz.yaml:"),
    "question picture not in the zip": (_question(2, lambda q: q.update(image="images/tidak-ada.png")),
                                        f"{Q3}: Gambar “images/tidak-ada.png” tidak ada di gambar kursus. Unggah di "
                                        "bagian Gambar, atau pilih gambar lain.", "01-modul-satu/quiz.yaml:"),
    "question key of another type": (_question(2, lambda q: q.update(options=[{"text": "Ya"}])),
                                     f"{Q3}: Jawaban tidak dipakai di jenis soal ini. Hapus bagian itu.",
                                     "01-modul-satu/quiz.yaml:"),
    # the zip itself (checked before the importer)
    "a broken drawing": (_write("images/rusak.svg", b"<svg"), "Berkas SVG ini rusak (baris 1), jadi tidak bisa "
                         "dipakai.", "kursus-zip/images/rusak.svg"),
    "text that is not UTF-8": (_lesson(b"---\ntitle: \xff\n---\n"), "bukan teks UTF-8",
                               "kursus-zip/02-modul-dua/01-pelajaran-c.md"),
}


def _zip(folder: Path) -> bytes:
    """The folder as a zip, bytes as they are (zip_of_folder reads text, and one case is not UTF-8)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.writestr(f"{folder.name}/{path.relative_to(folder).as_posix()}", path.read_bytes())
    return buffer.getvalue()


@pytest.mark.parametrize("case", ZIP_CASES)
def test_a_refused_zip_says_each_problem_in_indonesian_with_its_file(course_folder, author, case):
    change, expected, file = ZIP_CASES[case]
    folder = course_folder("kursus-zip", images={"gambar.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "ada.svg": SVG})
    change(folder)
    count = db.session.scalar(select(func.count(CourseDraft.id)))
    response = author.post_form("/tulis/impor", {"file": (io.BytesIO(_zip(folder)), "kursus.zip")},
                                form_url="/tulis", content_type="multipart/form-data")
    page = text_of(response)
    assert response.status_code == 400
    assert "Tidak ada yang dimasukkan" in page and expected in page, page[page.find("Tidak ada yang"):][:1500]
    if file:
        assert f"(berkas {file}" in page
    assert "Ada yang belum benar di bagian kursus ini" not in page and "named like" not in page and " must " not in page
    assert db.session.scalar(select(func.count(CourseDraft.id))) == count  # nothing imported


def test_a_zip_refused_into_a_draft_is_worded_the_same(make_draft, course_folder, author):
    draft = make_draft()
    folder = course_folder("kursus-tulis")
    _remove("02-modul-dua/01-pelajaran-c.md")(folder)
    response = author.post_form(f"/tulis/{draft.id}/impor", {"file": (io.BytesIO(zip_of_folder(folder)), "k.zip")},
                                form_url=f"/tulis/{draft.id}", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Modul 2 “Modul Dua”: Tambahkan paling sedikit satu materi ke modul ini. (berkas 02-modul-dua)" \
        in text_of(response)


def test_a_zip_form_opens_its_answer_at_the_problems_and_a_success_at_the_top(make_draft, course_folder, author):
    """The zip panel is at the bottom of a long page: a refusal must not look like nothing happened."""
    draft = make_draft()
    assert 'action="/tulis/impor#zip"' in author.get("/tulis").get_data(as_text=True)
    assert f'action="/tulis/{draft.id}/impor#zip"' in author.get(f"/tulis/{draft.id}").get_data(as_text=True)
    assert 'id="zip"' in author.get("/tulis").get_data(as_text=True)
    data = zip_of_folder(course_folder("kursus-tulis"))
    done = author.post_form(f"/tulis/{draft.id}/impor", {"file": (io.BytesIO(data), "k.zip")},
                            form_url=f"/tulis/{draft.id}", content_type="multipart/form-data")
    assert done.status_code == 302 and done.headers["Location"] == f"/tulis/{draft.id}#main"


def test_the_zip_hint_says_what_a_zip_holds_in_the_authors_words(author, make_draft):
    for page in (text_of(author.get("/tulis")), text_of(author.get(f"/tulis/{make_draft().id}"))):
        assert "README" not in page and "content/" not in page
        assert "Zip seperti yang dibuat Rawat lewat “Unduh draf (zip)”" in page
        assert "satu folder untuk setiap modul dengan materi dan kuisnya" in page


def test_every_code_the_importer_gives_has_words_for_authors():
    """A new importer problem must get an author's sentence here, not fall back to a vague one."""
    sources = [ROOT / "lms/courses/importer.py", ROOT / "lms/courses/content_files.py", ROOT / "lms/quizzes/loader.py"]
    codes = {code for path in sources for code in re.findall(r'code="(\w+)"', path.read_text(encoding="utf-8"))}
    assert len(codes) > 40
    # the sanitizer's own message, and problems of `lms import-content` only (no folder in the browser)
    assert codes - set(MESSAGES) == {"svg_refused", "no_content"}


# --- the question editor marks only what is wrong -----------------------------------------------------------


def _question_post(author, draft, kind, rows, **extra):
    data = {"scenario": "", "image": "", "image_alt": "", "explanation": "Karena begitu.", "text": "Soal?", **extra}
    for index, row in enumerate(rows):
        data.update({f"options-{index}-{key}": value for key, value in row.items()})
    return author.post_form(f"/tulis/{draft.id}/modul/modul-satu/kuis/soal-baru?jenis={kind}", data)


@pytest.mark.parametrize("kind, message", [
    ("single", "Belum ada jawaban yang dipilih sebagai jawaban benar. Di bawah jawaban yang benar, pilih “Ini "
               "jawaban yang benar”."),
    ("multiple", "Belum ada jawaban yang dicentang sebagai jawaban benar. Centang “Jawaban benar” di bawah setiap "
                 "jawaban yang benar."),
])
def test_no_right_answer_marks_only_the_right_answer_choices(make_draft, author, kind, message):
    draft = make_draft()
    response = _question_post(author, draft, kind, [{"text": "Sebelum makan"}, {"text": "Tidak perlu"}])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert text_of(response).count(message) == 2  # beside the choices, and in the summary that links there
    assert '<a href="#right-answer">' in page and 'id="right-answer"' in page
    assert page.count("choice-error") == 2  # the choices of the two written answers, nothing else
    assert "has-error" not in page and 'aria-invalid="true"' not in page  # no text or feedback input marked red
    assert "Mohon perbaiki isian yang ditandai" not in page


def test_too_few_answers_marks_only_the_missing_answer(make_draft, author):
    draft = make_draft()
    response = _question_post(author, draft, "single", [{"text": "Sebelum makan"}], correct="0")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Tulis paling sedikit dua jawaban." in text_of(response)
    assert page.count('aria-invalid="true"') == 1 and 'id="options-1-text"' in page
    assert re.search(r'<input aria-describedby="options-error" aria-invalid="true" autocomplete="off" '
                     r'id="options-1-text"', page), page
    assert "choice-error" not in page


def test_the_same_answer_twice_marks_those_two_answers(make_draft, author):
    draft = make_draft()
    response = _question_post(author, draft, "multiple", [{"text": "A", "correct": "y"}, {"text": "B"},
                                                          {"text": "A"}])
    page = response.get_data(as_text=True)
    assert "Ada dua jawaban yang isinya sama." in text_of(response)
    marked = re.findall(r'aria-invalid="true" autocomplete="off" id="options-(\d+)-(\w+)"', page)
    assert marked == [("0", "text"), ("2", "text")]


def test_a_right_answer_chosen_on_an_empty_row_says_so(make_draft, author):
    draft = make_draft()
    response = _question_post(author, draft, "single", [{"text": "A"}, {"text": "B"}], correct="3")
    page = response.get_data(as_text=True)
    assert "Jawaban yang dipilih sebagai jawaban benar masih kosong." in text_of(response)
    assert re.findall(r'aria-invalid="true" autocomplete="off" id="options-(\d+)-text"', page) == ["3"]


# --- course_modules is shared: keep the cases above in step with it -------------------------------------------


def test_the_cases_match_the_shared_course():
    first, second = course_modules()
    assert [q["id"] for q in first["quiz"]["questions"]] == ["kapan-cuci-tangan", "tanda-infeksi", "lima-detik",
                                                             "urutan"]
    assert first["quiz"]["questions_per_attempt"] == 2 and second["lessons"][0]["slug"] == "pelajaran-c"


@pytest.mark.parametrize("kind, extra", [
    ("single", {"options-0-text": "A", "options-1-text": "B"}),
    ("multiple", {"options-0-text": "A"}),
    ("true_false", {}),
    ("ordering", {"steps": "Hanya satu"}),
    ("single", {"text": "", "explanation": "", "options-0-text": "A", "options-1-text": "B", "correct": "0"}),
])
def test_each_line_of_the_question_summary_links_to_its_input(make_draft, author, kind, extra):
    draft = make_draft()
    response = _question_post(author, draft, kind, [], **extra)
    page = response.get_data(as_text=True)
    summary = page[page.index("Soal belum disimpan"):page.index("</ul>", page.index("Soal belum disimpan"))]
    targets = re.findall(r'href="#([\w-]+)"', summary)
    assert response.status_code == 400 and targets
    for target in targets:
        assert f'id="{target}"' in page, target
