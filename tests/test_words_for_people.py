"""Words for people (issue 10): what a person reads on a page has no internal names.

The demo data (``manage.py seed_demo``) is loaded; every navigation page and the pages of
a few demo objects are rendered for an agent, a lead and an admin; the visible text (tags,
scripts and styles stripped) must hold no ``None``, no ``>=``/``<=``, no "(s)", no rule
ids (``SRC-2``; case references such as ``ESC-000123`` are data), no snake_case choice
values or field keys, no "got None"; instants carry their zone and money its separators.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from core.formatting import format_instant, format_money, localize_stamps
from core.models import User

from .people_pages import ROLES, pages_for, seed_demo

pytestmark = pytest.mark.django_db

RULE_ID = re.compile(r"\b(?:CORE|ESC|NCO|UFL|CRD|SRC|HIR|TEAM|API)-\d{1,2}\b")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
PLAIN_TOKENS = [
    (re.compile(r"\bNone\b"), "None"),
    (re.compile(r">=|<="), ">= or <="),
    (re.compile(r"\(s\)"), "(s)"),
    (re.compile(r"got None", re.I), "got None"),
    (re.compile(r"\bUTC\b"), "a UTC time (times are shown in the viewer's zone)"),
    (re.compile(r"\$\d{4,}"), "money without thousands separators"),
]


class _Text(HTMLParser):
    """Visible text: no tags, scripts, styles, SVG drawing or template-only markup."""

    SKIP = {"script", "style", "svg", "template", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def app_snake_values() -> set[str]:
    """Every snake_case choice value of our apps' models (what users see as labels)."""
    values = set()
    for label in ("core", "escalations", "sourcing", "credits", "hiring"):
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.Field) and field.choices:
                    for value, _ in field.flatchoices:
                        if isinstance(value, str) and "_" in value:
                            values.add(value)
    return values


def problems_in(text: str) -> list[str]:
    found = [
        f"{why}: …{text[max(m.start() - 40, 0) : m.end() + 40]}…"
        for rx, why in PLAIN_TOKENS
        for m in rx.finditer(text)
    ]
    found += [
        f"rule id {m[0]}: …{text[max(m.start() - 40, 0) : m.end() + 40]}…"
        for m in RULE_ID.finditer(text)
    ]
    found += [
        f"internal name {m[0]!r}: …{text[max(m.start() - 40, 0) : m.end() + 40]}…"
        for m in SNAKE.finditer(text)
    ]
    return found


@pytest.fixture
def demo(db):
    seed_demo()
    # Something in every list: a breach notification and an acknowledged breach.
    from core.sla import sla_sweep

    sla_sweep(now=timezone.now() + dt.timedelta(days=4))


@pytest.mark.parametrize("role", list(ROLES))
def test_pages_speak_plainly_to_each_role_core_2(demo, client, role):
    """CORE-2 (instants in the viewer's zone) and issue 10's words for people."""
    user = User.objects.get(username=ROLES[role])
    client.force_login(user)
    snake_values = app_snake_values()
    failures = []
    pages = pages_for(user)
    assert len(pages) >= 8, pages
    for name, path in pages:
        response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        text = visible_text(response.content.decode())
        for problem in problems_in(text):
            failures.append(f"{role} {name} ({path}): {problem}")
        for value in snake_values & set(SNAKE.findall(text)):
            failures.append(f"{role} {name} ({path}): choice value {value!r}")
    assert not failures, "\n".join(sorted(set(failures)))


def test_instants_show_in_the_viewers_zone_with_abbreviation_core_2(settings):
    instant = dt.datetime(2026, 11, 30, 17, 29, tzinfo=dt.UTC)
    with timezone.override("America/Los_Angeles"):
        assert format_instant(instant) == "30 Nov 2026, 09:29 PST"
        assert localize_stamps("due 2026-11-30 17:29 UTC.") == "due 30 Nov 2026, 09:29 PST."
    with timezone.override("Europe/London"):
        assert format_instant(instant) == "30 Nov 2026, 17:29 GMT"
    assert format_money(Decimal("12500")) == "$12,500.00"
    assert format_money(Decimal("8000.005")) == "$8,000.01"  # CRD-2: half up
    assert format_money(None) == ""


def test_timeline_and_notifications_show_due_times_in_the_viewers_zone_core_2(demo, client):
    """Stored text keeps ``... UTC``; the case page shows it in the viewer's zone."""
    from escalations.models import CaseEvent

    event = CaseEvent.objects.filter(body__contains=" UTC").select_related("case").first()
    assert event is not None, "the demo has an SLA clock start on some timeline"
    alice = User.objects.get(username="alice")  # America/New_York
    viewer = alice if event.case.team_id == alice.team_id else User.objects.get(username="admin")
    client.force_login(viewer)
    text = visible_text(client.get(event.case.get_absolute_url()).content.decode())
    assert "clock started" in text
    assert " UTC" not in text
    assert re.search(r"\d{1,2} [A-Z][a-z]{2}( \d{4})?, \d\d:\d\d (EST|EDT|PST|PDT)", text)
