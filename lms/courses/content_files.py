"""Reading course files: YAML that remembers line numbers, front matter, located problems.

A problem carries an English message for people running `lms import-content`, and a
stable `code` with its `params` (the key, the question, the limits) so that another
layer, such as the browser editor, can say it in its users' words without reading the
English text.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..content_format import ORDERED_NAME_RE, SLUG_RE  # noqa: F401 - SLUG_RE is imported from here too


@dataclass(frozen=True)
class Problem:
    """Something wrong in a course file, located as precisely as we can."""

    path: Path
    message: str
    line: int | None = None
    #: what is wrong, stable across wording changes (e.g. "no_lessons", "too_large")
    code: str = field(default="", kw_only=True)
    #: what the code needs to be worded: the YAML key, the question, the limit… (plain values)
    params: dict = field(default_factory=dict, kw_only=True, compare=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class LineDict(dict):
    """A mapping from YAML that knows the line of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


#: libyaml's parser when PyYAML was built with it (about ten times faster on a course), else the pure one
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    def construct_mapping(self, node, deep=False):
        mapping = LineDict(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {
            self.construct_object(key_node, deep=True): key_node.start_mark.line + 1
            for key_node, _value in node.value
            if isinstance(key_node, yaml.ScalarNode)
        }
        return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)


class FileProblems(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def load_yaml_text(text: str, path: Path, *, line_offset: int = 0):
    """Parse YAML keeping key lines; raise FileProblems with the line of a syntax error."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        raise FileProblems([Problem(path, f"invalid YAML: {exc.problem or exc}", line, code="yaml_syntax")]) from exc
    except yaml.YAMLError as exc:
        raise FileProblems([Problem(path, f"invalid YAML: {exc}", code="yaml_syntax")]) from exc


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FileProblems([Problem(path, "the file is not UTF-8 text", code="not_utf8")]) from exc


def load_yaml_file(path: Path) -> LineDict:
    data = load_yaml_text(read_text(path), path)
    if not isinstance(data, dict):
        raise FileProblems([Problem(path, "expected a mapping of keys to values at the top level", 1,
                                    code="not_mapping")])
    return data


FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?(.*)\Z", re.S)


def split_front_matter(path: Path) -> tuple[LineDict, str, int]:
    """Return (front matter, Markdown body, line where the body starts)."""
    text = read_text(path)
    match = FRONT_MATTER_RE.match(text)
    if not match:
        raise FileProblems([Problem(path, "missing front matter: start the file with '---', title and minutes, '---'",
                                    1, code="no_front_matter")])
    meta = load_yaml_text(match.group(1), path, line_offset=1)
    if not isinstance(meta, dict):
        raise FileProblems([Problem(path, "the front matter must be key: value lines", 2, code="no_front_matter")])
    if isinstance(meta, LineDict):  # its lines count from the front matter; the file has '---' above it
        meta.line += 1
        meta.key_lines = {key: line + 1 for key, line in meta.key_lines.items()}
    body_line = match.group(1).count("\n") + 4
    return meta, match.group(2), body_line


def ordered_entries(folder: Path, *, dirs: bool, suffix: str = "") -> list[tuple[int, str, Path]]:
    """Entries named NN-slug (folders, or files with suffix), sorted by their number."""
    entries = []
    for entry in folder.iterdir():
        if entry.name.startswith(".") or entry.is_dir() != dirs:
            continue
        stem = entry.name[: -len(suffix)] if suffix and entry.name.endswith(suffix) else entry.name
        if suffix and not entry.name.endswith(suffix):
            continue
        match = ORDERED_NAME_RE.match(stem)
        if match:
            entries.append((int(match.group(1)), match.group(2), entry))
    return sorted(entries)


class Reader:
    """Typed access to one YAML mapping, collecting located problems instead of stopping.

    `context` goes into the params of every problem found (e.g. the question a mapping is).
    """

    def __init__(self, data: dict, path: Path, problems: list[Problem], context: dict | None = None):
        self.data = data
        self.path = path
        self.problems = problems
        self.context = dict(context or {})

    def line(self, key: str | None = None) -> int | None:
        if isinstance(self.data, LineDict):
            return self.data.line_of(key) if key else self.data.line
        return None

    def problem(self, message: str, key: str | None = None, *, code: str, **params) -> None:
        """Record a problem at `key`'s line; `params` (with the key as `field`, and the context) word the code."""
        if key is not None:
            params.setdefault("field", str(key))
        self.problems.append(Problem(self.path, message, self.line(key), code=code, params={**self.context, **params}))

    def text(self, key: str, *, required: bool = True, max_length: int = 10_000, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"'{key}' is required", code="required", field=key)
            return default
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.problem(f"'{key}' must be text", code="not_text", field=key)
            return default
        value = str(value).strip()
        if required and not value:
            self.problem(f"'{key}' must not be empty", key, code="required")
        if len(value) > max_length:
            self.problem(f"'{key}' is longer than {max_length} characters", key, code="too_long", max=max_length)
        return value

    def integer(self, key: str, *, required: bool = True, minimum: int | None = None, maximum: int | None = None,
                default: int | None = None, nullable: bool = False) -> int | None:
        if key not in self.data or (self.data.get(key) is None and nullable):
            if required and key not in self.data:
                self.problem(f"'{key}' is required", code="required", field=key)
            return default
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"'{key}' must be a whole number", key, code="not_integer")
            return default
        if minimum is not None and value < minimum:
            self.problem(f"'{key}' must be at least {minimum} (found {value})", key, code="too_small", min=minimum,
                         found=value)
        if maximum is not None and value > maximum:
            self.problem(f"'{key}' must be at most {maximum} (found {value})", key, code="too_large", max=maximum,
                         found=value)
        return value

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.problem(f"'{key}' must be true or false", key, code="not_boolean")
            return default
        return value

    def items(self, key: str, *, required: bool = True) -> list:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"'{key}' is required (a list)", code="required", field=key)
            return []
        if not isinstance(value, list):
            self.problem(f"'{key}' must be a list", key, code="not_list")
            return []
        return value

    def unknown_keys(self, allowed: Collection[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})", key,
                             code="unknown_key")


def assign_changed(obj, **values) -> int:
    """Set the attributes that differ; return how many did (0 means the import changed nothing)."""
    changes = 0
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changes += 1
    return changes
