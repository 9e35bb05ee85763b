"""Locale-aware number and date formatting for templates."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime as babel_datetime
from flask import Flask, g
from flask_babel import format_decimal, format_percent, get_locale

DEFAULT_TIME_ZONE = "Asia/Shanghai"


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


def precise(value) -> str:
    """Enough digits to tell two nearly equal values apart (up to 10 significant digits)."""
    if value is None:
        return ""
    return format_decimal(float(f"{value:.10g}"), format="#,##0.##########")


def percent(value) -> str:
    return format_percent(value, format="#,##0.0%")


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
    app.jinja_env.filters.update(number=number, significant=significant, percent=percent,
                                 precise=precise, datetime=local_datetime)
