"""Row validation for talent-pool imports (SRC-1): plain functions, no writes.

Each validator returns a clean dict or appends ``{"row", "field", "message"}`` errors; the
import refuses the whole batch if any row has one. Lookups (categories, agencies) are
loaded once per batch by the caller and passed in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ..models import EnglishLevel, Region
from ..models.pool import normalize_term

MAX_API_ROWS = 10_000
BADGES = {
    "top_rated": "is_top_rated",
    "top_rated_plus": "is_top_rated_plus",
    "rising_talent": "is_rising_talent",
    "premium": "is_premium",
    "expert_vetted": "is_premium",
}
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
FREELANCER_COLUMNS = [
    "external_id",
    "name",
    "title",
    "agency",
    "jss",
    "badges",
    "english_level",
    "country",
    "region",
    "hourly_rate",
    "total_hours",
    "skills",
    "keywords",
    "jobs",
    "invitations",
]
FREELANCER_FIELDS = frozenset(FREELANCER_COLUMNS)
AGENCY_FIELDS = {"external_id", "name", "jss", "dispute_count", "is_premium", "country"}


@dataclass
class Lookups:
    """Reference data for one batch: category name -> (id, {subcategory name -> id})."""

    categories: dict[str, tuple[int, str, dict[str, int]]] = field(default_factory=dict)
    agencies: dict[str, int] = field(default_factory=dict)
    today: dt.date = field(default_factory=lambda: timezone.now().date())
    # (category, subcategory) as sent -> ids, for pairs resolved without an error.
    known_categories: dict[tuple[str, str], tuple[int | None, int | None]] = field(
        default_factory=dict
    )


class RowErrors:
    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, row, field_name: str, message: str) -> None:
        self.items.append({"row": row, "field": field_name, "message": message})

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _text(raw, row, name, errors, *, required=False, max_length=200) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.add(row, name, "This field is required.")
        return ""
    if not isinstance(raw, str | int):
        errors.add(row, name, "Must be a string.")
        return ""
    value = str(raw).strip()
    if len(value) > max_length:
        errors.add(row, name, f"At most {max_length} characters (got {len(value)}).")
    return value


def _int(raw, row, name, errors, *, minimum=0, maximum=None, required=False) -> int | None:
    if raw is None or raw == "":
        if required:
            errors.add(row, name, "This field is required.")
        return None
    if isinstance(raw, bool):
        errors.add(row, name, f"Must be a whole number, got {raw!r}.")
        return None
    try:
        number = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors.add(row, name, f"Must be a whole number, got {raw!r}.")
        return None
    if number != number.to_integral_value():
        errors.add(row, name, f"Must be a whole number, got {raw!r}.")
        return None
    value = int(number)
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        errors.add(row, name, f"Must be {bounds}, got {value}.")
        return None
    return value


def _bool(raw, row, name, errors) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw is None or raw == "":
        return False
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "y"}:
        return True
    if text in {"0", "false", "no", "n"}:
        return False
    errors.add(row, name, f"Must be true or false, got {raw!r}.")
    return False


@lru_cache(maxsize=65_536)
def _term(item: str) -> tuple[str, str]:
    """(display, normalized) of one skill or keyword; the same names recur on thousands of
    rows of an import, so each is worked out once (issue 16)."""
    display = " ".join(item.split())
    return display, normalize_term(display)


def _terms(raw, row, name, errors) -> dict[str, str]:
    """A list of names (or a ``;``-separated string) -> {normalized: display}."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        raw = list(raw.split(";"))
    if not isinstance(raw, list):
        errors.add(row, name, "Must be a list of names.")
        return {}
    out: dict[str, str] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, str):
            errors.add(row, f"{name}[{i}]", "Must be a string.")
            continue
        display, normalized = _term(item)
        if not display:
            continue
        if len(display) > 100:
            errors.add(row, f"{name}[{i}]", "At most 100 characters.")
            continue
        out.setdefault(normalized, display)
    return out


def _category(raw_cat, raw_sub, row, prefix, errors, lookups) -> tuple[int | None, int | None]:
    key = (raw_cat, raw_sub) if isinstance(raw_cat, str) and isinstance(raw_sub, str) else None
    known = lookups.known_categories.get(key) if key else None
    if known is not None:  # a pair this batch already resolved without an error
        return known
    before = len(errors)
    found = _category_lookup(raw_cat, raw_sub, row, prefix, errors, lookups)
    if key and len(errors) == before:
        lookups.known_categories[key] = found
    return found


