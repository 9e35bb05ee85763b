"""The carbon-label artwork for packaging: SVG, and PNG rasterised from the same SVG.

The label follows the CNCA pattern (green, a footprint device, the numeric value) with the
functional unit and the certificate ID, so that a buyer can look the value up. A scheme that
certifies a factory rather than a product footprint shows its result instead of a value.

PNG: WeasyPrint 70 writes only PDF, so the SVG is laid on a page of its own size, rendered to
PDF and rasterised with poppler's pdftoppm (poppler-utils, installed by scripts/setup). One
drawing for both formats, text shaped by the same Pango and fonts as the certificate, and no
second renderer to keep in step (a Pillow drawing would duplicate the artwork by hand).
"""
from __future__ import annotations

import subprocess
import tempfile
import unicodedata
from pathlib import Path

from . import figures, rendering
from .vocabulary import PASSED, SCHEMES, pair

WIDTH, HEIGHT = 240, 320  # CSS pixels (1/96 in): 63.5 x 84.7 mm at scale 1
LINE_BUDGET = 40  # half-width characters that fit a line of 10-pixel text
PDFTOPPM_TIMEOUT = 60


def clipped(text, budget: int = LINE_BUDGET) -> str:
    """`text` cut to fit one line of the label: CJK characters count double."""
    text = " ".join(str(text or "").split())
    used, kept = 0, []
    for char in text:
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > budget - 1:
            return "".join(kept) + "…"
        kept.append(char)
    return text


def _footprint_value(payload: dict):
    footprint = payload.get("footprint") or {}
    return footprint.get("total") if payload.get("product") else None


def _result_text(payload: dict) -> str:
    result = payload.get("result") or {}
    if result.get("total") is not None and result.get("out_of"):
        return f"{figures.significant(result['total'])} / {figures.significant(result['out_of'])}"
    return " ".join(pair(PASSED, bool(result.get("passed"))))


def label_context(payload: dict) -> dict:
    product = payload.get("product") or {}
    value = _footprint_value(payload)
    return {
        "width": WIDTH, "height": HEIGHT, "id": payload["id"],
        "value": None if value is None else figures.significant(value),
        "functional_unit": clipped(product.get("functional_unit", ""), LINE_BUDGET - 8),
        "product": clipped(" ".join(filter(None, [product.get("name"), product.get("model")]))),
        "holder": clipped((payload.get("holder") or {}).get("name", "")),
        "scheme": pair(SCHEMES, payload.get("scheme")),
        "result": _result_text(payload),
        "valid_until": payload.get("valid_until", ""),
    }


def label_svg(payload: dict) -> str:
    """The label as a standalone SVG document (also inlined in the certificate PDF)."""
    return rendering.render("label.svg", **label_context(payload))


def label_pdf(payload: dict) -> bytes:
    """The label alone on a page of its size: the vector artwork for a print shop."""
    return rendering.render_pdf("label_page.html", svg=label_svg(payload), width=WIDTH,
                                height=HEIGHT)


def label_png(payload: dict, scale: float = 4) -> bytes:
    """The label as PNG, `scale` x its 240 x 320 CSS-pixel size (4: 960 x 1280, 384 dpi)."""
    if not 0 < scale <= 20:
        raise ValueError("scale must be in (0, 20]")
    with tempfile.TemporaryDirectory(prefix="label-") as folder:
        pdf = Path(folder) / "label.pdf"
        pdf.write_bytes(label_pdf(payload))
        subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", f"{96 * scale:g}", str(pdf),
                        str(Path(folder) / "label")], check=True, capture_output=True,
                       timeout=PDFTOPPM_TIMEOUT)
        return (Path(folder) / "label.png").read_bytes()
