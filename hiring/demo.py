"""Demo hiring round: the bilingual support round of the seed, six applicants at different
stages, seeded through the services at each step's own instant (time-machine).

Idempotent: nothing is added when the round exists already.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.utils import timezone

from core.models import Team, User

from . import services
from .models import Question, Round, Stage

ROUND_NAME = "Bilingual customer support, hiring round"
ASSESSMENT_TEXT = (
    "Thank you for your interest in our support team. For this $5 fixed-price project you "
    "will complete a short assessment, test your internet speed, share your system details "
    "and your working availability in Pacific time. On completion you might be contacted "
    "for an interview for our long-term hourly position."
)
HOURLY_TEXT = (
    "Bilingual customer support, 30+ hours a week for 6+ months. Hourly contract with the "
    "time tracker. Invite-only: we invite applicants from the assessment round."
)
QUESTIONS = [
    (
        "choice",
        "A buyer writes that their order has not arrived after ten days. What do you check first?",
        ["The tracking details of the order", "The buyer's other orders", "The refund policy"],
        0,
        "",
        2,
    ),
    (
        "choice",
        "Which opening line is best for an upset buyer?",
        [
            "Per our policy, nothing can be done.",
            "I'm sorry about the trouble; let me look into this right away.",
            "Please read the help center.",
        ],
        1,
        "",
        2,
    ),
    (
        "choice",
        "A seller asks you to share a buyer's phone number. What do you do?",
        ["Share it", "Refuse and offer to pass on a message", "Ignore the request"],
        1,
        "",
        2,
    ),
    (
        "free",
        "A parcel is two weeks late and the buyer wants a refund. Write your reply.",
        [],
        None,
        "Apologises; checks the status; gives a realistic timeline; offers a remedy within "
        "policy; clear and friendly.",
        6,
    ),
]
IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WEEKDAY_MORNINGS = [[d, h] for d in range(5) for h in range(6, 14)]
EVENINGS = [[d, h] for d in range(6) for h in range(14, 22)]
REPLIES = {
    "maria": "I am very sorry your parcel is late. I checked the tracking: it left the "
    "seller's warehouse and is held at customs. I expect it within five days; if it has not "
    "arrived by Friday I will refund you in full right away.",
    "lucia": "Thank you for your patience and sorry for the wait. I have looked up your "
    "order: the carrier shows a delay at the sorting center. I will follow up with them today "
    "and write to you tomorrow; if it is lost, we refund the full amount.",
    "kofi": "Sorry for the delay. The order shows as shipped; these things can take time. "
    "Please wait a few more days and contact us again.",
    "jonas": "I'm sorry about this. I checked and the parcel was returned to the seller "
    "because of an address problem. I can reship it today to the corrected address or refund "
    "you; which would you prefer?",
}


@contextmanager
def _at(when: dt.datetime):
    import time_machine  # a dev dependency: seed_demo is a development command

    with time_machine.travel(when, tick=False):
        yield


def _bank(lead) -> None:
    if Question.objects.exists():
        return
    for kind, text, options, correct, rubric, points in QUESTIONS:
        services.question_create(
            actor=lead,
            kind=kind,
            text=text,
            options=options,
            correct_option=correct,
            rubric=rubric,
            points=points,
        )


def _submit(applicant, *, reply: str, right: int, slots, os_name: str, browser: str):
    """The applicant's four steps, as they would do them on the pages."""
    applicant = services.assessment_open(applicant=applicant)
    answers = {}
    for i, entry in enumerate(applicant.draw):
        question = Question.objects.get(pk=entry["q"])
        if question.kind == "free":
            answers[question.pk] = {"text": reply, "seconds": 420}
        else:
            correct = i < right
            option = question.correct_option if correct else (question.correct_option + 1) % 3
            answers[question.pk] = {"option": option, "seconds": 40}
    services.assessment_save(applicant=applicant, answers=answers, left_page=1)
    services.speedtest_save(
        applicant=applicant, url=f"https://www.speedtest.net/result/{15310000 + applicant.pk}"
    )
    services.system_save(applicant=applicant, operating_system=os_name, browser=browser)
    services.availability_save(
        applicant=applicant,
        slots=slots,
        languages=applicant.languages,
        hours_confirmed=True,
    )
    return services.submission_submit(applicant=applicant)


def _score(applicant, lead, points: int, note: str):
    free = applicant.answers.filter(question__kind="free").first()
    return services.answers_score(
        applicant=applicant,
        actor=lead,
        scores=[{"question": free.question_id, "points": points, "note": note}],
    )


