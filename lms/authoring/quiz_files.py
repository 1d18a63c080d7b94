"""quiz.yaml in a draft: settings, questions, and the ids of options and steps.

Pure functions like those of draft_files: a question is the mapping quiz.yaml holds
(content/README.md), and option and step ids are kept stable across edits so that
learners' past attempts keep pointing at the same choices once published. Keys, their order
and their defaults are those of `lms.content_format`.
"""
from __future__ import annotations

from .. import content_format as cf
from ..content_format import QUIZ_FILE, SLUG_RE, default_key
from .draft_files import Files, ModuleFile, clean_text, dump_yaml, load_yaml

#: quiz settings and the value meaning "as by default" (such keys are left out of quiz.yaml)
QUIZ_DEFAULTS = cf.QUIZ.defaults


# --- quiz.yaml ------------------------------------------------------------------------------------


def quiz_data(files: Files, module: ModuleFile) -> dict | None:
    text = files.get(f"{module.folder}/{QUIZ_FILE}")
    return None if text is None else load_yaml(text)


def quiz_text(data: dict) -> str:
    data = {k: v for k, v in data.items() if not cf.QUIZ.is_default(k, v)}
    data["questions"] = [cf.QUESTION.ordered(q) if isinstance(q, dict) else q for q in data.get("questions") or []]
    return dump_yaml(cf.QUIZ.ordered(data))


def set_quiz(files: Files, module: ModuleFile, data: dict) -> Files:
    return {**files, f"{module.folder}/{QUIZ_FILE}": quiz_text(data)}


def remove_quiz(files: Files, module: ModuleFile) -> Files:
    return {p: t for p, t in files.items() if p != f"{module.folder}/{QUIZ_FILE}"}


def questions(data: dict | None) -> list[dict]:
    items = (data or {}).get("questions")
    return [q for q in items if isinstance(q, dict)] if isinstance(items, list) else []


def question_ids(data: dict | None) -> list[str]:
    return [str(q.get("id")) for q in questions(data)]


def put_question(data: dict, question: dict, replace: str | None = None) -> dict:
    """Replace the question with id `replace`, or append a new one."""
    items = list(questions(data))
    for index, item in enumerate(items):
        if replace is not None and str(item.get("id")) == replace:
            items[index] = question
            break
    else:
        items.append(question)
    return {**data, "questions": items}


def move_question(data: dict, key: str, delta: int) -> dict:
    items = list(questions(data))
    keys = [str(q.get("id")) for q in items]
    if key in keys and 0 <= keys.index(key) + delta < len(items):
        index = keys.index(key)
        items[index], items[index + delta] = items[index + delta], items[index]
    return {**data, "questions": items}


def remove_question(data: dict, key: str) -> dict:
    return {**data, "questions": [q for q in questions(data) if str(q.get("id")) != key]}


# --- choices --------------------------------------------------------------------------------


def choice_entries(question: dict, kind: str) -> list[dict]:
    """Options or steps of a question as [{key, text, correct, feedback}], ids filled in."""
    raw = (question.get("steps") if kind == "ordering" else question.get("options")) or []
    entries = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(item, dict):
            entries.append({"key": str(item.get("id") or default_key(index)), "text": str(item.get("text") or ""),
                            "correct": item.get("correct") is True, "feedback": str(item.get("feedback") or "")})
        else:
            entries.append({"key": default_key(index), "text": str(item), "correct": False, "feedback": ""})
    return entries


def assign_keys(wanted: list[str | None]) -> list[str]:
    """Ids for choices in their new order: keep the valid, unique ones; give the others the first free id."""
    keep: list[str | None] = []
    used: set[str] = set()
    for key in wanted:
        if key and SLUG_RE.match(key) and key not in used:
            keep.append(key)
            used.add(key)
        else:
            keep.append(None)
    result = []
    for index, key in enumerate(keep):
        if key is None:
            candidate = index  # the position's own id, else the next free one after it (never an earlier id,
            key = default_key(candidate)  # which may belong to an option retired from the published course)
            while key in used:
                candidate += 1
                key = default_key(candidate)
            used.add(key)
        result.append(key)
    return result


def options_yaml(entries: list[dict]) -> list[dict]:
    """Options for quiz.yaml: `id` only where it differs from the position's default."""
    keys = assign_keys([e.get("key") for e in entries])
    result = []
    for index, (entry, key) in enumerate(zip(entries, keys, strict=True)):
        item = {"text": entry["text"], "correct": bool(entry.get("correct")), "feedback": entry.get("feedback") or ""}
        if key != default_key(index):
            item["id"] = key
        result.append(cf.OPTION.written(item))
    return result


def steps_yaml(lines: list[str], previous: list[dict]) -> list:
    """Ordering steps for quiz.yaml from lines; a line equal to an earlier step keeps its id."""
    by_text: dict[str, str] = {}
    for entry in previous:
        by_text.setdefault(entry["text"], entry["key"])
    keys = assign_keys([by_text.get(line) for line in lines])
    return [line if key == default_key(index) else cf.STEP.written({"id": key, "text": line})
            for index, (line, key) in enumerate(zip(lines, keys, strict=True))]


def build_question(kind: str, key: str, *, text: str, explanation: str, scenario: str = "", image: str = "",
                   image_alt: str = "", options: list[dict] | None = None, answer: bool | None = None,
                   steps: list[str] | None = None, previous: dict | None = None) -> dict:
    """A question for quiz.yaml from the editor's fields; options and steps keep their ids."""
    data: dict = {"id": key, "type": kind, "scenario": clean_text(scenario), "text": clean_text(text),
                  "image": image or "", "image_alt": clean_text(image_alt) if image else "",
                  "explanation": clean_text(explanation)}
    if kind == "true_false":
        data["answer"] = bool(answer)
    elif kind == "ordering":
        data["steps"] = steps_yaml(steps or [], choice_entries(previous or {}, "ordering"))
    else:
        data["options"] = options_yaml(options or [])
    return cf.QUESTION.written(data)
