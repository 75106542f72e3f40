"""Coverage (HIR-5): hour by hour across a week, agents and candidates available against
the agents required by the forecast (Erlang C with shrinkage), in any viewer's zone.

Availability is local clock hours in each person's own zone; ``hiring.availability.
weekly_slots_to_utc`` (the one shared expansion function) turns them into UTC instants
for each local week, so a Pacific 9 am is 16:00 UTC in July and 17:00 UTC in January, and
the weeks when US and European clocks change on different dates come out right.

A week in the viewer's zone runs from Monday 00:00 to the next Monday 00:00 there: 168
hourly rows (167 or 169 when the viewer's clocks change that week). A person counts as
available in a row when the row's midpoint lies in one of their available hours (zones
with half-hour offsets included).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from core.errors import InvalidInput
from hiring.availability import PACIFIC, weekly_slots_to_utc

from .erlang import agents_required
from .models import ForecastHour, WorkforceSettings

HOUR = dt.timedelta(hours=1)
QUARTER = 900
CANDIDATE_STAGES = ("submitted", "scored", "invited_to_interview", "interviewed")
FINALIST_STAGES = ("invited_to_interview", "interviewed")


def zone_named(name: str, *, field_name: str = "tz") -> ZoneInfo:
    name = (name or "").strip()
    try:
        if not name or "/" not in name and name != "UTC":
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"Unknown time zone {name[:64]!r}; use an IANA name such as Europe/London.",
            field=field_name,
        ) from None


def monday_named(text: str | None, *, field_name: str = "week", default=None) -> dt.date:
    """A week parameter: YYYY-MM-DD that is a Monday (else a clear error)."""
    if not text:
        if default is None:
            raise InvalidInput(
                "A week (the date of its Monday, YYYY-MM-DD) is required.", field=field_name
            )
        return default
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise InvalidInput("The week is a date, YYYY-MM-DD.", field=field_name) from None
    if day.weekday() != 0:
        raise InvalidInput(
            f"The week starts on a Monday; {day:%Y-%m-%d} is a {day:%A}.", field=field_name
        )
    return day


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_window(week: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(week, dt.time.min, tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(week + dt.timedelta(days=7), dt.time.min, tzinfo=zone)
    return start, end.astimezone(dt.UTC)


def hours_in_window(
    slots, zone: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:
    """A person's available hour starts (UTC) that fall in [start - 1 h, end)."""
    first = monday_of(start.astimezone(zone).date()) - dt.timedelta(days=7)
    instants: list[dt.datetime] = []
    week = first
    while week <= end.astimezone(zone).date():
        instants.extend(weekly_slots_to_utc(slots, week, zone=zone))
        week += dt.timedelta(days=7)
    return sorted({i for i in instants if start - HOUR < i < end})


def local_hours_to_utc(slots, zone_name: str, week: dt.date) -> list[dt.datetime]:
    """Public: one person's weekly local hours, in UTC for the week of ``week`` (their zone)."""
    return weekly_slots_to_utc(slots, week, zone=ZoneInfo(zone_name))


class _Presence:
    """Answers 'is this person available at instant m' with a few set lookups."""

    def __init__(self, starts: list[dt.datetime]):
        self.starts = {int(s.timestamp()) for s in starts}

    def at(self, instant: dt.datetime) -> bool:
        m = int(instant.timestamp())
        return any((m - d) in self.starts for d in range(0, 3600, QUARTER))


@dataclass
class Person:
    key: str
    name: str
    presence: _Presence
    kind: str  # "agent" | "candidate"
    ref: object = None


@dataclass
class CoverageRow:
    start: dt.datetime  # UTC
    local: dt.datetime  # in the viewer's zone
    available: int
    candidates: int
    contacts: Decimal
    required: int
    gap: int
    who: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    team: object
    week: dt.date
    zone: ZoneInfo
    rows: list[CoverageRow]
    forecast_source: str  # "entered" | "computed"
    people: list[Person]

    @property
    def gap_hours(self) -> int:
        return sum(1 for r in self.rows if r.gap > 0)

    @property
    def gap_agent_hours(self) -> int:
        return sum(r.gap for r in self.rows)


def _agents_of(team) -> list[Person]:
    """The team's agents: their profile's hours in their zone, else (hired through the
    funnel) the Pacific hours of their application."""
    from core.models import User
    from hiring.models import Applicant

    agents = list(
        User.objects.filter(team=team, is_active=True, role="agent").select_related("work_profile")
    )
    applied = {}
    for user_id, slots in (
        Applicant.objects.filter(hired_user__in=agents)
        .order_by("submitted_at")
        .values_list("hired_user_id", "availability")
    ):
        applied[user_id] = slots or []
    people = []
    for user in agents:
        profile = getattr(user, "work_profile", None)
        if profile is not None and profile.availability:
            ref = (profile.availability, ZoneInfo(profile.zone))
        elif user.pk in applied:
            ref = (applied[user.pk], PACIFIC)
        else:
            continue
        people.append(
            Person(key=f"agent-{user.pk}", name=str(user), presence=None, kind="agent", ref=ref)
        )
    return people