def seed(out) -> Round | None:
    lead = User.objects.filter(username="lead").first()
    team = Team.objects.filter(lead=lead).first() if lead else None
    if lead is None or team is None:
        out.write("hiring demo: the demo lead is missing, skipped")
        return None
    existing = Round.objects.filter(name=ROUND_NAME).first()
    if existing is not None:
        return existing
    now = timezone.now().replace(microsecond=0)

    def ago(**kw):
        return now - dt.timedelta(**kw)

    with _at(ago(days=40)):
        _bank(lead)
        rnd = services.round_create(
            actor=lead,
            team=team,
            name=ROUND_NAME,
            assessment_title="Bilingual Customer Support, Test Fixed Price",
            assessment_text=ASSESSMENT_TEXT,
            hourly_title="Bilingual Customer Support, Hourly",
            hourly_text=HOURLY_TEXT,
        )
    with _at(ago(days=11)):
        assessment = rnd.postings.get(kind="assessment")
        services.posting_mark_reviewed(posting=assessment, actor=lead)

    def add(when, **kw):
        with _at(when):
            return services.applicant_add(round=rnd, actor=lead, **kw)

    def move(when, applicant, stage, reason=""):
        with _at(when):
            return services.applicant_move(
                applicant=applicant, to_stage=stage, actor=lead, reason=reason
            )

    people = {
        "maria": add(
            ago(days=10, hours=6),
            name="Maria Santos",
            email="maria.santos@example.net",
            profile_id="~01a1b2c3d4",
            country="PH",
            languages=["English", "Tagalog"],
        ),
        "lucia": add(
            ago(days=10, hours=5),
            name="Lucía Fernández",
            email="lucia.fernandez@example.net",
            profile_id="~01e5f6a7b8",
            country="MX",
            languages=["Spanish", "English"],
        ),
        "kofi": add(
            ago(days=10, hours=4),
            name="Kofi Mensah",
            email="kofi.mensah@example.net",
            country="GH",
            languages=["English", "French"],
        ),
        "jonas": add(
            ago(days=10, hours=3),
            name="Jonas Berg",
            email="jonas.berg@example.net",
            country="US",
            region="TX",
            languages=["English", "German"],
        ),
        "priya": add(
            ago(days=9),
            name="Priya Nair",
            email="priya.nair@example.net",
            country="IN",
            languages=["English", "Hindi"],
        ),
        "amara": add(
            ago(hours=5),
            name="Amara Okafor",
            email="amara.okafor@example.net",
            country="NG",
            languages=["English", "Igbo"],
        ),
    }
    for key in ("maria", "lucia", "kofi", "jonas"):
        move(ago(days=9, hours=20), people[key], Stage.ASSESSMENT_OFFERED, "Hired on the $5 job.")
    move(ago(days=8), people["priya"], Stage.REJECTED, "Not available 40 hours a week.")

    with _at(ago(days=9, hours=2)):
        _submit(
            people["maria"],
            reply=REPLIES["maria"],
            right=3,
            slots=WEEKDAY_MORNINGS,
            os_name="Windows 11",
            browser="Chrome",
        )
    with _at(ago(days=8, hours=22)):
        _submit(
            people["kofi"],
            reply=REPLIES["kofi"],
            right=2,
            slots=EVENINGS,
            os_name="macOS",
            browser="Safari",
        )
    with _at(ago(days=8, hours=20)):
        _submit(
            people["jonas"],
            reply=REPLIES["jonas"],
            right=3,
            slots=WEEKDAY_MORNINGS,
            os_name="Windows 10 or 11",
            browser="Firefox",
        )
    with _at(ago(days=1, hours=3)):  # on a phone; free text waits for the reviewer
        _submit(
            people["lucia"],
            reply=REPLIES["lucia"],
            right=3,
            slots=EVENINGS,
            os_name="iOS",
            browser="Safari",
        )

    with _at(ago(days=8)):
        _score(people["maria"], lead, 6, "Warm, specific, offers a clear remedy.")
        _score(people["kofi"], lead, 2, "Polite but vague; no remedy offered.")
        _score(people["jonas"], lead, 5, "Good options for the buyer.")
    move(ago(days=7), people["maria"], Stage.INVITED, "Top score this round.")
    move(ago(days=7), people["jonas"], Stage.INVITED, "Strong answers.")
    move(ago(days=5), people["maria"], Stage.INTERVIEWED)
    with _at(ago(days=5)):
        services.applicant_note_add(
            applicant=people["maria"],
            actor=lead,
            kind="interview",
            body="Clear English and Tagalog, calm with a difficult buyer role-play. Available "
            "weekday mornings Pacific. Recommend hiring.",
        )
    with _at(ago(days=3)):
        services.applicant_hire(
            applicant=people["maria"],
            actor=lead,
            username="maria",
            password="maria-demo-pass",
            time_zone="Asia/Manila",
            channels=["tickets", "live_chat"],
            start_date=(now + dt.timedelta(days=4)).date(),
        )
    # The same person again, a week after the first: flagged, and never paid twice.
    add(
        ago(days=2),
        name="Kofi A. Mensah",
        email="kofi.mensah@example.net",
        country="GH",
        languages=["English", "French"],
    )
    out.write(f"hiring demo: round “{rnd.name}” with {rnd.applicants.count()} applicants")
    return rnd
