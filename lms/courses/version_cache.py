"""Per-process caches of data derived from one version of a course.

Entries are keyed by (course id, created_at, updated_at): the importer moves updated_at whenever
a course changes, so another worker's entry for an older version is simply never asked for again,
and app processes stay stateless. Within a process, writers also drop entries at once (forget).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")


def version_key(course) -> tuple:
    return (course.id, course.created_at, course.updated_at)


class CourseVersionCache(Generic[V]):
    """A small thread-safe LRU of per-course-version values."""

    def __init__(self, kept: int = 64):
        self._entries: OrderedDict[tuple, V] = OrderedDict()
        self._lock = threading.Lock()
        self._kept = kept

    def get(self, key: tuple) -> V | None:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: tuple, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self._kept:
                self._entries.popitem(last=False)

    def forget(self, course_id: int) -> None:
        """Drop every entry of the course (its data was just written in this process)."""
        with self._lock:
            for key in [key for key in self._entries if key[0] == course_id]:
                del self._entries[key]

    def keys(self) -> list[tuple]:
        with self._lock:
            return list(self._entries)
