"""Demo of workforce (issue 14), seeded through the services at each event's own instant:
two more agents so the team spans four zones, each agent's weekly hours in their own zone,
a forecast, last week's logged time (with one platform outage and one manual entry outside
it), ratings of resolved cases, and hours in the first full week of October."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from django.utils import timezone

from core.models import Team, User
from core.services import user_create_or_update

from .models import CsatRating, ForecastHour, WorkProfile
from .reports import last_billing_week
from .services.csat import csat_submit, token_for
from .services.time import availability_set, outage_declare, time_entries_import
from .stats import customer_service_week

MORE_AGENTS = [
    # username, first, last, zone, start date
    ("isabel", "Isabel", "Reyes", "Asia/Manila", dt.date(2016, 2, 8)),
    ("lukas", "Lukas", "Weber", "Europe/Berlin", dt.date(2019, 9, 2)),
]
START_DATES = {"alice": dt.date(2015, 9, 14), "bob": dt.date(2018, 3, 5)}
# Local weekly hours (weekday 0 = Monday): start hour, end hour, weekdays
HOURS = {
    "alice": (9, 17, range(0, 5)),  # New York
    "bob": (8, 16, range(0, 5)),  # London
    "isabel": (9, 18, range(0, 5)),  # Manila
    "lukas": (14, 22, (0, 1, 2, 3, 5)),  # Berlin, Saturday instead of Friday
}
COMMENTS = {5: "Quick and kind, thank you.", 4: "Sorted in the end.", 3: ""}


@contextmanager
def _at(when: dt.datetime):
    import time_machine  # a dev dependency: seed_demo is a development command

    with time_machine.travel(when, tick=False):
        yield


def _entries(user, days, zone_hours, zone) -> list[dict]:
    """Tracked time on each working day of ``days``, in the person's local hours."""
    from zoneinfo import ZoneInfo

    start_hour, end_hour, weekdays = zone_hours
    rows = []
    for day in days:
        if day.weekday() not in weekdays:
            continue
        start = dt.datetime.combine(day, dt.time(start_hour), tzinfo=ZoneInfo(zone))
        for begin, length in ((0, 4), (4.5, end_hour - start_hour - 4.5)):
            s = start + dt.timedelta(hours=begin)
            rows.append(
                {
                    "freelancer": user.username,
                    "kind": "tracked",
                    "start": s.isoformat(),
                    "end": (s + dt.timedelta(hours=length)).isoformat(),
                }
            )
    return rows


