"""Figures a programme may see, and the one rule that protects the people behind them.

A figure carries the number of people it was computed from. Fewer than MINIMUM_PEOPLE and it is shown, and
downloaded, only as "< 5": a count of 3 families in a village, or a pass rate of 2 learners, could point at
someone. Every page, CSV, XLSX and dataValueSets file formats figures through display()/export_value(), so
the rule lives here once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_decimal

MINIMUM_PEOPLE = 5
SUPPRESSED = "< 5"

#: how a value reads: a number of people, a percent (0–100), a number of days, a mean score (0–100)
KINDS = ("count", "percent", "days", "score", "ratio")


@dataclass(frozen=True)
class Figure:
    #: count: the people counted; other kinds: the value computed from `people`
    value: float | int | None
    #: how many people the figure comes from (for a count, the count itself)
    people: int
    kind: str = "count"

    @classmethod
    def count(cls, people: int) -> Figure:
        return cls(people, people, "count")

    @classmethod
    def share(cls, part: int, whole: int) -> Figure:
        """part of whole as a percent, from `whole` people."""
        return cls(round(100 * part / whole) if whole else None, whole, "percent")

    @property
    def suppressed(self) -> bool:
        return self.people < MINIMUM_PEOPLE

    def export_value(self) -> int | float | str | None:
        """The value as downloads write it: "< 5" when suppressed, None when there is nothing to compute."""
        if self.suppressed:
            return SUPPRESSED
        if self.value is None:
            return None
        return round(self.value, 1) if isinstance(self.value, float) else self.value

    def display(self) -> str:
        """The value as a page shows it (locale-formatted; "–" when there is nothing to compute)."""
        shown = self.export_value()
        if shown is None:
            return "–"
        if shown == SUPPRESSED:
            return SUPPRESSED
        text = format_decimal(shown)
        return f"{text}%" if self.kind in ("percent",) else text


@dataclass(frozen=True)
class Column:
    #: stable machine name, also the CSV/XLSX header: "started", "pass_rate"
    key: str
    label: str | object
    #: one sentence for the data dictionary: what is counted, from which records
    description: str | object
    kind: str = "count"


@dataclass
class Row:
    #: what the row is: a region's name, a module's title, a month
    label: str
    #: its code where it has one (a region code, "2026-11", a module slug), else ""
    code: str
    figures: list[Figure]
    #: where a drill-down goes (a page URL), or None
    link: str | None = None


@dataclass
class Table:
    #: stable machine name: "funnel", "regions", "months", "modules", "questions", "reach"
    key: str
    title: str | object
    description: str | object
    #: the name of the row column: "Region", "Module"
    row_label: str | object
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)


@dataclass
class Filters:
    """What a report covers; also written at the top of every download."""
    region_code: str  # "" = the whole country
    region_name: str
    course_id: int  # 0 = every course
    course_title: str
    organisation_id: int  # 0 = every organisation
    organisation_name: str
    #: first and last month, "YYYY-MM"
    period_from: str
    period_to: str
    refreshed_at: str  # ISO 8601 UTC of the roll-ups' last refresh, "" if never


@dataclass(frozen=True)
class DataValue:
    """One value of a DHIS2 dataValueSets file: indicator × region code × month."""
    data_element: str  # "RAWAT_STARTED"
    period: str  # DHIS2 monthly period "202611"
    org_unit: str  # Kemendagri code "32.76", or "ID" for the whole country
    value: int
    #: the course, as a category option combo code ("RAWAT_ALL_COURSES" or "RAWAT_COURSE_<slug>")
    category_option_combo: str = "RAWAT_ALL_COURSES"
    comment: str = ""


@dataclass
class Report:
    filters: Filters
    tables: list[Table]
    #: every data element of data_values, code -> (name, description), for the dictionary
    data_elements: dict[str, tuple[str, str]] = field(default_factory=dict)
    data_values: list[DataValue] = field(default_factory=list)

