"""CSAT roll-ups (TEAM-2) and the Customer Service Week awards (TEAM-3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from core.errors import InvalidInput
from core.models import User

from .models import CsatRating, TimeEntry, WorkforceSettings


def day_bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC),
        dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC),
    )


def parse_range(since_text, until_text, *, default: tuple[dt.date, dt.date]):
    """since/until as YYYY-MM-DD (inclusive); a clear error naming the field."""
    values = []
    for name, text, fallback in (
        ("since", since_text, default[0]),
        ("until", until_text, default[1]),
    ):
        if text in (None, ""):
            values.append(fallback)
            continue
        try:
            values.append(dt.date.fromisoformat(str(text).strip()))
        except ValueError:
            raise InvalidInput(f"{name} is a date, YYYY-MM-DD.", field=name) from None
    since, until = values
    if until < since:
        raise InvalidInput("The range ends on or after its first day.", field="until")
    if (until - since).days > 3660:
        raise InvalidInput("Ask for at most ten years at once.", field="until")
    return since, until


def _average(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def csat_summary(team_ids, since: dt.date, until: dt.date, *, by: str = "agent") -> list[dict]:
    """Ratings in the range grouped by agent or by team: count, average, 1-5 counts."""
    if by not in ("agent", "team"):
        raise InvalidInput("Group by agent or team.", field="by")
    start, end = day_bounds(since, until)
    qs = CsatRating.objects.filter(
        rating__isnull=False, rated_at__gte=start, rated_at__lt=end, team_id__in=team_ids
    )
    key = "agent" if by == "agent" else "team"
    rows = (
        qs.values(f"{key}_id")
        .annotate(
            count=Count("id"),
            average=Avg("rating"),
            **{f"stars_{n}": Count("id", filter=Q(rating=n)) for n in range(1, 6)},
        )
        .order_by(f"{key}_id")
    )
    if by == "agent":
        names = {u.pk: u for u in User.objects.filter(pk__in=[r["agent_id"] for r in rows])}
    else:
        from core.models import Team

        names = {t.pk: t for t in Team.objects.filter(pk__in=[r["team_id"] for r in rows])}
    out = []
    for row in rows:
        who = names.get(row[f"{key}_id"])
        out.append(
            {
                "id": row[f"{key}_id"],
                "name": (who.get_full_name() or who.username)
                if by == "agent" and who
                else (str(who) if who else "Unassigned"),
                "count": row["count"],
                "average": _average(row["average"]),
                "distribution": [row[f"stars_{n}"] for n in range(1, 6)],
            }
        )
    out.sort(key=lambda r: (-(r["average"] or 0), -r["count"], r["name"]))
    return out


def csat_trend(team_id, *, weeks: int = 8, now=None) -> list[dict]:
    """Average rating per ISO week (UTC) for the last ``weeks`` weeks, oldest first."""
    today = (now or timezone.now()).astimezone(dt.UTC).date()
    this_monday = today - dt.timedelta(days=today.weekday())
    out = []
    for i in range(weeks - 1, -1, -1):
        week = this_monday - dt.timedelta(weeks=i)
        start, end = day_bounds(week, week + dt.timedelta(days=6))
        agg = CsatRating.objects.filter(
            team_id=team_id, rating__isnull=False, rated_at__gte=start, rated_at__lt=end
        ).aggregate(n=Count("id"), avg=Avg("rating"))
        out.append({"week": week, "count": agg["n"], "average": _average(agg["avg"])})
    return out


# Recognition (TEAM-3) ------------------------------------------------------------------
def customer_service_week(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first full week (Monday-Sunday) of October: this year's once it has begun,
    else last year's."""
    today = today or timezone.now().date()

    def of(year: int) -> dt.date:
        first = dt.date(year, 10, 1)
        return first + dt.timedelta(days=(7 - first.weekday()) % 7)

    monday = of(today.year)
    if today < monday:
        monday = of(today.year - 1)
    return monday, monday + dt.timedelta(days=6)


@dataclass
class Award:
    key: str
    title: str
    winners: list[dict] = field(default_factory=list)  # usually one; several if still tied
    ranking: list[dict] = field(default_factory=list)
    explanation: str = ""