def seed(out) -> None:
    lead = User.objects.filter(username="lead").first()
    team = Team.objects.filter(lead=lead).first() if lead else None
    if lead is None or team is None:
        out.write("workforce demo: the demo lead is missing, skipped")
        return
    if WorkProfile.objects.filter(user__team=team).exists():
        return
    now = timezone.now().replace(microsecond=0)
    # The extra agents join before the Customer Service Week whose cases they resolve.
    since, until = customer_service_week(now.date())
    joined = min(now - dt.timedelta(days=60), dt.datetime.combine(since, dt.time(), dt.UTC))
    with _at(joined - dt.timedelta(days=7)):
        for username, first, last, zone, _ in MORE_AGENTS:
            user_create_or_update(
                username=username,
                role="agent",
                team_name=team.name,
                first_name=first,
                last_name=last,
                time_zone=zone,
                email=f"{username}@example.com",
                password=f"{username}-demo-pass",
            )
    starts = {**START_DATES, **{a[0]: a[4] for a in MORE_AGENTS}}
    agents = {u.username: u for u in User.objects.filter(team=team, username__in=list(HOURS))}
    for username, user in agents.items():
        if user.start_date is None:
            user.start_date = starts[username]
            user.save(update_fields=["start_date"])
        start_hour, end_hour, weekdays = HOURS[username]
        slots = [[d, h] for d in weekdays for h in range(start_hour, end_hour)]
        with _at(now - dt.timedelta(days=30)):
            availability_set(actor=lead, user=user, slots=slots, zone=user.time_zone)

    # Forecast: contacts per UTC hour, busiest in the US afternoon, quiet at night
    with _at(now - dt.timedelta(days=30)):
        for weekday in range(7):
            for hour in range(24):
                base = 3 if 14 <= hour <= 23 else (2 if 7 <= hour < 14 else 1)
                if weekday >= 5:
                    base = max(base - 1, 1)
                ForecastHour.objects.get_or_create(
                    team=team,
                    weekday=weekday,
                    hour=hour,
                    defaults={"contacts": Decimal(base)},
                )

    # Last billing week: tracked time, one outage with manual time inside it, and one
    # manual entry outside every outage (flagged; Alice is notified).
    week = last_billing_week(now)
    days = [week + dt.timedelta(days=i) for i in range(7)]
    rows = []
    for username, user in agents.items():
        rows += _entries(user, days, HOURS[username], user.time_zone)
    tuesday = dt.datetime.combine(days[1], dt.time(15), tzinfo=dt.UTC)
    thursday = dt.datetime.combine(days[3], dt.time(19), tzinfo=dt.UTC)
    with _at(tuesday + dt.timedelta(hours=2)):
        outage_declare(
            actor=lead,
            starts_at=tuesday,
            ends_at=tuesday + dt.timedelta(minutes=90),
            reason="Time tracker could not reach the platform",
        )
    if "bob" in agents:
        rows.append(
            {
                "freelancer": "bob",
                "kind": "manual",
                "start": tuesday.isoformat(),
                "end": (tuesday + dt.timedelta(minutes=60)).isoformat(),
            }
        )
    if "alice" in agents:
        rows.append(
            {
                "freelancer": "alice",
                "kind": "manual",
                "start": thursday.isoformat(),
                "end": (thursday + dt.timedelta(minutes=75)).isoformat(),
            }
        )
    with _at(dt.datetime.combine(days[6] + dt.timedelta(days=1), dt.time(2), tzinfo=dt.UTC)):
        time_entries_import(actor=lead, rows=rows, source="csv")

    # Customer Service Week (first full week of October): the hours logged then.
    october = [since + dt.timedelta(days=i) for i in range((until - since).days + 1)]
    rows = []
    for username, user in agents.items():
        rows += _entries(user, october, HOURS[username], user.time_zone)
    if rows:
        with _at(dt.datetime.combine(until + dt.timedelta(days=1), dt.time(6), tzinfo=dt.UTC)):
            time_entries_import(actor=lead, rows=rows, source="csv")

    _customer_service_week_cases(agents, since)

    # Cases the agents resolved over the last weeks (their clients rate them below).
    _resolved_cases(agents, now)

    # Clients rate the resolved cases a few hours after they were resolved.
    stars = [5, 4, 5, 3, 5, 4]
    for i, row in enumerate(CsatRating.objects.filter(rating__isnull=True).order_by("created_at")):
        when = row.created_at + dt.timedelta(hours=3)
        if when >= now:
            continue
        value = stars[i % len(stars)]
        with _at(when):
            csat_submit(token=token_for(row), rating=value, comment=COMMENTS.get(value, ""))


RESOLVED = [
    # agent, days ago, title, client, summary, closing reason
    (
        "alice",
        47,
        "Payment not showing in the account",
        "Priya Nair",
        "payment missing",
        "The payment was found on the old account and moved across.",
    ),
    (
        "isabel",
        40,
        "Contract ended without the final milestone",
        "Kenji Ito",
        "milestone unpaid",
        "The milestone was released after the freelancer confirmed delivery.",
    ),
    (
        "bob",
        33,
        "Refund for an unused hourly week",
        "Sara Lund",
        "refund of an unused week",
        "The unused week was refunded to the client's card.",
    ),
    (
        "lukas",
        26,
        "Cannot reach the freelancer after a handover",
        "Omar Haddad",
        "freelancer silent after handover",
        "A new freelancer took over and confirmed the plan.",
    ),
    (
        "alice",
        19,
        "Invoice shows the wrong company name",
        "Lena Fischer",
        "invoice name wrong",
        "The invoice was reissued with the right company name.",
    ),
    (
        "isabel",
        12,
        "Account locked after a password reset",
        "Diego Ramos",
        "locked account",
        "The account was unlocked after the identity check.",
    ),
    (
        "lukas",
        9,
        "Dispute over delivered design files",
        "Ava Brown",
        "design files dispute",
        "Both sides agreed on one revision round; the client accepted the files.",
    ),
    (
        "bob",
        5,
        "Question about weekly billing limits",
        "Noah Kim",
        "billing limit question",
        "The weekly limit was explained and raised to what the client needs.",
    ),
]


def _resolved_cases(agents: dict, now: dt.datetime) -> None:
    for i, (username, days, title, client, summary, reason) in enumerate(RESOLVED, start=1):
        agent = agents.get(username)
        if agent is not None:
            opened = now - dt.timedelta(days=days, hours=5)
            _resolve_case(agent, f"TKT-CS-{100 + i}", opened, title, client, summary, reason)


