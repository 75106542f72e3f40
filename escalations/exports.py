"""CSV export of the outreach tracker (NCO-4), streamed so large sets stay cheap."""

from __future__ import annotations

import csv
import datetime as dt

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from core.errors import InvalidInput
from core.validation import csv_cell, parse_day, parse_int

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


# UTF-8 with a byte-order mark so spreadsheet programs read non-ASCII names correctly.
CSV_BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def outreach_csv_rows(queryset):
    """Header, then rows; every cell goes through ``csv_cell`` (control characters
    dropped, leading ``= + - @`` neutralised against CSV injection)."""
    writer = csv.writer(_Echo())
    yield CSV_BOM + writer.writerow([name for name, _ in COLUMNS])
    for assessment in queryset.iterator(chunk_size=500):
        yield writer.writerow([csv_cell(get(assessment)) for _, get in COLUMNS])


def outreach_csv_response(queryset) -> StreamingHttpResponse:
    """The filters were validated when ``queryset`` was built (``strict=True``), so a
    bad filter is a 400 before the first byte, never a stream cut off halfway."""
    response = StreamingHttpResponse(outreach_csv_rows(queryset), content_type=CSV_CONTENT_TYPE)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="outreach-tracker-{stamp}.csv"'
    return response


def outreach_filters_from(params, *, strict: bool = False) -> dict:
    """Tracker filters from query parameters (shared by the page, the API and the CSV).

    ``strict`` (the API and the CSV export): a malformed value is an ``InvalidInput``
    naming the parameter. Otherwise (the page, whose form shows the error) it is ignored.
    """
    from core.models import User
    from core.validation import check_text

    def valid(parse, key, **kwargs):
        try:
            return parse(params.get(key), field=key, **kwargs)
        except InvalidInput:
            if strict:
                raise
            return None

    filters = {}
    for key in ("status", "segment", "search", "assignee"):
        value = params.get(key)
        if value and valid(lambda v, field: check_text(v[:200], field=field), key) is not None:
            filters[key] = value[:200]
    if "assignee" in filters:
        filters["assignee"] = User.objects.filter(username=filters["assignee"]).first() or 0
    if params.get("criteria_min"):
        number = valid(parse_int, "criteria_min", low=0, high=4)
        if number is not None:
            filters["criteria_min"] = number
    if params.get("routed_general") in ("true", "false"):
        filters["routed_general"] = params["routed_general"] == "true"
    tz = timezone.get_current_timezone()
    for key in ("since", "until"):
        day = valid(parse_day, key) if params.get(key) else None
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
    try:
        filters = outreach_filters_from(request.GET, strict=True)
    except InvalidInput as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    return outreach_csv_response(outreach_tracker(viewer=request.user, **filters))
