"""REST: SLA clocks (read, plus the ESC-8 breach acknowledgement) and notifications."""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.access import can_acknowledge_clock, clocks_visible_to, deny
from core.api import validation
from core.errors import Forbidden
from core.models import ClockState, Notification, SlaClock, SlaPause
from core.notifications import (
    notification_mark_read,
    notifications_for,
    notifications_mark_all_read,
)
from core.sla import clock_acknowledge_breach


# SLA clocks --------------------------------------------------------------------------------
class SlaPauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaPause
        fields = ["started_at", "ended_at", "reason"]


class SubjectSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="app_label.model, e.g. escalations.case")
    id = serializers.IntegerField()
    label = serializers.CharField()
    url = serializers.CharField(allow_blank=True)


class SlaClockSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    calendar = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    remaining_seconds = serializers.SerializerMethodField()
    acknowledged_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    pauses = SlaPauseSerializer(many=True, read_only=True)

    class Meta:
        model = SlaClock
        fields = [
            "id",
            "subject",
            "metric",
            "state",
            "target_seconds",
            "calendar",
            "warn_fraction",
            "started_at",
            "due_at",
            "warn_at",
            "warned_at",
            "met_at",
            "breached_at",
            "cancelled_at",
            "paused_at",
            "remaining_seconds",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledge_reason",
            "pauses",
        ]

    @extend_schema_field(SubjectSerializer)
    def get_subject(self, obj) -> dict:
        subject = obj.subject
        ct = obj.content_type
        return {
            "type": f"{ct.app_label}.{ct.model}",
            "id": obj.object_id,
            "label": str(subject) if subject is not None else "",
            "url": subject.get_absolute_url()
            if subject is not None and hasattr(subject, "get_absolute_url")
            else "",
        }

    @extend_schema_field(OpenApiTypes.NUMBER)
    def get_remaining_seconds(self, obj) -> float:
        """Working seconds left (0 once due or closed; frozen while paused)."""
        now = self.context.get("now") or timezone.now()
        return obj.remaining(now).total_seconds()


class SlaClockFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ClockState.choices)
    metric = django_filters.CharFilter()
    calendar = django_filters.CharFilter(field_name="calendar__slug")
    subject_type = django_filters.CharFilter(method="filter_subject_type", label="app_label.model")
    object_id = validation.NumberFilter()
    due_before = validation.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt")
    due_after = validation.IsoDateTimeFilter(field_name="due_at", lookup_expr="gte")
    breached_after = validation.IsoDateTimeFilter(field_name="breached_at", lookup_expr="gte")
    breached_before = validation.IsoDateTimeFilter(field_name="breached_at", lookup_expr="lt")
    acknowledged = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = SlaClock
        fields = ["state", "metric", "calendar", "object_id"]

    def filter_subject_type(self, queryset, name, value):
        app_label, _, model = value.lower().partition(".")
        ct = ContentType.objects.filter(app_label=app_label, model=model).first()
        return queryset.filter(content_type=ct) if ct else queryset.none()


class AcknowledgeSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the breach happened / what was done.")


@extend_schema(tags=["sla"])
class SlaClockViewSet(viewsets.ReadOnlyModelViewSet):
    """SLA clocks (CORE-3) for REST clients: state, due times, pauses."""

    serializer_class = SlaClockSerializer
    filterset_class = SlaClockFilter
    ordering_fields = ["due_at", "started_at", "breached_at", "id"]
    service_scopes = ("cases:read", None)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SlaClock.objects.none()
        return clocks_visible_to(
            self.request.user,
            SlaClock.objects.select_related("calendar", "content_type", "acknowledged_by")
            .prefetch_related("pauses", "subject")
            .order_by("due_at", "id"),
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        request=AcknowledgeSerializer,
        responses=SlaClockSerializer,
        description="ESC-8: a team lead or admin acknowledges a breached clock with a reason.",
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        clock = self.get_object()
        if not can_acknowledge_clock(request.user, clock):  # 403 before the body is read
            deny(request.user, "acknowledge breach", target=clock)
            raise Forbidden("Only a lead of the case's team (or an admin) may acknowledge.")
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        clock = clock_acknowledge_breach(
            clock=clock, lead=request.user, reason=body.validated_data["reason"]
        )
        clock = self.get_queryset().get(pk=clock.pk)
        return Response(self.get_serializer(clock).data)


# Notifications -----------------------------------------------------------------------------
class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")
    kind = django_filters.CharFilter()
    since = validation.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


@extend_schema(tags=["notifications"])
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's own notifications (CORE-7); ``?unread=true`` for unread only."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications_for(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        try:
            notification_id = int(pk)
        except (TypeError, ValueError):
            notification_id = 0
        notification = notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications_mark_all_read(user=request.user)})

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", filter_backends=[])
    def unread_count(self, request):
        return Response({"unread": notifications_for(request.user, unread=True).count()})
