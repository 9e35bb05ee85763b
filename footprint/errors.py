"""The platform's errors: one base type with a stable code, a location and parameters.

Callers tell errors apart by class; the web layer translates by `code` (never by the English
text), using `params` for the placeholders and `location` to put the message beside the field,
line or spreadsheet cell at fault. `str(error)` is the English message, with its location, for
logs and the command line.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    field: str = ""  # form field or spec key, e.g. "amount", "product.boundary"
    line: int | None = None  # 0-based index of a ProductSpec line
    line_name: str = ""
    row: int | None = None  # 1-based spreadsheet row
    column: str = ""  # spreadsheet column name
    path: str = ""  # how the location is written in English, when not derived from the above

    def __str__(self) -> str:
        if self.path:
            return self.path
        if self.row is not None:
            return f"row {self.row}" + (f", column {self.column}" if self.column else "")
        if self.line is not None:
            where = f"lines[{self.line}]" + (f" ({self.line_name})" if self.line_name else "")
            return where + (f".{self.field}" if self.field and "." in self.field else "")
        return self.field


class FootprintError(Exception):
    """Base of every error the platform raises on purpose."""

    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None,
                 location: Location | None = None, **params):
        self.code = code or self.default_code
        self.location = location or Location()
        self.params = params
        self.message = message
        super().__init__(message)

    @property
    def field(self) -> str:
        return self.location.field

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class InputError(FootprintError, ValueError):
    """Bad input: the location names the field, line or cell; nothing was stored."""

    default_code = "invalid"


class InputErrors(InputError):
    """Several input errors found in one pass, so that one round of fixes is enough."""

    default_code = "invalid_input"

    def __init__(self, errors: list[InputError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    def __str__(self) -> str:
        return self.message


class NotAllowed(FootprintError):
    """The user may not do this to that object."""

    default_code = "not_allowed"


class StillInUse(FootprintError):
    """The object is referred to by others and cannot be removed."""

    default_code = "still_in_use"


class ChangedMeanwhile(FootprintError):
    """Someone else saved the object after this user loaded it (optimistic locking)."""

    default_code = "changed_meanwhile"


class Immutable(FootprintError):
    """A stored record that is never changed (assessment, audit event) was to be changed."""

    default_code = "immutable"


class IntegrityBroken(FootprintError):
    """A stored hash does not match the stored content: the record was altered."""

    default_code = "integrity_broken"
