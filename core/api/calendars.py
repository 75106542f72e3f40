"""REST: business calendars and deadline arithmetic (CORE-1, CORE-2)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.calendars import calendar_deadline, calendar_elapsed, calendar_get, calendars_list
from core.models import BusinessCalendar, Holiday
from core.models.calendars import seconds_label
from core.validation import instant_problem

_ISO_DURATION = re.compile(
    r"^(?P<sign>[-+]?)P(?!$)"
    r"(?:(?P<weeks>\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+(?:[.,]\d+)?)H)?"
    r"(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}


def parse_duration_param(value: str) -> Decimal:
    """Seconds (``86400``, ``1.5``) or an ISO 8601 duration (``PT24H``, ``P1DT2H``, ``P2W``).

    Returns signed seconds. Years and months are refused: their length is ambiguous.
    """
    text = (value or "").strip()
    if not text:
        raise serializers.ValidationError("Give a duration in seconds or ISO 8601 (PT24H).")
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    if re.match(r"^[-+]?P(\d+([.,]\d+)?[YM])", text, re.IGNORECASE):
        raise serializers.ValidationError(
            "Years and months are ambiguous; use weeks, days, hours, minutes or seconds."
        )
    match = _ISO_DURATION.match(text)
    if not match:
        raise serializers.ValidationError(
            f"{text!r} is not a number of seconds or an ISO 8601 duration such as PT24H."
        )
    total = Decimal(0)
    for unit, factor in _UNIT_SECONDS.items():
        part = match.group(unit)
        if part:
            total += Decimal(part.replace(",", ".")) * factor
    return -total if match.group("sign") == "-" else total


@extend_schema_field(OpenApiTypes.STR)
class DurationParamField(serializers.Field):
    def to_internal_value(self, data):
        seconds = parse_duration_param(str(data))
        if seconds < 0:
            raise serializers.ValidationError("The duration must not be negative.")
        if not seconds.is_finite() or seconds > 10**10:
            raise serializers.ValidationError("The duration is too long.")
        return dt.timedelta(seconds=float(seconds))

    def to_representation(self, value):
        return value.total_seconds()


class AwareDateTimeParamField(serializers.DateTimeField):
    """ISO 8601 with a UTC offset; a '+' turned into a space by URL decoding is repaired."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            value = value.strip()
            value = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value)
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                raise serializers.ValidationError(
                    f"{value!r} is not an ISO 8601 datetime (e.g. 2026-03-09T09:00:00-07:00)."
                ) from None
            if parsed.tzinfo is None or parsed.utcoffset() is None:
                raise serializers.ValidationError(
                    "Naive datetime: include a UTC offset (e.g. -07:00 or Z)."
                )
            problem = instant_problem(parsed)  # years 2000..2100, offsets within 14 h
            if problem:
                raise serializers.ValidationError(problem)
            return parsed
        raise serializers.ValidationError("Expected an ISO 8601 datetime string.")


class DeadlineQuerySerializer(serializers.Serializer):
    start = AwareDateTimeParamField(help_text="ISO 8601 instant with a UTC offset.")
    duration = DurationParamField(help_text="Seconds (86400) or ISO 8601 duration (PT24H).")


class ElapsedQuerySerializer(serializers.Serializer):
    start = AwareDateTimeParamField()
    end = AwareDateTimeParamField()


class DeadlineSerializer(serializers.Serializer):
    calendar = serializers.CharField()
    start = serializers.CharField()
    duration_seconds = serializers.FloatField()
    deadline = serializers.CharField(help_text="ISO 8601 instant in UTC.")


class ElapsedSerializer(serializers.Serializer):
    calendar = serializers.CharField()
    start = serializers.CharField()
    end = serializers.CharField()
    seconds = serializers.FloatField(help_text="Working seconds between start and end.")


class WorkingIntervalSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday ... 6 = Sunday")
    weekday_name = serializers.CharField()
    start = serializers.CharField(help_text="HH:MM local time")
    end = serializers.CharField(help_text="HH:MM local time; 24:00 = end of day")


class HolidaySerializer(serializers.ModelSerializer):
    full_day = serializers.BooleanField(source="is_full_day", read_only=True)

    class Meta:
        model = Holiday
        fields = ["date", "name", "full_day", "start", "end", "source"]


class BusinessCalendarSerializer(serializers.ModelSerializer):
    weekly = serializers.SerializerMethodField()

    class Meta:
        model = BusinessCalendar
        fields = [
            "slug",
            "name",
            "description",
            "time_zone",
            "holiday_country",
            "holiday_subdiv",
            "weekly",
            "updated_at",
        ]

    @extend_schema_field(WorkingIntervalSerializer(many=True))
    def get_weekly(self, obj) -> list[dict]:
        names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        rows = []
        for iv in sorted(obj.intervals.all(), key=lambda i: (i.weekday, i.start)):
            s, e = iv.as_interval()
            rows.append(
                {
                    "weekday": iv.weekday,
                    "weekday_name": names[iv.weekday],
                    "start": seconds_label(s),
                    "end": seconds_label(e),
                }
            )
        return rows


class BusinessCalendarDetailSerializer(BusinessCalendarSerializer):
    holidays = HolidaySerializer(many=True, read_only=True)

    class Meta(BusinessCalendarSerializer.Meta):
        fields = [*BusinessCalendarSerializer.Meta.fields, "holidays"]


def _utc_iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _number(seconds: float) -> float | int:
    return int(seconds) if float(seconds).is_integer() else seconds


@extend_schema(tags=["calendars"])
class BusinessCalendarViewSet(viewsets.ReadOnlyModelViewSet):
    """Business-hours calendars (CORE-1) and deadline arithmetic on them (CORE-2).

    An unknown slug is 404 on the calendar itself; on ``deadline``/``elapsed`` it is a 400
    naming the ``calendar`` field, like every other bad input of those computations.
    """

    service_scopes = ("calendars:read", None)

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    filterset_fields = ["time_zone", "holiday_country"]
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "slug"]

    def get_queryset(self):
        qs = calendars_list()
        if self.action == "retrieve":
            qs = qs.prefetch_related("holidays")
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return BusinessCalendarDetailSerializer
        return BusinessCalendarSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter(
                "duration",
                OpenApiTypes.STR,
                required=True,
                description="Seconds (e.g. 86400) or an ISO 8601 duration (e.g. PT24H, P2DT4H).",
            ),
        ],
        responses=DeadlineSerializer,
        description="The instant (UTC) at which `duration` of working time has elapsed "
        "after `start` on this calendar. Naive datetimes, negative durations and unknown "
        "calendars are 400 errors naming the field.",
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def deadline(self, request, slug=None):
        calendar = calendar_get(slug, field="calendar")
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, duration = query.validated_data["start"], query.validated_data["duration"]
        deadline = calendar_deadline(calendar=calendar, start=start, duration=duration)
        return Response(
            {
                "calendar": calendar.slug,
                "start": _utc_iso(start),
                "duration_seconds": _number(duration.total_seconds()),
                "deadline": _utc_iso(deadline),
            }
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("end", OpenApiTypes.DATETIME, required=True),
        ],
        responses=ElapsedSerializer,
        description="Working seconds between `start` and `end` on this calendar (0 when "
        "`end` is not after `start`).",
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def elapsed(self, request, slug=None):
        calendar = calendar_get(slug, field="calendar")
        query = ElapsedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        worked = calendar_elapsed(calendar=calendar, start=start, end=end)
        return Response(
            {
                "calendar": calendar.slug,
                "start": _utc_iso(start),
                "end": _utc_iso(end),
                "seconds": _number(worked.total_seconds()),
            }
        )
