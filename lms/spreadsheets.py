"""Cells of downloads that people open in a spreadsheet (CSV and XLSX).

A spreadsheet runs a cell that starts with = + - @ (after any spaces), a tab or a carriage return as a
formula ("CSV injection"); a learner's name, a group's or an organisation's name must stay text. Every
download that writes text someone typed goes through as_text().
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@")


def starts_like_formula(value: str) -> bool:
    return value.lstrip()[:1] in FORMULA_STARTS or value[:1] in ("\t", "\r")


def as_text(value: str) -> str:
    """The value, with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + value if starts_like_formula(value) else value
