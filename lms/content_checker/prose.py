"""Reading a lesson's Markdown as prose: its words, its sentences and the line each starts on."""
from __future__ import annotations

import re
from dataclasses import dataclass

WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"”’)]*\s+")
LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]+)[^)]*\)")
EMPHASIS_RE = re.compile(r"[*_`]+")
VOWEL_RE = re.compile(r"[aeiouy]", re.I)
DIPHTHONG_RE = re.compile(r"(?:ai|au|oi|ei)(?![aeiou])", re.I)


def syllables(word: str) -> int:
    """Indonesian syllables, closely enough: one per vowel, diphthongs (ai, au, oi, ei) count once."""
    return max(1, len(VOWEL_RE.findall(word)) - len(DIPHTHONG_RE.findall(word)))


@dataclass(frozen=True)
class Sentence:
    line: int
    words: int


@dataclass(frozen=True)
class Prose:
    words: int
    #: words of four syllables or more (aksesibilitas, habilitasi), lower case: the review's measure of hard text
    long_words: list[str]
    sentences: list[Sentence]
    #: (line, path) of every picture without a description
    images_without_alt: list[tuple[int, str]]

    def long_word_share(self, familiar: frozenset[str] = frozenset()) -> float:
        """Share of long words, leaving out `familiar` ones (the course's own subject, in its title)."""
        hard = sum(1 for word in self.long_words if word not in familiar)
        return hard / self.words if self.words else 0.0

    @property
    def average_sentence_words(self) -> float:
        return sum(s.words for s in self.sentences) / len(self.sentences) if self.sentences else 0.0


def words(text: str) -> int:
    return len(WORD_RE.findall(text))


def _plain(text: str) -> str:
    return EMPHASIS_RE.sub("", LINK_RE.sub(lambda m: "" if m.group(0).startswith("!") else m.group(1), text))


def read_prose(body: str, first_line: int) -> Prose:
    """Paragraphs and list items are split into sentences; headings, tables and callout titles count
    as words only (they are labels, not sentences)."""
    total = 0
    long_words: list[str] = []
    sentences: list[Sentence] = []
    images: list[tuple[int, str]] = []
    unit: list[str] = []
    unit_line = first_line

    def close() -> None:
        nonlocal unit
        text = " ".join(unit).strip()
        unit = []
        for part in SENTENCE_END_RE.split(text):
            count = words(part)
            if count:
                sentences.append(Sentence(unit_line, count))

    for number, raw in enumerate(body.splitlines(), start=first_line):
        line = raw.strip()
        for alt, path in IMAGE_RE.findall(line):
            if not alt.strip():
                images.append((number, path))
        if not line or line.startswith(("#", "|", ":::")) or IMAGE_RE.fullmatch(line):
            close()
            if line.startswith(("#", "|")):
                label = _plain(line.lstrip("#"))
                total += words(label)
                long_words.extend(word.lower() for word in WORD_RE.findall(label) if syllables(word) >= 4)
            continue
        text = _plain(line)
        total += words(text)
        long_words.extend(word.lower() for word in WORD_RE.findall(text) if syllables(word) >= 4)
        if LIST_ITEM_RE.match(raw):
            close()
            unit_line = number
            text = LIST_ITEM_RE.sub("", text)
        elif not unit:
            unit_line = number
        unit.append(text)
    close()
    return Prose(words=total, long_words=long_words, sentences=sentences, images_without_alt=images)
