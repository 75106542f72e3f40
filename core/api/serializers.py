from django.db import models
from rest_framework import serializers

from core.models import AuditEvent, Team, User


class _BlankAsNull:
    """Reads a blank optional column as null (API-1: "" is not a valid enum, email or URI).

    On input, null means blank, so the request side validates as before.
    """

    def to_representation(self, value):
        return None if value == "" else super().to_representation(value)

    def validate_empty_values(self, data):
        return super().validate_empty_values("" if data is None else data)


_BLANK_AS_NULL: dict[type, type] = {}


def blank_as_null(field_class: type) -> type:
    if field_class not in _BLANK_AS_NULL:
        name = f"BlankAsNull{field_class.__name__}"
        _BLANK_AS_NULL[field_class] = type(name, (_BlankAsNull, field_class), {})
    return _BLANK_AS_NULL[field_class]


class BlankAsNullModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose optional choice, email and URL columns (``blank=True``,
    stored as "") read as null and are documented as nullable."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if model_field.blank and (
            model_field.choices or isinstance(model_field, models.EmailField | models.URLField)
        ):
            field_class = blank_as_null(field_class)
            kwargs["allow_null"] = True
        return field_class, kwargs


class TeamBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class MeSerializer(BlankAsNullModelSerializer):
    team = TeamBriefSerializer(read_only=True)
    is_lead = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "is_lead",
            "team",
            "time_zone",
            "languages",
            "channels",
            "start_date",
        ]


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "role",
            "team",
            "time_zone",
            "languages",
            "channels",
            "start_date",
            "is_active",
        ]


class TeamSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "lead", "members"]


class AuditEventSerializer(serializers.ModelSerializer):
    target_type = serializers.CharField(source="target_type.model", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "before",
            "after",
            "reason",
        ]
