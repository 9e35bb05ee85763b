"""Server-rendered SVG bar charts (no scripts, no network). Labels are escaped."""
from __future__ import annotations

import math

from markupsafe import Markup, escape

BAR_HEIGHT, GAP, LABEL_WIDTH, VALUE_WIDTH, WIDTH = 22, 6, 230, 110, 720
POSITIVE, NEGATIVE = "#1f7a4d", "#b3261e"


def bar_chart(items: list[tuple[str, float]], *, unit: str, title: str,
              number=lambda v: f"{v:,.3f}") -> Markup:
    """Horizontal bars from a shared zero line, so credits (negative values) point left."""
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    # Geometry from finite values only (a stored NaN or infinity draws no bar); the shown value
    # is whatever `number` makes of it.
    sizes = [_finite(v) for _, v in items]
    scale = max([abs(v) for v in sizes] + [0.0]) or 1.0
    sizes = [v / scale for v in sizes]  # within [-1, 1], so that no difference overflows
    low = min([0.0, *sizes])
    high = max([0.0, *sizes])
    span = (high - low) or 1.0
    zero = LABEL_WIDTH + plot * (-low / span)
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">',
             f"<title>{escape(title)}</title>"]
    for row, (label, value) in enumerate(items):
        y = GAP + row * (BAR_HEIGHT + GAP)
        length = plot * abs(sizes[row]) / span
        x = zero if not value < 0 else zero - length
        colour = POSITIVE if value >= 0 else NEGATIVE
        shown = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            f'<g><text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" font-size="12">'
            f'{escape(shown)}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{max(length, 0.5):.1f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"><title>{escape(label)}: {escape(number(value))} {escape(unit)}'
            f'</title></rect>'
            f'<text x="{WIDTH - VALUE_WIDTH + 6}" y="{y + 15}" font-size="12">'
            f'{escape(number(value))}</text></g>')
    parts.append(f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height}" stroke="#5b6b63" '
                 f'stroke-width="1"/></svg>')
    return Markup("".join(parts))


def _finite(value) -> float:
    return value if isinstance(value, (int, float)) and math.isfinite(value) else 0.0


def top_contributors(lines: list[dict], count: int = 10) -> list[dict]:
    return sorted(lines, key=lambda l: -abs(l["carbon"]))[:count]
