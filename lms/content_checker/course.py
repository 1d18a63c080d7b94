"""Course-wide checks: honest hours of study, one spelling for one word."""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from ..content_format import COURSE_FILE, MODULE_FILE, QUIZ_FILE
from ..courses.content_files import load_yaml_file
from ..courses.importer import CourseSpec
from ..courses.study_time import JP_MINUTES
from . import limits
from .findings import Finding


def check_hours(spec: CourseSpec) -> list[Finding]:
    declared = spec.declared_hours
    if declared is None or abs(declared - spec.hours) <= limits.HOURS_TOLERANCE * spec.hours:
        return []
    path = spec.path / COURSE_FILE
    line = load_yaml_file(path).line_of("hours")
    return [Finding(path, line, "hours_differ", {"declared": declared, "computed": spec.hours,
                                                 "minutes": spec.study_minutes, "jp": JP_MINUTES})]


def _course_files(spec: CourseSpec) -> list[Path]:
    files = []
    for module in spec.modules:
        files.extend(lesson.path for lesson in module.lessons)
        files.extend(module.path / name for name in (MODULE_FILE, QUIZ_FILE) if (module.path / name).is_file())
    return files


def check_terms(spec: CourseSpec) -> list[Finding]:
    """A word used two ways in one course: point at every use of the way Rawat's courses do not use."""
    if spec.language != "id":
        return []
    terms = {term.lower(): term for pair in limits.TERM_PAIRS for term in pair}
    # One pass over each line with every term at once (longest first, so "alat kelamin" is not "kelamin").
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
                         + r")(?!\w)", re.I)
    uses: dict[str, list[tuple[Path, int]]] = defaultdict(list)
    for path in _course_files(spec):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in pattern.finditer(line):
                uses[terms[match.group(1).lower()]].append((path, number))
    found = []
    for preferred, other in limits.TERM_PAIRS:
        if not uses[preferred] or not uses[other]:
            continue
        for path, line in uses[other]:  # the house word is the fix, however often the other is used
            found.append(Finding(path, line, "inconsistent_term",
                                 {"term": other, "other": preferred, "preferred": preferred,
                                  "uses": len(uses[preferred])}))
    return found
