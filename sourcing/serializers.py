"""REST representations for sourcing. Import rows are validated by the import service
(all-or-nothing, one report); the row serializers here document them in the schema."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .eligibility import MAX_SHORTLIST_SIZE, RULE_LABELS
from .models import Agency, Freelancer, ImportJob, Invitation, Region, Shortlist, SourcingRules
from .models.rules import RULE_FIELDS
from .services.validation import MAX_API_ROWS


# Talent pool -------------------------------------------------------------------------------
class AgencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "external_id", "name", "is_premium"]


class FreelancerSerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer(read_only=True, allow_null=True)
    badges = serializers.ListField(child=serializers.CharField(), read_only=True)
    english_level = serializers.CharField(source="get_english_level_display", read_only=True)
    skills = serializers.SerializerMethodField()
    keywords = serializers.SerializerMethodField()

    class Meta:
        model = Freelancer
        fields = [
            "id",
            "external_id",
            "name",
            "title",
            "agency",
            "jss",
            "badges",
            "is_top_rated",
            "is_top_rated_plus",
            "is_rising_talent",
            "is_premium",
            "english_level",
            "country",
            "region",
            "hourly_rate",
            "total_hours",
            "completed_jobs_count",
            "skills",
            "keywords",
            "updated_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_skills(self, obj) -> list[str]:
        return [s.name for s in obj.skills.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_keywords(self, obj) -> list[str]:
        return [k.name for k in obj.keywords.all()]


class AgencySerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "external_id",
            "name",
            "jss",
            "dispute_count",
            "is_premium",
            "country",
            "member_count",
            "updated_at",
        ]


class JobRowSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=200)
    category = serializers.CharField(help_text="A known category name, e.g. Design.")
    subcategory = serializers.CharField(required=False, help_text="E.g. UX/UI Design.")
    end_date = serializers.DateField(help_text="Not in the future.")
    hours = serializers.IntegerField(min_value=0, required=False)
    skills = serializers.ListField(child=serializers.CharField(), required=False)


class InvitationRowSerializer(serializers.Serializer):
    job = serializers.CharField(max_length=100)
    at = serializers.DateTimeField()


class FreelancerRowSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=64, help_text="Upsert key.")
    name = serializers.CharField(max_length=200)
    title = serializers.CharField(required=False, max_length=200)
    agency = serializers.CharField(required=False, help_text="An imported agency's external id.")
    jss = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    badges = serializers.ListField(
        child=serializers.ChoiceField(
            ["top_rated", "top_rated_plus", "rising_talent", "premium", "expert_vetted"]
        ),
        required=False,
    )
    english_level = serializers.ChoiceField(["basic", "conversational", "fluent", "native"])
    country = serializers.CharField(min_length=2, max_length=2, help_text="ISO 3166-1 alpha-2.")
    region = serializers.ChoiceField(Region.choices)
    hourly_rate = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    total_hours = serializers.IntegerField(
        min_value=0, required=False, help_text="Defaults to the sum of the jobs' hours."
    )
    skills = serializers.ListField(child=serializers.CharField(), required=False)
    keywords = serializers.ListField(child=serializers.CharField(), required=False)
    jobs = JobRowSerializer(many=True, required=False, help_text="Replaces the stored jobs.")
    invitations = InvitationRowSerializer(many=True, required=False)


class FreelancerImportSerializer(serializers.Serializer):
    rows = FreelancerRowSerializer(many=True, help_text=f"1 to {MAX_API_ROWS:,} rows.")


class AgencyRowSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    jss = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    dispute_count = serializers.IntegerField(min_value=0, required=False)
    is_premium = serializers.BooleanField(required=False)
    country = serializers.CharField(max_length=2, required=False)


class AgencyImportSerializer(serializers.Serializer):
    rows = AgencyRowSerializer(many=True, help_text=f"1 to {MAX_API_ROWS:,} rows.")


class ImportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "source",
            "status",
            "filename",
            "total_rows",
            "processed_rows",
            "written_rows",
            "percent",
            "created_count",
            "updated_count",
            "unchanged_count",
            "error_count",
            "errors",
            "created_at",
            "started_at",
            "finished_at",
        ]


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    field = serializers.CharField()
    message = serializers.CharField()


class ImportErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    rows = RowErrorSerializer(many=True, required=False, help_text="When rows were refused.")
    error_count = serializers.IntegerField(required=False)


class ImportErrorSerializer(serializers.Serializer):
    error = ImportErrorBodySerializer()


# Shortlists ---------------------------------------------------------------------------------
class CriteriaSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    job_reference = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Needed to invite."
    )
    case_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    category = serializers.CharField(max_length=100)
    subcategory = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    skills = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list
    )
    countries = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, default=list
    )
    regions = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        default=list,
        help_text="Region codes: " + ", ".join(Region.values),
    )
    budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    writing = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Default: from the category."
    )
    size = serializers.IntegerField(
        min_value=1, max_value=MAX_SHORTLIST_SIZE, required=False, allow_null=True
    )


class RuleResultSerializer(serializers.Serializer):
    rule = serializers.CharField()
    label = serializers.CharField()
    passed = serializers.BooleanField()
    observed = serializers.JSONField(allow_null=True)
    threshold = serializers.CharField()
    message = serializers.CharField()


class MoveSerializer(serializers.Serializer):
    freelancer_id = serializers.IntegerField()
    name = serializers.CharField()
    from_rank = serializers.IntegerField()
    to_rank = serializers.IntegerField()
    reason = serializers.CharField()


class FunnelStepSerializer(serializers.Serializer):
    rule = serializers.CharField()
    label = serializers.CharField()
    removed = serializers.IntegerField()
    remaining = serializers.IntegerField()


class EntrySerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    base_rank = serializers.IntegerField()
    score = serializers.IntegerField()
    freelancer_id = serializers.IntegerField()
    freelancer = serializers.JSONField(source="snapshot", help_text="Facts at evaluation time.")
    rules = RuleResultSerializer(source="rule_results", many=True)
    moves = MoveSerializer(many=True)
    invited = serializers.SerializerMethodField()

    def get_invited(self, obj) -> bool:
        return obj.freelancer_id in self.context.get("invited_ids", set())


class ShortlistListSerializer(serializers.ModelSerializer):
    rules_version = serializers.IntegerField(source="rules.version", read_only=True)
    created_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Shortlist
        fields = [
            "id",
            "title",
            "job_reference",
            "case_reference",
            "rules_version",
            "as_of",
            "pool_count",
            "eligible_count",
            "created_by",
            "created_at",
        ]


class ShortlistSerializer(ShortlistListSerializer):
    funnel = serializers.SerializerMethodField()
    displacements = MoveSerializer(many=True)
    entries = EntrySerializer(many=True)

    class Meta(ShortlistListSerializer.Meta):
        fields = [
            *ShortlistListSerializer.Meta.fields,
            "criteria",
            "rules_snapshot",
            "funnel",
            "displacements",
            "entries",
        ]

    @extend_schema_field(FunnelStepSerializer(many=True))
    def get_funnel(self, obj) -> list[dict]:
        return [
            {**step, "label": RULE_LABELS.get(step["rule"], step["rule"])} for step in obj.funnel
        ]


class InviteSerializer(serializers.Serializer):
    freelancer_ids = serializers.ListField(
        # ids are bigint columns: a larger number names no row and must not reach SQL
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=MAX_SHORTLIST_SIZE,
    )


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "freelancer",
            "job_reference",
            "invited_at",
            "source",
            "shortlist",
            "invited_by",
        ]


class ConflictItemSerializer(serializers.Serializer):
    freelancer_id = serializers.IntegerField(allow_null=True)
    reason = serializers.ChoiceField(["already_invited", "cooldown"])
    until = serializers.DateTimeField(allow_null=True)
    message = serializers.CharField()


class InviteConflictBodySerializer(serializers.Serializer):
    code = serializers.ChoiceField(["already_invited", "invite_cooldown"])
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    conflicts = ConflictItemSerializer(many=True)


class InviteConflictSerializer(serializers.Serializer):
    error = InviteConflictBodySerializer()


class ExplainFreelancerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    name = serializers.CharField()


class ExplainSerializer(serializers.Serializer):
    shortlist = serializers.IntegerField()
    rules_version = serializers.IntegerField()
    as_of = serializers.DateTimeField()
    freelancer = ExplainFreelancerSerializer()
    status = serializers.ChoiceField(["shortlisted", "excluded", "eligible_below_cutoff"])
    rank = serializers.IntegerField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()
    first_failed_rule = RuleResultSerializer(allow_null=True)
    failed_rules = RuleResultSerializer(many=True)
    rules = RuleResultSerializer(many=True)
    moves = MoveSerializer(many=True)


class NearMissSerializer(serializers.Serializer):
    """An excluded candidate who failed few rules (SRC-5): which, in words."""

    freelancer = ExplainFreelancerSerializer()
    score = serializers.IntegerField()
    failed_count = serializers.IntegerField()
    failed_rules = RuleResultSerializer(many=True)


# Thresholds ---------------------------------------------------------------------------------
ENGLISH_HELP = "1 basic, 2 conversational, 3 fluent, 4 native"


class SourcingRulesSerializer(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField(allow_null=True)
    min_english_level = serializers.IntegerField(
        min_value=1, max_value=4, required=False, help_text=ENGLISH_HELP
    )
    writing_min_english_level = serializers.IntegerField(
        min_value=1, max_value=4, required=False, help_text=ENGLISH_HELP
    )

    class Meta:
        model = SourcingRules
        fields = ["id", "version", *RULE_FIELDS, "note", "created_by", "created_at"]
        read_only_fields = ["id", "version", "created_by", "created_at"]
