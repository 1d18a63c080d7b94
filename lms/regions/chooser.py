"""The place chooser's view side: province, then regency or city, then district, then village, without JavaScript.

A page that lets someone choose a village (registration, the profile, later a group's settings) calls
`chooser_step` with its own endpoint and renders the `region_chooser` macro (templates/regions/_chooser.html)
with it. Every step is a GET (a list of links and a search box, no CSRF needed); the code chosen so far
travels in one query parameter. When that code is a village the macro hands over to the page's own final
block (its `{% call %}` body): a POST form with its CSRF token that saves the choice, or a link that carries
it into a form. Two queries per step: the trail of the code, the children listed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from .models import Level, Region
from .queries import children, lineage, place_label

STEP_TITLES = {
    Level.PROVINCE: _l("Choose your province"),
    Level.REGENCY: _l("Choose your regency or city"),
    Level.DISTRICT: _l("Choose your district (kecamatan)"),
    Level.VILLAGE: _l("Choose your village (desa or kelurahan)"),
}
#: what a region is, as a noun inside a sentence
LEVEL_NOUNS = {
    Level.PROVINCE: _l("a province"),
    Level.REGENCY: _l("a regency or city"),
    Level.DISTRICT: _l("a district"),
    Level.VILLAGE: _l("a village"),
}
#: the query parameters the chooser reads (besides the page's own)
CODE_PARAM = "wilayah"
QUERY_PARAM = "q"


@dataclass
class ChooserStep:
    #: the page that hosts the chooser, its URL's own arguments (a group's id) and its query arguments, kept
    #: on every link (e.g. `next`)
    endpoint: str
    view_args: dict[str, object]
    args: dict[str, str]
    #: the regions chosen so far, province first; at the last step the village too
    trail: list[Region] = field(default_factory=list)
    #: the regions to choose from at this step (empty at the last step)
    options: list[Region] = field(default_factory=list)
    #: the search typed at this step
    query: str = ""
    #: more regions match than are listed: the person should type part of the name
    more: bool = False
    #: the link named a code that is unknown, retired or malformed: the chooser starts from the top
    unknown: bool = False

    @property
    def chosen(self) -> Region | None:
        """The village chosen, once the trail reaches one: the page shows its final block."""
        return self.trail[-1] if self.trail and self.trail[-1].level == Level.VILLAGE else None

    @property
    def level(self) -> int:
        return len(self.trail) + 1 if self.chosen is None else Level.VILLAGE

    @property
    def parent_code(self) -> str | None:
        return self.trail[-1].code if self.trail and self.chosen is None else None

    @property
    def title(self) -> str:
        return str(STEP_TITLES[Level(self.level)])

    @property
    def label(self) -> str:
        return place_label(self.trail)

    @property
    def empty(self) -> bool:
        """Nothing to list and nothing searched: at the top, the regions were never imported."""
        return not self.options and not self.query and not self.trail

    def url(self, code: str | None = None) -> str:
        """This page at another step: `code` is the region whose children are listed (a village: the end)."""
        return url_for(self.endpoint, **self.view_args, **self.args, **({CODE_PARAM: code} if code else {}))

    def action(self) -> str:
        """Where the step's search form goes: the page itself, without its query string."""
        return url_for(self.endpoint, **self.view_args)

    def search_fields(self) -> dict[str, str]:
        """The hidden fields of the step's search form (a GET form drops the query string of its action)."""
        fields = dict(self.args)
        if self.parent_code:
            fields[CODE_PARAM] = self.parent_code
        return fields


def chooser_step(endpoint: str, *, view_args: dict[str, object] | None = None, args: dict[str, str] | None = None,
                 code: str | None = None) -> ChooserStep:
    """The step named by the request's `wilayah` (or `code`) and `q`; any value gives a step, never an error.

    `args` are the page's own query arguments to keep (those without a value are left out)."""
    raw = (code if code is not None else request.args.get(CODE_PARAM, "")).strip()[:20]
    query = " ".join(request.args.get(QUERY_PARAM, "").split())[:100]
    step = ChooserStep(endpoint=endpoint, view_args=dict(view_args or {}),
                       args={k: v for k, v in (args or {}).items() if v}, query=query)
    if raw:
        trail = lineage(raw)
        if trail and trail[-1].retired_at is None:
            step.trail = trail
        else:
            step.unknown = True
            step.query = ""  # the search was meant for a step the person never reached
    if step.chosen is None:
        step.options, step.more = children(step.parent_code, step.query)
    return step
