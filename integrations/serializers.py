from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.validation import SingleLineCharField

from .models import (
    ClientMessage,
    Resource,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """An endpoint as admins see it; the secret is write-only."""

    secret = serializers.CharField(write_only=True, min_length=16, max_length=200)
    event_types = serializers.ListField(
        child=SingleLineCharField(max_length=100), min_length=1, max_length=100
    )
    url = SingleLineCharField(max_length=500)
    name = SingleLineCharField(max_length=100)
    source_system = SingleLineCharField(max_length=100, required=False, allow_blank=True)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "name",
            "url",
            "secret",
            "event_types",
            "team",
            "source_system",
            "active",
            "consecutive_failures",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = [
            "consecutive_failures",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]


class WebhookEndpointUpdateSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(write_only=True, min_length=16, max_length=200, required=False)


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["attempted_at", "status_code", "latency_ms", "response_excerpt", "error"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField(source="event.event_id", read_only=True)
    event_type = serializers.CharField(source="event.event_type", read_only=True)
    occurred_at = serializers.DateTimeField(source="event.occurred_at", read_only=True)
    endpoint_name = serializers.CharField(source="endpoint.name", read_only=True)
    attempts_log = WebhookAttemptSerializer(source="log", many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "endpoint_name",
            "event_id",
            "event_type",
            "occurred_at",
            "replay_of",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
            "attempts_log",
        ]
        read_only_fields = fields


class ReplayRangeSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    failed_only = serializers.BooleanField(default=False)


class ReplayResultSerializer(serializers.Serializer):
    replayed = serializers.IntegerField()
    deliveries = serializers.ListField(child=serializers.IntegerField())


class ResourceSerializer(serializers.ModelSerializer):
    packs = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = ["id", "title", "url", "audience", "case_kinds", "tags", "active", "packs"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_packs(self, obj) -> list[str]:
        return [pack.slug for pack in obj.packs.all()]


class ClientMessageSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    timeline_event = serializers.IntegerField(source="event_id", read_only=True)

    class Meta:
        model = ClientMessage
        # No addresses: the status of a delivery, not the client's contact details.
        fields = [
            "id",
            "case",
            "timeline_event",
            "subject",
            "message_id",
            "status",
            "attempts",
            "last_error",
            "sent_at",
            "created_at",
        ]
        read_only_fields = fields


class InboundEmailResultSerializer(serializers.Serializer):
    message_id = serializers.CharField()
    case = serializers.CharField()
    action = serializers.ChoiceField(choices=["added", "created"])
    matched_by = serializers.CharField()
    status = serializers.CharField()
    replayed = serializers.BooleanField()
