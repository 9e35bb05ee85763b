"""App-wide request hygiene: bounded integer IDs in URLs, no NUL characters in input, and the
security headers of every response."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from ..accounts.models import MAX_KEY

# A larger ID in a URL cannot name any object, and the databases raise on it (PostgreSQL
# "integer out of range", SQLite OverflowError) instead of finding nothing.
MAX_ID = MAX_KEY

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` of every route: an integer beyond any key is no match (404), not a 500."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else max, signed=signed)


def register_converters(app: Flask) -> None:
    """Before any route is added: rules look their converters up when they are added."""
    app.url_map.converters["int"] = BoundedIntConverter


# Methods whose body no view reads as a form (Flask-WTF reads it on the others only)
WITHOUT_FORM = frozenset({"GET", "HEAD", "OPTIONS"})


def _nul_field() -> str | None:
    """The name of the first request value (query or form) holding a NUL character."""
    if "\x00" in request.path:
        return "URL"
    if request.method in WITHOUT_FORM:
        return _nul_in(request.args)
    return _nul_in(request.args) or _nul_in(request.form) or next(
        (name for name, upload in request.files.items(multi=True)
         if upload.filename and "\x00" in upload.filename), None)


def _nul_in(values) -> str | None:
    for name, values_of_name in values.lists():
        if "\x00" in name or any("\x00" in value for value in values_of_name):
            return name.replace("\x00", "\\0")
    return None


def reject_nul_characters():
    """Text with NUL cannot be stored (PostgreSQL refuses it): a clear 400 naming the field."""
    field = _nul_field()
    if field is not None:
        message = _("The field %(field)s contains a NUL character (\\0), which text cannot hold. "
                    "Remove it and send the form again.", field=field)
        return render_template("errors/error.html", code=400, error=None, message=message), 400
    return None


def add_security_headers(response):
    """Each of SECURITY_HEADERS the view did not set itself. (One look at the headers: each
    setdefault would scan them again, on every response of the site.)"""
    present = {name.lower() for name in response.headers.keys()}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    return response


def init_security(app: Flask) -> None:
    app.before_request(reject_nul_characters)
    app.after_request(add_security_headers)