def _resolve_case(agent, ticket, opened, title, client, summary, reason):
    """Open, claim, work and resolve one case at its own instants (None if it exists)."""
    from escalations.models import Case, Kind, Segment, Status
    from escalations.services import case_create, case_transition
    from escalations.services.claiming import case_claim

    if Case.objects.filter(external_ticket_id=ticket).exists():
        return None
    with _at(opened):
        case = case_create(
            actor=agent,
            external_ticket_id=ticket,
            title=title,
            client_name=client,
            client_email=f"{client.split()[0].lower()}@client.example",
            kind=Kind.GENERAL,
            client_segment=Segment.SMALL_BUSINESS,
            issue_summary=summary,
        )
    with _at(opened + dt.timedelta(minutes=12)):
        case = case_claim(case=case, agent=agent)
    with _at(opened + dt.timedelta(minutes=20)):
        case = case_transition(
            case=case,
            to_status=Status.IN_PROGRESS,
            actor=agent,
            reason="Looking into the account history first.",
        )
    with _at(opened + dt.timedelta(hours=4)):
        return case_transition(case=case, to_status=Status.RESOLVED, actor=agent, reason=reason)


# Customer Service Week (TEAM-3): cases each agent resolved that week and the stars their
# clients gave, so every award has a winner on the recognition page's default range.
# Alice and Isabel tie on 4.7 from three ratings each; Isabel logged more hours that week
# (the tie-breaker). Lukas's two fives stay under the minimum of three ratings.
CSW_CASES = [
    # agent, weekday, title, client, summary, closing reason, stars
    (
        "alice",
        0,
        "Card declined on a milestone payment",
        "Grace Miller",
        "milestone card declined",
        "The bank cleared the block and the milestone was paid.",
        5,
    ),
    (
        "alice",
        2,
        "Two invoices for the same week",
        "Ethan Clark",
        "duplicate invoice",
        "The duplicate invoice was voided and the client was told.",
        5,
    ),
    (
        "alice",
        4,
        "Freelancer asks for payment outside the platform",
        "Hannah Lee",
        "off-platform payment request",
        "The freelancer was warned and the contract continues on the platform.",
        4,
    ),
    (
        "isabel",
        0,
        "Weekly limit reached in the middle of a sprint",
        "Yuki Tanaka",
        "weekly limit reached",
        "The limit was raised for the rest of the contract.",
        5,
    ),
    (
        "isabel",
        1,
        "Time logged on the wrong contract",
        "Rahul Mehta",
        "time on wrong contract",
        "The hours were moved to the right contract before billing.",
        4,
    ),
    (
        "isabel",
        3,
        "Tax form rejected at checkout",
        "Chloe Martin",
        "tax form rejected",
        "The tax form was corrected and accepted.",
        5,
    ),
    (
        "bob",
        1,
        "Refund for a cancelled fixed-price job",
        "Oliver Wright",
        "refund after cancellation",
        "The unspent escrow was returned to the client.",
        4,
    ),
    (
        "bob",
        2,
        "Cannot add a second payment method",
        "Amelia Jones",
        "second payment method",
        "The second card was added after the verification step.",
        5,
    ),
    (
        "bob",
        4,
        "Freelancer missed the agreed deadline",
        "Jack Wilson",
        "missed deadline",
        "A new deadline was agreed and met.",
        4,
    ),
    (
        "lukas",
        1,
        "Contract paused without notice",
        "Sofia Rossi",
        "contract paused",
        "The contract was resumed and both sides confirmed the plan.",
        5,
    ),
    (
        "lukas",
        3,
        "Refund shows in the wrong currency",
        "Mateo Garcia",
        "refund currency",
        "The refund was reissued in euros.",
        5,
    ),
]


def _customer_service_week_cases(agents: dict, since: dt.date) -> None:
    """Resolve each case in the agent's own working hours that week; the client rates it
    three hours later (before the week ends)."""
    from zoneinfo import ZoneInfo

    for i, (username, weekday, title, client, summary, reason, stars) in enumerate(
        CSW_CASES, start=1
    ):
        agent = agents.get(username)
        if agent is None:
            continue
        day = since + dt.timedelta(days=weekday)
        opened = dt.datetime.combine(
            day, dt.time(HOURS[username][0], 30), tzinfo=ZoneInfo(agent.time_zone)
        )
        case = _resolve_case(agent, f"TKT-CSW-{200 + i}", opened, title, client, summary, reason)
        row = CsatRating.objects.filter(case=case, rating__isnull=True).first() if case else None
        if row is not None:
            with _at(opened + dt.timedelta(hours=7)):
                csat_submit(token=token_for(row), rating=stars, comment=COMMENTS.get(stars, ""))
