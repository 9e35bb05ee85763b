"""Locale-aware number and date formatting for templates; nothing here may raise for any stored
value (a page must render whatever an older version or a bug stored)."""
from __future__ import annotations

import math
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime as babel_datetime
from flask import Flask, g
from flask_babel import format_decimal, format_percent, format_scientific, get_locale

DEFAULT_TIME_ZONE = "Asia/Shanghai"
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


def _as_number(value) -> tuple[float | None, str]:
    """The finite float to format, or None and the text to show instead (nothing for None, the
    value itself if it is no number, a sign for NaN and infinity)."""
    if value is None:
        return None, ""
    number_ = _float(value)
    if number_ is None:
        return None, str(value)
    special = _special(number_)
    if special:
        return None, special
    return number_ + 0.0, ""  # -0.0 -> 0.0


def number(value, digits: int = 3) -> str:
    number_, shown = _as_number(value)
    if number_ is None:
        return shown
    if abs(number_) >= LARGE:
        return _scientific(number_)
    try:
        return format_decimal(number_, format=f"#,##0.{'0' * digits}" if digits else "#,##0")
    except Exception:  # noqa: BLE001
        return f"{number_:.{digits}f}"


def significant(value) -> str:
    """Small and large values alike, with about four significant digits."""
    number_, shown = _as_number(value)
    if number_ is None:
        return shown
    if number_ == 0:
        return "0"
    magnitude = abs(number_)
    if magnitude < SMALL:
        return _scientific(number_)
    digits = 2 if magnitude >= 100 else 3 if magnitude >= 1 else 4 if magnitude >= 0.01 else 6
    return number(number_, digits)


def percent(value) -> str:
    number_, shown = _as_number(value)
    if number_ is None:
        return shown
    if abs(number_) >= LARGE / 100:
        return _scientific(number_ * 100) + "%" if math.isfinite(number_ * 100) else "∞"
    try:
        return format_percent(number_, format="#,##0.0%")
    except Exception:  # noqa: BLE001
        return f"{number_ * 100:.1f}%"


def precise(value) -> str:
    """Enough digits to tell two nearly equal values apart (up to 10 significant digits)."""
    number_ = None if value is None else _float(value)
    if number_ is None or _special(number_) or abs(number_) >= LARGE:
        return significant(value)
    return format_decimal(float(f"{number_:.10g}"), format="#,##0.##########")


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def user_time_zone() -> ZoneInfo:
    """The time zone of the signed-in user's organisation; Asia/Shanghai for everyone else."""
    if "time_zone" not in g:
        from flask_login import current_user

        name = None
        if current_user and current_user.is_authenticated:
            from .. import db
            from ..accounts.models import Organisation

            organisation = db.session().get(Organisation, current_user.organisation_id)
            name = organisation.time_zone if organisation else None
        g.time_zone = zone(name)
    return g.time_zone


def offset_label(moment: datetime) -> str:
    """"UTC+8", "UTC-3:30", "UTC": unambiguous where abbreviations (CST) are not."""
    minutes = int(moment.utcoffset().total_seconds() // 60)
    if not minutes:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def local_datetime(value: datetime | None, time_zone: ZoneInfo | None = None) -> str:
    """A stored time (UTC; naive values, as SQLite returns them, are UTC) in the organisation's
    zone, with the offset shown."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone(time_zone or user_time_zone())
    return f"{babel_datetime(local, 'medium', tzinfo=local.tzinfo, locale=get_locale())} " \
           f"({offset_label(local)})"


def init_filters(app: Flask) -> None:
    from ..assessments.operations import is_intact, is_listed_intact

    app.jinja_env.filters.update(number=number, significant=significant, percent=percent,
                                 precise=precise, datetime=local_datetime)
    app.jinja_env.tests["intact"] = is_intact  # {% if assessment is intact %}
    # lists: what the row shows, without reading its content (checked when it is opened)
    app.jinja_env.tests["listed_intact"] = is_listed_intact
