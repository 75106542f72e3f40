"""REST under /api/v1/hiring/ (HIR-1..HIR-9). Leads and admins only (agents 403 before
any lookup; another team's round or applicant is a 404); no service-token scope."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.errors import InvalidInput
from core.models import Team
from core.permissions import IsTeamLead

from . import selectors, services
from .access import applicant_for, applicants_visible_to, round_for, rounds_visible_to
from .models import Question
from .serializers import (
    ApplicantCreateSerializer,
    ApplicantMoveSerializer,
    ApplicantSerializer,
    FunnelSerializer,
    HireSerializer,
    QuestionCreateSerializer,
    QuestionSerializer,
    RoundCreateSerializer,
    RoundSerializer,
    ScoreSerializer,
)


class _Hiring:
    permission_classes = [IsTeamLead]
    service_scopes = ()  # hiring is for people: every service token is refused


@extend_schema_view(
    list=extend_schema(summary="Hiring rounds of the teams you lead"),
    retrieve=extend_schema(summary="One hiring round with its two postings"),
)
class RoundViewSet(_Hiring, viewsets.ReadOnlyModelViewSet):
    serializer_class = RoundSerializer

    def get_queryset(self):
        return rounds_visible_to(self.request.user).prefetch_related("postings")

    def get_object(self):
        return round_for(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Open a round with its $5 assessment and invite-only hourly postings (HIR-1)",
        request=RoundCreateSerializer,
        responses={201: RoundSerializer},
    )
    def create(self, request):
        data = RoundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        team = Team.objects.filter(pk=values.pop("team")).first()
        if team is None:
            raise InvalidInput("No such team.", field="team")
        rnd = services.round_create(actor=request.user, team=team, **values)
        return Response(RoundSerializer(rnd).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The round's applicants, best first",
        responses=ApplicantSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Add an applicant (HIR-2); the response carries the submission link",
        request=ApplicantCreateSerializer,
        responses={201: ApplicantSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def applicants(self, request, pk=None):
        rnd = self.get_object()
        if request.method == "POST":
            data = ApplicantCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            applicant = services.applicant_add(round=rnd, actor=request.user, **data.validated_data)
            body = ApplicantSerializer(applicant, context={"request": request}).data
            return Response(body, status=status.HTTP_201_CREATED)
        rows = selectors.ranked_applicants(rnd)
        return Response(ApplicantSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(summary="Funnel report of the round (HIR-9)", responses=FunnelSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def funnel(self, request, pk=None):
        return Response(FunnelSerializer(selectors.funnel_for(self.get_object())).data)


class ApplicantViewSet(_Hiring, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ApplicantSerializer

    def get_queryset(self):
        return applicants_visible_to(self.request.user)

    def get_object(self):
        return applicant_for(self.request.user, self.kwargs["pk"])

    @extend_schema(summary="One applicant")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Move an applicant through the pipeline (HIR-2); illegal moves are refused",
        request=ApplicantMoveSerializer,
        responses={200: ApplicantSerializer},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        applicant = self.get_object()
        data = ApplicantMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        applicant = services.applicant_move(
            applicant=applicant,
            to_stage=data.validated_data["to_stage"],
            actor=request.user,
            reason=data.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(applicant).data)

    @extend_schema(
        summary="Score free-text answers with the rubric (HIR-4)",
        request=ScoreSerializer,
        responses={200: ApplicantSerializer},
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        applicant = self.get_object()
        data = ScoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        applicant = services.answers_score(
            applicant=applicant, actor=request.user, scores=data.validated_data["scores"]
        )
        return Response(self.get_serializer(applicant).data)

    @extend_schema(
        summary="Hire: creates the agent in the round's team (HIR-7 classification guard)",
        request=HireSerializer,
        responses={200: ApplicantSerializer},
    )
    @action(detail=True, methods=["post"])
    def hire(self, request, pk=None):
        applicant = self.get_object()
        data = HireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        applicant = services.applicant_hire(
            applicant=applicant, actor=request.user, **data.validated_data
        )
        return Response(self.get_serializer(applicant).data)


@extend_schema_view(
    list=extend_schema(summary="The assessment's question bank (HIR-4)"),
)
class QuestionViewSet(_Hiring, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = QuestionSerializer

    def get_queryset(self):
        return Question.objects.filter(active=True).order_by("id")

    @extend_schema(
        summary="Add a question to the bank",
        request=QuestionCreateSerializer,
        responses={201: QuestionSerializer},
    )
    def create(self, request):
        data = QuestionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_create(actor=request.user, **data.validated_data)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)
