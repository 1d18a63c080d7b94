"""The importer's problems in an author's words: where (module, lesson, question), what to do, and a link.

The importer (lms.courses.importer, lms.quizzes.loader) words its problems in English for
people running `lms import-content` and gives each a stable `code`, its `params` and the
file it is in. Authors in the browser never see files: this module turns the file into
the place an author knows ("Module 2 “Caring for feet”, lesson “Daily check”"), the
code into a sentence in their language that says what to do, and the place into a link
to the editor page where it is fixed. Problems of a zip keep the file name as well, since
whoever made the zip worked with files.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import content_format as cf
from ..content_checker.wording import MESSAGES as CHECKER_MESSAGES
from ..courses.content_files import ORDERED_NAME_RE
from ..courses.svg_sanitizer import SvgRefused
from . import draft_files as df
from . import quiz_files as qf
from . import skill_files as sf
from .archive import ZipProblem
from .forms import QUESTION_TYPES
from .models import CourseDraft
from .services import Located


@dataclass(frozen=True)
class AuthorProblem:
    #: where, in the author's words ("" for the whole course or the zip)
    place: str
    #: what is wrong and what to do
    text: str
    #: the editor page where it is fixed, and the words of that link
    link: str | None = None
    link_text: str | None = None
    #: the file and line, for problems of a zip
    file: str = ""


# --- what to do, by code ------------------------------------------------------------------------

MESSAGES = {
    # any file
    "required": _l("%(field)s is missing. Fill it in."),
    "not_text": _l("%(field)s must be text."),
    "too_long": _l("%(field)s is longer than %(max)d characters. Make it shorter."),
    "not_integer": _l("%(field)s must be a whole number."),
    "too_small": _l("%(field)s must be at least %(min)d; it is %(found)d now."),
    "too_large": _l("%(field)s must be at most %(max)d; it is %(found)d now."),
    "not_boolean": _l("%(field)s must be yes or no (true or false)."),
    "not_list": _l("%(field)s must be a list."),
    "unknown_key": _l("Rawat does not know the setting “%(key)s”. Remove it."),
    "yaml_syntax": _l("This file cannot be read: check its colons, quotes and indentation."),
    "not_utf8": _l("This file is not saved as UTF-8 text. Save it again as UTF-8."),
    "not_mapping": _l("This file must hold lines of the form “name: value”."),
    # the course
    "bad_course_folder": _l("The course's short name may use only lower-case letters, digits and '-'."),
    "missing_file": _l("The course settings are missing."),
    "bad_language": _l("The language of the material must be Bahasa Indonesia or English."),
    "no_authors": _l("Name at least one author."),
    "source_without_title": _l("Source %(number)d needs a title."),
    "no_modules": _l("The course has no module yet. Add at least one module with a lesson."),
    "duplicate_lesson": _l("Two lessons have the short name “%(lesson)s”. Give each lesson its own short name."),
    "unexpected_folder": _l("Rawat does not know this folder: modules are folders named like 01-name, and "
                            "pictures go in the images folder. Remove or rename it."),
    "slug_taken": _l("Another course already uses the short name %(slug)s. Ask an administrator."),
    # pictures
    "bad_image_type": _l("Pictures must be PNG, JPEG, WebP or SVG files. Remove this one."),
    "image_too_large": _l("The picture is larger than %(mb)d MB. Make it smaller and upload it again."),
    # modules and lessons
    "no_lessons": _l("Add at least one lesson to this module."),
    "unexpected_file": _l("Rawat does not know this file: lessons are files named like 01-name.md. "
                          "Remove or rename it."),
    "no_front_matter": _l("The lesson must start with its title and reading time between two lines of ---."),
    "empty_lesson": _l("The lesson has no text yet. Write its text."),
    "image_not_local": _l("The picture “%(image)s” is on another website. Upload it under Pictures and use it "
                          "from there."),
    "image_missing": _l("The picture “%(image)s” is not among the course's pictures. Upload it under Pictures, "
                        "or take it out."),
    # quizzes
    "no_questions": _l("The quiz has no question yet. Add at least one question, or remove the quiz."),
    "too_many_per_attempt": _l("Each attempt asks %(wanted)d questions, but the quiz has only %(pool)d. Add "
                               "questions or ask fewer per attempt."),
    "question_not_mapping": _l("Question %(number)d cannot be read."),
    "bad_id": _l("An id may use only lower-case letters, digits and '-'."),
    "duplicate_question": _l("Two questions have the id “%(question)s”. Give each question its own id."),
    "unknown_type": _l("Rawat does not know the question type “%(type)s”. Use single, multiple, true_false or "
                       "ordering."),
    "key_not_for_type": _l("%(field)s does not belong in this type of question. Remove it."),
    "too_few_choices": _l("Write at least two answers."),
    "too_many_choices": _l("At most %(max)d answers; there are %(found)d."),
    "duplicate_choice_id": _l("Two answers have the same id."),
    "duplicate_choice": _l("Two answers have the same text: “%(text)s”."),
    "choice_not_mapping": _l("Answer %(choice)d cannot be read."),
    "single_needs_one_right": _l("Choose the one right answer."),
    "multiple_needs_right": _l("Tick at least one right answer."),
    "no_answer": _l("Choose whether the statement is true or false."),
    # practical skills (skills.yaml) and the course's practice setting
    "no_skills": _l("Write at least one skill, or remove the skills file."),
    "skill_not_mapping": _l("Skill %(number)d cannot be read."),
    "duplicate_skill": _l("Two skills have the id “%(skill)s”. Give each skill its own id."),
    "bad_performed_on": _l("Say whether the skill is shown on the person (person) or on a doll or pillow (doll)."),
    "step_not_text": _l("Step %(step)d of the skill cannot be read."),
    "bad_step_id": _l("Step %(step)d has an id that is used twice or has letters other than a–z, digits and '-'."),
    "step_count": _l("A skill needs %(min)d to %(max)d steps; it has %(found)d."),
    "no_critical_step": _l("Mark at least one step as critical: a step that must be done for a safe result."),
    "bad_practice": _l("The practice setting must be required, optional or none."),
    "practice_without_setting": _l("The course has practical skills: say whether they are required for the "
                                   "certificate or optional."),
    "practice_without_skills": _l("Practice is required, but the course has no practical skill yet. Add skills or "
                                  "make practice optional."),
    # the course's pre-test (course.yaml `pretest`), drawn from the module quizzes
    "bad_pretest": _l("The pre-test setting must say how many questions to ask from each module."),
    "pretest_without_quizzes": _l("The pre-test asks questions from the module quizzes, but no module has a quiz yet. "
                                  "Add a quiz, or remove the pre-test."),
    "pretest_pool_too_small": _l("The pre-test asks %(wanted)d questions from each module, but this quiz has only "
                                 "%(pool)d. Add questions, or ask fewer in the pre-test."),
}
#: the same codes, where they concern the steps of an ordering question
STEP_MESSAGES = {
    "too_few_choices": _l("Write at least two steps."),
    "too_many_choices": _l("At most %(max)d steps; there are %(found)d."),
    "duplicate_choice_id": _l("Two steps have the same id."),
    "duplicate_choice": _l("Two steps have the same text: “%(text)s”."),
    "choice_not_mapping": _l("Step %(choice)d cannot be read."),
}
#: a code that reads differently depending on the file it is about
BY_KIND = {
    ("missing_file", "module"): _l("The module has no title yet. Give it one."),
    ("image_missing", "question"): _l("The picture “%(image)s” is not among the course's pictures. Upload it "
                                      "under Pictures, or choose another one."),
    ("too_long", "skill_steps"): _l("A step is longer than %(max)d characters. Make it shorter."),
    ("single_needs_one_right", "many_right"): _l("Only one answer may be right, but %(found)d are marked. "
                                                 "Choose the one right answer."),
}
UNKNOWN = _l("Something in this part of the course is not right.")

# --- the names of the settings, as the editor's forms call them --------------------------------

FIELDS = {
    "settings": {"title": _l("The course title"), "summary": _l("The summary"),
                 "audience": _l("Who the course is for"), "language": _l("The language of the material"),
                 "hours": _l("The hours of study"), "pass_mark": _l("The pass mark"),
                 "certificate_validity_months": _l("How long the certificate is valid"),
                 "authors": _l("The authors"), "sources": _l("The sources"), "version": _l("The version"),
                 "published": _l("Published"), "practice": _l("The practice setting"),
                 "pretest": _l("The pre-test"), "questions_per_module": _l("Pre-test questions per module")},
    "module": {"title": _l("The module title"), "summary": _l("The module summary"),
               "practice_minutes": _l("The minutes of practice")},
    "lesson": {"title": _l("The lesson title"), "minutes": _l("The reading time")},
    "quiz": {"title": _l("The quiz title"), "pass_mark": _l("The pass mark"),
             "questions_per_attempt": _l("Questions per attempt"), "max_attempts": _l("The most attempts"),
             "wait_minutes": _l("The minutes to wait between attempts"),
             "shuffle_questions": _l("Shuffle the questions"), "shuffle_options": _l("Shuffle the answers"),
             "show_correct_answers": _l("Show the right answers"), "questions": _l("The questions")},
    "question": {"id": _l("The question id"), "type": _l("The question type"), "text": _l("The question"),
                 "scenario": _l("The situation"), "image": _l("The picture"),
                 "image_alt": _l("The description of the picture"), "explanation": _l("The explanation"),
                 "options": _l("The answers"), "steps": _l("The steps"), "answer": _l("The answer")},
    "skill": {"id": _l("The skill id"), "title": _l("The skill title"), "why": _l("Why it matters"),
              "performed_on": _l("Where the skill is shown"), "competency_unit": _l("The competency unit code"),
              "steps": _l("The steps")},
    "skill_step": {"text": _l("The text of step %(step)d"), "id": _l("The id of step %(step)d"),
                   "critical": _l("“Critical” of step %(step)d")},
    "choice": {"text": _l("The text of answer %(choice)d"), "feedback": _l("The feedback of answer %(choice)d"),
               "id": _l("The id of answer %(choice)d"), "correct": _l("“Right answer” of answer %(choice)d")},
}


# --- where ----------------------------------------------------------------------------------------


@dataclass
class _Place:
    kind: str  # course, settings, picture, module, lesson, quiz, skills, file
    module: df.ModuleFile | None = None
    number: int = 0
    lesson: df.LessonFile | None = None
    name: str = ""


def _locate(path: str, slug: str, outline: list[df.ModuleFile]) -> _Place:
    """The part of the course a file path (relative to the course folder) is."""
    if path in ("", slug):
        return _Place("course")
    if path == df.COURSE_FILE:
        return _Place("settings")
    if path.startswith(df.IMAGES_DIR):
        return _Place("picture", name=path[len(df.IMAGES_DIR):])
    parts = path.split("/")
    match = ORDERED_NAME_RE.match(parts[0])
    found = next(((i, m) for i, m in enumerate(outline, start=1) if m.folder == parts[0]), None)
    if not match or len(parts) > 2:
        return _Place("file")
    number, module = found if found else (0, None)
    name = match.group(2)
    if len(parts) == 1 or parts[1] == df.MODULE_FILE:
        return _Place("module", module, number, name=name)
    if parts[1] == df.QUIZ_FILE:
        return _Place("quiz", module, number, name=name)
    if parts[1] == cf.SKILLS_FILE:
        return _Place("skills", module, number, name=name)
    lesson = next((lsn for lsn in module.lessons if lsn.path == path), None) if module else None
    if lesson is not None:
        return _Place("lesson", module, number, lesson, name=name)
    return _Place("file", module, number, name=name)


def _module_words(place: _Place) -> str:
    title = place.module.title if place.module and place.module.title else place.name
    if place.number:
        return _("Module %(n)d “%(title)s”", n=place.number, title=title)
    return _("Module “%(title)s”", title=title)


def _question(files: dict, place: _Place, params: dict) -> dict | None:
    key = params.get("question")
    if place.module is None or key is None:
        return None
    return next((q for q in qf.questions(qf.quiz_data(files, place.module)) if str(q.get("id")) == key), None)


def _skill(files: dict, place: _Place, params: dict) -> dict | None:
    """The skill a problem of skills.yaml is about (its `number` is the skill's place in the file)."""
    number = params.get("number")
    items = sf.skills(files, place.module) if place.module is not None else []
    return items[number - 1] if isinstance(number, int) and 0 < number <= len(items) else None


def _short(text: str, length: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _place_words(place: _Place, files: dict, params: dict) -> str:
    if place.kind == "settings":
        return _("Course settings")
    if place.kind == "picture":
        return _("Picture “%(name)s”", name=place.name)
    if place.kind == "module":
        return _module_words(place)
    if place.kind == "lesson":
        return _("%(module)s, lesson “%(title)s”", module=_module_words(place),
                 title=place.lesson.title or place.lesson.slug)
    if place.kind == "quiz":
        quiz = _("Quiz of %(module)s", module=_module_words(place))
        if "number" not in params:
            return quiz
        question = _question(files, place, params)
        text = _short(question.get("text") or "") if question else ""
        if text:
            return _("%(quiz)s, question %(n)d “%(text)s”", quiz=quiz, n=params["number"], text=text)
        return _("%(quiz)s, question %(n)d", quiz=quiz, n=params["number"])
    if place.kind == "skills":
        return _skill_words(place, files, params)
    if place.kind == "file" and (place.module is not None or place.name):
        return _module_words(place)
    return ""


def _skill_words(place: _Place, files: dict, params: dict) -> str:
    where = _("Practical skills of %(module)s", module=_module_words(place))
    if "number" not in params:
        return where
    skill = _skill(files, place, params)
    title = _short(skill.get("title") or skill.get("id") or "") if skill else ""
    where = _("%(where)s, skill %(n)d “%(title)s”", where=where, n=params["number"], title=title) if title \
        else _("%(where)s, skill %(n)d", where=where, n=params["number"])
    return _("%(where)s, step %(n)d", where=where, n=params["step"]) if "step" in params else where


# --- what to do -------------------------------------------------------------------------------


def _field_words(place: _Place, params: dict) -> str:
    field = params.get("field", "")
    if place.kind == "quiz":
        table = FIELDS["choice"] if "choice" in params else FIELDS["question"] if "number" in params else FIELDS["quiz"]
    elif place.kind == "skills":
        table = FIELDS["skill_step"] if "step" in params and field != "steps" else FIELDS["skill"]
    else:
        table = FIELDS.get(place.kind, {})
    label = table.get(field)
    if label is None:
        return f"“{field}”"
    return str(label) % params if "%(" in str(label) else str(label)


def _message(problem: Located, place: _Place) -> str:
    code, params = problem.code, problem.params
    kind = place.kind
    if code == "svg_refused":
        return str(SvgRefused(params.get("reason", "malformed"), line=problem.line).message)
    if kind == "quiz" and "number" in params:
        kind = "question"
    if kind == "skills" and params.get("field") == "steps":
        kind = "skill_steps"
    if code == "single_needs_one_right" and params.get("found", 0) > 1:
        kind = "many_right"
    template = BY_KIND.get((code, kind))
    if template is None and params.get("field") == "steps":
        template = STEP_MESSAGES.get(code)
    if template is None:
        template = MESSAGES.get(code) or CHECKER_MESSAGES.get(code, UNKNOWN)
    values = {"field": _field_words(place, params), "key": params.get("field", ""), "max": 0, "min": 0, "found": 0,
              "number": 0, "choice": 0, "mb": 0, "wanted": 0, "pool": 0, "lesson": "", "image": "", "question": "",
              "type": "", "text": "", "slug": "", "skill": "", "step": 0}
    values.update({k: v for k, v in params.items() if k != "field"})
    text = str(template) % values
    return text[:1].upper() + text[1:]


# --- where it is fixed ------------------------------------------------------------------------------


def _link(draft: CourseDraft, problem: Located, place: _Place, files: dict) -> tuple[str | None, str | None]:
    draft_id = draft.id
    if place.kind == "course":
        if problem.code == "no_modules":
            return url_for("authoring.course", draft_id=draft_id) + "#add-module", _("Add a module")
        return None, None
    if place.kind == "settings":
        return url_for("authoring.settings", draft_id=draft_id), _("Open the course settings")
    if place.kind == "picture":
        return url_for("authoring.images", draft_id=draft_id), _("Open the pictures")
    if place.module is None:
        return None, None
    module_slug = place.module.slug
    if place.kind == "module":
        if problem.code == "no_lessons":
            return url_for("authoring.new_lesson", draft_id=draft_id, module_slug=module_slug), _("Add a lesson")
        return url_for("authoring.module", draft_id=draft_id, module_slug=module_slug), _("Edit the module")
    if place.kind == "lesson":
        return url_for("authoring.lesson", draft_id=draft_id, lesson_slug=place.lesson.slug), _("Edit the lesson")
    if place.kind == "quiz":
        quiz = url_for("authoring.quiz", draft_id=draft_id, module_slug=module_slug)
        question = _question(files, place, problem.params)
        if question is not None and str(question.get("type")) in QUESTION_TYPES:
            return (url_for("authoring.question", draft_id=draft_id, module_slug=module_slug, key=question["id"]),
                    _("Edit the question"))
        if problem.code == "no_questions":
            return quiz + "#questions", _("Add a question")
        return quiz, _("Open the quiz")
    if place.kind == "skills":
        skill = _skill(files, place, problem.params)
        key = str(skill.get("id") or "") if skill is not None else ""
        if cf.SLUG_RE.match(key):
            return url_for("authoring.skill", draft_id=draft_id, module_slug=module_slug, key=key), _("Edit the skill")
        return url_for("authoring.module", draft_id=draft_id, module_slug=module_slug) + "#skills", \
            _("Open the practical skills")
    return None, None


# --- entry points ----------------------------------------------------------------------------------


def describe(problems: list[Located], files: dict, slug: str, draft: CourseDraft | None = None
             ) -> list[AuthorProblem]:
    """The importer's problems for an author. With `draft` (whose files were checked), each links to the
    page where it is fixed; without (a refused zip), each names its file instead."""
    outline = df.modules(files)
    result = []
    for problem in problems:
        place = _locate(problem.path, slug, outline)
        link, link_text = _link(draft, problem, place, files) if draft is not None else (None, None)
        where = "" if draft is not None else f"{problem.path}:{problem.line}" if problem.line else problem.path
        result.append(AuthorProblem(place=_place_words(place, files, problem.params),
                                    text=_message(problem, place), link=link, link_text=link_text,
                                    file="" if where == slug else where))
    return result


def skill_problem_text(problem) -> str:
    """What to do about a problem of one skill, for the skill form (the form shows where)."""
    return _message(problem, _Place("skills"))


def place_names(files: dict, slug: str, paths: list[str]) -> str:
    """The parts of the course these files are, in words ("Module 1 “Washing”, lesson “Hands”; …")."""
    outline = df.modules(files)
    return "; ".join(_place_words(_locate(path, slug, outline), files, {}) or path for path in paths)


def describe_zip(problems: list[ZipProblem]) -> list[AuthorProblem]:
    """Problems of the zip itself (found before the importer's checks); they are worded already."""
    return [AuthorProblem(place="", text=str(problem.message), file=problem.path) for problem in problems]
