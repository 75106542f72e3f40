"""One way to show instants and money to people (CORE-2: shown in the viewer's zone).

Pages use the template filters of ``core/templatetags/desk.py`` (``when``,
``when_short``, ``day``, ``money``), which call these functions. Text built in Python
and stored (timeline entries, notifications) writes instants with :func:`utc_stamp`
(``2026-11-30 04:29 UTC``: unambiguous for API readers and exports) and the pages turn
every such stamp into the viewer's zone with :func:`localize_stamps` when they show it.
Text that leaves for one person (an email) uses :func:`format_instant` with that
person's zone (:func:`zone_for`).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone

UTC_STAMP = re.compile(r"\b(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}) UTC\b")


def zone_for(user=None) -> dt.tzinfo:
    """A person's zone (``time_zone``), else the default user zone."""
    name = getattr(user, "time_zone", None) or settings.DEFAULT_USER_TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE)


def _aware(value) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def _abbreviation(local: dt.datetime) -> str:
    name = local.tzname() or ""
    return "UTC" if name in ("UTC", "Z") else name


def format_instant(value, zone: dt.tzinfo | None = None, *, short: bool = False) -> str:
    """``30 Nov 2026, 09:29 PST`` in ``zone`` (default: the active zone, the viewer's).

    ``short`` drops the year when it is the current year in that zone:
    ``30 Nov, 09:29 PST``.
    """
    value = _aware(value)
    if value is None:
        return ""
    zone = zone or timezone.get_current_timezone()
    local = value.astimezone(zone)
    day = f"{local.day} {local:%b}"
    if not short or local.year != timezone.now().astimezone(zone).year:
        day += f" {local.year}"
    return f"{day}, {local:%H:%M} {_abbreviation(local)}"


def format_day(value, zone: dt.tzinfo | None = None) -> str:
    """A calendar day, ``30 Nov 2026``; an instant is first put in ``zone``."""
    if isinstance(value, dt.datetime):
        value = _aware(value).astimezone(zone or timezone.get_current_timezone())
    if not isinstance(value, dt.date):
        return ""
    return f"{value.day} {value:%b %Y}"


def utc_stamp(value) -> str:
    """``2026-11-30 04:29 UTC``: the form stored text uses; pages localize it."""
    value = _aware(value)
    if value is None:
        return ""
    return f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def localize_stamps(text: str, zone: dt.tzinfo | None = None) -> str:
    """Every ``YYYY-MM-DD HH:MM UTC`` in ``text`` shown in ``zone`` (default: the viewer's)."""
    if not isinstance(text, str) or "UTC" not in text:
        return "" if text is None else text

    def repl(match: re.Match) -> str:
        try:
            instant = dt.datetime.fromisoformat(
                f"{match[1]}T{match[2]}:{match[3]}:00+00:00",
            )
        except ValueError:
            return match[0]
        return format_instant(instant, zone)

    return UTC_STAMP.sub(repl, text)


def format_money(amount, *, currency: str = "$") -> str:
    """``$12,500.00`` (two places, half up: CRD-2); ``-$5.00`` below zero."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}{currency}{abs(value):,.2f}"


def format_whole_money(amount, *, currency: str = "$") -> str:
    """``$12,500`` for round figures such as budgets and thresholds."""
    text = format_money(amount, currency=currency)
    return text[:-3] if text.endswith(".00") else text


def display_name(user) -> str:
    """A person as people know them: the full name, else the username."""
    if user is None:
        return ""
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "username", "") or str(user)
