"""Hiring fixtures: a round of the lead's team, a small question bank, applicants moved
through the services."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from hiring import services
from hiring.models import Applicant

NOW = dt.datetime(2026, 7, 6, 16, 0, tzinfo=dt.UTC)  # a Monday, 9 am Pacific (summer)
SPEEDTEST = "https://www.speedtest.net/result/15310887"
FREE_ANSWER = (
    "I would apologise for the delay, check the order status in the admin panel, explain "
    "the shipping timeline to the buyer and offer a refund if the parcel is lost."
)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def bank(lead):
    return [
        services.question_create(
            actor=lead,
            kind="choice",
            text="A buyer asks where their order is. What do you check first?",
            options=["The tracking number", "The weather", "Their horoscope"],
            correct_option=0,
            points=2,
        ),
        services.question_create(
            actor=lead,
            kind="choice",
            text="Which reply is most polite?",
            options=["Whatever.", "Thanks for your patience, let me check.", "No."],
            correct_option=1,
            points=2,
        ),
        services.question_create(
            actor=lead,
            kind="free",
            text="A parcel is two weeks late. Write your reply to the buyer.",
            rubric="Apologises, checks status, gives a timeline, offers a remedy.",
            points=6,
        ),
    ]


@pytest.fixture
def hiring_round(lead, team):
    return services.round_create(
        actor=lead,
        team=team,
        name="Bilingual support, July",
        assessment_title="Bilingual Customer Support, Test Fixed Price",
        assessment_text="Complete four steps; you might be contacted for an interview.",
        hourly_title="Bilingual Customer Support, Hourly",
        hourly_text="30+ hours a week, 6+ months.",
    )


@pytest.fixture
def add(hiring_round, lead):
    def make(name="Maria Santos", email="maria@example.com", country="PH", **kw):
        return services.applicant_add(
            round=kw.pop("round", hiring_round),
            actor=lead,
            name=name,
            email=email,
            country=country,
            languages=kw.pop("languages", ["English", "Spanish"]),
            **kw,
        )

    return make


@pytest.fixture
def offered(add, lead, bank):
    """An applicant hired on the $5 contract: the submission is open."""

    def make(**kw):
        applicant = add(**kw)
        return services.applicant_move(
            applicant=applicant, to_stage="assessment_offered", actor=lead
        )

    return make


def answer_all(applicant, *, free_text=FREE_ANSWER, pasted=False, right=True):
    applicant = services.assessment_open(applicant=applicant)
    from hiring.models import Question

    answers = {}
    for entry in applicant.draw:
        question = Question.objects.get(pk=entry["q"])
        if question.kind == "choice":
            option = question.correct_option if right else (question.correct_option + 1) % 3
            answers[question.pk] = {"option": option, "seconds": 20}
        else:
            answers[question.pk] = {"text": free_text, "pasted": pasted, "seconds": 300}
    return services.assessment_save(applicant=applicant, answers=answers)


def complete(applicant, **kw) -> Applicant:
    """All four parts, then submit."""
    answer_all(applicant, **kw)
    services.speedtest_save(applicant=applicant, url=SPEEDTEST)
    services.system_save(applicant=applicant, operating_system="Windows 10", browser="Chrome")
    services.availability_save(
        applicant=applicant,
        slots=[[d, h] for d in range(5) for h in range(6, 14)],
        languages=["English", "Spanish"],
        hours_confirmed=True,
    )
    return services.submission_submit(applicant=applicant)
