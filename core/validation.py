"""Input limits shared by the API, the pages, CSV imports and the services (API-4).

One place decides what text, instants and integers the app accepts, so every surface
answers the same 400 naming the field instead of a database error:

- **Text**: NUL and the other C0 control characters (and DEL) are refused everywhere.
  Free text (notes, summaries, reasons) keeps tab, LF and CR; single-line text (titles,
  names, subjects, ids) refuses CR and LF too. Refused, never silently stripped.
- **Instants and days**: years 2000..2100 only; a UTC offset must be whole minutes and
  within +/-14:00 (what every IANA zone uses and PostgreSQL stores).
- **Integers**: within the database column's range (``int_field_range``).
- **User-supplied instants on a case** (a call's start, a contact attempt): not before
  the case was opened and at most ``FUTURE_SKEW`` ahead of now.

This module imports nothing above ``core.errors``; ``core.api.validation`` wraps it for
DRF (parsers, fields, filters) and ``core.forms`` for Django forms.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone

from core.errors import InvalidInput

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
MAX_UTC_OFFSET = dt.timedelta(hours=14)
FUTURE_SKEW = dt.timedelta(minutes=5)

# C0 controls and DEL; free text keeps \t \n \r.
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FREE_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_problem(value: str, *, multiline: bool) -> str | None:
    """Why ``value`` is refused, or None. ``multiline`` allows tab, CR and LF."""
    if not isinstance(value, str):
        return None
    match = (_FREE_TEXT_CONTROL if multiline else _ANY_CONTROL).search(value)
    if match is None:
        return None
    char = match.group()
    if char in "\r\n":
        return "Line breaks are not allowed here (a single line of text)."
    if char == "\x00":
        return "NUL characters are not allowed."
    return f"Control character U+{ord(char):04X} is not allowed."


def check_text(value, *, field: str, multiline: bool = False):
    """Return ``value`` or raise ``InvalidInput`` naming ``field``."""
    problem = text_problem(value, multiline=multiline)
    if problem:
        raise InvalidInput(f"{field}: {problem}", field=field)
    return value


def json_text_problem(data, path: str = "") -> tuple[str, str] | None:
    """The first (path, problem) among the strings (keys included) of decoded JSON.

    JSON values are checked as free text: single-line rules belong to the field that
    reads the value. ``path`` is dotted, with ``[i]`` for list items (``rows[3].name``).
    """
    stack = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value, multiline=True)
            if problem:
                return where or "body", problem
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}.{key}" if where else str(key)
                problem = text_problem(str(key), multiline=False)
                if problem:
                    return (where or "body"), f"A key: {problem}"
                stack.append((name, item))
        elif isinstance(value, list | tuple):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
    return None


def check_json_text(data, *, path: str = ""):
    found = json_text_problem(data, path)
    if found:
        field, problem = found
        raise InvalidInput(f"{field}: {problem}", field=field)
    return data


def model_text_problems(instance, fields=None) -> dict[str, str]:
    """Text problems of a model instance: ``CharField`` columns are single-line,
    ``TextField`` columns free text. Used by services before saving."""
    from django.db import models

    problems = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        value = getattr(instance, f.attname, None)
        if isinstance(f, models.TextField):
            problem = text_problem(value, multiline=True)
        elif isinstance(f, models.CharField):
            problem = text_problem(value, multiline=False)
        elif isinstance(f, models.JSONField):
            found = json_text_problem(value, f.name)
            problem = found and found[1]
        else:
            continue
        if problem:
            problems[f.name] = problem
    return problems


def check_model_text(instance, fields=None) -> None:
    problems = model_text_problems(instance, fields)
    if problems:
        field, problem = next(iter(problems.items()))
        raise InvalidInput(f"{field}: {problem}", field=field)


# Instants and days -----------------------------------------------------------------------
def instant_problem(value) -> str | None:
    if isinstance(value, dt.datetime):
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            return f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}."
        offset = value.utcoffset()
        if offset is not None:
            if abs(offset) > MAX_UTC_OFFSET:
                return "The UTC offset must be within -14:00 and +14:00."
            if offset.microseconds or offset.seconds % 60:
                return "The UTC offset must be whole minutes (e.g. +05:30)."
        return None
    if isinstance(value, dt.date) and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}."
    return None


def check_instant(value, *, field: str):
    problem = instant_problem(value)
    if problem:
        raise InvalidInput(f"{field}: {problem}", field=field)
    return value


def parse_instant(text, *, field: str, required_offset: bool = False) -> dt.datetime:
    """An ISO 8601 instant from a query parameter or body; naive values are read in the
    current time zone unless ``required_offset``."""
    raw = str(text or "").strip()
    check_text(raw, field=field)
    # A '+' of the offset turned into a space by form decoding.
    raw = re.sub(r" (\d{2}:?\d{2})$", r"+\1", raw)
    try:
        value = dt.datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise InvalidInput(
            f"{field}: {raw!r} is not an ISO 8601 date-time (e.g. 2026-03-09T09:00:00-07:00).",
            field=field,
        ) from None
    check_instant(value, field=field)
    if value.tzinfo is None:
        if required_offset:
            raise InvalidInput(f"{field}: include a UTC offset (e.g. -07:00 or Z).", field=field)
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


def parse_day(text, *, field: str) -> dt.date:
    raw = str(text or "").strip()
    check_text(raw, field=field)
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"{field}: {raw!r} is not a date (YYYY-MM-DD, e.g. 2026-03-09).", field=field
        ) from None
    return check_instant(value, field=field)


def check_case_instant(value, *, opened_at, field: str, now=None):
    """A user-supplied instant on a case: from the case's opening to a few minutes ahead."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise InvalidInput(f"{field}: give an ISO 8601 instant with a UTC offset.", field=field)
    check_instant(value, field=field)
    now = now or timezone.now()
    if opened_at is not None and value < opened_at:
        raise InvalidInput(f"{field}: cannot be before the case was opened.", field=field)
    if value > now + FUTURE_SKEW:
        raise InvalidInput(f"{field}: cannot be in the future.", field=field)
    return value


