"""Small server-rendered SVG charts: no JavaScript, no library, readable on a phone.

Each chart carries a <title> and <desc> for screen readers; the page also shows the
same figures as a table.
"""
from __future__ import annotations

from markupsafe import Markup, escape

BAR_COLOUR = "#0b6e4f"
LOW_COLOUR = "#a4262c"
AXIS_COLOUR = "#52646b"


def column_chart(title: str, labels: list[str], values: list[int], *, description: str = "") -> Markup:
    """Vertical bars, one per label (e.g. one per week)."""
    width, height, left, bottom, top = 320, 170, 28, 36, 14
    plot_w, plot_h = width - left - 6, height - bottom - top
    peak = max(values + [1])
    step = plot_w / max(len(values), 1)
    bar_w = max(step * 0.62, 4)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{{id}}-t {{id}}-d" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{{id}}-t">{escape(title)}</title><desc id="{{id}}-d">{escape(description)}</desc>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 4}" y2="{top + plot_h}" stroke="{AXIS_COLOUR}"/>',
        f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end" fill="{AXIS_COLOUR}">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" font-size="10" text-anchor="end" fill="{AXIS_COLOUR}">0</text>',
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * step + (step - bar_w) / 2
        bar_h = plot_h * value / peak
        y = top + plot_h - bar_h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" fill="{BAR_COLOUR}"/>')
        if value:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" '
                         f'fill="#1d2a2f">{value}</text>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 14}" font-size="9" '
                     f'text-anchor="middle" fill="{AXIS_COLOUR}">{escape(label)}</text>')
    parts.append("</svg>")
    return _with_id("".join(parts), title)


def percent_bars(title: str, rows: list[tuple[str, int | None]], *, description: str = "",
                 none_label: str = "–") -> Markup:
    """Horizontal bars from 0 to 100 %, one per row (e.g. pass rate per module).

    Each label sits on its own line above its bar, so long module names stay whole on a phone.
    """
    row_h, width, value_w = 40, 320, 40
    height = max(len(rows), 1) * row_h + 4
    bar_space = width - value_w
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{{id}}-t {{id}}-d" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{{id}}-t">{escape(title)}</title><desc id="{{id}}-d">{escape(description)}</desc>',
    ]
    for index, (label, percent) in enumerate(rows):
        y = index * row_h
        short = label if len(label) <= 48 else label[:47].rstrip() + "…"
        parts.append(f'<text x="0" y="{y + 14}" font-size="12" fill="#1d2a2f">{escape(short)}</text>')
        parts.append(f'<rect x="0" y="{y + 20}" width="{bar_space}" height="14" fill="#e3e0d6" rx="3"/>')
        if percent is None:
            parts.append(f'<text x="4" y="{y + 31}" font-size="11" fill="#1d2a2f">{escape(none_label)}</text>')
            continue
        colour = LOW_COLOUR if percent < 60 else BAR_COLOUR
        parts.append(f'<rect x="0" y="{y + 20}" width="{bar_space * percent / 100:.1f}" height="14" '
                     f'fill="{colour}" rx="3"/>')
        parts.append(f'<text x="{width - 2}" y="{y + 32}" font-size="12" text-anchor="end" '
                     f'fill="#1d2a2f">{percent}%</text>')
    parts.append("</svg>")
    return _with_id("".join(parts), title)


def _with_id(svg: str, title: str) -> Markup:
    chart_id = "chart-" + format(abs(hash(title)) % 10**8, "x")
    return Markup(svg.replace("{id}", chart_id))  # noqa: S704 - every text above is escaped
