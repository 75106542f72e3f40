import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets

from core import access
from core.api.validation import FilterSet, IsoDateTimeFilter
from core.models import AuditEvent, Team, User
from core.permissions import IsTeamLead

from .serializers import AuditEventSerializer, MeSerializer, TeamSerializer, UserSerializer


class MeView(generics.RetrieveAPIView):
    """The caller: username, role and team."""

    serializer_class = MeSerializer

    def get_object(self):
        return User.objects.select_related("team").get(pk=self.request.user.pk)


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = User.objects.select_related("team").order_by("username")
    serializer_class = UserSerializer
    filterset_fields = ["role", "team", "is_active"]
    ordering_fields = ["username", "start_date", "role"]
    search_fields = ["username", "first_name", "last_name"]


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Team.objects.prefetch_related("members").order_by("name")
    serializer_class = TeamSerializer
    filterset_fields = ["lead"]
    ordering_fields = ["name"]


class AuditEventFilter(FilterSet):
    target_type = django_filters.CharFilter(field_name="target_type__model")
    since = IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "target_type", "target_id"]


@extend_schema(
    description="The append-only audit trail (CORE-5): admins see all of it, a lead what the "
    "members of the teams they lead did (CORE-8)."
)
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEventSerializer
    permission_classes = [IsTeamLead]
    filterset_class = AuditEventFilter
    ordering_fields = ["at"]

    def get_queryset(self):
        qs = AuditEvent.objects.select_related("target_type").order_by("-at", "-id")
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or access.is_admin(user):
            return qs
        return qs.filter(actor__team_id__in=access.team_ids_led_by(user))
