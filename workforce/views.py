"""Workforce pages: coverage heatmap, time tracking, the Monday report, CSAT, recognition,
the team dashboard, and the client's rating page (signed link, no account)."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.charts import Table, bar_chart, chart_csv_response, heatmap, line_chart
from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.models import User
from escalations.views.breaches import COMPLIANCE_TARGET
from hiring.availability import WEEKDAYS, hour_label

from . import coverage as cov
from . import dashboard, reports, stats
from .access import (
    entries_visible_to,
    freelancers_managed_by,
    is_lead_viewer,
    team_for,
    teams_visible_to,
)
from .forms import CsvImportForm, ManualTimeForm, OutageForm, RatingForm
from .models import EntrySource, Outage, WorkProfile
from .services import csat as csat_services
from .services import time as time_services


def _pages(view, *, leads_only: bool = True):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if leads_only and not is_lead_viewer(request.user):
            raise PermissionDenied("Team figures are for team leads and admins.")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None

    return wrapped


def lead_page(view):
    return _pages(view)


def staff_page(view):
    return _pages(view, leads_only=False)


def _error_page(request, template: str, exc: DomainError, context: dict):
    context = {**context, "error": exc.message, "error_field": exc.field}
    return render(request, template, context, status=exc.status)


# Coverage (HIR-5) ----------------------------------------------------------------------
def _coverage_params(request):
    team = team_for(request.user, request.GET.get("team"))
    zone_name = request.GET.get("tz") or request.user.time_zone or "UTC"
    zone = cov.zone_named(zone_name)
    today = timezone.now().astimezone(zone).date()
    week = cov.monday_named(request.GET.get("week"), default=cov.monday_of(today))
    return team, week, zone


def _coverage_charts(result):
    days: dict[dt.date, dict[int, object]] = {}
    for row in result.rows:
        days.setdefault(row.local.date(), {}).setdefault(row.local.hour, row)
    day_keys = sorted(days)[:7]
    labels = [f"{d:%a %d}" for d in day_keys]
    hours = [str(h) for h in range(24)]

    def grid(attr):
        return [
            [getattr(days[d].get(h), attr) if h in days[d] else None for h in range(24)]
            for d in day_keys
        ]

    def titles(attr, noun):
        out = []
        for d in day_keys:
            line = []
            for h in range(24):
                r = days[d].get(h)
                line.append(
                    f"{d:%a %d %b} {hour_label(h)}: {getattr(r, attr)} {noun}; available "
                    f"{r.available}, candidates {r.candidates}, required {r.required}"
                    if r
                    else ""
                )
            out.append(line)
        return out

    top = max([r.required for r in result.rows] + [r.available for r in result.rows] + [1])
    return [
        heatmap(
            labels,
            hours,
            grid("gap"),
            title="Agents short of the requirement",
            titles=titles("gap", "short"),
            maximum=top,
            palette="gap",
        ),
        heatmap(
            labels,
            hours,
            grid("available"),
            title="Agents available",
            titles=titles("available", "available"),
            maximum=top,
            palette="ok",
        ),
        heatmap(
            labels,
            hours,
            grid("required"),
            title="Agents required",
            titles=titles("required", "required"),
            maximum=top,
            palette="info",
        ),
        heatmap(
            labels,
            hours,
            grid("candidates"),
            title="Candidates available",
            titles=titles("candidates", "candidates"),
            maximum=top,
            palette="info",
        ),
    ]


COVERAGE_HEADER = [
    "hour starts (UTC)",
    "local time",
    "available",
    "candidates",
    "forecast contacts",
    "required",
    "gap",
]


def _coverage_table(result) -> Table:
    return Table(
        COVERAGE_HEADER,
        [
            [
                r.start.strftime("%Y-%m-%d %H:%M"),
                r.local.strftime("%a %d %b %H:%M"),
                r.available,
                r.candidates,
                r.contacts.normalize() if r.contacts else 0,
                r.required,
                r.gap,
            ]
            for r in result.rows
        ],
    )


@lead_page
@require_GET
def coverage_page(request):
    teams = teams_visible_to(request.user).order_by("name")
    context = {"teams": teams, "zone_choices": _zone_choices(request.user)}
    try:
        team, week, zone = _coverage_params(request)
    except InvalidInput as exc:
        return _error_page(request, "workforce/coverage.html", exc, context)
    result = cov.coverage_for(team, week, zone)
    finalists, rnd = [], None
    from hiring.models import Round

    rounds = Round.objects.filter(team=team).order_by("-created_at")
    if request.GET.get("round"):
        rnd = (
            rounds.filter(pk=request.GET.get("round")).first()
            if request.GET["round"].isdigit()
            else None
        )
        if rnd is None:
            raise Http404("No such hiring round.")
        finalists = cov.finalists_ranked(team, rnd, week)
    elif rounds:
        rnd = rounds[0]
        finalists = cov.finalists_ranked(team, rnd, week)
    query = f"team={team.pk}&week={week:%Y-%m-%d}&tz={zone}"
    context.update(
        {
            "team": team,
            "week": week,
            "zone": str(zone),
            "prev_week": week - dt.timedelta(days=7),
            "next_week": week + dt.timedelta(days=7),
            "result": result,
            "charts": _coverage_charts(result),
            "query": query,
            "csv_url": f"{reverse('workforce:coverage-csv')}?{query}",
            "rounds": rounds,
            "round": rnd,
            "finalists": finalists,
            "peak_gap": max((r.gap for r in result.rows), default=0),
        }
    )
    return render(request, "workforce/coverage.html", context)


def _zone_choices(user) -> list[str]:
    """Every IANA zone (the team's own first), for the zone picker's suggestions."""
    from zoneinfo import available_timezones

    team_zones = set(
        User.objects.filter(team__isnull=False).values_list("time_zone", flat=True).distinct()
    )
    team_zones.add(user.time_zone or "UTC")
    rest = sorted(
        z
        for z in available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/")) and z not in team_zones
    )
    return sorted(z for z in team_zones if z) + rest


@lead_page
@require_GET
def coverage_csv(request):
    try:
        team, week, zone = _coverage_params(request)
    except InvalidInput as exc:
        return render(request, "workforce/coverage.html", {"error": exc.message}, status=400)
    result = cov.coverage_for(team, week, zone)
    return chart_csv_response(f"coverage-{week:%Y-%m-%d}.csv", _coverage_table(result))


# Time tracking (HIR-8) -----------------------------------------------------------------
@staff_page
@require_GET
def time_page(request):
    user = request.user
    entries = entries_visible_to(user).select_related("user").order_by("-starts_at")[:100]
    lead = is_lead_viewer(user)
    freelancers = []
    if lead:
        disabled = set(
            WorkProfile.objects.filter(manual_time_disabled=True).values_list("user_id", flat=True)
        )
        for person in freelancers_managed_by(user).order_by("first_name", "username"):
            person.manual_disabled = person.pk in disabled
            freelancers.append(person)
    return render(
        request,
        "workforce/time.html",
        {
            "entries": entries,
            "is_lead": lead,
            "import_form": CsvImportForm(),
            "outage_form": OutageForm(),
            "outages": Outage.objects.select_related("declared_by")[:20],
            "freelancers": freelancers,
        },
    )


@lead_page
@require_POST
def time_import(request):
    form = CsvImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("workforce:time")
    try:
        text = form.cleaned_data["file"].read().decode("utf-8-sig")
        rows = time_services.rows_from_csv(text)
        result = time_services.time_entries_import(
            actor=request.user, rows=rows, source=EntrySource.CSV
        )
    except UnicodeDecodeError:
        messages.error(request, "The file is not UTF-8 text. Nothing was imported.")
    except DomainError as exc:
        messages.error(request, f"{exc.message} Nothing was imported.")
    else:
        flagged = len(result.flagged)
        messages.success(
            request,
            f"{len(result.created)} entries imported"
            + (f", {result.skipped} already there" if result.skipped else "")
            + (
                f"; {flagged} manual entries flagged and their freelancers notified"
                if flagged
                else ""
            )
            + ".",
        )
    return redirect("workforce:time")


@lead_page
@require_POST
def outage_new(request):
    form = OutageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("workforce:time")
    data = form.cleaned_data
    try:
        time_services.outage_declare(
            actor=request.user,
            starts_at=data["starts_at"].replace(tzinfo=dt.UTC)
            if data["starts_at"].tzinfo is None
            else data["starts_at"],
            ends_at=data["ends_at"].replace(tzinfo=dt.UTC)
            if data["ends_at"].tzinfo is None
            else data["ends_at"],
            reason=data["reason"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Outage recorded; manual time inside it is not flagged.")
    return redirect("workforce:time")


@lead_page
@require_POST
def manual_time(request, pk):
    person = freelancers_managed_by(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404("No such freelancer.")
    form = ManualTimeForm(request.POST)
    form.is_valid()
    disabled = bool(form.cleaned_data.get("disabled"))
    time_services.manual_time_set(actor=request.user, user=person, disabled=disabled)
    name = person.get_full_name() or person.username
    messages.success(
        request,
        f"Manual time {'disabled' if disabled else 'allowed again'} for {name}.",
    )
    return redirect("workforce:time")


# The Monday report (HIR-8) -------------------------------------------------------------
def _report_for(request):
    team = team_for(request.user, request.GET.get("team"))
    week = cov.monday_named(request.GET.get("week"), default=reports.last_billing_week())
    return reports.weekly_report(team, week)


@lead_page
@require_GET
def report_page(request):
    context = {"teams": teams_visible_to(request.user).order_by("name")}
    try:
        report = _report_for(request)
    except InvalidInput as exc:
        return _error_page(request, "workforce/report.html", exc, context)
    names = [r.agent.first_name or r.agent.username for r in report.rows]
    chart = bar_chart(
        names,
        [
            ("Tracked hours", [float(r.tracked_hours) for r in report.rows], "bar-tracked"),
            ("Manual hours", [float(r.manual_hours) for r in report.rows], "bar-manual"),
        ],
        title="Hours logged per agent",
        labels=[f"{r.events} events" for r in report.rows],
        table=Table(reports.TABLE_HEADER, reports.report_csv_rows(report)[1:]),
    )
    context.update(
        {
            "report": report,
            "chart": chart,
            "prev_week": report.week - dt.timedelta(days=7),
            "next_week": report.week + dt.timedelta(days=7),
            "week_end": report.week + dt.timedelta(days=6),
        }
    )
    return render(request, "workforce/report.html", context)


@lead_page
@require_GET
def report_csv(request):
    try:
        report = _report_for(request)
    except InvalidInput as exc:
        raise Http404(exc.message) from None
    rows = reports.report_csv_rows(report)
    return chart_csv_response(f"weekly-report-{report.week:%Y-%m-%d}.csv", Table(rows[0], rows[1:]))


# CSAT (TEAM-2) --------------------------------------------------------------------------
def _range(request, default):
    return stats.parse_range(request.GET.get("since"), request.GET.get("until"), default=default)


def _csat_context(request):
    today = timezone.now().date()
    since, until = _range(request, (today - dt.timedelta(days=29), today))
    by = request.GET.get("by") or "agent"
    team_param = request.GET.get("team")
    team_ids = (
        [team_for(request.user, team_param).pk]
        if team_param
        else list(teams_visible_to(request.user).values_list("pk", flat=True))
    )
    rows = stats.csat_summary(team_ids, since, until, by=by)
    return {"since": since, "until": until, "by": by, "rows": rows, "team_param": team_param}


CSAT_HEADER = ["name", "ratings", "average", "1", "2", "3", "4", "5"]


@lead_page
@require_GET
def csat_page(request):
    context = {"teams": teams_visible_to(request.user).order_by("name")}
    try:
        context.update(_csat_context(request))
    except InvalidInput as exc:
        return _error_page(request, "workforce/csat.html", exc, context)
    team = team_for(request.user, context["team_param"])
    trend = stats.csat_trend(team.pk, weeks=8)
    context["trend_team"] = team
    context["trend"] = line_chart(
        [
            (f"{w['week']:%d %b}", float(w["average"]) if w["average"] is not None else None)
            for w in trend
        ],
        title="Average rating per week",
        y_max=5,
        table=Table(
            ["week of", "ratings", "average"],
            [[f"{w['week']:%d %b %Y}", w["count"], w["average"] or "—"] for w in trend],
        ),
    )
    return render(request, "workforce/csat.html", context)


@lead_page
@require_GET
def csat_csv(request):
    try:
        ctx = _csat_context(request)
    except InvalidInput as exc:
        raise Http404(exc.message) from None
    rows = [[r["name"], r["count"], r["average"], *r["distribution"]] for r in ctx["rows"]]
    return chart_csv_response(f"csat-{ctx['since']}-{ctx['until']}.csv", Table(CSAT_HEADER, rows))


# Recognition (TEAM-3) -------------------------------------------------------------------
@lead_page
@require_GET
def recognition_page(request):
    context = {"teams": teams_visible_to(request.user).order_by("name")}
    try:
        since, until = _range(request, stats.customer_service_week())
        team_param = request.GET.get("team")
        team_ids = (
            [team_for(request.user, team_param).pk]
            if team_param
            else list(teams_visible_to(request.user).values_list("pk", flat=True))
        )
    except InvalidInput as exc:
        return _error_page(request, "workforce/recognition.html", exc, context)
    context.update(stats.recognition(team_ids, since, until))
    context["team_param"] = team_param or ""
    return render(request, "workforce/recognition.html", context)


# The lead's dashboard (TEAM-4) ----------------------------------------------------------
def team_dashboard_context(team, viewer) -> dict:
    figures = dashboard.team_figures(team, viewer=viewer)
    weeks = figures["compliance_weeks"]
    figures["compliance_chart"] = bar_chart(
        [f"{w['week']:%d %b}" for w in weeks],
        [
            ("Met", [w["met"] for w in weeks], "bar-met"),
            ("Breached", [w["breached"] for w in weeks], "bar-breached"),
        ],
        title="Clocks met and breached per week",
        labels=[f"{w['compliance']:.0f}%" if w["compliance"] is not None else "" for w in weeks],
        label_values=[w["compliance"] for w in weeks],
        warn_below=COMPLIANCE_TARGET,
        timeline=True,
        height=180,
    )
    trend = figures["csat_trend"]
    figures["csat_chart"] = line_chart(
        [
            (f"{w['week']:%d %b}", float(w["average"]) if w["average"] is not None else None)
            for w in trend
        ],
        title="Average rating per week",
        y_max=5,
        height=160,
    )
    return figures


@lead_page
@require_GET
def team_page(request):
    team = team_for(request.user, request.GET.get("team"))
    return render(
        request,
        "workforce/team.html",
        {
            "f": team_dashboard_context(team, request.user),
            "teams": teams_visible_to(request.user).order_by("name"),
        },
    )


# The client's rating page (TEAM-2) ------------------------------------------------------
@require_http_methods(["GET", "POST"])
def rate(request, signed):
    try:
        row = csat_services.rating_for_token(signed)
    except NotFound:
        raise Http404("This rating link is not valid.") from None
    except csat_services.LinkExpired as exc:
        return render(
            request, "workforce/rate.html", {"expired": True, "message": exc.message}, status=410
        )
    form = RatingForm(request.POST or None)
    recorded = None
    posted = request.method == "POST" and row.rating is None
    if posted and form.is_valid():
        try:
            row, recorded = csat_services.csat_submit(
                token=signed,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    status = 400 if posted and form.errors else 200
    return render(
        request,
        "workforce/rate.html",
        {
            "row": row,
            "form": form,
            "recorded": recorded,
            "stars": range(1, 6),
            "agent": (row.agent.first_name or row.agent.username) if row.agent else "",
            "weekdays": WEEKDAYS,
        },
        status=status,
    )


# An agent's own weekly hours (HIR-5) ----------------------------------------------------
@staff_page
@require_http_methods(["GET", "POST"])
def availability_page(request):
    user = request.user
    profile = WorkProfile.objects.filter(user=user).first()
    zone = profile.zone if profile else (user.time_zone or "UTC")
    chosen = {tuple(s) for s in (profile.availability if profile else [])}
    error = ""
    if request.method == "POST":
        zone = (request.POST.get("zone") or "").strip()
        slots = []
        for value in request.POST.getlist("slot"):
            day, _, hour = value.partition("-")
            slots.append([day, hour])
        try:
            time_services.availability_set(actor=user, user=user, slots=slots, zone=zone)
        except DomainError as exc:
            error = exc.message
            chosen = set()
        else:
            messages.success(request, "Your weekly hours are saved.")
            return redirect("workforce:availability")
    rows = [
        {
            "name": name,
            "hours": [
                {"value": f"{d}-{h}", "label": hour_label(h), "on": (d, h) in chosen}
                for h in range(24)
            ],
        }
        for d, name in enumerate(WEEKDAYS)
    ]
    status = 400 if error else 200
    return render(
        request,
        "workforce/availability.html",
        {
            "rows": rows,
            "zone": zone,
            "zones": _zone_choices(user),
            "error": error,
            "hours_total": len(chosen),
        },
        status=status,
    )
