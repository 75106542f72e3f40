import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets

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


@extend_schema(description="The append-only audit trail (CORE-5); leads and admins only.")
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = AuditEvent.objects.select_related("target_type").order_by("-at", "-id")
    serializer_class = AuditEventSerializer
    permission_classes = [IsTeamLead]
    filterset_class = AuditEventFilter
    ordering_fields = ["at"]
