"""REST of workforce (issue 14): coverage, time entries, outages, the weekly report, CSAT
summaries, recognition and the team dashboard. Team figures are for leads and admins
(agents 403 before any lookup; another team is a 404); time entries are listed within
the viewer's reach; no service-token scope."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import StandardPagination
from core.api.schema import error_response
from core.api.validation import DateFilter, DjangoFilterBackend, FilterSet
from core.errors import NotFound
from core.permissions import IsStaff, IsTeamLead

from . import coverage as cov
from . import dashboard, reports, stats
from .access import (
    entries_visible_to,
    freelancers_managed_by,
    require_lead,
    team_for,
    teams_visible_to,
)
from .models import EntrySource, Outage, TimeEntry
from .serializers import (
    CoverageQuerySerializer,
    CoverageSerializer,
    CsatQuerySerializer,
    CsatSummarySerializer,
    ImportResultSerializer,
    ManualTimeSerializer,
    ManualTimeStateSerializer,
    OutageInSerializer,
    OutageSerializer,
    RangeQuerySerializer,
    RecognitionSerializer,
    TeamDashboardSerializer,
    TeamParamSerializer,
    TimeEntryImportSerializer,
    TimeEntrySerializer,
    WeeklyReportSerializer,
    WeekQuerySerializer,
)
from .services import time as time_services

NO_TEAM = error_response("No such team among the teams you lead (another team's id).")


def _query(serializer_class, request) -> dict:
    data = serializer_class(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.validated_data


class _Lead:
    permission_classes = [IsTeamLead]
    service_scopes = ()


class CoverageView(_Lead, APIView):
    @extend_schema(
        summary="Hourly coverage of a week in a zone (HIR-5): available, candidates, "
        "required (Erlang C with shrinkage), gap",
        parameters=[CoverageQuerySerializer],
        responses={200: CoverageSerializer, 404: NO_TEAM},
    )
    def get(self, request):
        require_lead(request.user)
        q = _query(CoverageQuerySerializer, request)
        team = team_for(request.user, q.get("team"))
        week = cov.monday_named(q["week"].isoformat())
        zone = cov.zone_named(q.get("tz") or "UTC")
        result = cov.coverage_for(team, week, zone)
        body = {
            "team": team.pk,
            "week": week,
            "tz": str(zone),
            "forecast_source": result.forecast_source,
            "gap_hours": result.gap_hours,
            "rows": [
                {
                    "start": r.start.astimezone(dt.UTC).isoformat(),
                    "local": r.local.isoformat(),
                    "available": r.available,
                    "candidates": r.candidates,
                    "required": r.required,
                    "gap": r.gap,
                }
                for r in result.rows
            ],
        }
        return Response(CoverageSerializer(body).data)


class TimeEntryFilter(FilterSet):
    week = DateFilter(field_name="week")
    day = DateFilter(field_name="day")

    class Meta:
        model = TimeEntry
        fields = ["kind", "week", "day", "source"]


class TimeEntryListView(generics.ListAPIView):
    permission_classes = [IsStaff]
    service_scopes = ()
    serializer_class = TimeEntrySerializer
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = TimeEntryFilter

    def get_queryset(self):
        return (
            entries_visible_to(self.request.user)
            .select_related("user")
            .order_by("-starts_at", "-id")
        )

    @extend_schema(summary="Time entries within your reach (yours; a lead's team's; all)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Import time entries (HIR-8): all or nothing; manual time outside declared "
        "outages is flagged and its freelancer notified",
        request=TimeEntryImportSerializer,
        responses={201: ImportResultSerializer},
    )
    def post(self, request):
        require_lead(request.user, "import time entries")
        data = TimeEntryImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        raw = [
            {k: str(row.get(k, "")) for k in ("freelancer", "kind", "start", "end")}
            for row in request.data["entries"]
        ]
        result = time_services.time_entries_import(
            actor=request.user, rows=raw, source=EntrySource.API
        )
        body = {
            "created": len(result.created),
            "skipped": result.skipped,
            "flagged": len(result.flagged),
            "entries": TimeEntrySerializer(result.created, many=True).data,
        }
        return Response(ImportResultSerializer(body).data, status=status.HTTP_201_CREATED)


class OutageListView(generics.ListAPIView):
    permission_classes = [IsStaff]
    service_scopes = ()
    serializer_class = OutageSerializer
    pagination_class = StandardPagination
    queryset = Outage.objects.select_related("declared_by").order_by("-starts_at", "-id")

    @extend_schema(summary="Declared platform outages, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Declare a platform outage (leads and admins); manual time inside it is "
        "not flagged",
        request=OutageInSerializer,
        responses={201: OutageSerializer},
    )
    def post(self, request):
        require_lead(request.user, "declare an outage")
        data = OutageInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outage = time_services.outage_declare(actor=request.user, **data.validated_data)
        return Response(OutageSerializer(outage).data, status=status.HTTP_201_CREATED)


def _report_body(report) -> dict:
    return {
        "team": report.team.pk,
        "week": report.week,
        "starts_at": report.starts_at,
        "ends_at": report.ends_at,
        "correctable_until": report.correctable_until,
        "rows": [
            {
                "agent": r.agent.get_full_name() or r.agent.username,
                "tracked_hours": r.tracked_hours,
                "manual_hours": r.manual_hours,
                "flagged_hours": r.flagged_hours,
                "logged_hours": r.logged_hours,
                "cases_handled": r.cases_handled,
                "timeline_events": r.events,
                "calls": r.calls,
                "note": r.mismatch,
            }
            for r in report.rows
        ],
        "open_entries": report.open_entries,
    }


class WeeklyReportView(_Lead, APIView):
    @extend_schema(
        summary="The billing week's report (HIR-8): logged hours against work done",
        parameters=[WeekQuerySerializer],
        responses={200: WeeklyReportSerializer, 404: NO_TEAM},
    )
    def get(self, request):
        require_lead(request.user)
        q = _query(WeekQuerySerializer, request)
        team = team_for(request.user, q.get("team"))
        week = (
            cov.monday_named(q["week"].isoformat())
            if q.get("week")
            else reports.last_billing_week()
        )
        report = reports.weekly_report(team, week)
        return Response(WeeklyReportSerializer(_report_body(report)).data)


def _team_ids(user, team_param) -> list[int]:
    if team_param:
        return [team_for(user, team_param).pk]
    return list(teams_visible_to(user).values_list("pk", flat=True))


class CsatSummaryView(_Lead, APIView):
    @extend_schema(
        summary="CSAT per agent or team over a date range (TEAM-2), with counts",
        parameters=[CsatQuerySerializer],
        responses={200: CsatSummarySerializer, 404: NO_TEAM},
    )
    def get(self, request):
        require_lead(request.user)
        q = _query(CsatQuerySerializer, request)
        today = dt.date.today()
        since, until = stats.parse_range(
            q.get("since") and q["since"].isoformat(),
            q.get("until") and q["until"].isoformat(),
            default=(today - dt.timedelta(days=29), today),
        )
        rows = stats.csat_summary(_team_ids(request.user, q.get("team")), since, until, by=q["by"])
        body = {"by": q["by"], "since": since, "until": until, "rows": rows}
        return Response(CsatSummarySerializer(body).data)


class RecognitionView(_Lead, APIView):
    @extend_schema(
        summary="Customer Service Week awards (TEAM-3) for a date range; default the first "
        "full week of October",
        parameters=[RangeQuerySerializer],
        responses={200: RecognitionSerializer, 404: NO_TEAM},
    )
    def get(self, request):
        require_lead(request.user)
        q = _query(RangeQuerySerializer, request)
        since, until = stats.parse_range(
            q.get("since") and q["since"].isoformat(),
            q.get("until") and q["until"].isoformat(),
            default=stats.customer_service_week(),
        )
        result = stats.recognition(_team_ids(request.user, q.get("team")), since, until)
        result["awards"] = [a.__dict__ for a in result["awards"]]
        return Response(RecognitionSerializer(result).data)


class TeamDashboardView(_Lead, APIView):
    @extend_schema(
        summary="The lead's team dashboard (TEAM-4): live figures, each with its list's link",
        parameters=[TeamParamSerializer],
        responses={200: TeamDashboardSerializer, 404: NO_TEAM},
    )
    def get(self, request):
        require_lead(request.user)
        q = _query(TeamParamSerializer, request)
        team = team_for(request.user, q.get("team"))
        f = dashboard.team_figures(team, viewer=request.user)
        absolute = request.build_absolute_uri
        body = {
            "team": team.pk,
            "open_total": f["open_total"],
            "open_by_status": [
                {"label": s["label"], "count": s["count"], "url": absolute(s["url"])}
                for s in f["statuses"]
            ],
            "open_by_agent": [
                {"label": a["name"], "count": a["count"], "url": absolute(a["url"])}
                for a in f["by_agent"]
            ],
            "clocks_at_risk": f["at_risk"],
            "clocks_breached": f["breached"],
            "compliance_this_week": f["compliance_this_week"],
            "compliance_previous_four_weeks": f["compliance_before"],
            "median_first_response_hours": f["first_response_hours"],
            "median_resolution_hours": f["resolution_hours"],
            "credits_awaiting_approval": f["credits_waiting"],
            "csat_trend": [
                {
                    "week": w["week"].isoformat(),
                    "count": w["count"],
                    "average": str(w["average"]) if w["average"] is not None else None,
                }
                for w in f["csat_trend"]
            ],
            "coverage_gap_hours_next_week": f["coverage_gap_hours"],
            "hiring_rounds_to_review": [
                {"label": r["name"], "count": r["count"], "url": absolute(r["url"])}
                for r in f["rounds_to_review"]
            ],
            "links": {
                "open_cases": absolute(f["open_url"]),
                "clocks": absolute(f["breaches_url"]),
                "resolved": absolute(f["resolved_url"]),
                "credits": absolute(f["credits_url"]) if f["credits_url"] else "",
                "csat": absolute(f["csat_url"]),
                "coverage": absolute(f["coverage_url"]),
            },
        }
        return Response(TeamDashboardSerializer(body).data)


class ManualTimeView(_Lead, APIView):
    @extend_schema(
        summary="Disable or allow manual time for one freelancer of your team (HIR-8)",
        request=ManualTimeSerializer,
        responses={200: ManualTimeStateSerializer, 404: error_response("No such freelancer.")},
    )
    def post(self, request, pk):
        require_lead(request.user, "manual time switch")
        person = freelancers_managed_by(request.user).filter(pk=pk).first()
        if person is None:
            raise NotFound("No such freelancer in the teams you lead.")
        data = ManualTimeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = time_services.manual_time_set(
            actor=request.user, user=person, disabled=data.validated_data["disabled"]
        )
        body = {"freelancer": person.username, "manual_time_disabled": profile.manual_time_disabled}
        return Response(ManualTimeStateSerializer(body).data)
