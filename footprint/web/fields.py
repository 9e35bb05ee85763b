"""Form fields that read numbers the way footprint.lca.numbers says (one numeric policy)."""
from __future__ import annotations

from flask import request
from wtforms import StringField

from ..accounts.models import MAX_KEY
from ..lca import numbers
from .labels import number_message


class NumberField(StringField):
    """A text input (inputmode=decimal) parsed on the server.

    A browser's <input type=number> drops what it cannot read (``1,5`` reached the server as 15 or
    as nothing); a text input sends what was typed, and a refused value comes back in the field with
    a message saying what to type. `sign` is "any", "non_negative" or "positive".
    """

    def __init__(self, label=None, validators=None, sign: str = "any", **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off",
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.sign = sign

    def process_data(self, value):
        self.data = None if value is None or value == "" else float(value)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            try:
                self.data = numbers.parse_checked(valuelist[0], self.sign)
            except numbers.NumberProblem as problem:
                raise ValueError(number_message(problem.code, problem.params)) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]  # what was typed, also when it was refused
        return plain(self.data)


def plain(value) -> str:
    """A stored float as text the parser reads back unchanged: 1500.0 -> "1500", 2.5 -> "2.5"."""
    if value is None:
        return ""
    value = float(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def posted_lock_version(current: int, lowest: int = 1) -> int:
    """The lock_version the form was loaded with (the current one if the form has none); a
    value no row can have counts as stale (-1), so the save is refused as changed meanwhile.
    `lowest` is 0 where a form may say "there was no row yet" (0)."""
    try:
        posted = int(request.form.get("lock_version", current))
    except ValueError:
        return -1
    return posted if lowest <= posted <= MAX_KEY else -1