def _category_lookup(raw_cat, raw_sub, row, prefix, errors, lookups):
    name = _text(raw_cat, row, f"{prefix}.category", errors, required=True, max_length=100)
    if not name:
        return None, None
    found = lookups.categories.get(name.casefold())
    if found is None:
        known = ", ".join(sorted(display for _, display, _ in lookups.categories.values()))
        errors.add(row, f"{prefix}.category", f"Unknown category {name!r}. Known: {known}.")
        return None, None
    cat_id, display, subs = found
    sub_name = _text(raw_sub, row, f"{prefix}.subcategory", errors, max_length=100)
    if not sub_name:
        return cat_id, None
    sub_id = subs.get(sub_name.casefold())
    if sub_id is None:
        errors.add(
            row,
            f"{prefix}.subcategory",
            f"Unknown subcategory {sub_name!r} of {display}.",
        )
        return cat_id, None
    return cat_id, sub_id


@lru_cache(maxsize=8_192)
def _date(text: str):
    """``parse_date``, once per distinct text (job end dates repeat across rows)."""
    try:
        return parse_date(text)
    except ValueError:
        return None


def _jobs(raw, row, errors, lookups) -> list[dict]:
    if raw is None or raw == "":
        return []
    if not isinstance(raw, list):
        errors.add(row, "jobs", "Must be a list of completed jobs.")
        return []
    jobs = []
    for i, item in enumerate(raw):
        prefix = f"jobs[{i}]"
        if not isinstance(item, dict):
            errors.add(row, prefix, "Must be an object.")
            continue
        unknown = set(item) - {"title", "category", "subcategory", "end_date", "hours", "skills"}
        if unknown:
            errors.add(row, prefix, f"Unknown field(s): {', '.join(sorted(unknown))}.")
        cat_id, sub_id = _category(
            item.get("category"), item.get("subcategory"), row, prefix, errors, lookups
        )
        end_raw = item.get("end_date")
        end = _date(end_raw) if isinstance(end_raw, str) else None
        if end_raw in (None, ""):
            errors.add(row, f"{prefix}.end_date", "This field is required.")
        elif end is None:
            errors.add(row, f"{prefix}.end_date", f"Must be a date YYYY-MM-DD, got {end_raw!r}.")
        elif end > lookups.today:
            errors.add(
                row, f"{prefix}.end_date", f"A completed job cannot end in the future ({end})."
            )
        hours = _int(item.get("hours", 0), row, f"{prefix}.hours", errors, maximum=100_000)
        jobs.append(
            {
                "title": _text(item.get("title"), row, f"{prefix}.title", errors),
                "category_id": cat_id,
                "subcategory_id": sub_id,
                "end_date": end,
                "hours": hours or 0,
                "skills": _terms(item.get("skills"), row, f"{prefix}.skills", errors),
            }
        )
    return jobs


def _invitations(raw, row, errors, now) -> list[dict]:
    if raw is None or raw == "":
        return []
    if not isinstance(raw, list):
        errors.add(row, "invitations", "Must be a list of {job, at}.")
        return []
    out, seen = [], set()
    for i, item in enumerate(raw):
        prefix = f"invitations[{i}]"
        if not isinstance(item, dict):
            errors.add(row, prefix, "Must be an object with job and at.")
            continue
        job = _text(item.get("job"), row, f"{prefix}.job", errors, required=True, max_length=100)
        at_raw = item.get("at")
        at = parse_datetime(at_raw) if isinstance(at_raw, str) else None
        if at is None and isinstance(at_raw, str) and parse_date(at_raw):
            at = dt.datetime.combine(parse_date(at_raw), dt.time(), dt.UTC)
        if at is None:
            errors.add(row, f"{prefix}.at", f"Must be an ISO 8601 date-time, got {at_raw!r}.")
            continue
        if timezone.is_naive(at):
            at = at.replace(tzinfo=dt.UTC)
        if at > now:
            errors.add(row, f"{prefix}.at", "An invitation cannot be in the future.")
            continue
        if job and job not in seen:
            seen.add(job)
            out.append({"job_reference": job, "invited_at": at})
    return out


_REGIONS = frozenset(Region.values)
_ENGLISH: dict[str, EnglishLevel | None] = {}


def _english(value):
    """``EnglishLevel.parse``, once per distinct text."""
    if not isinstance(value, str):
        return EnglishLevel.parse(value)
    if value not in _ENGLISH:
        if len(_ENGLISH) > 1000:
            _ENGLISH.clear()
        _ENGLISH[value] = EnglishLevel.parse(value)
    return _ENGLISH[value]


