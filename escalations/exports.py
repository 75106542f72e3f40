"""CSV export of the outreach tracker (NCO-4), streamed so large sets stay cheap."""

from __future__ import annotations

import csv
import datetime as dt

from django.http import StreamingHttpResponse
from django.utils import timezone

COLUMNS = [
    ("reference", lambda a: a.case.reference),
    ("created_at", lambda a: a.created_at.isoformat()),
    ("client_name", lambda a: a.case.client_name),
    ("client_company", lambda a: a.case.client_company),
    ("client_email", lambda a: a.case.client_email),
    ("client_phone", lambda a: a.case.client_phone),
    ("client_account_id", lambda a: a.case.client_account_id),
    ("segment", lambda a: a.segment),
    ("job_post_value", lambda a: "" if a.job_post_value is None else str(a.job_post_value)),
    ("job_post_url", lambda a: a.job_post_url),
    ("criteria_met", lambda a: a.criteria_met),
    ("meets_job_post_value", lambda a: a.meets_job_post_value),
    ("meets_web_presence", lambda a: a.meets_web_presence),
    ("meets_segment", lambda a: a.meets_segment),
    ("meets_long_term", lambda a: a.meets_long_term),
    ("routed_as_general", lambda a: a.routed_as_general),
    ("kind", lambda a: a.case.kind),
    ("status", lambda a: a.case.status),
    ("assignee", lambda a: a.case.assignee.username if a.case.assignee_id else ""),
    ("reporter", lambda a: a.reporter.username),
    ("reporting_team", lambda a: a.reporting_team),
    ("source_channel", lambda a: a.case.source_channel),
]


class _Echo:
    def write(self, value):
        return value


def _safe(value):
    """Keep spreadsheet formulas out of exported cells (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def outreach_csv_rows(queryset):
    writer = csv.writer(_Echo())
    yield writer.writerow([name for name, _ in COLUMNS])
    for assessment in queryset.iterator(chunk_size=500):
        yield writer.writerow([_safe(get(assessment)) for _, get in COLUMNS])


def outreach_csv_response(queryset) -> StreamingHttpResponse:
    response = StreamingHttpResponse(outreach_csv_rows(queryset), content_type="text/csv")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="outreach-tracker-{stamp}.csv"'
    return response


def outreach_filters_from(params) -> dict:
    """Tracker filters from query parameters (shared by the page, the API and the CSV)."""
    from django.utils.dateparse import parse_date

    from core.models import User

    filters = {}
    for key in ("status", "segment", "search"):
        if params.get(key):
            filters[key] = params[key]
    if params.get("assignee"):
        filters["assignee"] = User.objects.filter(username=params["assignee"]).first() or 0
    if str(params.get("criteria_min", "")).isdigit():
        filters["criteria_min"] = int(params["criteria_min"])
    if params.get("routed_general") in ("true", "false"):
        filters["routed_general"] = params["routed_general"] == "true"
    tz = timezone.get_current_timezone()
    for key in ("since", "until"):
        day = parse_date(params.get(key) or "")
        if day:  # whole days in the viewer's time zone; "until" is inclusive
            start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
            filters[key] = start + dt.timedelta(days=1) if key == "until" else start
    return filters


def outreach_export(request):
    """GET /outreach/export.csv?status=&segment=&assignee=&criteria_min=&since=&until=&search="""
    from django.contrib.auth.views import redirect_to_login

    from .selectors import outreach_tracker

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return outreach_csv_response(outreach_tracker(**outreach_filters_from(request.GET)))
