"""The applicant's own submission through a signed link (HIR-3, HIR-4, HIR-6).

No account: the link carries the applicant id signed with a timestamp (django.core.signing)
and expires after the admin-set number of days. Each part saves on its own (partial
progress is kept); submitting needs all four.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput, NotFound

from .. import assessment, integrity
from ..availability import normalize_slots
from ..models import Answer, Applicant, HiringSettings, Question, QuestionKind, Stage
from ..submission_rules import speedtest_problem
from ._input import languages_value, text_value
from .applicants import move

SIGNING_SALT = "hiring.submission-link"
LINK_REFUSED = "This link is not valid or has expired. Ask the person who sent it for a new one."


def token_for(applicant: Applicant) -> str:
    return signing.TimestampSigner(salt=SIGNING_SALT).sign(str(applicant.pk))


def submission_url(applicant: Applicant) -> str:
    return reverse("hiring:apply", args=[token_for(applicant)])


def applicant_from_token(token: str) -> Applicant:
    """The applicant a valid, unexpired link names; NotFound (saying nothing more) else."""
    max_age = dt.timedelta(days=HiringSettings.current().link_valid_days)
    try:
        pk = signing.TimestampSigner(salt=SIGNING_SALT).unsign(str(token)[:200], max_age=max_age)
        applicant = Applicant.objects.select_related("round__team").get(pk=int(pk))
    except (signing.BadSignature, ValueError, Applicant.DoesNotExist):
        raise NotFound(LINK_REFUSED) from None
    if applicant.purged_at is not None:
        raise NotFound(LINK_REFUSED)
    return applicant


def _locked(applicant: Applicant) -> Applicant:
    return Applicant.objects.select_for_update().select_related("round__team").get(pk=applicant.pk)


def _require_open(applicant: Applicant) -> None:
    if applicant.stage != Stage.ASSESSMENT_OFFERED:
        raise InvalidInput(
            "This submission is closed: it can be changed only while the assessment contract "
            "is open."
        )


def assessment_deadline(applicant: Applicant) -> dt.datetime | None:
    if applicant.assessment_started_at is None:
        return None
    minutes = HiringSettings.current().assessment_minutes
    return applicant.assessment_started_at + dt.timedelta(minutes=minutes)


def assessment_time_up(applicant: Applicant, now=None) -> bool:
    deadline = assessment_deadline(applicant)
    return deadline is not None and (now or timezone.now()) > deadline


@transaction.atomic
def assessment_open(*, applicant: Applicant) -> Applicant:
    """First opening: draw the questions from the applicant's seed and start the hour."""
    applicant = _locked(applicant)
    _require_open(applicant)
    if applicant.assessment_started_at is None:
        bank = [(q.pk, len(q.options)) for q in Question.objects.filter(active=True)]
        if not bank:
            raise InvalidInput("The assessment has no questions yet.")
        applicant.draw = assessment.draw_questions(applicant.seed, bank)
        applicant.assessment_started_at = timezone.now()
        applicant.save(update_fields=["draw", "assessment_started_at"])
    return applicant


def _int(value, *, field: str, low: int, high: int) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("Must be a whole number.", field=field) from None
    return max(low, min(high, number))


