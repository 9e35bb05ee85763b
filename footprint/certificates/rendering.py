"""HTML to PDF for the certificate documents: one Jinja environment that escapes every value,
and WeasyPrint that can reach nothing but the document itself.

Every value in these documents may come from an applicant (organisation, product and line
names), so templates are autoescaped, HTML and SVG alike. Rendering happens on the server: a
stray URL in a value or a template must not make it fetch from the network or read local files,
so only data: URLs (inline images) load, and any other stops the render.
"""
from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from . import figures

TEMPLATES = Path(__file__).with_name("templates")
# Noto Sans CJK comes with the Debian package fonts-noto-cjk (scripts/setup); its Latin glyphs
# are the same design, so one family serves both languages. WeasyPrint embeds a subset.
FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans CJK", sans-serif'

environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html", "svg"], default=True),
    undefined=jinja2.StrictUndefined,  # a misspelt field fails the render, not prints nothing
    trim_blocks=True, lstrip_blocks=True,
)
environment.filters.update(significant=figures.significant, share=figures.share)
# Markup: a constant of ours, and inside <style> an escaped quote would not be read back.
environment.globals["font_family"] = Markup(FONT_FAMILY)


def offline_fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def render(template: str, **context) -> str:
    return environment.get_template(template).render(**context)


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=offline_fetcher()).write_pdf()


def render_pdf(template: str, **context) -> bytes:
    return html_to_pdf(render(template, **context))
