"""Locale-aware number and date formatting for templates."""
from __future__ import annotations

from flask import Flask
from flask_babel import format_datetime, format_decimal, format_percent


def number(value, digits: int = 3) -> str:
    if value is None:
        return ""
    return format_decimal(value, format=f"#,##0.{'0' * digits}" if digits else "#,##0")


def significant(value) -> str:
    """Small and large values alike, with about four significant digits."""
    if value is None:
        return ""
    if value == 0:
        return "0"
    magnitude = abs(value)
    digits = 2 if magnitude >= 100 else 3 if magnitude >= 1 else 4 if magnitude >= 0.01 else 6
    return number(value, digits)


def percent(value) -> str:
    return format_percent(value, format="#,##0.0%")


def init_filters(app: Flask) -> None:
    app.jinja_env.filters.update(number=number, significant=significant, percent=percent,
                                 datetime=lambda value: format_datetime(value, "medium"))