def _candidates_of(team, stages=CANDIDATE_STAGES) -> list[Person]:
    from hiring.models import Applicant

    applicants = Applicant.objects.filter(round__team=team, stage__in=stages).exclude(
        availability=[]
    )
    return [
        Person(
            key=f"applicant-{a.pk}",
            name=str(a),
            presence=None,
            kind="candidate",
            ref=(a.availability, PACIFIC),
        )
        for a in applicants
    ]


def forecast_for(team, *, now=None) -> tuple[dict[tuple[int, int], Decimal], str]:
    """Contacts per (UTC weekday 0=Mon, hour): entered by an admin, else the average of
    the last ``forecast_weeks`` full weeks of the team's new cases."""
    entered = {(f.weekday, f.hour): f.contacts for f in ForecastHour.objects.filter(team=team)}
    if entered:
        return entered, "entered"
    from escalations.models import Case

    weeks = WorkforceSettings.current().forecast_weeks
    now = now or timezone.now()
    this_monday = dt.datetime.combine(
        monday_of(now.astimezone(dt.UTC).date()), dt.time.min, tzinfo=dt.UTC
    )
    since = this_monday - dt.timedelta(weeks=weeks)
    counts = (
        Case.objects.filter(team=team, created_at__gte=since, created_at__lt=this_monday)
        .annotate(
            wd=ExtractIsoWeekDay("created_at", tzinfo=dt.UTC),
            hr=ExtractHour("created_at", tzinfo=dt.UTC),
        )
        .values("wd", "hr")
        .annotate(n=Count("id"))
    )
    return {(row["wd"] - 1, row["hr"]): Decimal(row["n"]) / weeks for row in counts}, "computed"


def coverage_for(team, week: dt.date, zone: ZoneInfo, *, now=None) -> Coverage:
    conf = WorkforceSettings.current()
    start, end = week_window(week, zone)
    people = _agents_of(team) + _candidates_of(team)
    for person in people:
        slots, person_zone = person.ref
        person.presence = _Presence(hours_in_window(slots, person_zone, start, end))
    forecast, source = forecast_for(team, now=now)
    staffing_cache: dict[Decimal, int] = {}
    rows = []
    t = start
    while t < end:
        mid = t + HOUR / 2
        utc_mid = mid.astimezone(dt.UTC)
        contacts = Decimal(forecast.get((utc_mid.weekday(), utc_mid.hour), 0))
        if contacts not in staffing_cache:
            staffing_cache[contacts] = agents_required(
                float(contacts),
                handle_seconds=float(conf.handle_minutes) * 60,
                target=float(conf.service_level),
                answer_within_seconds=conf.answer_within_seconds,
                shrinkage=conf.shrinkage,
            ).scheduled
        required = staffing_cache[contacts]
        here = [p for p in people if p.presence.at(mid)]
        available = sum(1 for p in here if p.kind == "agent")
        candidates = sum(1 for p in here if p.kind == "candidate")
        rows.append(
            CoverageRow(
                start=t,
                local=t.astimezone(zone),
                available=available,
                candidates=candidates,
                contacts=contacts,
                required=required,
                gap=max(required - available, 0),
                who=[p.name for p in here if p.kind == "agent"],
            )
        )
        t += HOUR
    return Coverage(
        team=team, week=week, zone=zone, rows=rows, forecast_source=source, people=people
    )


def finalists_ranked(team, rnd, week: dt.date, *, now=None) -> list[dict]:
    """Finalists of a hiring round by how many uncovered hours of the week they would fill."""
    zone = dt.UTC
    coverage = coverage_for(team, week, ZoneInfo("UTC"), now=now)
    start, end = week_window(week, zone)
    gaps = [r for r in coverage.rows if r.gap > 0]
    ranked = []
    for applicant in rnd.applicants.filter(stage__in=FINALIST_STAGES):
        presence = _Presence(hours_in_window(applicant.availability or [], PACIFIC, start, end))
        fills = sum(1 for r in gaps if presence.at(r.start + HOUR / 2))
        ranked.append(
            {"applicant": applicant, "fills": fills, "hours": len(applicant.availability or [])}
        )
    ranked.sort(key=lambda r: (-r["fills"], -r["hours"], r["applicant"].pk))
    return ranked
