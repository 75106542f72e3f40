"""REST for integrations (API-3, ESC-10, ESC-11): thin; every write calls one service."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from core.permissions import IsAdmin, IsStaff
from escalations.access import READ_SCOPE, WRITE_SCOPE, case_for
from escalations.serializers import ErrorSerializer
from escalations.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verified_body

from . import services
from .access import WEBHOOKS_SCOPE, client_message_for, client_messages_visible_to
from .inbound import inbound_email_receive, inbound_email_secrets
from .messages import client_message_resend
from .models import DeliveryStatus, Resource, WebhookDelivery, WebhookEndpoint
from .resources import resources_matching
from .serializers import (
    ClientMessageSerializer,
    InboundEmailResultSerializer,
    ReplayRangeSerializer,
    ReplayResultSerializer,
    ResourceSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (names the field)."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed."),
    404: OpenApiResponse(ErrorSerializer, description="Not found."),
}


def _err(*codes):
    return {code: ERRORS[code] for code in codes}


def _by_pk(queryset, pk, label: str):
    if not (str(pk).isascii() and str(pk).isdigit()) or len(str(pk)) > 18:
        raise NotFound(f"No {label} {pk!r}.")
    return get_object_or_404(queryset, pk=int(pk))


# Outbound webhooks (API-3) ---------------------------------------------------------------
class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Outbound webhook endpoints (admins). URLs must be http(s) and public unless
    ``WEBHOOK_ALLOW_PRIVATE_TARGETS`` is on."""

    queryset = WebhookEndpoint.objects.select_related("team")
    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsAdmin]
    service_scopes = (WEBHOOKS_SCOPE, WEBHOOKS_SCOPE)
    filterset_fields = ["active"]
    ordering_fields = ["name", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_object(self):
        return _by_pk(self.get_queryset(), self.kwargs["pk"], "webhook endpoint")

    @extend_schema(
        summary="Register an endpoint",
        responses={201: WebhookEndpointSerializer, **_err(400, 403)},
    )
    def create(self, request, *args, **kwargs):
        data = WebhookEndpointSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.endpoint_save(actor=request.user, **_endpoint_fields(data))
        return Response(WebhookEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an endpoint (turn it off or on, new URL, secret or event types)",
        request=WebhookEndpointUpdateSerializer,
        responses={200: WebhookEndpointSerializer, **_err(400, 403, 404)},
    )
    def partial_update(self, request, *args, **kwargs):
        endpoint = self.get_object()
        data = WebhookEndpointUpdateSerializer(endpoint, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {
            "name": endpoint.name,
            "url": endpoint.url,
            "secret": endpoint.secret,
            "event_types": endpoint.event_types,
            "team_id": endpoint.team_id,
            "source_system": endpoint.source_system,
            "active": endpoint.active,
            **_endpoint_fields(data),
        }
        endpoint = services.endpoint_save(actor=request.user, endpoint=endpoint, **fields)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):  # PUT is not offered (PATCH is)
        return self.http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(
        summary="Replay a range: send again every event this endpoint was sent in it",
        request=ReplayRangeSerializer,
        responses={202: ReplayResultSerializer, **_err(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def replay(self, request, pk=None):
        endpoint = self.get_object()
        data = ReplayRangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        replays = services.deliveries_replay_range(
            actor=request.user, endpoint=endpoint, **data.validated_data
        )
        body = {"replayed": len(replays), "deliveries": [r.pk for r in replays]}
        return Response(body, status=status.HTTP_202_ACCEPTED)


def _endpoint_fields(data) -> dict:
    values = dict(data.validated_data)
    if "team" in values:
        team = values.pop("team")
        values["team_id"] = team.pk if team is not None else None
    return values


class DeliveryFilter(filters.FilterSet):
    endpoint = filters.NumberFilter(field_name="endpoint_id", min_value=1, max_value=2**62)
    status = filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event_type = filters.CharFilter(field_name="event__event_type", max_length=100)
    event_id = filters.UUIDFilter(field_name="event__event_id")
    since = filters.IsoDateTimeFilter(field_name="event__occurred_at", lookup_expr="gte")
    until = filters.IsoDateTimeFilter(field_name="event__occurred_at", lookup_expr="lt")

    class Meta:
        model = WebhookDelivery
        fields = ["endpoint", "status", "event_type", "event_id", "since", "until"]


class WebhookDeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Webhook deliveries with their per-attempt log (admins)."""

    queryset = WebhookDelivery.objects.select_related("endpoint", "event").prefetch_related("log")
    serializer_class = WebhookDeliverySerializer
    permission_classes = [IsAdmin]
    service_scopes = (WEBHOOKS_SCOPE, WEBHOOKS_SCOPE)
    filterset_class = DeliveryFilter
    ordering_fields = ["created_at", "next_attempt_at"]

    def get_object(self):
        return _by_pk(self.get_queryset(), self.kwargs["pk"], "webhook delivery")

    @extend_schema(
        summary="Replay one delivery: the same event (same id) sent again",
        request=None,
        responses={202: WebhookDeliverySerializer, **_err(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def replay(self, request, pk=None):
        delivery = self.get_object()
        replay = services.delivery_replay(actor=request.user, delivery_id=delivery.pk)
        fresh = self.get_queryset().get(pk=replay.pk)
        return Response(WebhookDeliverySerializer(fresh).data, status=status.HTTP_202_ACCEPTED)


# Client resources (ESC-11) ---------------------------------------------------------------
class ResourceFilter(filters.FilterSet):
    audience = filters.ChoiceFilter(choices=Resource._meta.get_field("audience").choices)
    kind = filters.CharFilter(method="filter_kind", max_length=40)
    pack = filters.CharFilter(field_name="packs__slug", max_length=80)

    class Meta:
        model = Resource
        fields = ["audience", "kind", "pack"]

    def filter_kind(self, queryset, name, value):
        return resources_matching(queryset, kind=value)


class ResourceViewSet(viewsets.ReadOnlyModelViewSet):
    """The help-center resource library (admins edit it in the admin)."""

    queryset = Resource.objects.filter(active=True).prefetch_related("packs")
    serializer_class = ResourceSerializer
    permission_classes = [IsStaff]
    service_scopes = (READ_SCOPE, None)
    filterset_class = ResourceFilter
    search_fields = ["title", "tags"]
    ordering_fields = ["title"]

    def get_object(self):
        return _by_pk(self.get_queryset(), self.kwargs["pk"], "resource")


# Client messages (ESC-10) ----------------------------------------------------------------
class ClientMessageViewSet(viewsets.ReadOnlyModelViewSet):
    """Delivery status of the emails sent to clients, for the cases the viewer sees."""

    serializer_class = ClientMessageSerializer
    service_scopes = (READ_SCOPE, WRITE_SCOPE)
    filter_backends = []

    def get_queryset(self):
        return client_messages_visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        parameters=[OpenApiParameter("case", str, description="Case reference, ESC-000123.")],
        responses={200: ClientMessageSerializer(many=True), **_err(400, 404)},
    )
    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        reference = request.query_params.get("case")
        if reference:
            queryset = queryset.filter(case=case_for(request.user, reference[:20]))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        return client_message_for(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Send a failed client message again (same Message-ID)",
        request=None,
        responses={202: ClientMessageSerializer, **_err(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        message = self.get_object()
        message = client_message_resend(
            message_id=message.pk, case=message.case, actor=request.user
        )
        return Response(ClientMessageSerializer(message).data, status=status.HTTP_202_ACCEPTED)


# Inbound email (ESC-10) ------------------------------------------------------------------
class InboundEmailWebhookView(APIView):
    """A client's email reply, posted raw (RFC 822) by an inbound-mail relay."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Inbound client email (signed, raw RFC 822 body)",
        description=(
            f"Signed like the ticket webhook: `{TIMESTAMP_HEADER}` (unix seconds) and "
            f'`{SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of "{{timestamp}}.{{raw body}}">` '
            "with the secret `INBOUND_EMAIL_SECRET`. The case is found from the signed "
            "reply address or the References; a message for no case opens a general case "
            "(201). A replayed Message-ID changes nothing (200, `replayed: true`)."
        ),
        parameters=[
            OpenApiParameter(TIMESTAMP_HEADER, str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True),
        ],
        request={"message/rfc822": bytes},
        responses={
            200: InboundEmailResultSerializer,
            201: InboundEmailResultSerializer,
            400: ERRORS[400],
            401: OpenApiResponse(ErrorSerializer, description="Missing, forged or stale."),
            429: OpenApiResponse(ErrorSerializer, description="Too many failed signatures."),
            503: OpenApiResponse(ErrorSerializer, description="No secret configured."),
        },
    )
    def post(self, request):
        body = verified_body(
            request, secrets=inbound_email_secrets(), secret_name="INBOUND_EMAIL_SECRET"
        )
        result, replayed = inbound_email_receive(raw=body)
        created = result["action"] == "created" and not replayed
        response = Response(
            {**result, "replayed": replayed}, status=201 if created else status.HTTP_200_OK
        )
        if replayed:
            response["Idempotent-Replay"] = "true"
        return response
