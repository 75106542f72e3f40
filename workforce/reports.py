"""The Monday report (HIR-8): per freelancer of a team, logged hours against work done in
the billing week (Monday 00:00 to Sunday 24:00 UTC), the entries still open to correction
before the week is invoiced; emailed to the team's lead by beat on Monday, shown as a page
with CSV export."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from core.models import Team, User
from core.validation import csv_cell, email_subject

from .models import EntryKind, TimeEntry, WeeklyReportRun, WorkforceSettings

log = logging.getLogger(__name__)


def billing_week_bounds(week: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(week, dt.time.min, tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=7)


def last_billing_week(now=None) -> dt.date:
    today = (now or timezone.now()).astimezone(dt.UTC).date()
    return today - dt.timedelta(days=today.weekday() + 7)


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.01"))


@dataclass
class ReportRow:
    agent: User
    tracked_minutes: int = 0
    manual_minutes: int = 0
    flagged_minutes: int = 0
    cases_handled: int = 0
    events: int = 0
    calls: int = 0

    @property
    def logged_minutes(self) -> int:
        return self.tracked_minutes + self.manual_minutes

    @property
    def logged_hours(self) -> Decimal:
        return hours(self.logged_minutes)

    @property
    def tracked_hours(self) -> Decimal:
        return hours(self.tracked_minutes)

    @property
    def manual_hours(self) -> Decimal:
        return hours(self.manual_minutes)

    @property
    def flagged_hours(self) -> Decimal:
        return hours(self.flagged_minutes)

    @property
    def events_per_hour(self) -> Decimal | None:
        if not self.logged_minutes:
            return None
        return (Decimal(self.events) * 60 / self.logged_minutes).quantize(Decimal("0.1"))

    @property
    def mismatch(self) -> str:
        """A plain-words note for the lead when hours and work disagree."""
        if self.logged_minutes and not self.events and not self.calls:
            return "Hours logged but no work recorded"
        if not self.logged_minutes and (self.events or self.calls):
            return "Work recorded but no hours logged"
        if self.flagged_minutes:
            return "Manual time outside outages"
        return ""


@dataclass
class WeeklyReport:
    team: Team
    week: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    correctable_until: dt.datetime
    rows: list[ReportRow]
    open_entries: list[TimeEntry] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return timezone.now() < self.correctable_until

    @property
    def totals(self) -> ReportRow:
        total = ReportRow(agent=None)
        for row in self.rows:
            for name in (
                "tracked_minutes",
                "manual_minutes",
                "flagged_minutes",
                "cases_handled",
                "events",
                "calls",
            ):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


def weekly_report(team: Team, week: dt.date) -> WeeklyReport:
    from escalations.models import CallLog, CaseEvent

    start, end = billing_week_bounds(week)
    conf = WorkforceSettings.current()
    agents = list(User.objects.filter(team=team, role="agent", is_active=True))
    ids = [a.pk for a in agents]
    rows = {a.pk: ReportRow(agent=a) for a in agents}
    logged = (
        TimeEntry.objects.filter(user_id__in=ids, week=week)
        .values("user_id")
        .annotate(
            tracked=Sum("minutes", filter=Q(kind=EntryKind.TRACKED)),
            manual=Sum("minutes", filter=Q(kind=EntryKind.MANUAL)),
            flagged=Sum("flagged_minutes"),
        )
    )
    for item in logged:
        row = rows[item["user_id"]]
        row.tracked_minutes = item["tracked"] or 0
        row.manual_minutes = item["manual"] or 0
        row.flagged_minutes = item["flagged"] or 0
    work = (
        CaseEvent.objects.filter(actor_id__in=ids, at__gte=start, at__lt=end)
        .values("actor_id")
        .annotate(events=Count("id"), cases=Count("case_id", distinct=True))
    )
    for item in work:
        rows[item["actor_id"]].events = item["events"]
        rows[item["actor_id"]].cases_handled = item["cases"]
    calls = (
        CallLog.objects.filter(agent_id__in=ids, started_at__gte=start, started_at__lt=end)
        .values("agent_id")
        .annotate(n=Count("id"))
    )
    for item in calls:
        rows[item["agent_id"]].calls = item["n"]
    open_entries = list(
        TimeEntry.objects.filter(user_id__in=ids, week=week, kind=EntryKind.MANUAL)
        .select_related("user")
        .order_by("-flagged_minutes", "starts_at")
    )
    ordered = sorted(rows.values(), key=lambda r: (-r.logged_minutes, str(r.agent)))
    return WeeklyReport(
        team=team,
        week=week,
        starts_at=start,
        ends_at=end,
        correctable_until=end + dt.timedelta(days=conf.correction_days),
        rows=ordered,
        open_entries=open_entries,
    )


CSV_HEADER = [
    "agent",
    "tracked_hours",
    "manual_hours",
    "flagged_hours",
    "logged_hours",
    "cases_handled",
    "timeline_events",
    "calls",
    "note",
]


TABLE_HEADER = [
    "Agent",
    "Tracked hours",
    "Manual hours",
    "Flagged hours",
    "Logged hours",
    "Cases handled",
    "Timeline events",
    "Calls",
    "Note",
]


def report_csv_rows(report: WeeklyReport) -> list[list[str]]:
    out = [CSV_HEADER]
    for row in report.rows:
        out.append(
            [
                csv_cell(row.agent.get_full_name() or row.agent.username),
                str(row.tracked_hours),
                str(row.manual_hours),
                str(row.flagged_hours),
                str(row.logged_hours),
                str(row.cases_handled),
                str(row.events),
                str(row.calls),
                csv_cell(row.mismatch),
            ]
        )
    return out


def report_text(report: WeeklyReport) -> str:
    lines = [
        f"Weekly time report for {report.team.name}, billing week "
        f"{report.week:%a %d %b} to {(report.week + dt.timedelta(days=6)):%a %d %b %Y} (UTC).",
        "",
    ]
    for row in report.rows:
        name = row.agent.get_full_name() or row.agent.username
        line = (
            f"- {name}: {row.logged_hours} h logged ({row.manual_hours} h manual), "
            f"{row.cases_handled} cases, {row.events} timeline events, {row.calls} calls"
        )
        if row.mismatch:
            line += f". {row.mismatch}"
        lines.append(line)
    flagged = [e for e in report.open_entries if e.is_flagged]
    lines += [
        "",
        f"{len(flagged)} manual entries are flagged; entries can be corrected until "
        f"{report.correctable_until:%a %d %b %H:%M} UTC, before the week is invoiced.",
        "",
        settings.SITE_URL.rstrip("/")
        + reverse("workforce:report")
        + f"?team={report.team.pk}&week={report.week:%Y-%m-%d}",
    ]
    return "\n".join(lines)


def weekly_report_send(team: Team, week: dt.date) -> bool:
    """Email the report of one team and week to its lead, once (a unique row claims it)."""
    recipients = [team.lead.email] if team.lead_id and team.lead.email else []
    try:
        with transaction.atomic():
            WeeklyReportRun.objects.create(team=team, week=week)
            if recipients:
                send_mail(
                    subject=email_subject(f"Weekly time report: {team.name}, week of {week:%d %b}"),
                    message=report_text(weekly_report(team, week)),
                    from_email=None,
                    recipient_list=recipients,
                )
    except IntegrityError:
        return False  # already sent (another worker won)
    return True


def weekly_reports_send(*, now=None) -> int:
    """Beat (hourly): on Monday, and on any later day it was missed, each team's report
    of the last billing week, once."""
    week = last_billing_week(now)
    done = set(WeeklyReportRun.objects.filter(week=week).values_list("team_id", flat=True))
    sent = 0
    for team in Team.objects.select_related("lead").exclude(pk__in=done):
        try:
            sent += weekly_report_send(team, week)
        except Exception as exc:  # email outage: the next hourly run tries again
            log.warning("weekly report %s %s failed: %s", team.pk, week, exc)
    return sent
