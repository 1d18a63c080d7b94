"""The GIFT parser: the supported subset, what it skips and why, and malformed input (with line numbers)."""
from __future__ import annotations

import pytest

from lms.authoring.gift import parse_gift

GOOD = """\
// A comment line is ignored.
::Cuci tangan::Kapan Ibu Sari mencuci tangan? {
  =Sebelum menyiapkan makanan#Benar, sebelum memasak.
  ~Hanya kalau tangan terlihat kotor#Kuman tidak terlihat.
  ####Cuci tangan sebelum memasak dan setelah ke kamar mandi.
}

::Tanda infeksi::Manakah tanda luka yang terinfeksi? {
  ~%50%Bernanah
  ~%50%Makin merah dan panas
  ~%-100%Sudah mengering#Luka kering sedang sembuh.
}

Mencuci tangan cukup 5 detik. {F####Gosok paling sedikit 20 detik.}

::Escapes:: Rumus 1 \\+ 1 \\= 2\\: benar\\? {TRUE}
"""


def test_supported_questions_are_read_with_titles_feedback_and_explanations():
    result = parse_gift(GOOD)
    assert result.skipped == []
    single, multiple, false, escaped = result.questions

    assert (single.line, single.title, single.kind) == (2, "Cuci tangan", "single")
    assert single.text == "Kapan Ibu Sari mencuci tangan?"
    assert [(c.text, c.correct, c.feedback) for c in single.choices] == [
        ("Sebelum menyiapkan makanan", True, "Benar, sebelum memasak."),
        ("Hanya kalau tangan terlihat kotor", False, "Kuman tidak terlihat."),
    ]
    assert single.explanation == "Cuci tangan sebelum memasak dan setelah ke kamar mandi."
    assert single.notes == []

    assert (multiple.line, multiple.kind) == (8, "multiple")
    assert [(c.text, c.correct) for c in multiple.choices] == [
        ("Bernanah", True), ("Makin merah dan panas", True), ("Sudah mengering", False)]
    assert multiple.choices[2].feedback == "Luka kering sedang sembuh."
    assert multiple.notes == ["no_explanation"]

    assert (false.line, false.kind, false.answer, false.title) == (14, "true_false", False, "")
    assert false.text == "Mencuci tangan cukup 5 detik."
    assert false.explanation == "Gosok paling sedikit 20 detik."

    assert escaped.kind == "true_false" and escaped.answer is True
    assert escaped.text == "Rumus 1 \\+ 1 = 2: benar\\?"


@pytest.mark.parametrize("answers, expected", [
    ("{T}", True), ("{F}", False), ("{TRUE}", True), ("{FALSE}", False), ("{true}", True),
])
def test_true_false_spellings(answers, expected):
    question, = parse_gift(f"Air putih baik untuk lansia. {answers}").questions
    assert question.answer is expected


def test_true_false_answer_feedback_becomes_the_explanation_when_there_is_no_general_feedback():
    question, = parse_gift("Lansia perlu minum. {T#Salah, lansia perlu minum.#Benar, minum cukup.}").questions
    assert question.explanation == "Benar, minum cukup."
    assert question.notes == ["tf_feedback"]


def test_escaped_characters_stay_in_the_texts():
    question, = parse_gift(r"Pilih \{ yang \~ benar \# \= \: {=A \= B#fb \# 1 ~C \~ D}").questions
    assert question.text == "Pilih { yang ~ benar # = :"
    assert [(c.text, c.feedback) for c in question.choices] == [("A = B", "fb # 1"), ("C ~ D", "")]


def test_html_format_marker_is_reduced_to_plain_text():
    question, = parse_gift("[html]<p>Apa <b>benar</b>?</p> {=Ya ~Tidak}").questions
    assert question.text == "Apa benar ?"


@pytest.mark.parametrize("text, reason", [
    ("Tulis pengalaman Anda merawat lansia. {}", "essay"),
    ("Siapa presiden pertama? {=Soekarno =Bung Karno}", "short_answer"),
    ("Berapa derajat suhu normal? {#37:0.5}", "numeric"),
    ("Pasangkan. {=Demam -> Kompres =Luka -> Perban}", "matching"),
    ("Ibu Sari {~mandi =mencuci tangan ~makan} sebelum memasak.", "missing_word"),
    ("Sekadar keterangan tanpa jawaban.", "description"),
    ("Pilih satu. {=A ~%50%B ~C}", "partial_credit"),
    ("Pilih satu. {=A =B ~C}", "several_right"),
])
def test_unsupported_questions_are_skipped_with_a_reason(app, text, reason):
    result = parse_gift("// soal\n" + text + "\n")
    assert result.questions == []
    assert [(skip.line, skip.reason) for skip in result.skipped] == [(2, reason)]
    with app.test_request_context():
        assert result.skipped[0].message  # a sentence for the report


