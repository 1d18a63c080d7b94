"""Small inline SVG charts of the programme page: no JavaScript, no library, readable at 360 px.

A chart is drawn from the Table under it and only from what that table shows. A figure from fewer than 5
people (`Figure.suppressed`) gives no bar, no point and no coordinate, and never enters a scale or a text: it
is drawn as the label "< 5" (a gap in a line), so two reports that differ only in hidden figures draw
byte-identical charts. The table under each chart stays the accessible source of the figures; the <svg> is
one image with a <title> and a <desc>.

Everything is a presentation attribute (the page's Content-Security-Policy allows no inline style), every
text is escaped after str() (markupsafe does not escape a lazy string), and ids are fixed per chart.
"""
from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from .figures import SUPPRESSED, Figure, Report, Table

#: every chart is this many units wide and scales with the page (viewBox, width 100%): ~1 unit a pixel at 360 px
WIDTH = 320
#: text sizes in units: names and figures, axis ticks and legends
TEXT, SMALL = 13, 12
#: characters of a label on one line at TEXT size
LINE = 42
INK = "#1d2a2f"  # 14:1 on white
MUTED = "#52646b"  # 6:1 on white
BRAND = "#0b6e4f"
TRACK = "#e3e0d6"
GRID = "#d9d4c7"
#: step -> (colour, dash pattern, marker): each line is told apart by colour, dash and marker shape
STEP_STYLES = {
    "registered": (INK, "", "circle"),
    "started": (BRAND, "7 3", "square"),
    "completed": ("#1a5fb4", "2 2", "triangle"),
    "certified": ("#a4262c", "9 3 2 3", "diamond"),
    "competent": ("#6b4a00", "14 4", "down"),
}
MARKERS = {
    "circle": '<circle r="3.5"/>',
    "square": '<rect x="-3" y="-3" width="6" height="6"/>',
    "triangle": '<path d="M0-4 4 3H-4z"/>',
    "diamond": '<path d="M0-4.5 4 0 0 4.5-4 0z"/>',
    "down": '<path d="M0 4 4-3H-4z"/>',
}
DESCRIPTIONS = {
    "funnel": _l("Bars of the people who reached each step in the period, each labelled with its figure; "
                 "“< 5” has no bar. The table below gives the same figures."),
    "months": _l("One line per step over the months, each with its own colour, dash pattern and marker; a month "
                 "with fewer than 5 people (“< 5”) is a gap in its line. The table below gives the figures."),
    "modules": _l("For each module, a bar of the mean pre-test score (outlined) and one of the mean "
                  "first-attempt score (filled), from 0 to 100; “< 5” has no bar. The table below gives the "
                  "figures."),
}
GAP = _l("Gap: < 5 people")


def charts_for(report: Report) -> dict[str, Markup]:
    """{table key: <svg>} for the funnel, the months and the modules, where the table shows any figure."""
    drawers = {"funnel": funnel_chart, "months": months_chart, "modules": modules_chart}
    charts = {}
    for table in report.tables:
        chart = drawers[table.key](table) if table.key in drawers else None
        if chart is not None:
            charts[table.key] = chart
    return charts


def _shown(figure: Figure) -> float | None:
    """The number a chart may draw, or None: nothing at all is read from a suppressed figure."""
    if figure.suppressed:
        return None
    value = figure.export_value()
    return value if isinstance(value, int | float) else None


def _label(figure: Figure) -> str:
    return SUPPRESSED if figure.suppressed else figure.display()


def _t(value) -> Markup:
    return escape(str(value))


def _n(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size - 1].rstrip() + "…"


def _lines(text: str, size: int = LINE) -> list[str]:
    """A label on at most two lines of `size` characters, broken between words, cut with "…" if longer."""
    if len(text) <= size:
        return [text]
    cut = text.rfind(" ", 0, size + 1)
    if cut <= 0:
        return [_cut(text, size)]
    return [text[:cut], _cut(text[cut + 1:], size)]


