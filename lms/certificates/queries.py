"""Read helpers: a certificate's status and payload, look-ups and the admin list."""
from __future__ import annotations

import time
from bisect import bisect_left
from math import prod
from dataclasses import dataclass
from functools import cache, lru_cache
from datetime import date

from sqlalchemy import (DateTime, Integer, String, and_, bindparam, cast, exists, func, literal, literal_column, or_,
                        select, text, tuple_, union)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import aliased, load_only

from ..caches import WORD_SHARES, request_memo
from ..courses.models import Module, Skill, SkillCompetence
from ..database import like_pattern, search_pattern
from ..extensions import db
from ..pagination import COUNT_CAP, WalkGaveUp
from ..word_search import (MAX_WORDS, WORD_LENGTH, after_prefix, has_words, prefixes_query, word_prefixes_sql,
                           words_of)
from .dates import today as local_today
from .models import Certificate, CertificateEvent, CertificateWord
from .public_id import fragments
from .signing import payload_fields

STATUSES = ("valid", "revoked", "expired", "withdrawn")


def certificate_status(certificate: Certificate, today: date | None = None) -> str:
    """"withdrawn" once withdrawn at the holder's request (for good), else "revoked" while revoked, else
    "expired" after its last valid day, else "valid"."""
    if certificate.withdrawn_at is not None:
        return "withdrawn"
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.valid_until is not None and (today or local_today()) > certificate.valid_until:
        return "expired"
    return "valid"


def payload_of(certificate: Certificate) -> dict:
    """The signed fields of a certificate (see signing.py for the canonical form)."""
    return payload_fields(
        public_id=certificate.public_id, holder=certificate.holder_name, course=certificate.course_title,
        course_version=certificate.course_version, hours=certificate.hours, completed=certificate.completed_on,
        valid_until=certificate.valid_until, issuer=certificate.issuer, kid=certificate.key_id,
        skills=certificate.skills,
    )


def competent_skills(user_id: int, course_id: int) -> list[tuple[SkillCompetence, Skill]]:
    """The course's current skills the learner was seen doing competently, in course order (module, then
    skill): what a certificate issued now lists. One query."""
    return [tuple(row) for row in db.session.execute(
        select(SkillCompetence, Skill).join(Skill, Skill.id == SkillCompetence.skill_id)
        .join(Module, Module.id == Skill.module_id)
        .where(SkillCompetence.user_id == user_id, Skill.course_id == course_id, Skill.retired_at.is_(None),
               Module.retired_at.is_(None))
        .order_by(Module.position, Skill.position, Skill.id))]


# Built once: every verification runs it, and a reused statement skips SQLAlchemy's construction.
_BY_PUBLIC_ID = select(Certificate).where(Certificate.public_id == bindparam("public_id"))


def get_by_public_id(public_id: str) -> Certificate | None:
    return db.session.scalar(_BY_PUBLIC_ID, {"public_id": public_id})


def latest_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The learner's certificate of the latest cycle for a course."""
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.course_id == course_id)
        .order_by(Certificate.cycle.desc()).limit(1))


def latest_certificates_of(user_id: int) -> dict[int, Certificate]:
    """course id -> the learner's latest certificate, in one query."""
    rows = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.course_id, Certificate.cycle))
    return {certificate.course_id: certificate for certificate in rows}


def latest_certificates_in_request(user_id: int) -> dict[int, Certificate]:
    """latest_certificates_of, read once per request: every course card of the dashboard asks, and
    the dashboard's catch-up (listeners.on_completed_courses_shown) adds what it issues."""
    return request_memo(("latest_certificates", user_id), lambda: latest_certificates_of(user_id))


def renewed_by(certificate: Certificate) -> Certificate | None:
    """The certificate that renewed this one. Renewal needs an expiry first, so a certificate
    still within its validity needs no query (most verifications)."""
    if certificate.valid_until is None or certificate.valid_until >= local_today():
        return None
    return db.session.scalar(select(Certificate).where(Certificate.renews_id == certificate.id))


def events_of(certificate: Certificate) -> list[CertificateEvent]:
    return list(db.session.scalars(select(CertificateEvent).where(CertificateEvent.certificate_id == certificate.id)
                                   .order_by(CertificateEvent.created_at, CertificateEvent.id)))


#: a part of an ID shorter than this is not looked for in the IDs: most IDs hold it, and no index finds it
MIN_ID_GROUP = 3


