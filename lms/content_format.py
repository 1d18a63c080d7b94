"""The course file format (content/README.md), defined once for those who read it and those who write it.

For course.yaml, module.yaml, a lesson's front matter, quiz.yaml and each kind of question: the keys
allowed, the order a writer puts them in, and their defaults (a writer leaves a key out when its value
is the default, as a trainer would). The readers (`lms.courses.importer`, `lms.quizzes.loader`) refuse
any other key; the writers (`lms.authoring.draft_files`, `quiz_files`, `exporter`) follow the order and
leave the defaults out; `tests/courses/test_content_format_round_trip.py` fails for a key that a
course written with every key does not carry through the database and back. A new key is added here,
then read, stored and written.

This module imports nothing from lms, so that every feature may use it (courses, quizzes, authoring,
content_checker).
"""
from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: slugs of courses, modules, lessons, questions, options and steps
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: module folders and lesson files: NN-slug (the number gives the order and is not part of the slug)
ORDERED_NAME_RE = re.compile(r"^(\d{1,3})-([a-z0-9]+(?:-[a-z0-9]+)*)$")

COURSE_FILE = "course.yaml"
MODULE_FILE = "module.yaml"
QUIZ_FILE = "quiz.yaml"
#: a module's practical skills, observed by the care manager
SKILLS_FILE = "skills.yaml"
LESSON_SUFFIX = ".md"
#: the course folder's pictures, referenced by lessons and questions as images/<name>
IMAGES_FOLDER = "images"


@dataclass(frozen=True)
class KeyFormat:
    """The keys of one YAML mapping of the format."""

    #: every key allowed, in the order a writer puts them
    keys: tuple[str, ...]
    #: key -> the value a writer leaves out ("as by default"); the reader gives the same meaning to no key
    defaults: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset(self.keys)

    def ordered(self, data: dict) -> dict:
        """The same mapping with known keys first, in order, then any others as they were."""
        result = {key: data[key] for key in self.keys if key in data}
        result.update({key: value for key, value in data.items() if key not in result})
        return result

    def is_default(self, key: str, value: object) -> bool:
        return key in self.defaults and self.defaults[key] == value

    def written(self, data: dict) -> dict:
        """The mapping as a writer writes it: defaults left out, keys in order."""
        return self.ordered({key: value for key, value in data.items() if not self.is_default(key, value)})


#: what course.yaml's `practice` may say: observed skills are needed for the certificate, offered, or absent
PRACTICE_CHOICES = ("required", "optional", "none")

#: course.yaml. `hours` is only compared with the hours of study computed from the content (a writer
#: has no value for it: it is left out); `version` is raised by each publish; no `pretest` means none
COURSE = KeyFormat(
    keys=("title", "summary", "audience", "language", "hours", "version", "pass_mark",
          "certificate_validity_months", "practice", "pretest", "published", "authors", "sources"),
    defaults={"hours": None, "certificate_validity_months": None, "practice": "none", "pretest": None},
)
#: one entry of course.yaml's `sources`
SOURCE = KeyFormat(keys=("title", "publisher", "url", "year"))
#: course.yaml's `pretest`: a short test before the first lesson, drawn from each module quiz's pool
PRETEST = KeyFormat(keys=("questions_per_module",))
#: the most questions a pre-test draws from one module's pool (it must stay short)
PRETEST_MAX_PER_MODULE = 5
#: module.yaml
MODULE = KeyFormat(keys=("title", "summary", "practice_minutes"), defaults={"summary": "", "practice_minutes": 0})
#: a lesson's front matter (NN-slug.md)
LESSON = KeyFormat(keys=("title", "minutes"))
#: quiz.yaml; no `pass_mark` means the course's
QUIZ = KeyFormat(
    keys=("title", "pass_mark", "questions_per_attempt", "shuffle_questions", "shuffle_options", "max_attempts",
          "wait_minutes", "show_correct_answers", "questions"),
    defaults={"pass_mark": None, "questions_per_attempt": None, "shuffle_questions": True, "shuffle_options": True,
              "max_attempts": None, "wait_minutes": 0, "show_correct_answers": True},
)
#: a question of quiz.yaml, every type's keys together (in the order written)
QUESTION = KeyFormat(
    keys=("id", "type", "scenario", "text", "image", "image_alt", "options", "answer", "steps", "explanation"),
    defaults={"scenario": "", "image": "", "image_alt": ""},
)
#: the keys only one kind of question uses, by type (in the order the types are offered)
QUESTION_TYPE_KEYS: Mapping[str, frozenset[str]] = MappingProxyType({
    "single": frozenset({"options"}), "multiple": frozenset({"options"}),
    "true_false": frozenset({"answer"}), "ordering": frozenset({"steps"}),
})
QUESTION_TYPES = tuple(QUESTION_TYPE_KEYS)
#: the keys every question may have, whatever its type
QUESTION_COMMON_KEYS = QUESTION.allowed.difference(*QUESTION_TYPE_KEYS.values())
#: an option of a single or multiple question; no `id` means its position's (see default_key)
OPTION = KeyFormat(keys=("id", "text", "correct", "feedback"), defaults={"correct": False, "feedback": ""})
#: a step of an ordering question written as a mapping; a step whose id is its position's is a plain line
STEP = KeyFormat(keys=("id", "text"))

#: skills.yaml (in a module folder): the module's practical skills
SKILLS = KeyFormat(keys=("skills",))
#: how a skill is shown: on the person cared for, or on a doll or pillow (never practised on a person)
PERFORMED_ON_CHOICES = ("person", "doll")
#: one skill of skills.yaml; `competency_unit` is a real SKKNI/BNSP unit code, or left out
SKILL = KeyFormat(
    keys=("id", "title", "why", "performed_on", "competency_unit", "steps"),
    defaults={"performed_on": "person", "competency_unit": ""},
)
#: a step of a skill's checklist written as a mapping; a plain line is a step that is not critical and
#: whose id is its position's (see default_key)
SKILL_STEP = KeyFormat(keys=("id", "text", "critical"), defaults={"critical": False})


def question_keys(kind: str) -> frozenset[str]:
    """The keys a question of this type may have (the common ones for an unknown type)."""
    return QUESTION_COMMON_KEYS | QUESTION_TYPE_KEYS.get(kind, frozenset())


def question_format(kind: str) -> KeyFormat:
    """The keys of a question of this type, in the order written, with their defaults."""
    allowed = question_keys(kind)
    return KeyFormat(keys=tuple(key for key in QUESTION.keys if key in allowed),
                     defaults={k: v for k, v in QUESTION.defaults.items() if k in allowed})


def default_key(index: int) -> str:
    """The id of the option or step at `index` (0-based) when none is written: a, b, c… then o27, o28…"""
    return string.ascii_lowercase[index] if index < len(string.ascii_lowercase) else f"o{index + 1}"


#: every mapping of the format by name, for a test that makes sure a course can use each key
FORMATS: Mapping[str, KeyFormat] = MappingProxyType({
    "course": COURSE, "source": SOURCE, "pretest": PRETEST, "module": MODULE, "lesson": LESSON, "quiz": QUIZ,
    **{f"question:{kind}": question_format(kind) for kind in QUESTION_TYPES},
    "option": OPTION, "step": STEP, "skills": SKILLS, "skill": SKILL, "skill_step": SKILL_STEP,
})
