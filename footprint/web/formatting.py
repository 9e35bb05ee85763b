"""Locale-aware number and date formatting for templates.

The number filters never raise, whatever float is stored: None gives "", NaN gives "—",
infinities "∞" / "-∞", -0.0 is shown as 0, and magnitudes beyond what a fixed-point format can
show (>= 1e15, or non-zero below 1e-6 for `significant`) are shown in scientific notation
(1.235E26). Babel formats through decimal.Decimal with 28 digits of precision, and a fixed-point
format of 1e26 with two decimals needs 29: that raised InvalidOperation and made every page
showing such a value answer 500.
"""
from __future__ import annotations

import math

from flask import Flask
from flask_babel import format_datetime, format_decimal, format_percent, format_scientific

LARGE = 1e15  # fixed point up to here: 15 integer digits + 6 decimals stay within 28 digits
SMALL = 1e-6


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _special(value: float) -> str | None:
    if math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return None


def _scientific(value: float) -> str:
    try:
        return format_scientific(value, format="0.###E0")
    except Exception:  # noqa: BLE001  formatting must never break a page
        return f"{value:.4g}"


def number(value, digits: int = 3) -> str:
    if value is None:
        return ""
    number_ = _float(value)
    if number_ is None:
        return str(value)
    special = _special(number_)
    if special:
        return special
    number_ += 0.0  # -0.0 -> 0.0
    if abs(number_) >= LARGE:
        return _scientific(number_)
    try:
        return format_decimal(number_, format=f"#,##0.{'0' * digits}" if digits else "#,##0")
    except Exception:  # noqa: BLE001
        return f"{number_:.{digits}f}"


def significant(value) -> str:
    """Small and large values alike, with about four significant digits."""
    if value is None:
        return ""
    number_ = _float(value)
    if number_ is None:
        return str(value)
    special = _special(number_)
    if special:
        return special
    if number_ == 0:
        return "0"
    magnitude = abs(number_)
    if magnitude < SMALL:
        return _scientific(number_)
    digits = 2 if magnitude >= 100 else 3 if magnitude >= 1 else 4 if magnitude >= 0.01 else 6
    return number(number_, digits)


def percent(value) -> str:
    if value is None:
        return ""
    number_ = _float(value)
    if number_ is None:
        return str(value)
    special = _special(number_)
    if special:
        return special
    number_ += 0.0
    if abs(number_) >= LARGE / 100:
        return _scientific(number_ * 100) + "%" if math.isfinite(number_ * 100) else "∞"
    try:
        return format_percent(number_, format="#,##0.0%")
    except Exception:  # noqa: BLE001
        return f"{number_ * 100:.1f}%"


def init_filters(app: Flask) -> None:
    app.jinja_env.filters.update(number=number, significant=significant, percent=percent,
                                 datetime=lambda value: format_datetime(value, "medium"))
