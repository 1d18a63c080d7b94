"""A finding of the checker: where (file and line) and what (a stable code and its params).

Findings are warnings: what the importer refuses stays its `Problem` (see checker.CourseCheck).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .wording import MESSAGES


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int | None
    #: what is wrong, stable across wording changes; its sentence is in wording.MESSAGES
    code: str
    params: dict = field(default_factory=dict, compare=False)

    @property
    def message(self) -> str:
        """The sentence in the current language (the CLI forces English, the editor uses the author's)."""
        template = MESSAGES.get(self.code)
        return str(template) % self.params if template is not None else self.code

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: warning: {self.message}"
