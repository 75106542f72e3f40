"""The reviewer scores free-text answers against the rubric (HIR-4)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import IllegalTransition, InvalidInput
from core.services import audit_record

from ..access import require_decides_for
from ..models import Answer, Applicant, QuestionKind, Stage
from ._input import text_value
from .applicants import move
from .submission import free_answers_unreviewed, score_totals


@transaction.atomic
def answers_score(*, applicant: Applicant, actor, scores: list[dict]) -> Applicant:
    """``scores``: [{"question": id, "points": n, "note": ""}] for free-text answers. Once
    every free-text answer has points the applicant moves to scored."""
    require_decides_for(actor, applicant.round.team_id)
    applicant = (
        Applicant.objects.select_for_update().select_related("round__team").get(pk=applicant.pk)
    )
    if applicant.stage != Stage.SUBMITTED:
        raise IllegalTransition(
            "Only submitted applicants are scored "
            f"(this one is {applicant.get_stage_display().lower()}).",
            field="scores",
        )
    if not isinstance(scores, list) or not scores:
        raise InvalidInput("Give at least one score.", field="scores")
    answers = {
        a.question_id: a
        for a in applicant.answers.select_related("question").filter(
            question__kind=QuestionKind.FREE
        )
    }
    updates = []
    for i, item in enumerate(scores):
        field = f"scores[{i}]"
        if not isinstance(item, dict):
            raise InvalidInput("Each score is an object.", field=field)
        try:
            answer = answers[int(item.get("question"))]
        except (TypeError, ValueError, KeyError):
            raise InvalidInput("Not a free-text question of this applicant.", field=field) from None
        points = item.get("points")
        if isinstance(points, bool) or not isinstance(points, int):
            try:
                points = int(str(points))
            except (TypeError, ValueError):
                raise InvalidInput("Points must be a whole number.", field=field) from None
        if not 0 <= points <= answer.question.points:
            raise InvalidInput(
                f"Points run from 0 to {answer.question.points} for this question.", field=field
            )
        note = text_value(item.get("note"), field=field, limit=500, required=False)
        updates.append((answer, points, note))
    now = timezone.now()
    for answer, points, note in updates:
        Answer.objects.filter(pk=answer.pk).update(
            points=points, review_note=note, reviewer=actor, reviewed_at=now
        )
        audit_record(
            actor=actor,
            action="hiring.answer_scored",
            target=applicant,
            after={"question": answer.question_id, "points": points},
        )
    score_totals(applicant)
    applicant.save()
    if free_answers_unreviewed(applicant) == 0:
        move(applicant, to_stage=Stage.SCORED, actor=actor, reason="Free-text answers reviewed.")
    return applicant
