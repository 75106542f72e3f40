"""Serializers of the workforce API (request bodies validated here; services decide)."""

from __future__ import annotations

from rest_framework import serializers

from core.api.validation import BoundedDateTimeField, SingleLineCharField

from .models import EntryKind, Outage, TimeEntry


class TeamParamSerializer(serializers.Serializer):
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class CoverageQuerySerializer(TeamParamSerializer):
    week = serializers.DateField(help_text="The Monday the week starts on, YYYY-MM-DD.")
    tz = SingleLineCharField(
        max_length=64,
        required=False,
        default="UTC",
        help_text="IANA time zone the week and rows are shown in.",
    )


class CoverageRowSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="UTC instant the hour starts, ISO 8601.")
    local = serializers.CharField(
        help_text="The same instant in the requested zone, ISO 8601 with its offset."
    )
    available = serializers.IntegerField()
    candidates = serializers.IntegerField()
    required = serializers.IntegerField()
    gap = serializers.IntegerField()


class CoverageSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    week = serializers.DateField()
    tz = serializers.CharField()
    forecast_source = serializers.ChoiceField(choices=["entered", "computed"])
    gap_hours = serializers.IntegerField()
    rows = CoverageRowSerializer(many=True)


class TimeEntrySerializer(serializers.ModelSerializer):
    freelancer = serializers.CharField(source="user.username", read_only=True)
    flagged = serializers.BooleanField(source="is_flagged", read_only=True)

    class Meta:
        model = TimeEntry
        fields = [
            "id",
            "freelancer",
            "kind",
            "starts_at",
            "ends_at",
            "minutes",
            "day",
            "week",
            "flagged",
            "flagged_minutes",
            "source",
            "created_at",
        ]
        read_only_fields = fields


class TimeEntryInSerializer(serializers.Serializer):
    freelancer = SingleLineCharField(max_length=150, help_text="The freelancer's username.")
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    start = BoundedDateTimeField(help_text="ISO 8601 with a UTC offset.")
    end = BoundedDateTimeField(help_text="ISO 8601 with a UTC offset.")


class TimeEntryImportSerializer(serializers.Serializer):
    entries = TimeEntryInSerializer(many=True, allow_empty=False, max_length=5000)


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    skipped = serializers.IntegerField(
        help_text="Rows imported before (same freelancer, kind and start)."
    )
    flagged = serializers.IntegerField()
    entries = TimeEntrySerializer(many=True)


class OutageSerializer(serializers.ModelSerializer):
    declared_by = serializers.CharField(source="declared_by.username", read_only=True)

    class Meta:
        model = Outage
        fields = ["id", "starts_at", "ends_at", "reason", "declared_by", "created_at"]
        read_only_fields = ["id", "declared_by", "created_at"]


class OutageInSerializer(serializers.Serializer):
    starts_at = BoundedDateTimeField()
    ends_at = BoundedDateTimeField()
    reason = SingleLineCharField(max_length=200, required=False, allow_blank=True, default="")


class WeekQuerySerializer(TeamParamSerializer):
    week = serializers.DateField(
        required=False, help_text="Monday of the billing week (UTC); default the last."
    )


class ReportRowSerializer(serializers.Serializer):
    agent = serializers.CharField()
    tracked_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    manual_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    flagged_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    logged_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    cases_handled = serializers.IntegerField()
    timeline_events = serializers.IntegerField()
    calls = serializers.IntegerField()
    note = serializers.CharField()


class WeeklyReportSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    week = serializers.DateField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    correctable_until = serializers.DateTimeField()
    rows = ReportRowSerializer(many=True)
    open_entries = TimeEntrySerializer(many=True)


class RangeQuerySerializer(TeamParamSerializer):
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


class CsatQuerySerializer(RangeQuerySerializer):
    by = serializers.ChoiceField(choices=["agent", "team"], required=False, default="agent")


class CsatRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    count = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    distribution = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ratings of 1, 2, 3, 4 and 5."
    )


class CsatSummarySerializer(serializers.Serializer):
    by = serializers.CharField()
    since = serializers.DateField()
    until = serializers.DateField()
    rows = CsatRowSerializer(many=True)


class AwardPersonSerializer(serializers.Serializer):
    agent = serializers.CharField(source="name")
    start_date = serializers.DateField(allow_null=True)
    days_served = serializers.IntegerField(allow_null=True)
    hours = serializers.DecimalField(max_digits=8, decimal_places=1)
    ratings = serializers.IntegerField()
    csat = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)


class AwardSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    winners = AwardPersonSerializer(many=True)
    explanation = serializers.CharField()
    ranking = AwardPersonSerializer(many=True)


class RecognitionSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    min_ratings = serializers.IntegerField()
    awards = AwardSerializer(many=True)


class FigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    url = serializers.CharField()


class TeamDashboardSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    open_total = serializers.IntegerField()
    open_by_status = FigureSerializer(many=True)
    open_by_agent = FigureSerializer(many=True)
    clocks_at_risk = serializers.IntegerField()
    clocks_breached = serializers.IntegerField()
    compliance_this_week = serializers.FloatField(allow_null=True)
    compliance_previous_four_weeks = serializers.FloatField(allow_null=True)
    median_first_response_hours = serializers.FloatField(allow_null=True)
    median_resolution_hours = serializers.FloatField(allow_null=True)
    credits_awaiting_approval = serializers.IntegerField(allow_null=True)
    csat_trend = serializers.ListField(child=serializers.DictField())
    coverage_gap_hours_next_week = serializers.IntegerField()
    hiring_rounds_to_review = FigureSerializer(many=True)
    links = serializers.DictField(child=serializers.CharField())


class ManualTimeSerializer(serializers.Serializer):
    disabled = serializers.BooleanField(help_text="True refuses further manual entries.")


class ManualTimeStateSerializer(serializers.Serializer):
    freelancer = serializers.CharField()
    manual_time_disabled = serializers.BooleanField()