def _name(user) -> str:
    return user.get_full_name() or user.username


def _tie_note(top: list[dict], figure: str, breakers: list[tuple[str, str]]) -> str:
    """Explain how the tie on the award's figure was broken (or that it stands)."""
    if len(top) < 2:
        return ""
    names = ", ".join(r["name"] for r in top)
    for key, label in breakers:
        best = top[0][key]
        if best is None:
            continue
        if sum(1 for r in top if r[key] == best) == 1:
            others = "; ".join(f"{r['name']} {r[key]}" for r in top[1:])
            return (
                f"{names} tied on {figure}; the tie goes to {top[0]['name']} by {label} "
                f"({top[0][key]} against {others})."
            )
        top = [r for r in top if r[key] == best]
    return f"{names} tied on {figure} and on every tie-breaker; they share the award."


def recognition(team_ids, since: dt.date, until: dt.date) -> dict:
    """Longest-serving agent, most hours logged and highest CSAT in the range (TEAM-3)."""
    conf = WorkforceSettings.current()
    start, end = day_bounds(since, until)
    agents = list(User.objects.filter(team_id__in=team_ids, role="agent", is_active=True))
    ids = [a.pk for a in agents]
    minutes = dict(
        TimeEntry.objects.filter(user_id__in=ids, day__gte=since, day__lte=until)
        .values("user_id")
        .annotate(total=Sum("minutes"))
        .values_list("user_id", "total")
    )
    ratings = {
        r["agent_id"]: r
        for r in CsatRating.objects.filter(
            agent_id__in=ids, rating__isnull=False, rated_at__gte=start, rated_at__lt=end
        )
        .values("agent_id")
        .annotate(n=Count("id"), avg=Avg("rating"))
    }
    people = []
    for a in agents:
        r = ratings.get(a.pk, {})
        people.append(
            {
                "user": a,
                "name": _name(a),
                "start_date": a.start_date,
                "days_served": (until - a.start_date).days if a.start_date else None,
                "hours": (Decimal(minutes.get(a.pk, 0)) / 60).quantize(Decimal("0.1")),
                "ratings": r.get("n", 0),
                "csat": _average(r.get("avg")),
            }
        )

    def award(key, title, eligible, sort_key, figure, breakers):
        ranking = sorted(eligible, key=sort_key)
        result = Award(key=key, title=title, ranking=ranking[:10])
        if not ranking:
            return result
        lead_value = ranking[0][figure]
        top = [r for r in ranking if r[figure] == lead_value]
        note = _tie_note(top, f"{figure.replace('_', ' ')} ({lead_value})", breakers)
        # After the breakers, the winners are those equal to the first on every key.
        winners = top
        for bkey, _ in breakers:
            best = winners[0][bkey]
            winners = [r for r in winners if r[bkey] == best]
        result.winners = winners
        result.explanation = note
        return result

    served = [p for p in people if p["start_date"] and p["start_date"] <= until]
    longest = award(
        "longest_serving",
        "Longest-serving agent",
        served,
        lambda p: (p["start_date"], -p["hours"], p["name"]),
        "days_served",
        [("hours", "more hours logged in the period"), ("name", "name order")],
    )
    worked = [p for p in people if p["hours"] > 0]
    most_hours = award(
        "most_hours",
        "Most hours logged",
        worked,
        lambda p: (-p["hours"], -(p["days_served"] or 0), p["name"]),
        "hours",
        [("days_served", "longer service"), ("name", "name order")],
    )
    rated = [p for p in people if p["ratings"] >= conf.recognition_min_ratings]
    best_csat = award(
        "highest_csat",
        "Highest customer satisfaction",
        rated,
        lambda p: (-(p["csat"] or 0), -p["ratings"], -p["hours"], p["name"]),
        "csat",
        [
            ("ratings", "more ratings"),
            ("hours", "more hours logged in the period"),
            ("name", "name order"),
        ],
    )
    left_out = [p for p in people if 0 < p["ratings"] < conf.recognition_min_ratings]
    return {
        "since": since,
        "until": until,
        "min_ratings": conf.recognition_min_ratings,
        "awards": [longest, most_hours, best_csat],
        "below_minimum": left_out,
    }