@transaction.atomic
def assessment_save(*, applicant: Applicant, answers: dict, left_page: int = 0) -> Applicant:
    """Save the answers as given. ``answers``: question id -> {"text" or "option",
    "pasted", "seconds", "left"}. After the hour nothing is saved (checked on every save)."""
    applicant = _locked(applicant)
    _require_open(applicant)
    if applicant.assessment_started_at is None:
        raise InvalidInput("Open the assessment first.", field="answers")
    if assessment_time_up(applicant):
        raise InvalidInput(
            "The hour for the assessment is over: answers can no longer be changed. "
            "The answers saved before are kept.",
            field="answers",
        )
    drawn = {entry["q"]: entry for entry in applicant.draw}
    questions = Question.objects.in_bulk(list(drawn))
    now = timezone.now()
    rows = []
    for qid, given in (answers or {}).items():
        try:
            qid = int(qid)
        except (TypeError, ValueError):
            raise InvalidInput("Unknown question.", field="answers") from None
        question = questions.get(qid)
        if question is None or not isinstance(given, dict):
            raise InvalidInput("Unknown question.", field="answers")
        field = f"answers[{qid}]"
        option, text = None, ""
        if question.kind == QuestionKind.CHOICE:
            raw = given.get("option")
            if raw in (None, ""):
                continue
            option = _int(raw, field=field, low=-1, high=99)
            if not 0 <= option < len(question.options):
                raise InvalidInput("Choose one of the options.", field=field)
        else:
            text = text_value(
                given.get("text"), field=field, limit=5000, multiline=True, required=False
            )
            if not text:
                continue
        rows.append(
            (
                question,
                {
                    "option": option,
                    "text": text,
                    "saved_at": now,
                    "pasted": bool(given.get("pasted")),
                    "seconds": _int(given.get("seconds"), field=field, low=0, high=86400),
                    "left_page": _int(given.get("left"), field=field, low=0, high=10000),
                },
            )
        )
    for question, values in rows:
        existing = Answer.objects.filter(applicant=applicant, question=question).first()
        if existing is not None:
            # Signals accumulate across saves; the answer is the latest one given.
            values["pasted"] = values["pasted"] or existing.pasted
            values["seconds"] = max(values["seconds"], existing.seconds)
            values["left_page"] = max(values["left_page"], existing.left_page)
        Answer.objects.update_or_create(applicant=applicant, question=question, defaults=values)
    applicant.left_page_count = max(
        applicant.left_page_count, _int(left_page, field="left_page", low=0, high=10000)
    )
    applicant.save(update_fields=["left_page_count"])
    return applicant


def assessment_complete(applicant: Applicant) -> bool:
    """Every drawn question answered, or the hour over with something saved."""
    if not applicant.draw:
        return False
    answered = applicant.answers.count()
    return answered >= len(applicant.draw) or (answered > 0 and assessment_time_up(applicant))


@transaction.atomic
def speedtest_save(*, applicant: Applicant, url: str) -> Applicant:
    applicant = _locked(applicant)
    _require_open(applicant)
    problem = speedtest_problem(url, HiringSettings.current().speedtest_url_shapes)
    if problem:
        raise InvalidInput(problem, field="speedtest_url")
    applicant.speedtest_url = url.strip()
    applicant.save(update_fields=["speedtest_url"])
    return applicant


@transaction.atomic
def system_save(*, applicant: Applicant, operating_system: str, browser: str) -> Applicant:
    applicant = _locked(applicant)
    _require_open(applicant)
    applicant.operating_system = text_value(operating_system, field="operating_system", limit=80)
    applicant.browser = text_value(browser, field="browser", limit=80)
    applicant.save(update_fields=["operating_system", "browser"])
    return applicant


@transaction.atomic
def availability_save(
    *, applicant: Applicant, slots, languages, hours_confirmed: bool
) -> Applicant:
    """Weekly availability in Pacific local time (weekday, hour), languages and the 40+
    hours a week confirmation (HIR-6)."""
    applicant = _locked(applicant)
    _require_open(applicant)
    try:
        slots = normalize_slots(slots or [])
    except ValueError as exc:
        raise InvalidInput(str(exc), field="availability") from None
    if not slots:
        raise InvalidInput("Mark the hours you can work (at least one).", field="availability")
    languages = languages_value(languages or [])
    if not languages:
        raise InvalidInput("Name the languages you work in.", field="languages")
    if not hours_confirmed:
        raise InvalidInput("Confirm you can work 40 or more hours a week.", field="hours_confirmed")
    applicant.availability = slots
    applicant.languages = languages
    applicant.hours_confirmed = True
    applicant.save(update_fields=["availability", "languages", "hours_confirmed"])
    return applicant


