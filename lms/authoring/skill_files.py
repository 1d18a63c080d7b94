"""skills.yaml in a draft: a module's practical skills and the ids of their steps.

Pure functions like those of draft_files and quiz_files: a skill is the mapping skills.yaml
holds (content/README.md). Step ids stay with their steps across edits (a step keeps its id when
its text is unchanged or when it is edited in its own row), so that observations keep pointing at
the step that was observed once the course is published. The exporter writes a published skill
with `skill_yaml` too, so an export of what the editor wrote gives the same bytes.
Checking a skill is the importer's (`lms.courses.skills_file`), not done here.
"""
from __future__ import annotations

from .. import content_format as cf
from ..content_format import SKILLS_FILE, default_key
from .draft_files import Files, ModuleFile, clean_text, dump_yaml, load_yaml


def _path(module: ModuleFile) -> str:
    return f"{module.folder}/{SKILLS_FILE}"


# --- skills.yaml ------------------------------------------------------------------------------------


def skills(files: Files, module: ModuleFile) -> list[dict]:
    """The module's skills as skills.yaml holds them ([] without the file)."""
    items = load_yaml(files.get(_path(module))).get("skills")
    return [s for s in items if isinstance(s, dict)] if isinstance(items, list) else []


def skill_ids(files: Files) -> set[str]:
    """The ids of every skill of the course: they are unique in the course, not only in a module."""
    taken = set()
    for path, text in files.items():
        items = load_yaml(text).get("skills") if path.endswith(f"/{SKILLS_FILE}") else None
        if isinstance(items, list):
            taken.update(str(s.get("id")) for s in items if isinstance(s, dict))
    return taken


def skills_text(items: list[dict]) -> str:
    return dump_yaml(cf.SKILLS.ordered({"skills": [cf.SKILL.ordered(s) for s in items]}))


def set_skills(files: Files, module: ModuleFile, items: list[dict]) -> Files:
    """Write the module's skills; without any the file goes (an empty list is refused by the importer)."""
    if not items:
        return {p: t for p, t in files.items() if p != _path(module)}
    return {**files, _path(module): skills_text(items)}


def find_skill(items: list[dict], key: str) -> dict | None:
    return next((s for s in items if str(s.get("id")) == key), None)


def put_skill(items: list[dict], skill: dict, replace: str | None = None) -> list[dict]:
    """Replace the skill with id `replace`, or append a new one."""
    result = list(items)
    for index, item in enumerate(result):
        if replace is not None and str(item.get("id")) == replace:
            result[index] = skill
            break
    else:
        result.append(skill)
    return result


def move_skill(items: list[dict], key: str, delta: int) -> list[dict]:
    result = list(items)
    keys = [str(s.get("id")) for s in result]
    if key in keys and 0 <= keys.index(key) + delta < len(result):
        index = keys.index(key)
        result[index], result[index + delta] = result[index + delta], result[index]
    return result


def remove_skill(items: list[dict], key: str) -> list[dict]:
    return [s for s in items if str(s.get("id")) != key]


# --- steps ----------------------------------------------------------------------------------------


def step_entries(skill: dict | None) -> list[dict]:
    """A skill's steps as [{key, text, critical}], ids filled in (a plain line is its position's, not critical)."""
    raw = (skill or {}).get("steps")
    entries = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(item, dict):
            entries.append({"key": str(item.get("id") or default_key(index)), "text": str(item.get("text") or ""),
                            "critical": item.get("critical") is True})
        else:
            entries.append({"key": default_key(index), "text": str(item), "critical": False})
    return entries


def step_keys(entries: list[dict], previous: list[dict]) -> list[str]:
    """Ids for the steps in their new order.

    A step whose text is that of an earlier step keeps that step's id (it was moved or its row
    was retyped); otherwise it keeps the id of its row (its text was corrected). A new step gets
    its position's id, or the next one after it that no step of the skill had before (an id once
    observed is not given to another step in the same edit). A row's id is taken only from the skill's own steps.
    """
    by_text: dict[str, str] = {}
    for entry in previous:
        by_text.setdefault(entry["text"], entry["key"])
    known = {entry["key"] for entry in previous}
    keys: list[str | None] = [None] * len(entries)
    used: set[str] = set()
    for index, entry in enumerate(entries):  # first the steps found by their text
        key = by_text.get(entry["text"])
        if key is not None and key not in used:
            keys[index] = key
            used.add(key)
    for index, entry in enumerate(entries):  # then those edited in their row
        row = (entry.get("key") or "").strip()
        if keys[index] is None and row in known and row not in used:
            keys[index] = row
            used.add(row)
    result = []
    for index, key in enumerate(keys):
        if key is None:
            candidate = index
            key = default_key(candidate)
            while key in used or key in known:
                candidate += 1
                key = default_key(candidate)
            used.add(key)
        result.append(key)
    return result


def steps_yaml(entries: list[dict]) -> list:
    """Steps for skills.yaml from [{key, text, critical}] in order: a plain line when the step is not
    critical and its id is its position's, else a mapping (`id` only where it differs)."""
    result: list = []
    for index, entry in enumerate(entries):
        if entry["key"] == default_key(index) and not entry["critical"]:
            result.append(entry["text"])
            continue
        data = {"text": entry["text"], "critical": bool(entry["critical"])}
        if entry["key"] != default_key(index):
            data["id"] = entry["key"]
        result.append(cf.SKILL_STEP.written(data))
    return result


def skill_yaml(key: str, *, title: str, why: str, performed_on: str, competency_unit: str,
               steps: list[dict]) -> dict:
    """A skill for skills.yaml; `steps` are [{key, text, critical}] with their final ids."""
    return cf.SKILL.written({"id": key, "title": title, "why": why, "performed_on": performed_on,
                             "competency_unit": competency_unit, "steps": steps_yaml(steps)})


def build_skill(key: str, *, title: str, why: str, performed_on: str, competency_unit: str, steps: list[dict],
                previous: dict | None = None) -> dict:
    """A skill for skills.yaml from the editor's fields; `steps` are the filled rows [{key, text, critical}]
    in order, and keep the ids of `previous` (the skill before this edit)."""
    rows = [{**row, "text": clean_text(row["text"]).replace("\n", " ")} for row in steps]
    keys = step_keys(rows, step_entries(previous))
    return skill_yaml(key, title=clean_text(title), why=clean_text(why), performed_on=performed_on or "person",
                      competency_unit=clean_text(competency_unit),
                      steps=[{**row, "key": k} for row, k in zip(rows, keys, strict=True)])