def validate_freelancer_row(raw, row, errors: RowErrors, lookups: Lookups, now) -> dict | None:
    if not isinstance(raw, dict):
        errors.add(row, "row", "Each row must be an object.")
        return None
    before = len(errors)
    unknown = set(raw) - FREELANCER_FIELDS
    if unknown:
        errors.add(row, "row", f"Unknown field(s): {', '.join(sorted(unknown))}.")
    clean = {
        "external_id": _text(
            raw.get("external_id"), row, "external_id", errors, required=True, max_length=64
        ),
        "name": _text(raw.get("name"), row, "name", errors, required=True),
        "title": _text(raw.get("title"), row, "title", errors),
        "jss": _int(raw.get("jss"), row, "jss", errors, maximum=100),
    }
    agency = _text(raw.get("agency"), row, "agency", errors, max_length=64)
    clean["agency_id"] = None
    if agency:
        clean["agency_id"] = lookups.agencies.get(agency)
        if clean["agency_id"] is None:
            errors.add(
                row,
                "agency",
                f"Unknown agency {agency!r}: import the agencies file (agencies.csv) first, "
                "or leave the cell blank for an independent freelancer.",
            )
    flags = dict.fromkeys(set(BADGES.values()), False)
    badges = raw.get("badges") or []
    if isinstance(badges, str):
        badges = [b for b in badges.split(";") if b.strip()]
    if not isinstance(badges, list):
        errors.add(row, "badges", "Must be a list of badges.")
        badges = []
    for i, badge in enumerate(badges):
        key = re.sub(r"[\s/-]+", "_", str(badge).strip().lower())
        if key not in BADGES:
            errors.add(
                row,
                f"badges[{i}]",
                f"Unknown badge {badge!r}; use {', '.join(sorted(BADGES))}.",
            )
            continue
        flags[BADGES[key]] = True
    if flags["is_top_rated_plus"]:
        flags["is_top_rated"] = True
    clean.update(flags)
    english = _english(raw.get("english_level"))
    if english is None:
        errors.add(
            row,
            "english_level",
            "Must be one of basic, conversational, fluent, native; "
            f"got {raw.get('english_level')!r}.",
        )
    clean["english_level"] = int(english) if english else None
    country = _text(raw.get("country"), row, "country", errors, required=True, max_length=2)
    country = country.upper()
    if country and not COUNTRY_RE.match(country):
        errors.add(row, "country", f"Must be a two-letter ISO country code, got {country!r}.")
    clean["country"] = country
    region_raw = str(raw.get("region") or "").strip().lower().replace(" ", "_")
    if region_raw not in _REGIONS:
        errors.add(
            row, "region", f"Must be one of {', '.join(Region.values)}; got {raw.get('region')!r}."
        )
    clean["region"] = region_raw
    rate = raw.get("hourly_rate")
    clean["hourly_rate"] = None
    if rate not in (None, ""):
        try:
            clean["hourly_rate"] = Decimal(str(rate)).quantize(Decimal("0.01"))
            if clean["hourly_rate"] < 0 or clean["hourly_rate"] >= Decimal("1e10"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.add(row, "hourly_rate", f"Must be an amount >= 0, got {rate!r}.")
    clean["skills"] = _terms(raw.get("skills"), row, "skills", errors)
    clean["keywords"] = _terms(raw.get("keywords"), row, "keywords", errors)
    clean["jobs"] = _jobs(raw.get("jobs"), row, errors, lookups)
    clean["invitations"] = _invitations(raw.get("invitations"), row, errors, now)
    hours = _int(raw.get("total_hours"), row, "total_hours", errors, maximum=10_000_000)
    clean["total_hours"] = hours if hours is not None else sum(j["hours"] for j in clean["jobs"])
    clean["completed_jobs_count"] = len(clean["jobs"])
    return clean if len(errors) == before else None


def validate_agency_row(raw, row, errors: RowErrors) -> dict | None:
    if not isinstance(raw, dict):
        errors.add(row, "row", "Each row must be an object.")
        return None
    before = len(errors)
    unknown = set(raw) - AGENCY_FIELDS
    if unknown:
        errors.add(row, "row", f"Unknown field(s): {', '.join(sorted(unknown))}.")
    clean = {
        "external_id": _text(
            raw.get("external_id"), row, "external_id", errors, required=True, max_length=64
        ),
        "name": _text(raw.get("name"), row, "name", errors, required=True),
        "jss": _int(raw.get("jss"), row, "jss", errors, maximum=100),
        "dispute_count": _int(raw.get("dispute_count"), row, "dispute_count", errors) or 0,
        "is_premium": _bool(raw.get("is_premium"), row, "is_premium", errors),
    }
    country = _text(raw.get("country"), row, "country", errors, max_length=2).upper()
    if country and not COUNTRY_RE.match(country):
        errors.add(row, "country", f"Must be a two-letter ISO country code, got {country!r}.")
    clean["country"] = country
    return clean if len(errors) == before else None
