"""Hours of study (jam pelajaran, JP): computed from what a course asks of a learner, never typed in.

A certificate states them, so they must be honest: the lessons' minutes, the time the quizzes
take (their handler says how long) and any hands-on practice a module asks for, in JP of 45
minutes, rounded to the nearest whole JP (at least 1).
"""
from __future__ import annotations

JP_MINUTES = 45


def hours_of_study(minutes: int) -> int:
    return max(1, (minutes + JP_MINUTES // 2) // JP_MINUTES)
