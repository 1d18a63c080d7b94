"""A draft's files (relative path -> text), read and written as content/README.md describes them.

Keys are written in the order `lms.content_format` gives, and left out when they have its default.

Pure functions: each change takes the map and returns a new one, so a service can
assign the result to the JSON column in one go. Nothing here validates a course:
publishing runs the real importer on these files, and forms check their own fields.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import yaml

from .. import content_format as cf
from ..content_format import COURSE_FILE, MODULE_FILE, ORDERED_NAME_RE, QUIZ_FILE
from ..courses.content_files import FRONT_MATTER_RE

IMAGES_DIR = f"{cf.IMAGES_FOLDER}/"
SLUG_MAX = 60
#: control characters other than tab and line ends (NUL cannot even be stored by PostgreSQL)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Files = dict[str, str]


# --- text formats -------------------------------------------------------------------------


def dump_yaml(data) -> str:
    """YAML as Rawat writes it: keys in the given order, UTF-8 kept readable."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)


def load_yaml(text: str | None) -> dict:
    """A mapping from YAML text; {} when missing or not a mapping (the importer reports why)."""
    if not text:
        return {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def strip_controls(value):
    """Text without control characters (other values as they are)."""
    return CONTROL_RE.sub("", value) if isinstance(value, str) else value


def clean_text(value: str | None) -> str:
    """Text from a form: Unix line ends, no control characters, no surrounding blanks."""
    return strip_controls((value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def lesson_text(title: str, minutes: int, body: str) -> str:
    """A lesson file: front matter with title and minutes, a blank line, then the Markdown."""
    front = dump_yaml(cf.LESSON.written({"title": title, "minutes": minutes}))
    return f"---\n{front}---\n\n{clean_text(body)}\n"


def parse_lesson(text: str) -> tuple[dict, str]:
    """(front matter, Markdown body) of a lesson file; ({}, text) when it has no front matter."""
    match = FRONT_MATTER_RE.match(text or "")
    if not match:
        return {}, (text or "").strip()
    return load_yaml(match.group(1)), match.group(2).strip()


def slugify(text: str, fallback: str) -> str:
    """A slug for a title: ASCII lower case, digits and '-', at most 60 characters."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > SLUG_MAX:  # cut at a word boundary when there is one
        cut = slug[:SLUG_MAX + 1].rfind("-")
        slug = slug[:cut] if cut > SLUG_MAX // 2 else slug[:SLUG_MAX].strip("-")
    return slug or fallback


def unique_slug(base: str, taken) -> str:
    if base not in taken:
        return base
    number = 2
    while f"{base[:SLUG_MAX - 4]}-{number}" in taken:
        number += 1
    return f"{base[:SLUG_MAX - 4]}-{number}"


# --- outline ---------------------------------------------------------------------------


@dataclass
class LessonFile:
    number: int
    slug: str
    path: str
    title: str
    minutes: int | None


@dataclass
class ModuleFile:
    number: int
    slug: str
    folder: str
    title: str
    summary: str
    lessons: list[LessonFile] = field(default_factory=list)
    has_quiz: bool = False


def _split(path: str) -> list[str]:
    return path.split("/")


def modules(files: Files) -> list[ModuleFile]:
    """The module folders (those with a module.yaml or a lesson), in order, with their lessons."""
    found: dict[str, ModuleFile] = {}
    for path in files:
        parts = _split(path)
        if len(parts) != 2:
            continue
        match = ORDERED_NAME_RE.match(parts[0])
        if not match:
            continue
        module = found.get(parts[0])
        if module is None:
            meta = load_yaml(files.get(f"{parts[0]}/{MODULE_FILE}"))
            module = found[parts[0]] = ModuleFile(
                number=int(match.group(1)), slug=match.group(2), folder=parts[0],
                title=str(meta.get("title") or ""), summary=str(meta.get("summary") or ""),
                has_quiz=f"{parts[0]}/{QUIZ_FILE}" in files)
        lesson_match = ORDERED_NAME_RE.match(parts[1][:-3]) if parts[1].endswith(cf.LESSON_SUFFIX) else None
        if lesson_match:
            meta, _body = parse_lesson(files[path])
            minutes = meta.get("minutes")
            module.lessons.append(LessonFile(
                number=int(lesson_match.group(1)), slug=lesson_match.group(2), path=path,
                title=str(meta.get("title") or ""), minutes=minutes if isinstance(minutes, int) else None))
    result = sorted(found.values(), key=lambda m: (m.number, m.slug))
    for module in result:
        module.lessons.sort(key=lambda lesson: (lesson.number, lesson.slug))
    return result


def find_module(files: Files, slug: str) -> ModuleFile | None:
    return next((m for m in modules(files) if m.slug == slug), None)


def find_lesson(files: Files, slug: str) -> tuple[ModuleFile, LessonFile] | tuple[None, None]:
    for module in modules(files):
        for lesson in module.lessons:
            if lesson.slug == slug:
                return module, lesson
    return None, None


def lesson_slugs(files: Files) -> set[str]:
    return {lesson.slug for module in modules(files) for lesson in module.lessons}


def _renumber(files: Files, order: list[ModuleFile]) -> Files:
    """Rename module folders and lesson files to 01, 02… in the given order."""
    renames: dict[str, str] = {}
    for m_index, module in enumerate(order, start=1):
        folder = f"{m_index:02d}-{module.slug}"
        renames[module.folder] = folder
        for l_index, lesson in enumerate(module.lessons, start=1):
            renames[lesson.path] = f"{folder}/{l_index:02d}-{lesson.slug}.md"
    result: Files = {}
    for path, text in files.items():
        if path in renames:
            result[renames[path]] = text
            continue
        parts = _split(path)
        if len(parts) == 2 and parts[0] in renames:
            result[f"{renames[parts[0]]}/{parts[1]}"] = text
        else:
            result[path] = text
    return dict(sorted(result.items()))


# --- course and modules ---------------------------------------------------------------------


def course_data(files: Files) -> dict:
    return load_yaml(files.get(COURSE_FILE))


def set_course(files: Files, data: dict) -> Files:
    return {**files, COURSE_FILE: dump_yaml(cf.COURSE.ordered(data))}


def module_text(title: str, summary: str, practice_minutes: int | None = 0) -> str:
    return dump_yaml(cf.MODULE.written({"title": title, "summary": summary or "",
                                        "practice_minutes": practice_minutes or 0}))


def add_module(files: Files, slug: str, title: str, summary: str) -> Files:
    number = max((m.number for m in modules(files)), default=0) + 1
    changed = {**files, f"{number:02d}-{slug}/{MODULE_FILE}": module_text(title, summary)}
    return _renumber(changed, modules(changed))


def set_module(files: Files, module: ModuleFile, title: str, summary: str) -> Files:
    """Write the module's title and summary, keeping its other keys (practice_minutes is not in the form)."""
    path = f"{module.folder}/{MODULE_FILE}"
    data = {**load_yaml(files.get(path)), "title": title, "summary": summary or ""}
    return {**files, path: dump_yaml(cf.MODULE.written(data))}


def move_module(files: Files, slug: str, delta: int) -> Files:
    order = modules(files)
    index = next(i for i, m in enumerate(order) if m.slug == slug)
    target = index + delta
    if not 0 <= target < len(order):
        return files
    order[index], order[target] = order[target], order[index]
    return _renumber(files, order)


def remove_module(files: Files, slug: str) -> Files:
    order = modules(files)
    module = next(m for m in order if m.slug == slug)
    kept = {p: t for p, t in files.items() if _split(p)[0] != module.folder}
    return _renumber(kept, [m for m in order if m.slug != slug])


# --- lessons ----------------------------------------------------------------------------------


def lesson_content(files: Files, lesson: LessonFile) -> tuple[dict, str]:
    return parse_lesson(files[lesson.path])


def add_lesson(files: Files, module: ModuleFile, slug: str, title: str, minutes: int, body: str) -> Files:
    number = max((lesson.number for lesson in module.lessons), default=0) + 1
    changed = {**files, f"{module.folder}/{number:02d}-{slug}.md": lesson_text(title, minutes, body)}
    return _renumber(changed, modules(changed))


def set_lesson(files: Files, lesson: LessonFile, title: str, minutes: int, body: str) -> Files:
    return {**files, lesson.path: lesson_text(title, minutes, body)}


def move_lesson(files: Files, slug: str, delta: int) -> Files:
    order = modules(files)
    for module in order:
        slugs = [lesson.slug for lesson in module.lessons]
        if slug in slugs:
            index, target = slugs.index(slug), slugs.index(slug) + delta
            if 0 <= target < len(slugs):
                module.lessons[index], module.lessons[target] = module.lessons[target], module.lessons[index]
                return _renumber(files, order)
    return files


def remove_lesson(files: Files, slug: str) -> Files:
    _module, lesson = find_lesson(files, slug)
    if lesson is None:
        return files
    kept = {p: t for p, t in files.items() if p != lesson.path}
    return _renumber(kept, modules(kept))


# --- images ------------------------------------------------------------------------------------


def image_references(files: Files, path: str) -> list[str]:
    """Files that mention an image path (lessons, quizzes)."""
    return sorted(p for p, text in files.items() if path in text)