@pytest.mark.parametrize("text, reason", [
    ("::Soal:: Jawaban tidak ditutup {=A ~B", "unclosed_brace"),
    ("::Soal:: Kurung tutup saja =A ~B}", "unopened_brace"),
    ("::Soal:: Dua kurung {=A {~B}", "nested_brace"),
    ("::Judul tanpa penutup Soal {=A ~B}", "unclosed_title"),
    ("::Soal:: Jawaban kosong {~ ~ }", "empty_answer"),
    ("::Soal:: Satu jawaban saja {~%100%A}", "too_few"),
    ("::Soal:: Tidak ada yang benar {~A ~B ~C}", "no_correct"),
    ("::Soal:: Bobot negatif saja {~%-50%A ~%-50%B}", "no_correct"),
    ("::Soal:: Sama {=A ~A}", "duplicate"),
    ("::Soal:: {=A ~B}", "no_text"),
    ("::Soal:: Teks di depan {A =B ~C}", "text_before_answers"),
    ("::Soal:: Terlalu banyak {=A " + " ".join(f"~B{n}" for n in range(12)) + "}", "too_many"),
])
def test_malformed_questions_are_reported_with_their_line(text, reason):
    source = "Air putih baik. {T}\n\n" + text + "\n\nAir teh baik. {F}\n"
    result = parse_gift(source)
    assert [q.line for q in result.questions] == [1, 5]  # the neighbours are still read
    assert [(skip.line, skip.reason) for skip in result.skipped] == [(3, reason)]
    assert result.skipped[0].title == ("Soal" if reason != "unclosed_title" else "::Judul tanpa penutup Soal")


def test_unclosed_brace_does_not_swallow_the_following_questions():
    source = "Soal satu {=A ~B\n\nSoal dua {=C ~D}\n"
    result = parse_gift(source)
    assert [(s.line, s.reason) for s in result.skipped] == [(1, "unclosed_brace")]
    assert [q.text for q in result.questions] == ["Soal dua"]


def test_windows_line_ends_blank_input_and_comments_only():
    assert parse_gift("").questions == [] and parse_gift("").skipped == []
    assert parse_gift("// hanya komentar\n// lagi\n").skipped == []
    result = parse_gift("Soal {=A\r\n~B}\r\n\r\nSoal dua {T}\r\n")
    assert [(q.line, q.kind) for q in result.questions] == [(1, "single"), (4, "true_false")]


def test_answers_over_several_lines_with_weights_on_right_answers():
    question, = parse_gift("Pilih yang benar.\n{\n=%100%Ya#betul\n~Tidak\n}").questions
    assert [(c.text, c.correct, c.feedback) for c in question.choices] == [("Ya", True, "betul"), ("Tidak", False, "")]


# A file as Moodle exports it: a category line, comments, 2 supported and 4 unsupported questions.
MOODLE_EXPORT = """\
// question: 0  name: Switch category to $course$/top/Kebersihan
$CATEGORY: $course$/top/Kebersihan

// question: 101  name: Cuci tangan
::Cuci tangan::Kapan mencuci tangan? {=Sebelum makan ~Tidak perlu}

// question: 102  name: Pengalaman
::Pengalaman::Tulis pengalaman Anda. {}

// question: 103  name: Suhu
::Suhu::Berapa derajat suhu normal? {#37:0.5}

// question: 104  name: Pasangan
::Pasangan::Pasangkan. {=Demam -> Kompres =Luka -> Perban}

// question: 105  name: Presiden
::Presiden::Siapa presiden pertama? {=Soekarno =Bung Karno}

// question: 106  name: Minum
::Minum::Lansia perlu minum. {T}
"""


def test_a_category_line_is_not_a_question():
    result = parse_gift(MOODLE_EXPORT)
    assert [q.title for q in result.questions] == ["Cuci tangan", "Minum"]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (8, "essay"), (11, "numeric"), (14, "matching"), (17, "short_answer")]
    assert result.categories == [(2, "$course$/top/Kebersihan")]


def test_a_question_right_under_its_category_line_is_read():
    result = parse_gift("$CATEGORY: Kebersihan\n// komentar\n::Minum::Lansia perlu minum. {T}\n")
    assert result.skipped == [] and result.categories == [(1, "Kebersihan")]
    assert [(q.line, q.title) for q in result.questions] == [(3, "Minum")]


def test_a_blank_line_inside_the_answers_is_one_skipped_question_not_two():
    source = "Soal satu {\n=A\n\n~B\n\n~C\n}\n\nSoal dua {=C ~D}\n"
    result = parse_gift(source)
    assert [(s.line, s.reason, s.title) for s in result.skipped] == [(1, "blank_line_in_answers", "Soal satu")]
    assert [(q.line, q.text) for q in result.questions] == [(9, "Soal dua")]


def test_titles_with_escaped_colons_and_several_blank_lines_between_questions():
    result = parse_gift("::Jam 10\\:00::Minum obat jam 10\\:00. {T}\n\n\n   \n\n::Dua::Soal dua {F}\n")
    assert [(q.line, q.title, q.text) for q in result.questions] == [
        (1, "Jam 10:00", "Minum obat jam 10:00."), (6, "Dua", "Soal dua")]
    assert result.skipped == []
