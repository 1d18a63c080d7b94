"""The privacy notice (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi): its versions, its text, the age rule.

The one place that says which notice is current. Publishing a new version: write
notices/privacy-v<N>.id.md and .en.md, then add (N, the day it takes effect) at the end of NOTICES. Everyone
signed in is asked again on their next request (views_privacy.ask_for_consent), and the page keeps each
person's answers to every version (models.PrivacyConsent).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import ngettext
from markupsafe import Markup

from ..courses.markdown import render_markdown

#: every published notice as (version, the day it takes effect), oldest first; the last one is current
NOTICES: tuple[tuple[int, date], ...] = (
    (1, date(2026, 12, 4)),
)
#: the notice texts: privacy-v<version>.<language>.md, Markdown rendered as lessons are (lms/courses/markdown.py)
NOTICE_DIR = Path(__file__).resolve().parent / "notices"
#: the age of an Indonesian identity card (KTP): from it a person registers on their own consent
ADULT_AGE = 17


class AgeBasis(enum.StrEnum):
    #: 17 or older (ADULT_AGE), the age of a KTP
    ADULT = "adult"
    #: younger, registered with a parent's or guardian's consent (UU 27/2022, Pasal 25), whose name is kept
    GUARDIAN = "guardian"


@dataclass(frozen=True)
class Notice:
    version: int
    effective: date


@dataclass(frozen=True)
class ConsentAnswer:
    """What a person answered on the registration or consent form."""

    age_basis: str
    guardian_name: str | None = None


#: the answer of an adult who agrees: for accounts made in code (demo data, the test factories)
ADULT_CONSENT = ConsentAnswer(AgeBasis.ADULT)


def current_notice() -> Notice:
    """The notice in force now (no query: the versions are part of the code)."""
    version, effective = NOTICES[-1]
    return Notice(version, effective)


def notice(version: int) -> Notice | None:
    """A published version, or None."""
    return next((Notice(v, day) for v, day in NOTICES if v == version), None)


#: (folder, version, language) -> the file's text; unbounded, the notices are few (listed in lms/caches.py)
_TEXTS: dict[tuple[str, int, str], str] = {}


def notice_path(version: int, language: str) -> Path:
    return NOTICE_DIR / f"privacy-v{version}.{language}.md"


def notice_text(version: int, language: str) -> str:
    """The Markdown of a version in a language (Indonesian when the language has none), read once per process."""
    key = (str(NOTICE_DIR), version, language)
    if key not in _TEXTS:
        path = notice_path(version, language)
        if not path.is_file():
            path = notice_path(version, "id")
        _TEXTS[key] = path.read_text(encoding="utf-8")
    return _TEXTS[key]


def inactive_period(days: int) -> str:
    """RETENTION_INACTIVE_DAYS in words, in the page's language: whole years as years."""
    if days % 365 == 0:
        return ngettext("%(num)d year", "%(num)d years", days // 365)
    return ngettext("%(num)d day", "%(num)d days", days)


def render_notice(version: int, language: str) -> Markup:
    """The notice as sanitised HTML, its placeholders filled from the settings: {operator} (who runs Rawat,
    LMS_CERTIFICATE_ISSUER), {inactive_period} (LMS_RETENTION_INACTIVE_DAYS in words), {adult_age},
    {remember_days} (how long "keep me signed in" lasts)."""
    config = current_app.config
    values = {
        "operator": config["CERTIFICATE_ISSUER"],
        "inactive_period": inactive_period(config["RETENTION_INACTIVE_DAYS"]),
        "adult_age": str(ADULT_AGE),
        "remember_days": str(config["REMEMBER_COOKIE_DURATION"].days),
    }
    text = notice_text(version, language)
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return render_markdown(text)
