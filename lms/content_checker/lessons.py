"""Lesson checks: length, sentence length, reading time, pictures without a description."""
from __future__ import annotations

from ..courses.content_files import split_front_matter
from ..courses.importer import LessonSpec
from . import limits
from .findings import Finding
from .prose import read_prose


def check_lesson(lesson: LessonSpec, familiar: frozenset[str] = frozenset()) -> list[Finding]:
    """`familiar`: long words the course is about (in its title), not counted as hard."""
    meta, body, body_line = split_front_matter(lesson.path)  # the importer read it already: it parses
    prose = read_prose(body, body_line)
    found = []
    if prose.words > limits.MAX_LESSON_WORDS:
        found.append(Finding(lesson.path, 1, "long_lesson", {"words": prose.words, "max": limits.MAX_LESSON_WORDS}))
    average = prose.average_sentence_words
    if average > limits.MAX_AVERAGE_SENTENCE_WORDS:
        found.append(Finding(lesson.path, 1, "long_sentences_on_average",
                             {"average": round(average, 1), "max": limits.MAX_AVERAGE_SENTENCE_WORDS}))
    share = prose.long_word_share(familiar)
    if share > limits.MAX_LONG_WORD_SHARE:
        found.append(Finding(lesson.path, 1, "hard_words", {"share": round(share * 100),
                                                            "max": round(limits.MAX_LONG_WORD_SHARE * 100)}))
    for sentence in prose.sentences:
        if sentence.words > limits.MAX_SENTENCE_WORDS:
            found.append(Finding(lesson.path, sentence.line, "long_sentence",
                                 {"words": sentence.words, "max": limits.MAX_SENTENCE_WORDS}))
    if lesson.minutes * limits.MAX_WORDS_PER_MINUTE < prose.words:
        line = meta.line_of("minutes") if hasattr(meta, "line_of") else None
        found.append(Finding(lesson.path, line, "reading_time_too_short",
                             {"minutes": lesson.minutes, "words": prose.words,
                              "honest": -(-prose.words // limits.MAX_WORDS_PER_MINUTE)}))
    for line, image in prose.images_without_alt:
        found.append(Finding(lesson.path, line, "image_without_alt", {"image": image}))
    return found
