"""The lead's pages: rounds, ranked applicants, reviewer queue, applicant, funnel."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import access
from core.errors import DomainError
from core.models import Team
from core.validation import csv_cell

from .. import selectors, services
from ..access import applicant_for, path_id, round_for, rounds_visible_to
from ..availability import WEEKDAYS, hour_label, slots_in_zone
from ..forms import (
    ApplicantForm,
    HireForm,
    ImportForm,
    MoveForm,
    NoteForm,
    QuestionForm,
    RoundForm,
)
from ..integrity import TIERS
from ..models import Posting, Question, QuestionKind, Stage
from ..pipeline import allowed_from
from ..services.rounds import stale_postings
from ..submission_rules import Contract
from ._common import lead_page

TIER_KEYS = {key for _, key, _ in TIERS}


def _teams_for(user):
    if access.is_admin(user):
        return Team.objects.order_by("name")
    return Team.objects.filter(pk__in=access.team_ids_led_by(user)).order_by("name")


@lead_page
@require_http_methods(["GET", "POST"])
def rounds(request):
    teams = _teams_for(request.user)
    form = RoundForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.round_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Round “{rnd.name}” opened with its two postings.")
            return redirect("hiring:round", rnd.pk)
    rows = list(selectors.rounds_overview(rounds_visible_to(request.user)))
    stale_ids = {p.pk for p in stale_postings(team_ids=[r.team_id for r in rows])}
    for rnd in rows:
        rnd.stale = [p for p in rnd.postings.all() if p.pk in stale_ids]
    return render(request, "hiring/rounds.html", {"rounds": rows, "form": form})


def _int_param(request, name, low=0, high=10000):
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return max(low, min(high, value))


@lead_page
@require_GET
def round_page(request, pk):
    rnd = round_for(request.user, pk)
    filters = {
        "min_score": _int_param(request, "min_score", 0, 100),
        "language": request.GET.get("language", "")[:40],
        "min_hours": _int_param(request, "min_hours", 0, 168),
        "tier": request.GET.get("tier", "") if request.GET.get("tier") in TIER_KEYS else "",
        "stage": request.GET.get("stage", "") if request.GET.get("stage") in Stage.values else "",
    }
    applicants = selectors.ranked_applicants(rnd, **filters)
    postings = list(rnd.postings.all())
    now = timezone.now()
    for posting in postings:
        posting.stale = posting.is_stale(now=now)
    return render(
        request,
        "hiring/round.html",
        {
            "round": rnd,
            "applicants": applicants,
            "postings": postings,
            "filters": filters,
            "tiers": [(k, v) for _, k, v in TIERS],
            "stages": Stage.choices,
            "add_form": ApplicantForm(),
            "import_form": ImportForm(),
            "queue_count": selectors.review_queue(rnd.applicants.all()).count(),
        },
    )


@lead_page
@require_POST
def applicant_add(request, pk):
    rnd = round_for(request.user, pk)
    form = ApplicantForm(request.POST)
    if form.is_valid():
        try:
            applicant = services.applicant_add(round=rnd, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            note = " (flagged: applied before)" if applicant.duplicate_of_id else ""
            messages.success(request, f"{applicant.name} added{note}.")
    else:
        messages.error(request, _form_errors(form))
    return redirect("hiring:round", rnd.pk)


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label or name.replace("_", " ") if name in form.fields else ""
        parts.append(
            f"{str(label).capitalize()}: {' '.join(errors)}" if label else " ".join(errors)
        )
    return " ".join(parts) or "Check the form."


@lead_page
@require_POST
def applicants_import(request, pk):
    rnd = round_for(request.user, pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("hiring:round", rnd.pk)
    try:
        text = form.cleaned_data["file"].read().decode("utf-8-sig")
        added = services.applicants_import_csv(round=rnd, actor=request.user, text=text)
    except UnicodeDecodeError:
        messages.error(request, "The file is not UTF-8 text. Nothing was imported.")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        flagged = sum(1 for a in added if a.duplicate_of_id)
        messages.success(
            request,
            f"{len(added)} applicant{'s' if len(added) != 1 else ''} imported"
            + (f", {flagged} flagged as applied before." if flagged else "."),
        )
    return redirect("hiring:round", rnd.pk)


@lead_page
@require_POST
def posting_reviewed(request, pk):
    posting = (
        Posting.objects.filter(pk=path_id(pk), round__in=rounds_visible_to(request.user))
        .select_related("round")
        .first()
    )
    if posting is None:
        from django.http import Http404

        raise Http404("No such posting.")
    try:
        services.posting_mark_reviewed(posting=posting, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{posting.title}” marked as reviewed.")
    return redirect("hiring:round", posting.round_id)


@lead_page
@require_GET
def review_queue(request, pk):
    rnd = round_for(request.user, pk)
    answers = list(selectors.review_queue(rnd.applicants.all())[:100])
    return render(request, "hiring/review.html", {"round": rnd, "answers": answers})


def _grid(slots) -> list[dict]:
    marked = {tuple(s) for s in slots or []}
    return [
        {"label": hour_label(h), "cells": [(d, (d, h) in marked) for d in range(7)]}
        for h in range(24)
    ]


@lead_page
@require_GET
def applicant_page(request, pk):
    applicant = applicant_for(request.user, pk)
    signals = selectors.applicant_signals(applicant)
    questions = Question.objects.in_bulk([e["q"] for e in applicant.draw])
    answers = {a.question_id: a for a in signals["answers"]}
    drawn = []
    for number, entry in enumerate(applicant.draw, start=1):
        question = questions.get(entry["q"])
        if question is not None:
            drawn.append(
                {"number": number, "question": question, "answer": answers.get(question.pk)}
            )
    move_form = MoveForm(allowed=allowed_from(applicant.stage))
    viewer_zone = request.user.time_zone
    week = timezone.localdate()
    week = week - timezone.timedelta(days=week.weekday())
    in_my_zone = request.GET.get("zone") == "mine"
    shown = (
        slots_in_zone(applicant.availability, week, viewer_zone)
        if in_my_zone
        else applicant.availability
    )
    return render(
        request,
        "hiring/applicant.html",
        {
            "applicant": applicant,
            "signals": signals,
            "drawn": drawn,
            "grid": _grid(shown),
            "in_my_zone": in_my_zone,
            "weekdays": [d[:3] for d in WEEKDAYS],
            "viewer_zone": viewer_zone,
            "changes": applicant.changes.select_related("actor"),
            "notes": applicant.notes.select_related("author"),
            "move_form": move_form,
            "note_form": NoteForm(),
            "hire_form": HireForm(
                initial={
                    "username": (applicant.email.split("@")[0] if applicant.email else ""),
                    "contract": Contract.LONG_TERM_HOURLY,
                    "start_date": timezone.localdate() + timezone.timedelta(days=7),
                    "channels": ["tickets"],
                }
            ),
            "can_hire": applicant.stage == Stage.INTERVIEWED,
            "can_score": applicant.stage == Stage.SUBMITTED,
            "submission_link": request.build_absolute_uri(services.submission_url(applicant))
            if applicant.stage in (Stage.APPLIED, Stage.ASSESSMENT_OFFERED)
            else "",
        },
    )


def _back(applicant):
    return redirect("hiring:applicant", applicant.pk)


def _applicant_action(request, pk, form_class, call, success) -> object:
    """Validate ``form_class``, call the service, flash its outcome, back to the applicant."""
    applicant = applicant_for(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(applicant)
    try:
        result = call(applicant=applicant, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success(form.cleaned_data, result))
    return _back(applicant)


@lead_page
@require_POST
def applicant_move(request, pk):
    return _applicant_action(
        request,
        pk,
        MoveForm,
        services.applicant_move,
        lambda data, _: f"Moved to {Stage(data['to_stage']).label.lower()}.",
    )


@lead_page
@require_POST
def applicant_score(request, pk):
    applicant = applicant_for(request.user, pk)
    scores = []
    for key, value in request.POST.items():
        if key.startswith("points-") and value.strip():
            qid = key.removeprefix("points-")
            scores.append(
                {"question": qid, "points": value, "note": request.POST.get(f"note-{qid}", "")}
            )
    try:
        services.answers_score(applicant=applicant, actor=request.user, scores=scores)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Scores saved.")
    if request.POST.get("next") == "queue":
        return redirect("hiring:review", applicant.round_id)
    return _back(applicant)


@lead_page
@require_POST
def applicant_note(request, pk):
    return _applicant_action(
        request, pk, NoteForm, services.applicant_note_add, lambda data, _: "Note added."
    )


@lead_page
@require_POST
def applicant_hire(request, pk):
    return _applicant_action(
        request,
        pk,
        HireForm,
        services.applicant_hire,
        lambda data, hired: (
            f"{hired.name} is hired: they can sign in as “{hired.hired_user.username}”."
        ),
    )


@lead_page
@require_http_methods(["GET", "POST"])
def questions_page(request):
    """The question bank (HIR-4): each applicant's draw comes from the active questions."""
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lines = [line.strip() for line in data.pop("options").splitlines() if line.strip()]
        try:
            services.question_create(
                actor=request.user,
                options=lines,
                correct_option=0 if data["kind"] == QuestionKind.CHOICE else None,
                **data,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Question added to the bank.")
            return redirect("hiring:questions")
    questions = Question.objects.filter(active=True).order_by("id")
    return render(request, "hiring/questions.html", {"questions": questions, "form": form})


@lead_page
@require_GET
def funnel_page(request, pk):
    rnd = round_for(request.user, pk)
    funnel = selectors.funnel_for(rnd)
    return render(
        request,
        "hiring/funnel.html",
        {"round": rnd, "funnel": funnel, "funnel_chart": funnel_chart(funnel)},
    )


def funnel_chart(funnel: dict) -> dict:
    """Applicants reaching each stage as horizontal bars, drawn by the shared chart helper
    (core/charts.py, issue 14); exits (rejected, withdrawn) in their own colour."""
    from core.charts import Table, hbar_chart

    exits = {"rejected", "withdrawn"}
    rows = funnel["stages"]
    return hbar_chart(
        [
            (r["label"], r["reached"], "bar-exit" if r["stage"] in exits else "bar-stage")
            for r in rows
        ],
        title="Applicants reaching each stage",
        table=Table(
            ["Stage", "Reached", "Conversion"],
            [
                [
                    r["label"],
                    r["reached"],
                    "—" if r["conversion"] is None else f"{r['conversion']}%",
                ]
                for r in rows
            ],
        ),
    )


@lead_page
@require_GET
def funnel_csv(request, pk):
    rnd = round_for(request.user, pk)
    funnel = selectors.funnel_for(rnd)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hiring-funnel-{rnd.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["stage", "reached", "in stage now", "conversion %", "median hours in stage"])
    for row in funnel["stages"]:
        writer.writerow(
            [
                csv_cell(row["label"]),
                row["reached"],
                row["now"],
                "" if row["conversion"] is None else row["conversion"],
                "" if row["median_hours"] is None else row["median_hours"],
            ]
        )
    writer.writerow([])
    writer.writerow(["assessment pass rate %", funnel["assessment_pass_rate"] or ""])
    writer.writerow(["interview to hire %", funnel["interview_hire_rate"] or ""])
    return response
