"""Server-rendered SVG bar charts (no scripts, no network). Labels are escaped.

Labels are measured in display width (a CJK character is as wide as two Latin ones) and wrapped
to the label column; a long line label is shortened on its last line with "…" while its full text
stays in the <title>, and a stage name is never shortened (it wraps onto as many lines as needed).
"""
from __future__ import annotations

import math
import re
import unicodedata

from markupsafe import Markup, escape

BAR_HEIGHT, GAP, LABEL_WIDTH, VALUE_WIDTH, WIDTH = 22, 6, 230, 110, 720
FONT_SIZE, LINE_HEIGHT = 12, 14
# An average Latin character of the 12 px sans-serif font is about 6.6 px wide; CJK is 12 px.
UNIT_PX = 6.6
LABEL_UNITS = int((LABEL_WIDTH - 12) / UNIT_PX)  # 33 half-width units
POSITIVE, NEGATIVE = "#1f7a4d", "#b3261e"


def char_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Display width in half-width units: CJK (wide and full-width) characters count two."""
    return sum(char_width(c) for c in text)


def _tokens(text: str) -> list[str]:
    """Words with their trailing spaces, and each wide character on its own (CJK text may break
    between any two characters)."""
    return re.findall(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
                      r"\uff00-\uff60\uffe0-\uffe6]|[^\s\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff"
                      r"\uff00-\uff60]+\s*|\s+", text)


def _cut(text: str, units: int) -> tuple[str, str]:
    """The longest head of `text` that fits in `units`, and the rest."""
    width = 0
    for index, char in enumerate(text):
        width += char_width(char)
        if width > units:
            return text[:index], text[index:]
    return text, ""


def wrap(text: str, units: int = LABEL_UNITS, max_lines: int | None = 2) -> list[str]:
    """Lines of at most `units` display width; with `max_lines`, the last shown line ends in "…"
    when text is left over. Without it, every character is kept."""
    lines: list[str] = []
    current = ""
    for token in _tokens(text.strip()):
        if text_width(current + token.rstrip()) <= units:
            current += token
            continue
        if current.strip():
            lines.append(current.rstrip())
            current = ""
        token = token.lstrip() if not lines or not current else token
        while text_width(token.rstrip()) > units:  # a word wider than the column: hard break
            head, token = _cut(token, units)
            lines.append(head)
        current = token
    if current.strip():
        lines.append(current.rstrip())
    if max_lines is not None and len(lines) > max_lines:
        last, _ = _cut(lines[max_lines - 1], units - 1)
        lines = [*lines[:max_lines - 1], last.rstrip() + "…"]
    return lines or [""]


def bar_chart(items: list[tuple[str, float]], *, unit: str, title: str,
              number=lambda v: f"{v:,.3f}", max_lines: int | None = 2) -> Markup:
    """Horizontal bars from a shared zero line, so credits (negative values) point left.
    `max_lines=None` never shortens a label (stage names)."""
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
    wrapped = [wrap(label, max_lines=max_lines) for label, _ in items]
    rows = [max(BAR_HEIGHT, len(lines) * LINE_HEIGHT + 4) for lines in wrapped]
    height = sum(rows) + GAP * (len(items) + 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">',
             f"<title>{escape(title)}</title>"]
    y = GAP
    for (label, value), size, lines, row_height in zip(items, sizes, wrapped, rows):
        length = plot * abs(size) / span
        x = zero if not value < 0 else zero - length
        bar_y = y + (row_height - BAR_HEIGHT) // 2
        colour = POSITIVE if value >= 0 else NEGATIVE
        first = y + row_height / 2 - (len(lines) - 1) * LINE_HEIGHT / 2 + 4
        spans = "".join(
            f'<tspan x="{LABEL_WIDTH - 8}" y="{first + i * LINE_HEIGHT:g}">{escape(line)}</tspan>'
            for i, line in enumerate(lines))
        full = f"{escape(label)}: {escape(number(value))} {escape(unit)}"
        parts.append(
            f'<g><title>{full}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{first:g}" text-anchor="end" '
            f'font-size="{FONT_SIZE}">{spans}</text>'
            f'<rect x="{x:.1f}" y="{bar_y}" width="{max(length, 0.5):.1f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"><title>{full}</title></rect>'
            f'<text x="{WIDTH - VALUE_WIDTH + 6}" y="{bar_y + 15}" font-size="{FONT_SIZE}">'
            f'{escape(number(value))}</text></g>')
        y += row_height + GAP
    parts.append(f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height}" stroke="#5b6b63" '
                 f'stroke-width="1"/></svg>')
    return Markup("".join(parts))


def _finite(value) -> float:
    return value if isinstance(value, (int, float)) and math.isfinite(value) else 0.0


def top_contributors(lines: list[dict], count: int = 10) -> list[dict]:
    return sorted(lines, key=lambda l: -abs(l["carbon"]))[:count]


INTERVAL_OUTER, INTERVAL_INNER, CENTRAL = "#9cc3ae", "#1f7a4d", "#0b3d26"


def interval_chart(rows: list[tuple[str, dict]], *, unit: str, title: str,
                   number=lambda v: f"{v:,.3f}") -> Markup:
    """One row per (label, band): a thin bar from p2_5 to p97_5, a thick one from p5 to p95, a
    tick at p50 and a dot at the calculated value (band["value"]), on a shared axis that
    includes zero. Rows whose percentiles are not finite numbers are drawn without bars."""
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    keys = ("p2_5", "p5", "p50", "p95", "p97_5", "value")
    finite = [band[k] for _, band in rows for k in keys
              if isinstance(band.get(k), (int, float)) and math.isfinite(band[k])]
    low, high = min([0.0, *finite]), max([0.0, *finite])
    span = (high - low) or 1.0

    def x(value: float) -> float:
        return LABEL_WIDTH + plot * (value - low) / span

    wrapped = [wrap(label, max_lines=None) for label, _ in rows]
    heights = [max(BAR_HEIGHT, len(lines) * LINE_HEIGHT + 4) for lines in wrapped]
    height = sum(heights) + GAP * (len(rows) + 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart interval-chart" role="img" '
             f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">',
             f"<title>{escape(title)}</title>"]
    y = GAP
    for (label, band), lines, row_height in zip(rows, wrapped, heights):
        middle = y + row_height / 2
        first = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + 4
        spans = "".join(
            f'<tspan x="{LABEL_WIDTH - 8}" y="{first + i * LINE_HEIGHT:g}">{escape(line)}</tspan>'
            for i, line in enumerate(lines))
        shown = {k: _finite_or_none(band.get(k)) for k in keys}
        range_text = (f"{number(shown['p2_5'])} – {number(shown['p97_5'])}"
                      if shown["p2_5"] is not None and shown["p97_5"] is not None else "—")
        full = (f"{escape(label)}: 95 % {escape(range_text)} {escape(unit)}")
        parts.append(f'<g><title>{full}</title><text x="{LABEL_WIDTH - 8}" y="{first:g}" '
                     f'text-anchor="end" font-size="{FONT_SIZE}">{spans}</text>')
        if shown["p2_5"] is not None and shown["p97_5"] is not None:
            parts.append(f'<rect x="{x(shown["p2_5"]):.1f}" y="{middle - 3:g}" '
                         f'width="{max(x(shown["p97_5"]) - x(shown["p2_5"]), 0.5):.1f}" '
                         f'height="6" fill="{INTERVAL_OUTER}"/>')
        if shown["p5"] is not None and shown["p95"] is not None:
            parts.append(f'<rect x="{x(shown["p5"]):.1f}" y="{middle - 7:g}" '
                         f'width="{max(x(shown["p95"]) - x(shown["p5"]), 0.5):.1f}" '
                         f'height="14" fill="{INTERVAL_INNER}"/>')
        if shown["p50"] is not None:
            parts.append(f'<line x1="{x(shown["p50"]):.1f}" y1="{middle - 10:g}" '
                         f'x2="{x(shown["p50"]):.1f}" y2="{middle + 10:g}" stroke="{CENTRAL}" '
                         f'stroke-width="2"/>')
        if shown["value"] is not None:
            parts.append(f'<circle cx="{x(shown["value"]):.1f}" cy="{middle:g}" r="4" '
                         f'fill="#ffffff" stroke="{CENTRAL}" stroke-width="2"/>')
        parts.append(f'<text x="{WIDTH - VALUE_WIDTH + 6}" y="{middle + 4:g}" '
                     f'font-size="{FONT_SIZE}">{escape(range_text)}</text></g>')
        y += row_height + GAP
    parts.append(f'<line x1="{x(0.0):.1f}" y1="0" x2="{x(0.0):.1f}" y2="{height}" '
                 f'stroke="#5b6b63" stroke-width="1"/></svg>')
    return Markup("".join(parts))


def _finite_or_none(value) -> float | None:
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None
