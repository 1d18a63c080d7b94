"""The guidelines the checker holds courses to (issue #17; ../shared/reviews/content-2026-12.md)."""

#: a single-choice question's right answer may be the longest option in at most this share of a course's
LONGEST_RIGHT_SHARE = 1 / 3
#: questions a module's pool needs so that it is not memorised, and how many an attempt draws
MIN_POOL = 12
PER_ATTEMPT = (6, 8)
#: scenario questions ("a short situation at home, then what do you do first?") per quiz
MIN_SCENARIOS = 3
#: ordering questions only where the order is fixed, and short
MAX_STEPS = 5
#: multiple-response questions: more than this share "all but one right" is a pattern learners spot
ALL_BUT_ONE_SHARE = 1 / 2
#: lessons for a reader with primary-school education
MAX_LESSON_WORDS = 650
MAX_AVERAGE_SENTENCE_WORDS = 12.5
MAX_SENTENCE_WORDS = 25
#: words of four syllables or more: the review found 5–8 % in plain lessons, 17–20 % in the hard ones
MAX_LONG_WORD_SHARE = 0.17
#: a reading time shorter than this many words a minute is not honest
MAX_WORDS_PER_MINUTE = 150
#: declared hours of study may differ from the computed ones by at most this share
HOURS_TOLERANCE = 0.25
#: words spelt or named two ways; the first is the one Rawat's courses use
TERM_PAIRS = (
    ("seprai", "sprei"), ("bokong", "pantat"), ("alat kelamin", "kemaluan"), ("napas", "nafas"),
    ("risiko", "resiko"), ("apotek", "apotik"), ("izin", "ijin"), ("praktik", "praktek"),
    ("label aturan pakai", "etiket"), ("sindrom Down", "down syndrome"), ("Posyandu", "posbindu"),
)
#: the hint every multiple-response question carries, by course language, and the words that count as it
SELECT_ALL_HINTS = {"id": "pilih semua yang benar", "en": "select all that apply"}
SELECT_ALL_WORDS = ("pilih semua", "select all", "choose all", "tick all")