def id_groups(query: str) -> list[str]:
    """The parts of an ID that `query` may be ("7k3m 9qxh"), each long enough to look for (MIN_ID_GROUP): "ag" or
    the check letter alone would be found in most IDs, by reading every certificate."""
    return [group for group in fragments(query) or [] if len(group) >= MIN_ID_GROUP]


def search_certificates(query: str | None = None, status: str | None = None, today: date | None = None, *,
                        anywhere: bool = False):
    """Select statement for the admin list (unordered: pages order it newest first), and by status.

    The query's words are found in the holder's name and the course's title by the beginnings of their
    words (lms/word_search.py), or, `anywhere`, each inside the ID, the name or the title; a fragment of an
    ID is found in the IDs. PostgreSQL has indexes for both (migrations 0030 and 0018). A whole certificate
    ID never gets here: the view opens that certificate."""
    stmt = select(Certificate)
    words = words_of(query or "")
    if anywhere or (query and not words):  # "-" or "%": no word to begin with, only text to find
        for word in (query or "").lower().split()[:MAX_WORDS]:
            like = search_pattern(word)
            stmt = stmt.where(or_(func.lower(Certificate.public_id).like(like, escape="\\"),
                                  func.lower(Certificate.holder_name).like(like, escape="\\"),
                                  func.lower(Certificate.course_title).like(like, escape="\\")))
    elif words:
        found = [has_words(Certificate.holder_name, Certificate.course_title, words=words, by_prefixes=True)]
        groups = id_groups(query)
        if groups:  # "7k3m 9qxh": parts of an ID, in that ID
            found.append(and_(*(func.lower(Certificate.public_id).like(search_pattern(group), escape="\\")
                                for group in groups)))
        stmt = stmt.where(or_(*found))
    today = today or local_today()
    if status == "withdrawn":
        return stmt.where(Certificate.withdrawn_at.is_not(None))
    if status:
        stmt = stmt.where(Certificate.withdrawn_at.is_(None))
    if status == "revoked":
        stmt = stmt.where(Certificate.revoked_at.is_not(None))
    elif status == "expired":
        stmt = stmt.where(Certificate.revoked_at.is_(None), Certificate.valid_until < today)
    elif status == "valid":
        stmt = stmt.where(Certificate.revoked_at.is_(None),
                          or_(Certificate.valid_until.is_(None), Certificate.valid_until >= today))
    return stmt


# --- the word search along each word's newest certificates ---------------------------------------------------

#: rows of its chosen word a search reads at most, looking for its page; past them its matches are few among
#: that word's certificates, and the word index (migration 0031) finds them at little cost
WALK_ROWS = 200
#: a walk worth taking may read up to as many rows as its matches, and no more than this
MAX_WALK_ROWS = 2_000
#: a last word that begins more different words than this is not read word by word
MAX_BEGUN_WORDS = 16


@dataclass(frozen=True)
class WordShares:
    """How common words are among certificates, from PostgreSQL's statistics of the words table (its 1,000
    commonest words): the share of certificates holding each word listed, and holding any one word not listed
    (`rare`, the rest of the rows spread over the other words, as the planner reckons it)."""

    words: tuple[str, ...]
    shares: tuple[float, ...]
    rare: float
    #: certificates in all (PostgreSQL's estimate)
    certificates: float

    def of(self, word: str) -> float:
        index = bisect_left(self.words, word)
        return self.shares[index] if index < len(self.words) and self.words[index] == word else self.rare

    def of_beginning(self, prefix: str) -> float:
        """The share holding a word beginning `prefix`: the listed words so begun, and one word not listed."""
        start, end = bisect_left(self.words, prefix), bisect_left(self.words, after_prefix(prefix))
        return min(1.0, sum(self.shares[start:end]) + self.rare)


