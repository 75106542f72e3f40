"""The applicant's pages (no account): reached by a signed, expiring link (HIR-3).

A forged or expired link is a 404 that names nobody. Each of the four parts saves on its
own; the overview sends the whole submission once all four are there.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError, NotFound

from .. import services
from ..assessment import question_png
from ..availability import WEEKDAYS, hour_label
from ..forms import SpeedTestForm, SystemForm
from ..models import Question, QuestionKind, Stage
from ..services.submission import assessment_complete, assessment_time_up
from ..submission_rules import system_from_user_agent


def with_applicant(view):
    @never_cache
    @wraps(view)
    def wrapped(request, token, *args, **kwargs):
        try:
            applicant = services.applicant_from_token(token)
        except NotFound as exc:
            raise Http404(exc.message) from None
        return view(request, applicant, *args, token=token, **kwargs)

    return wrapped


def _ctx(applicant, token, **extra) -> dict:
    return {
        "applicant": applicant,
        "token": token,
        "is_open": applicant.stage == Stage.ASSESSMENT_OFFERED,
        **extra,
    }


def _steps(applicant) -> list[dict]:
    return [
        {
            "name": "assessment",
            "title": "Complete the short assessment",
            "hint": "About one hour, from when you first open it.",
            "done": assessment_complete(applicant),
            "url_name": "hiring:apply-assessment",
        },
        {
            "name": "speed",
            "title": "Test your internet speed",
            "hint": "Paste the link to your result.",
            "done": bool(applicant.speedtest_url),
            "url_name": "hiring:apply-speed",
        },
        {
            "name": "system",
            "title": "Your system details",
            "hint": "Operating system and browser.",
            "done": bool(applicant.operating_system and applicant.browser),
            "url_name": "hiring:apply-system",
        },
        {
            "name": "availability",
            "title": "Your weekly availability",
            "hint": "In Pacific time, with your languages.",
            "done": bool(applicant.availability and applicant.hours_confirmed),
            "url_name": "hiring:apply-availability",
        },
    ]


@with_applicant
@require_GET
def overview(request, applicant, *, token):
    steps = _steps(applicant)
    return render(
        request,
        "hiring/apply/overview.html",
        _ctx(applicant, token, steps=steps, ready=all(s["done"] for s in steps)),
    )


@with_applicant
@require_POST
def submit(request, applicant, *, token):
    try:
        services.submission_submit(applicant=applicant)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Thank you: your submission is in.")
    return redirect("hiring:apply", token)


def _drawn(applicant) -> list[dict]:
    questions = Question.objects.in_bulk([e["q"] for e in applicant.draw])
    answers = {a.question_id: a for a in applicant.answers.all()}
    rows = []
    for number, entry in enumerate(applicant.draw, start=1):
        question = questions.get(entry["q"])
        if question is None:
            continue
        options = [(i, question.options[i]) for i in entry["options"] if i < len(question.options)]
        rows.append(
            {
                "number": number,
                "question": question,
                "options": options,
                "answer": answers.get(question.pk),
            }
        )
    return rows


def _answers_from(post, drawn) -> dict:
    answers = {}
    for row in drawn:
        qid = row["question"].pk
        given = {
            "pasted": post.get(f"pasted-{qid}") == "1",
            "seconds": post.get(f"seconds-{qid}"),
            "left": post.get(f"left-{qid}"),
        }
        if row["question"].kind == QuestionKind.CHOICE:
            given["option"] = post.get(f"option-{qid}")
        else:
            given["text"] = post.get(f"text-{qid}", "")
        answers[qid] = given
    return answers


@with_applicant
@require_http_methods(["GET", "POST"])
def assessment_page(request, applicant, *, token):
    error = ""
    if applicant.stage == Stage.ASSESSMENT_OFFERED:
        try:
            applicant = services.assessment_open(applicant=applicant)
        except DomainError as exc:
            error = exc.message
    drawn = _drawn(applicant)
    if request.method == "POST" and not error:
        try:
            services.assessment_save(
                applicant=applicant,
                answers=_answers_from(request.POST, drawn),
                left_page=request.POST.get("left_page") or 0,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "Answers saved.")
            return redirect("hiring:apply-assessment", token)
    deadline = services.assessment_deadline(applicant)
    return render(
        request,
        "hiring/apply/assessment.html",
        _ctx(
            applicant,
            token,
            drawn=drawn,
            error=error,
            deadline=deadline,
            seconds_left=max(0, int((deadline - timezone.now()).total_seconds()))
            if deadline
            else 0,
            time_up=assessment_time_up(applicant),
        ),
    )


@with_applicant
@require_GET
def question_image(request, applicant, number, *, token):
    if not 1 <= number <= len(applicant.draw):
        raise Http404("No such question.")
    question = Question.objects.filter(pk=applicant.draw[number - 1]["q"]).first()
    if question is None:
        raise Http404("No such question.")
    response = HttpResponse(question_png(question.text), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def _part_page(request, applicant, token, *, form, template, save, extra=None):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Saved.")
            return redirect("hiring:apply", token)
    return render(request, template, _ctx(applicant, token, form=form, **(extra or {})))


@with_applicant
@require_http_methods(["GET", "POST"])
def speed_page(request, applicant, *, token):
    form = SpeedTestForm(request.POST or None, initial={"speedtest_url": applicant.speedtest_url})
    return _part_page(
        request,
        applicant,
        token,
        form=form,
        template="hiring/apply/speed.html",
        save=lambda data: services.speedtest_save(applicant=applicant, url=data["speedtest_url"]),
    )


@with_applicant
@require_http_methods(["GET", "POST"])
def system_page(request, applicant, *, token):
    guessed_os, guessed_browser = system_from_user_agent(request.headers.get("User-Agent", ""))
    form = SystemForm(
        request.POST or None,
        initial={
            "operating_system": applicant.operating_system or guessed_os,
            "browser": applicant.browser or guessed_browser,
        },
    )
    return _part_page(
        request,
        applicant,
        token,
        form=form,
        template="hiring/apply/system.html",
        save=lambda data: services.system_save(applicant=applicant, **data),
        extra={"guessed": bool(guessed_os or guessed_browser)},
    )


def _slots_from(post) -> list:
    slots = []
    for value in post.getlist("slot")[: 7 * 24]:
        day, _, hour = str(value).partition("-")
        slots.append((day, hour))
    return slots


@with_applicant
@require_http_methods(["GET", "POST"])
def availability_page(request, applicant, *, token):
    error, field = "", ""
    marked = {tuple(s) for s in applicant.availability or []}
    languages = ", ".join(applicant.languages)
    confirmed = applicant.hours_confirmed
    if request.method == "POST":
        languages = request.POST.get("languages", "")[:300]
        confirmed = request.POST.get("hours_confirmed") == "on"
        try:
            slots = _slots_from(request.POST)
            marked = {(int(d), int(h)) for d, h in slots if d.isdigit() and h.isdigit()}
            services.availability_save(
                applicant=applicant,
                slots=slots,
                languages=languages,
                hours_confirmed=confirmed,
            )
        except DomainError as exc:
            error, field = exc.message, exc.field or ""
        else:
            messages.success(request, "Availability saved.")
            return redirect("hiring:apply", token)
    days = [(i, name[:3], name) for i, name in enumerate(WEEKDAYS)]
    rows = [
        {"hour": h, "label": hour_label(h), "cells": [(d, (d, h) in marked) for d in range(7)]}
        for h in range(24)
    ]
    return render(
        request,
        "hiring/apply/availability.html",
        _ctx(
            applicant,
            token,
            days=days,
            rows=rows,
            languages=languages,
            confirmed=confirmed,
            error=error,
            error_field=field,
            hours=len(marked),
        ),
    )