# Integers --------------------------------------------------------------------------------
def int_field_range(model_field) -> tuple[int, int]:
    """The column's range on every supported database (the PostgreSQL widths)."""
    internal = model_field.get_internal_type()
    if internal in ("AutoField",):
        internal = "IntegerField"
    elif internal in ("BigAutoField",):
        internal = "BigIntegerField"
    elif internal in ("SmallAutoField",):
        internal = "SmallIntegerField"
    low, high = BaseDatabaseOperations.integer_field_ranges.get(
        internal, BaseDatabaseOperations.integer_field_ranges["BigIntegerField"]
    )
    return low, high


def check_int(value, *, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidInput(f"{field}: must be a whole number from {low} to {high}.", field=field)
    return value


def parse_int(text, *, field: str, low: int = 0, high: int = 2**63 - 1) -> int:
    raw = str(text or "").strip()
    if not re.fullmatch(r"[-+]?[0-9]{1,19}", raw):
        raise InvalidInput(f"{field}: {raw[:40]!r} is not a whole number.", field=field)
    return check_int(int(raw), field=field, low=low, high=high)


# Output ----------------------------------------------------------------------------------
EMAIL_SUBJECT_MAX = 200


def email_subject(text, *, limit: int = EMAIL_SUBJECT_MAX) -> str:
    """A header-safe subject: any control character becomes a space, runs of white
    space collapse, and the text is cut to ``limit`` characters (CORE-7)."""
    cleaned = " ".join(_ANY_CONTROL.sub(" ", str(text or "")).split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A spreadsheet-safe CSV cell: control characters other than tab/CR/LF dropped,
    and a leading formula character (``= + - @``, tab, CR) prefixed with ``'``."""
    text = "" if value is None else str(value)
    text = _FREE_TEXT_CONTROL.sub("", text)
    return "'" + text if text.startswith(_FORMULA_START) else text
