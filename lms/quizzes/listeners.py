"""What the quizzes feature does when other features' signals fire."""
from __future__ import annotations

from ..courses.signals import reading_module_files
from .loader import QuizFile

_QUIZ_FILE = QuizFile()


def quiz_file_handler(_sender, **_kwargs) -> QuizFile:
    """courses.signals.reading_module_files: quizzes own quiz.yaml in every module folder."""
    return _QUIZ_FILE


def connect() -> None:
    reading_module_files.connect(quiz_file_handler)
