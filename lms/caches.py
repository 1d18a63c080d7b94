"""Every cache Rawat keeps, in one place: what it holds, its key, its bound, what invalidates it.

App processes stay stateless: a cache here only holds data derived from the database, the code
or files on disk, so each worker may keep its own copy and a restart loses nothing. Shared state
(rate limits) lives in Redis, never here.

Per process (bounded, least recently used goes first):

=====================  ========================================  =======  ==========================================
cache                  key                                       bound    invalidated by
=====================  ========================================  =======  ==========================================
COURSE_OUTLINES        revision_key(course)                      64       a new revision; ORM writes to a module or
 (courses.outline)     -> modules and lessons as plain data               lesson in this process (after_flush, and
                                                                          again after commit or rollback)
COURSE_PICTURES        revision_key(course)                      64       a new revision; the importer forgets the
 (courses.queries)     -> path -> Picture (hash, type, copies)            course after writing its images
COURSE_NARRATIONS      revision_key(course)                      64       a new revision: every narration write
 (courses.narrations)  -> lesson id -> recordings (no bytes)              moves it (and forgets the course here)
LESSON_HTML            (renderer version, sha256 of the text,    512      never needed: a changed text is a new key;
 (courses.markdown)    pictures resolved?, callout titles)                entries whose picture URLs changed are
                       -> sanitised HTML, pictures seen                   rendered again (see render_markdown)
OFFLINE_SIZES          (course id, slug, version, updated_at,    128      a new key when the course changes
 (courses.offline)     language, signed in?, counts)
                       -> bytes a saved course costs
MENU_ITEMS             (signed in?, trainer?, admin?, language,  24       never needed: built from the code's routes
 (web)                 mount point, app) -> menu links
TEMPLATE_URLS          (app, mount point, blueprint, endpoint,   4096     never needed: a URL is a function of its
 (web)                 arguments) -> the URL a template's                 key and the code's routes (a static file's
                       url_for builds                                     hash is not kept under the debugger)
PAGE_PARTS             (part, language, mount point, app), or    256      never needed: drawn from the code's
 (web)                 ("menu", MENU_ITEMS key, current marks)            templates (drawn on every page under the
                       -> HTML every page shares (head links,             debugger, which reloads them)
                       language buttons, menu, footer)
LANGUAGE_TEXTS         (function, language) -> the dict of       32       never needed: the catalogs are read once
 (web)                 translated strings a page hands to its             per process
                       script (offline.js, listen.js, callouts)
PUBLIC_RESULTS         (database, refreshed_at and as_of of the  8        a refresh (a new refreshed_at; this process
 (outcomes.queries)    last refresh, number of courses, their             also forgets all at once); an import, which
                       latest updated_at) -> the all-time sums            moves a course's updated_at (its hours)
                       of the public results page, as numbers
WORD_SHARES            (database, ten-minute period) -> how      8        time: a new period reads the statistics
 (certificates.        common each of the 1,000 commonest                 again (PostgreSQL's ANALYZE moves them)
 queries)              certificate words is (PostgreSQL)
=====================  ========================================  =======  ==========================================

Also per process, unbounded because their keys are few and fixed: the signing keyring per key
folder (certificates.keys, reloaded when keyring.json changes), font glyph coverage
(pdf.glyphs), static file hashes (static_assets), the handout renderer digest
(handouts.queries: code and catalogs, read once), the two JSON-LD context files
(credentials.jsonld), the privacy notice texts per version and language (accounts.privacy; rendered
through LESSON_HTML) and the processed contexts of each document loader (an LRU of 256 per
loader, keyed by context URL or an inline context's JSON; never PyLD's process-wide cache).
Bounded too: the badge PNG per course title and issuer (credentials.badge, lru_cache of 64;
a changed title is a new key).

Per request: `request_memo` (on flask.g), e.g. a learner's latest certificates for the
certificate links of every course on the dashboard, or the quiz facts of a course outline.

A course's *revision* is (id, created_at, updated_at): the importer moves updated_at whenever it
writes anything of the course (and courses.narrations whenever a lesson's recording changes), so
another worker's entry for an older revision is simply never asked for again. It is not
`Course.version`, the published version number printed on certificates.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from flask import g

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def revision_key(course) -> tuple:
    """The cache key of one revision of a course (see the module docstring)."""
    return (course.id, course.created_at, course.updated_at)


class LruCache(Generic[K, V]):
    """A small thread-safe least-recently-used map, counting its hits and misses."""

    def __init__(self, name: str, maxsize: int):
        self.name = name
        self.maxsize = maxsize
        self.hits = self.misses = 0
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        ALL[name] = self

    def get(self, key: K) -> V | None:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def get_or_load(self, key: K, load: Callable[[], V]) -> V:
        """The cached value, or load() stored under key (two threads may both load: it is derived data)."""
        value = self.get(key)
        if value is None:
            value = load()
            self.put(key, value)
        return value

    def forget_course(self, course_id: int) -> None:
        """Drop every entry of one course (keys that start with the course id, as revision keys do)."""
        with self._lock:
            for key in [key for key in self._entries if key[0] == course_id]:
                del self._entries[key]

    def keys(self) -> list[K]:
        with self._lock:
            return list(self._entries)

    def __iter__(self):
        return iter(self.keys())  # a copy: other threads may change the cache meanwhile

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0


#: every LruCache by name (for tests and the operations page: what a process holds)
ALL: dict[str, LruCache] = {}

COURSE_OUTLINES: LruCache[tuple, list] = LruCache("course_outlines", 64)
COURSE_PICTURES: LruCache[tuple, dict] = LruCache("course_pictures", 64)
COURSE_NARRATIONS: LruCache[tuple, dict] = LruCache("course_narrations", 64)
LESSON_HTML: LruCache[tuple, tuple[str, tuple]] = LruCache("lesson_html", 512)
OFFLINE_SIZES: LruCache[tuple, int] = LruCache("offline_sizes", 128)
#: 2 sign-in states x 4 roles x 2 languages x a mount point or two
MENU_ITEMS: LruCache[tuple, list] = LruCache("menu_items", 24)
#: a page's links (static files, menus, its course's lessons): few thousand per process
TEMPLATE_URLS: LruCache[tuple, str] = LruCache("template_urls", 4096)
LANGUAGE_TEXTS: LruCache[tuple, dict] = LruCache("language_texts", 32)
#: a calendar day as a page writes it (language, format): a list's rows share few dates
FORMATTED_DAYS: LruCache[tuple, str] = LruCache("formatted_days", 2048)
PAGE_PARTS: LruCache[tuple, str] = LruCache("page_parts", 256)
#: (database, ten-minute period) -> how common the certificates' words are (certificates.queries.WordShares)
WORD_SHARES: LruCache[tuple, object] = LruCache("word_shares", 8)
#: one entry per database a process serves (tests: several)
PUBLIC_RESULTS: LruCache[tuple, object] = LruCache("public_results", 8)


def clear_all() -> None:
    """Empty every process cache (tests that rebuild the database under the same ids)."""
    for cache in ALL.values():
        cache.clear()


def request_memo(key: Hashable, load: Callable[[], V]) -> V:
    """load(), computed once per request and kept on flask.g under `key`.

    For values several template helpers of one page need (each course card asks for the
    learner's certificates); the key says whose they are, e.g. ("latest_certificates", user_id).
    """
    memo = g.setdefault("_request_memo", {})
    if key not in memo:
        memo[key] = load()
    return memo[key]