def _dash(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash else ""


def _svg(key: str, table: Table, height: float, body: list[str]) -> Markup:
    name = f"oc-{key}"
    return Markup(  # noqa: S704 - every text in body and here is escaped
        f'<svg viewBox="0 0 {WIDTH} {_n(height)}" width="100%" role="img" aria-labelledby="{name}-t" '
        f'aria-describedby="{name}-d" xmlns="http://www.w3.org/2000/svg" font-size="{TEXT}" fill="{INK}">'
        f'<title id="{name}-t">{_t(table.title)}</title><desc id="{name}-d">{_t(DESCRIPTIONS[key])}</desc>'
        + "".join(body) + "</svg>")


def funnel_chart(table: Table) -> Markup | None:
    """One horizontal bar per step, the step's name above it and its figure at the right; "< 5" has no bar."""
    rows = [(row.label, row.figures[0]) for row in table.rows]
    peak = max((value for _name, figure in rows if (value := _shown(figure)) is not None), default=0)
    if peak <= 0:
        return None
    row_h = 37
    labels, values, tracks, bars = [], [], [], []
    for index, (label, figure) in enumerate(rows):
        y = index * row_h
        labels.append(f'<text y="{y + 14}">{_t(_cut(str(label), LINE - 6))}</text>')
        values.append(f'<text x="{WIDTH}" y="{y + 14}">{_t(_label(figure))}</text>')
        tracks.append(f'<rect y="{y + 19}" width="{WIDTH}" height="12" rx="2"/>')
        value = _shown(figure)
        if value is not None:
            bars.append(f'<rect y="{y + 19}" width="{_n(WIDTH * value / peak)}" height="12" rx="2"/>')
    return _svg("funnel", table, len(rows) * row_h, [
        "<g>", *labels, "</g>", '<g text-anchor="end" font-weight="bold">', *values, "</g>",
        f'<g fill="{TRACK}">', *tracks, "</g>", f'<g fill="{BRAND}">', *bars, "</g>"])


def _runs(points: list[tuple[float, float] | None]) -> str:
    """Path data through the shown points, broken where a point is hidden; a lone point is "M x yh0", a vertex
    of its own, so that its marker is drawn."""
    commands, run = [], 0
    for point in [*points, None]:
        if point is None:
            if run == 1:
                commands.append("h0")
            run = 0
            continue
        commands.append(("L" if run else "M") + f"{_n(point[0])} {_n(point[1])}")
        run += 1
    return "".join(commands)


def _nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 4, 6, 8, 10 × a power of ten that is at least value (its half stays whole)."""
    power = 1
    while power * 10 < value:
        power *= 10
    return next(step * power for step in (1, 2, 4, 6, 8, 10) if step * power >= value)


def _legend(steps: list[tuple[str, object]]) -> tuple[list[str], int]:
    """A sample of each step's line with its marker, one a line, then a broken line for "< 5"."""
    parts, row_h = [], 17
    for index, (step, label) in enumerate([*steps, ("", GAP)]):
        y = index * row_h + 9
        if step:
            colour, dash, _marker = STEP_STYLES[step]
            parts.append(f'<path d="M1 {y}h13h13" stroke="{colour}" stroke-width="2" fill="none"{_dash(dash)} '
                         f'marker-mid="url(#oc-{step})"/>')
        else:
            parts.append(f'<path d="M1 {y}h9m8 0h9" stroke="{MUTED}" stroke-width="2"/>')
        parts.append(f'<text x="34" y="{y + 4}">{_t(_cut(str(label), LINE - 6))}</text>')
    return [f'<g font-size="{SMALL}">', *parts, "</g>"], (len(steps) + 1) * row_h


def months_chart(table: Table) -> Markup | None:
    """A line per funnel step over the months, gaps where "< 5"; month ticks below, people at the left."""
    steps = [(column.key, column.label) for column in table.columns if column.key in STEP_STYLES]
    months = [row.label for row in table.rows]
    series = {step: [_shown(row.figures[index]) for row in table.rows] for index, (step, _name) in enumerate(steps)}
    peak = max((value for values in series.values() for value in values if value is not None), default=0)
    if peak <= 0 or not months:
        return None
    scale = _nice_ceiling(peak)
    ticks = [(0, "0"), (scale // 2, format_decimal(scale // 2)), (scale, format_decimal(scale))]
    legend, legend_h = _legend(steps)
    left, right, plot_h = max(28, 8 + 7 * len(ticks[-1][1])), 26, 130
    bottom = legend_h + 12 + plot_h
    plot_w = WIDTH - left - right

    def x_of(index: int) -> float:
        return left + (plot_w * index / (len(months) - 1) if len(months) > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return bottom - plot_h * value / scale

    every = -(-56 * (len(months) - 1) // plot_w) or 1  # a month label every 56 units at least
    parts = ["<defs>", *(f'<marker id="oc-{step}" viewBox="-5 -5 10 10" markerWidth="10" markerHeight="10" '
                         f'markerUnits="userSpaceOnUse" fill="{STEP_STYLES[step][0]}">'
                         f'{MARKERS[STEP_STYLES[step][2]]}</marker>' for step in series), "</defs>", *legend,
             f'<path d="{"".join(f"M{left} {_n(y_of(tick))}H{WIDTH - right}" for tick, _text in ticks)}" '
             f'stroke="{GRID}"/>',
             f'<path d="{"".join(f"M{_n(x_of(i))} {bottom}v4" for i in range(len(months)))}" stroke="{MUTED}"/>',
             f'<g font-size="{SMALL}" fill="{MUTED}"><g text-anchor="end">',
             *(f'<text x="{left - 5}" y="{_n(y_of(tick) + 4)}">{_t(text)}</text>' for tick, text in ticks),
             '</g><g text-anchor="middle">',
             *(f'<text x="{_n(x_of(i))}" y="{bottom + 18}">{_t(month)}</text>'
               for i, month in enumerate(months) if (len(months) - 1 - i) % every == 0), "</g></g>"]
    for step, values in series.items():
        path = _runs([(x_of(index), y_of(value)) if value is not None else None for index, value in enumerate(values)])
        if path:
            colour, dash, _marker = STEP_STYLES[step]
            marker = f"url(#oc-{step})"
            parts.append(f'<path d="{path}" data-step="{step}" stroke="{colour}" stroke-width="2" fill="none"'
                         f'{_dash(dash)} marker-start="{marker}" marker-mid="{marker}" marker-end="{marker}"/>')
    return _svg("months", table, bottom + 24, parts)


def modules_chart(table: Table) -> Markup | None:
    """Per module, the mean pre-test score (outlined bar) above the mean first-attempt score (filled), 0–100,
    each with its figure after it; "< 5" has no bar."""
    keys = [column.key for column in table.columns]
    pre_at, first_at = keys.index("pretest_mean"), keys.index("first_mean")
    rows = [(row.label, row.figures[pre_at], row.figures[first_at]) for row in table.rows]
    if not any(_shown(figure) is not None for _name, *figures in rows for figure in figures):
        return None
    bar_w, top = WIDTH - 44, 60
    labels, values, pre_bars, first_bars = [], [], [], []
    y = top
    for label, pre, first in rows:
        lines = _lines(str(label))
        for number, line in enumerate(lines):
            labels.append(f'<text y="{y + 13 + 15 * number}">{_t(line)}</text>')
        y += 15 * (len(lines) - 1)
        for offset, figure, bars in ((18, pre, pre_bars), (30, first, first_bars)):
            value = _shown(figure)
            length = bar_w * min(max(value, 0), 100) / 100 if value is not None else 0
            if value is not None:
                bars.append(f'<rect y="{y + offset}" width="{_n(length)}" height="9"/>')
            values.append(f'<text x="{_n(length + 5)}" y="{y + offset + 9}">{_t(_label(figure))}</text>')
        y += 46
    parts = [f'<rect x="1" y="2" width="16" height="10" fill="#fff" stroke="{BRAND}" stroke-width="1.5"/>',
             f'<text x="24" y="12">{_t(_cut(str(table.columns[pre_at].label), LINE))}</text>',
             f'<rect x="1" y="21" width="16" height="10" fill="{BRAND}"/>',
             f'<text x="24" y="31">{_t(_cut(str(table.columns[first_at].label), LINE))}</text>',
             f'<path d="M0.5 {top - 4}V{y}M{bar_w / 2} {top - 4}V{y}M{bar_w - 0.5} {top - 4}V{y}" stroke="{GRID}"/>',
             f'<g font-size="{SMALL}" fill="{MUTED}"><text y="{top - 7}">0</text><text x="{bar_w / 2}" '
             f'y="{top - 7}" text-anchor="middle">50</text><text x="{bar_w}" y="{top - 7}" text-anchor="end">100'
             "</text></g>",
             "<g>", *labels, "</g>", f'<g font-size="{SMALL}">', *values, "</g>",
             f'<g fill="#fff" stroke="{BRAND}" stroke-width="1.5">', *pre_bars, "</g>",
             f'<g fill="{BRAND}">', *first_bars, "</g>"]
    return _svg("modules", table, y, parts)
