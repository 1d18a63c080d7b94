"""Word search in names: the words typed, in any order, each the beginning of a word of the name.

"siti am" finds "Siti Aminah" and "Aminah Siti"; "minah" does not (that is a search inside words, the
trigram LIKE of `database.search_pattern`, which a page offers next to it). Words are runs of letters and
digits: "Siti-Aminah", "Ma'ruf" and "Rina/Agus" are two words each, for the name and for what is typed.

On PostgreSQL the condition is a full-text match on a GIN index (migration 0030): every word but the last is
a whole word, and the last a prefix, so the index starts from the rarest word and skips through the others.
The certificates list indexes every word's beginnings too (migration 0031, `by_prefixes`): a common last word
("rina…", 27,824 certificates) is then one entry of the index, not all the words it begins gathered first.
"wayan dewi 1234" among a million learners takes 0.5 ms, where the trigram index took 5.9 ms (its trigrams
are in tens of thousands of names each) and a prefix on every word 28 ms (issue #21). SQLite, the embedded
database of small installations, reads the table with LIKE on the same words.
"""
from __future__ import annotations

import re

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

#: at most this many words of a query are matched
MAX_WORDS = 6
_WORD = re.compile(r"[^\W_]+")
#: PostgreSQL: what is not a letter or digit separates words; the same text the indexes of migration 0030 hold
_PG_SEPARATORS = "'[^[:alnum:]]+'"
#: SQLite has no regexp_replace: the separators names are written with become spaces
_SQLITE_SEPARATORS = "-.,'’/()&_\"`:;+"


#: a word is kept in a words table (certificates.models.CertificateWord) up to this many characters
WORD_LENGTH = 64


def words_of(text: str) -> list[str]:
    """The words of `text`, in lower case, at most MAX_WORDS."""
    return _WORD.findall(text.lower())[:MAX_WORDS]


#: a piece typed shorter than this is not looked for inside words: a trigram index cannot find it, so it is
#: searched by reading every row (550 ms among a million users), and it is inside most of them anyway
MIN_INSIDE = 3


def searchable_inside(query: str) -> bool:
    """Every piece of `query` (as typed, split at spaces) is long enough to be looked for inside words."""
    pieces = query.lower().split()
    return bool(pieces) and all(len(piece) >= MIN_INSIDE for piece in pieces)


def indexed_words(*texts: str) -> set[str]:
    """Every word of `texts` (in lower case, as `words_of` reads a query), each at most WORD_LENGTH long."""
    return {word[:WORD_LENGTH] for text in texts if text for word in _WORD.findall(text.lower())}


def after_prefix(prefix: str) -> str:
    """The first text after every text beginning with `prefix`, compared character by character: the words
    beginning "rina" are those >= "rina" and < "rinb"."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def words_vector_sql(*columns: str) -> str:
    """The indexed expression over `columns` (SQL text), for a migration's CREATE INDEX and for the match."""
    joined = " || ' ' || ".join(columns)
    return f"to_tsvector('simple', regexp_replace({joined}, {_PG_SEPARATORS}, ' ', 'g'))"


class WordsMatch(ColumnElement[bool]):
    """True where `columns` (joined by a space) hold every word of `words`, the last as a prefix.

    `by_prefixes`: PostgreSQL reads the index of every word's beginnings (migration 0031's word_prefixes),
    where the last word is one exact entry, instead of the index of words (0030)."""

    type = Boolean()
    inherit_cache = True
    _traverse_internals = [("columns", InternalTraversal.dp_clauseelement_tuple),
                           ("words", InternalTraversal.dp_plain_obj),
                           ("by_prefixes", InternalTraversal.dp_boolean)]

    def __init__(self, columns, words: list[str], by_prefixes: bool = False):
        if not words:
            raise ValueError("no words to match")
        self.columns = tuple(columns)
        self.words = tuple(words)
        self.by_prefixes = by_prefixes


def has_words(*columns, words: list[str], by_prefixes: bool = False) -> WordsMatch:
    return WordsMatch(columns, words, by_prefixes)


def prefixes_query(words) -> str:
    """The tsquery text of `words` against the index of words' beginnings (0031): every word whole, the last as
    one entry ">" + beginning ("'agus' & '>rina'"). The words are letters and digits only (words_of), so quoted
    they cannot change the query."""
    *whole, last = words
    return " & ".join([f"'{word}'" for word in whole] + [f"'>{last}'"])


def word_prefixes_sql(*columns: str) -> str:
    """The expression migration 0031 indexes over `columns` (SQL text): each word, and ">" + each beginning."""
    return "word_prefixes({})".format(" || ' ' || ".join(columns))


@compiles(WordsMatch, "postgresql")
def _words_in_postgresql(element: WordsMatch, compiler, **kw) -> str:
    columns = [compiler.process(column, **kw) for column in element.columns]
    # the words are letters and digits only (words_of): quoted, they cannot change the tsquery
    if element.by_prefixes:
        # read as written (::tsquery, not to_tsquery, which would drop the ">"); '' is a quote in the SQL string
        entries = prefixes_query(element.words).replace("'", "''")
        return f"{word_prefixes_sql(*columns)} @@ '{entries}'::tsquery"
    query = " & ".join(f"''{word}''" for word in element.words) + ":*"  # '' : a quote in the SQL string
    return f"{words_vector_sql(*columns)} @@ to_tsquery('simple', '{query}')"


@compiles(WordsMatch)
def _words_elsewhere(element: WordsMatch, compiler, **kw) -> str:
    text = " || ' ' || ".join(f"lower({compiler.process(column, **kw)})" for column in element.columns)
    for separator in _SQLITE_SEPARATORS:
        text = f"replace({text}, '{separator.replace(chr(39), chr(39) * 2)}', ' ')"
    padded = f"(' ' || {text} || ' ')"
    *whole, last = element.words
    conditions = [f"{padded} LIKE '% {word} %'" for word in whole] + [f"{padded} LIKE '% {last}%'"]
    return "(" + " AND ".join(conditions) + ")"