def submission_missing_parts(applicant: Applicant) -> list[str]:
    """The parts still missing, in the applicant's words (HIR-3)."""
    missing = []
    if not assessment_complete(applicant):
        missing.append("the assessment")
    if not applicant.speedtest_url:
        missing.append("the speed-test link")
    if not (applicant.operating_system and applicant.browser):
        missing.append("your system details")
    if not (applicant.availability and applicant.hours_confirmed and applicant.languages):
        missing.append("your availability")
    return missing


def _flag_near_duplicates(applicant: Applicant) -> int:
    """Compare each free-text answer with other applicants' answers to the same question."""
    found = 0
    for answer in applicant.answers.filter(question__kind=QuestionKind.FREE):
        others = (
            Answer.objects.filter(question_id=answer.question_id)
            .exclude(applicant=applicant)
            .exclude(text="")
            .only("text", "applicant_id")[:500]
        )
        best, best_ratio = None, 0.0
        for other in others:
            ratio = integrity.similarity(answer.text, other.text)
            if ratio > best_ratio:
                best, best_ratio = other, ratio
        if best is not None and best_ratio >= integrity.NEAR_DUPLICATE:
            answer.similar_to_id = best.applicant_id
            answer.similarity = round(best_ratio, 2)
            answer.save(update_fields=["similar_to", "similarity"])
            found += 1
    return found


def integrity_points_for(applicant: Applicant) -> int:
    answers = list(applicant.answers.select_related("question"))
    return integrity.signal_points(
        pasted=sum(a.pasted for a in answers),
        near_duplicates=sum(a.similar_to_id is not None for a in answers),
        left_page=applicant.left_page_count,
        fast_long=sum(
            a.question.kind == QuestionKind.FREE
            and len(a.text) > 200
            and 0 < a.seconds < integrity.FAST_SECONDS
            for a in answers
        ),
    )


def score_totals(applicant: Applicant) -> None:
    """Multiple-choice points now; free-text points once reviewed; percent when all known."""
    answers = {a.question_id: a for a in applicant.answers.all()}
    questions = Question.objects.in_bulk([e["q"] for e in applicant.draw])
    choice = {q.pk: (q.correct_option, q.points) for q in questions.values() if q.kind == "choice"}
    applicant.choice_points = assessment.choice_points(
        {qid: a.option for qid, a in answers.items()}, choice
    )
    free = [q for q in questions.values() if q.kind == QuestionKind.FREE]
    reviewed = [answers[q.pk].points for q in free if q.pk in answers]
    all_reviewed = all(p is not None for p in reviewed)
    applicant.free_points = sum(p or 0 for p in reviewed) if all_reviewed else None
    applicant.max_points = sum(q.points for q in questions.values())
    if all_reviewed and applicant.max_points:
        total = applicant.choice_points + applicant.free_points
        applicant.score_percent = round(total * 100 / applicant.max_points)


def free_answers_unreviewed(applicant: Applicant) -> int:
    return applicant.answers.filter(question__kind=QuestionKind.FREE, points__isnull=True).count()


@transaction.atomic
def submission_submit(*, applicant: Applicant) -> Applicant:
    """All four parts present: the applicant moves to submitted, multiple choice is scored
    at once, integrity signals are computed (shown in tiers, never a rejection)."""
    applicant = _locked(applicant)
    _require_open(applicant)
    missing = submission_missing_parts(applicant)
    if missing:
        raise InvalidInput(
            "Before sending, complete " + ", ".join(missing) + ". What you saved is kept.",
            field="submission",
        )
    # Blank answers for questions left open when the hour ran out: saved as given.
    for entry in applicant.draw:
        Answer.objects.get_or_create(
            applicant=applicant,
            question_id=entry["q"],
            defaults={"saved_at": timezone.now(), "points": 0},  # blank: nothing to review
        )
    _flag_near_duplicates(applicant)
    applicant.integrity_points = integrity_points_for(applicant)
    applicant.submitted_at = timezone.now()
    score_totals(applicant)
    move(applicant, to_stage=Stage.SUBMITTED, actor=None, reason="Sent by the applicant.")
    if free_answers_unreviewed(applicant) == 0:
        move(applicant, to_stage=Stage.SCORED, actor=None, reason="Multiple choice only.")
    return applicant