def _word_shares() -> WordShares | None:
    """PostgreSQL's statistics of the words (None elsewhere, or before ANALYZE), read once per process every ten
    minutes (WORD_SHARES): they change as slowly as the country's names."""
    if db.engine.dialect.name != "postgresql":
        return None
    key = (db.engine.url.render_as_string(), int(time.monotonic() // 600))
    cached = WORD_SHARES.get(key)
    if cached is None:
        row = db.session.execute(text("""
            SELECT s.most_common_vals::text::text[], s.most_common_freqs, s.n_distinct,
                   (SELECT reltuples FROM pg_class WHERE oid = 'certificate_words'::regclass),
                   (SELECT reltuples FROM pg_class WHERE oid = 'certificates'::regclass)
            FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'certificate_words'
              AND s.attname = 'word'""")).first()
        if row is None or not row[0] or not row[3] or not row[4] or row[3] <= 0 or row[4] <= 0:
            cached = False
        else:
            words, freqs, distinct, rows, certificates = row
            rows_per_certificate = rows / certificates
            pairs = sorted(zip(words, (freq * rows_per_certificate for freq in freqs), strict=True))
            # as PostgreSQL's planner reckons: the rows not of a listed word, spread over the other words
            others = max((distinct if distinct > 0 else -distinct * rows) - len(words), 1)
            rare = max(1 - sum(freqs), 0) / others * rows_per_certificate
            cached = WordShares(tuple(word for word, _ in pairs), tuple(share for _, share in pairs),
                                rare=rare, certificates=certificates)
        WORD_SHARES.put(key, cached)
    return cached or None


def _walk_plan(whole: list[str], last: str, limit: int) -> tuple[str | None, int]:
    """(the word whose certificates are read, or None to read those of the words `last` begins; the most rows
    the walk may read, 0 when it is not worth walking).

    The word read is the rarest; the others are checked on each row. With statistics the walk is taken only
    when it should end within WALK_ROWS rows: the word has no more, or (the words being independent) its page
    lies within them. It may then read as many rows as the word index would find matches (up to
    MAX_WALK_ROWS): a row walked costs about what a match found there costs, so a walk that finds its page
    late ("wayan sri", whose newest certificates hold fewer "sri" than the older) still costs no more than the
    index. Without statistics (SQLite, small databases) it is always tried, for WALK_ROWS rows."""
    shares = _word_shares()
    if shares is None:
        return (max(whole, key=len) if whole else None), WALK_ROWS
    candidates = [(shares.of(word), word) for word in whole] + [(shares.of_beginning(last), None)]
    chosen = min(range(len(candidates)), key=lambda index: (candidates[index][0], candidates[index][1] is None))
    # the share of the chosen word's certificates that hold the other words too: a page in limit / that rows
    others = prod(share for index, (share, _word) in enumerate(candidates) if index != chosen)
    rows = candidates[chosen][0] * shares.certificates
    if rows > WALK_ROWS and limit > WALK_ROWS * others:
        return candidates[chosen][1], 0
    return candidates[chosen][1], int(min(MAX_WALK_ROWS, max(WALK_ROWS, rows * others)))


def _words_begun(prefix: str) -> list[str]:
    """The different words beginning `prefix`, up to MAX_BEGUN_WORDS + 1: one index probe each (a recursive
    query steps from each word to the next)."""
    return list(db.session.scalars(_begun_statement(), {"prefix": prefix, "end": after_prefix(prefix),
                                                        "most": MAX_BEGUN_WORDS}))


@cache
def _begun_statement():
    word = CertificateWord.word
    start = (select(func.min(word).label("word"), literal(1).label("n"))
             .where(word >= bindparam("prefix"), word < bindparam("end")))
    steps = start.cte("begun", recursive=True)
    following = (select(select(func.min(word)).where(word > steps.c.word, word < bindparam("end")).scalar_subquery(),
                        steps.c.n + 1)
                 .where(steps.c.word.is_not(None), steps.c.n <= bindparam("most")))
    steps = steps.union_all(following)
    return select(steps.c.word).where(steps.c.word.is_not(None))


def walk_words(query: str, status: str | None):
    """The admin list's word search read along each word's newest certificates (CertificateWord), as a walk for
    pagination.walked_page, or None where the search cannot be read so (a status filter, no word).

    The rows of the word chosen (the rarest) are read newest first from the cursor, as many as _walk_plan
    allows; each is kept when the certificate also holds the other words (the last one as a beginning), in
    the second index. Typed words that could be parts of an ID ("rina": r1na) are also looked for in the IDs,
    as search_certificates does, through their trigram index (few IDs hold them); the page is the newest of
    both, its certificates read by id. Where a walk would read its rows without filling its page, the matches
    are few there: PostgreSQL finds them all through the word index (migration 0031) and counts them
    (_match_statement); elsewhere the walk gives up (WalkGaveUp) and the list's own statement is read."""
    words = words_of(query)
    groups = id_groups(query)
    if status or not words or any(len(word) > WORD_LENGTH for word in words):
        return None
    *whole, last = words
    params = {"prefix": last, "prefix_end": after_prefix(last), "cap": COUNT_CAP + 1,
              "words_query": prefixes_query(words)}
    params.update({f"group_{index}": like_pattern(group) for index, group in enumerate(groups)})

    def walk(direction: str, cursor, limit: int) -> tuple[list[Certificate], int | None]:
        bound = dict(params, limit=limit)
        if cursor is not None:
            bound.update(cursor_moment=cursor[0], cursor_id=cursor[1])
        try:
            return _walked(whole, last, len(groups), direction, bound), None
        except WalkGaveUp:
            if db.engine.dialect.name != "postgresql":
                raise
        found = [tuple(row) for row in db.session.execute(_match_statement(len(groups), direction), bound)]
        total = found[0][1] if found else db.session.scalar(_match_count(len(groups)), bound)
        if total > COUNT_CAP:  # so many: the list's own statement reads them along its order index
            raise WalkGaveUp
        return [certificate for certificate, _total in found], total

    return walk


def _walked(whole: list[str], last: str, groups: int, direction: str, bound: dict) -> list[Certificate]:
    """The page walked along the chosen word's rows; WalkGaveUp when its matches are few there."""
    driver, most_rows = _walk_plan(whole, last, bound["limit"])
    if not most_rows:
        raise WalkGaveUp
    read_words = [driver] if driver is not None else _words_begun(last)
    # a short beginning ("a", "ag") begins too many words to read each: the certificates are then read newest
    # first along their own date index, every word checked, which finds a page at once since most match
    by_date = len(read_words) > MAX_BEGUN_WORDS
    if by_date:
        read_words = []
    elif not read_words and not groups:  # no word begins so: nothing matches
        return []
    checks = [word for word in whole if by_date or word != driver]
    page, walked = _walk_statements(len(read_words), len(checks), by_date or driver is not None, groups, direction,
                                    by_date)
    bound = dict(bound, walk_rows=most_rows)
    bound.update({f"read_{index}": word for index, word in enumerate(read_words)})
    bound.update({f"check_{index}": word for index, word in enumerate(checks)})
    found = [tuple(row) for row in db.session.execute(page, bound)]
    page_rows = found[0][1] if found else 0
    if walked is not None and page_rows < bound["limit"] and db.session.scalar(walked, bound) >= most_rows:
        raise WalkGaveUp
    return [certificate for certificate, _rows in found]


def _ordering(direction: str):
    """(order, from_cursor) on two columns (moment, id) for a direction: "first" (the newest), "older" (after the
    cursor) or "newer" (before it, oldest first); the cursor is two bound parameters."""
    newest_first = direction != "newer"

    def order(moment, row_id) -> list:
        return [moment.desc(), row_id.desc()] if newest_first else [moment.asc(), row_id.asc()]

    def from_cursor(moment, row_id) -> list:
        if direction == "first":
            return []
        at = tuple_(bindparam("cursor_moment", type_=DateTime()), bindparam("cursor_id", type_=Integer()))
        return [tuple_(moment, row_id) < at if newest_first else tuple_(moment, row_id) > at]

    return order, from_cursor


def _in_ids(groups: int) -> list:
    """Each typed group is part of the ID. The patterns are written into the statement, as search_pattern
    does: PostgreSQL then plans the trigram index for them."""
    patterns = [bindparam(f"group_{index}", type_=String(), literal_execute=True) for index in range(groups)]
    return [func.lower(Certificate.public_id).like(pattern, escape="\\") for pattern in patterns]


@lru_cache(maxsize=512)
def _walk_statements(read_words: int, checks: int, prefix_check: bool, groups: int, direction: str,
                     by_date: bool = False):
    """(the page, the number of rows walked) for one shape of search, built once: the words, the cursor and the
    limits are bound parameters, so a search costs its execution only (building it cost 0.5 ms). `by_date`:
    the rows walked are the certificates' own, newest first (ix_certificates_issued_at_id)."""
    order, from_cursor = _ordering(direction)
    parts, rows = [], None
    if by_date:
        rows = (select(Certificate.issued_at, Certificate.id.label("certificate_id"))
                .where(*from_cursor(Certificate.issued_at, Certificate.id))
                .order_by(*order(Certificate.issued_at, Certificate.id)).limit(bindparam("walk_rows"))
                .subquery("walked"))
    elif read_words:
        word = CertificateWord
        arms = [select(word.issued_at, word.certificate_id)
                .where(word.word == bindparam(f"read_{index}"), *from_cursor(word.issued_at, word.certificate_id))
                .order_by(*order(word.issued_at, word.certificate_id)).limit(bindparam("walk_rows"))
                for index in range(read_words)]
        if read_words == 1:
            rows = arms[0].subquery("walked")
        else:  # one certificate may hold two words so begun ("agus", "agustina"): UNION keeps it once
            merged = union(*(select(arm.subquery().c) for arm in arms)).subquery("begun_rows")
            rows = (select(merged.c.issued_at, merged.c.certificate_id)
                    .order_by(*order(merged.c.issued_at, merged.c.certificate_id)).limit(bindparam("walk_rows"))
                    .subquery("walked"))
    if rows is not None:
        found = [_holds(rows.c.certificate_id, bindparam(f"check_{index}")) for index in range(checks)]
        if prefix_check:
            found.append(_holds(rows.c.certificate_id, bindparam("prefix"), bindparam("prefix_end")))
        parts.append(select(rows.c.issued_at, rows.c.certificate_id).where(*found)
                     .order_by(*order(rows.c.issued_at, rows.c.certificate_id)).limit(bindparam("limit")).cte("page"))
    if groups:
        parts.append(select(Certificate.issued_at, Certificate.id.label("certificate_id"))
                     .where(*_in_ids(groups), *from_cursor(Certificate.issued_at, Certificate.id))
                     .order_by(*order(Certificate.issued_at, Certificate.id)).limit(bindparam("limit")).cte("in_ids"))
    merged = (union(*(select(part.c.issued_at, part.c.certificate_id) for part in parts)).subquery("merged")
              if len(parts) > 1 else parts[0])
    chosen = (select(merged.c.issued_at, merged.c.certificate_id)
              .order_by(*order(merged.c.issued_at, merged.c.certificate_id)).limit(bindparam("limit"))
              .subquery("chosen"))
    # the rows of the walk's own page, to tell a walk that ran out of rows from one that found them all
    page_rows = select(func.count()).select_from(parts[0]).scalar_subquery() if rows is not None else literal(0)
    page = (select(Certificate, page_rows).options(_listed()).join(chosen, Certificate.id == chosen.c.certificate_id)
            .order_by(*order(chosen.c.issued_at, chosen.c.certificate_id)))
    walked = select(func.count()).select_from(rows) if rows is not None else None
    return page, walked


def _holds(certificate_id, word, end=None):
    """The certificate holds `word` (or, with `end`, a word from `word` up to `end`: one so begun): one probe
    of the second index."""
    other = aliased(CertificateWord)
    found = [other.word == word] if end is None else [other.word >= word, other.word < end]
    return exists().where(other.certificate_id == certificate_id, *found)


def _matches(groups: int):
    """PostgreSQL: the certificates matching the words (the index of words' beginnings, migration 0031; the
    query written into the statement so that it is planned with it), or holding the ID's groups, at most
    COUNT_CAP + 1: a CTE, materialised, counted and ordered once."""
    words = literal_column(word_prefixes_sql("certificates.holder_name", "certificates.course_title")).op("@@")(
        cast(bindparam("words_query", type_=String(), literal_execute=True), TSQUERY))
    found = or_(words, and_(*_in_ids(groups))) if groups else words
    return (select(Certificate.issued_at, Certificate.id).where(found).limit(bindparam("cap"))
            .cte("matches").prefix_with("MATERIALIZED"))


@lru_cache(maxsize=64)
def _match_statement(groups: int, direction: str):
    """The page of the matches (_matches) from the cursor, each certificate with the number of matches."""
    order, from_cursor = _ordering(direction)
    matches = _matches(groups)
    page = (select(matches.c.issued_at, matches.c.id).where(*from_cursor(matches.c.issued_at, matches.c.id))
            .order_by(*order(matches.c.issued_at, matches.c.id)).limit(bindparam("limit")).subquery("page"))
    counted = select(func.count()).select_from(matches).scalar_subquery()
    return (select(Certificate, counted).options(_listed()).join(page, Certificate.id == page.c.id)
            .order_by(*order(page.c.issued_at, page.c.id)))


def _listed():
    """What the admin list shows of a certificate, and its status: a row loads no signature, skills or reason
    (a page of 25 wide rows cost 0.15 ms more to load)."""
    return load_only(Certificate.public_id, Certificate.holder_name, Certificate.course_title,
                     Certificate.completed_on, Certificate.valid_until, Certificate.revoked_at,
                     Certificate.withdrawn_at, Certificate.issued_at)


@lru_cache(maxsize=8)
def _match_count(groups: int):
    return select(func.count()).select_from(_matches(groups))
