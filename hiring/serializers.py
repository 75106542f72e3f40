"""REST shapes of hiring (HIR-1..HIR-9). Input serializers only check shape; services
check rules."""

from __future__ import annotations

from rest_framework import serializers

from core.api.validation import FreeTextField, SingleLineCharField
from core.models import Channel

from .models import Applicant, Posting, Question, QuestionKind, Round, Stage, StageChange
from .submission_rules import Contract


class PostingSerializer(serializers.ModelSerializer):
    is_stale = serializers.SerializerMethodField()

    class Meta:
        model = Posting
        fields = [
            "id",
            "kind",
            "title",
            "text",
            "posted_at",
            "reviewed_at",
            "price",
            "hours_per_week",
            "months",
            "is_stale",
        ]

    def get_is_stale(self, obj) -> bool:
        return obj.is_stale()


class RoundSerializer(serializers.ModelSerializer):
    postings = PostingSerializer(many=True, read_only=True)
    team = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Round
        fields = ["id", "team", "name", "created_at", "postings"]


class RoundCreateSerializer(serializers.Serializer):
    team = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    name = SingleLineCharField(max_length=120)
    assessment_title = SingleLineCharField(max_length=200)
    assessment_text = FreeTextField(max_length=10000)
    hourly_title = SingleLineCharField(max_length=200)
    hourly_text = FreeTextField(max_length=10000)
    hours_per_week = serializers.IntegerField(min_value=30, max_value=80, default=30)
    months = serializers.IntegerField(min_value=6, max_value=60, default=6)


class StageChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageChange
        fields = ["from_stage", "to_stage", "at", "reason"]


class ApplicantSerializer(serializers.ModelSerializer):
    submission_url = serializers.SerializerMethodField()
    is_duplicate = serializers.SerializerMethodField()
    integrity_tier = serializers.SerializerMethodField()
    availability_hours = serializers.IntegerField(read_only=True)
    speedtest_url = serializers.CharField(read_only=True, help_text="Empty until sent.")
    history = StageChangeSerializer(
        source="changes", many=True, read_only=True, help_text="Every stage entered, in order."
    )

    class Meta:
        model = Applicant
        fields = [
            "id",
            "round",
            "name",
            "email",
            "profile_id",
            "country",
            "region",
            "languages",
            "stage",
            "stage_changed_at",
            "is_duplicate",
            "duplicate_of",
            "submitted_at",
            "choice_points",
            "free_points",
            "max_points",
            "score_percent",
            "integrity_tier",
            "availability_hours",
            "availability",
            "operating_system",
            "browser",
            "speedtest_url",
            "hours_confirmed",
            "hired_user",
            "contract",
            "submission_url",
            "history",
        ]
        read_only_fields = fields

    def get_submission_url(self, obj) -> str:
        from .services import submission_url

        request = self.context.get("request")
        path = submission_url(obj)
        return request.build_absolute_uri(path) if request else path

    def get_is_duplicate(self, obj) -> bool:
        return obj.duplicate_of_id is not None

    def get_integrity_tier(self, obj) -> str:
        from .integrity import tier_of

        return tier_of(obj.integrity_points)[0]


class ApplicantCreateSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=120)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    profile_id = SingleLineCharField(required=False, allow_blank=True, max_length=80)
    country = SingleLineCharField(max_length=2, min_length=2)
    region = SingleLineCharField(required=False, allow_blank=True, max_length=40)
    languages = serializers.ListField(
        child=SingleLineCharField(max_length=40), required=False, max_length=10
    )


class ApplicantMoveSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    reason = SingleLineCharField(required=False, allow_blank=True, max_length=500)


class ScoreItemSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    points = serializers.IntegerField(min_value=0, max_value=20)
    note = SingleLineCharField(required=False, allow_blank=True, max_length=500)


class ScoreSerializer(serializers.Serializer):
    scores = ScoreItemSerializer(many=True, allow_empty=False, max_length=50)


class HireSerializer(serializers.Serializer):
    username = SingleLineCharField(max_length=150)
    password = serializers.CharField(
        required=False, allow_blank=True, max_length=128, write_only=True, trim_whitespace=False
    )
    time_zone = SingleLineCharField(max_length=64)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), max_length=3
    )
    start_date = serializers.DateField()
    contract = serializers.ChoiceField(
        choices=list(Contract.LABELS.items()), default=Contract.LONG_TERM_HOURLY
    )
    override_reason = SingleLineCharField(required=False, allow_blank=True, max_length=500)


class FunnelStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    reached = serializers.IntegerField()
    now = serializers.IntegerField()
    conversion = serializers.FloatField(allow_null=True)
    median_hours = serializers.FloatField(allow_null=True)


class FunnelSerializer(serializers.Serializer):
    stages = FunnelStageSerializer(many=True)
    total = serializers.IntegerField()
    pass_mark = serializers.IntegerField()
    assessment_pass_rate = serializers.FloatField(allow_null=True)
    assessment_scored = serializers.IntegerField()
    interview_hire_rate = serializers.FloatField(allow_null=True)
    duplicates = serializers.IntegerField()


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = [
            "id",
            "kind",
            "text",
            "options",
            "correct_option",
            "rubric",
            "points",
            "as_image",
            "active",
        ]
        read_only_fields = ["id", "active"]


class QuestionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = FreeTextField(max_length=2000)
    options = serializers.ListField(
        child=SingleLineCharField(max_length=300), required=False, max_length=8
    )
    correct_option = serializers.IntegerField(required=False, min_value=0, max_value=7)
    rubric = FreeTextField(required=False, allow_blank=True, max_length=2000)
    points = serializers.IntegerField(min_value=1, max_value=20, default=1)
    as_image = serializers.BooleanField(default=True)
