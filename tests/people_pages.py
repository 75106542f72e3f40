"""The pages a person reaches, per role, on the demo data (words and layout tests share it)."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.urls import reverse

from core.navigation import nav_for

# Not ours to word: Django's admin and the Swagger UI of the API docs.
NOT_OURS = {"admin:index", "api-docs"}
ROLES = {"agent": "alice", "lead": "lead", "admin": "admin"}
DEMO_PASSWORDS = {"alice": "alice-demo-pass", "lead": "lead-demo-pass", "admin": "admin-demo-pass"}


def seed_demo() -> None:
    """What ``manage.py seed_demo`` loads, plus one notification for each demo user."""
    call_command("seed_demo", stdout=io.StringIO())


def pages_for(user) -> list[tuple[str, str]]:
    """(name, path) of every navigation page and of a few demo objects the user may open."""
    from escalations.access import cases_visible_to
    from sourcing.access import shortlists_visible_to

    pages = [
        (item.url_name, reverse(item.url_name))
        for item in nav_for(user)
        if item.url_name not in NOT_OURS
    ]
    pages.append(("notifications", reverse("notifications")))
    pages.append(("search", reverse("escalations:search") + "?q=client"))
    pages.append(("case-new", reverse("escalations:case-new")))
    cases = cases_visible_to(user).order_by("pk")
    for label, case in (
        ("case:outreach", cases.filter(kind="new_client_outreach").first()),
        ("case:unresponsive", cases.filter(kind="unresponsive_freelancer").first()),
        ("case:other", cases.exclude(kind__in=["new_client_outreach"]).last()),
    ):
        if case is not None:
            pages.append((label, case.get_absolute_url()))
    shortlist = shortlists_visible_to(user).order_by("pk").first()
    if shortlist is not None:
        pages.append(("shortlist", reverse("sourcing:shortlist", args=[shortlist.pk])))
    if user.is_lead:
        pages.append(("sourcing:thresholds", reverse("sourcing:thresholds")))
        pages.append(("sourcing:import", reverse("sourcing:import")))
        pages.append(("credits:ledger", reverse("credits:ledger")))  # issue 12
    # Hiring (issue 13): a lead's round pages and one applicant's own submission pages
    if user.is_lead:
        from hiring.access import applicants_visible_to, rounds_visible_to
        from hiring.services import token_for

        pages.append(("hiring:questions", reverse("hiring:questions")))
        round_ = rounds_visible_to(user).order_by("pk").first()
        if round_ is not None:
            for name in ("hiring:round", "hiring:review", "hiring:funnel"):
                pages.append((name, reverse(name, args=[round_.pk])))
        for applicant in applicants_visible_to(user).exclude(submitted_at=None).order_by("pk"):
            pages.append(("hiring:applicant", reverse("hiring:applicant", args=[applicant.pk])))
        first = applicants_visible_to(user).exclude(submitted_at=None).order_by("pk").first()
        if first is not None:
            for name in ("hiring:apply", "hiring:apply-availability", "hiring:apply-assessment"):
                pages.append((name, reverse(name, args=[token_for(first)])))
    # Workforce (issue 14): the lead's pages, the agent's time page, a client's rating link
    pages.append(("workforce:time", reverse("workforce:time")))
    pages.append(("workforce:availability", reverse("workforce:availability")))
    if user.is_lead:
        for name in (
            "workforce:team",
            "workforce:report",
            "workforce:csat",
            "workforce:recognition",
        ):
            pages.append((name, reverse(name)))
        pages.append(
            ("workforce:coverage-london", reverse("workforce:coverage") + "?tz=Europe/London")
        )
        from workforce.models import CsatRating
        from workforce.services.csat import token_for as rating_token

        for row in (
            CsatRating.objects.filter(rating=None).first(),
            CsatRating.objects.exclude(rating=None).first(),
        ):
            if row is not None:
                pages.append(
                    ("workforce:rate", reverse("workforce:rate", args=[rating_token(row)]))
                )
    # The unresponsive-freelancer plan (issue 11): a case mid-schedule, one in mediation,
    # their evidence packets and the shortlist builder prefilled to move forward.
    for ticket in ("DEMO-13", "DEMO-14"):
        ufl_case = cases.filter(external_ticket_id=ticket).first()
        if ufl_case is not None:
            pages.append((f"case:ufl:{ticket}", ufl_case.get_absolute_url()))
            ref = ufl_case.reference
            pages.append(("ufl:evidence", reverse("escalations:ufl-evidence", args=[ref])))
            pages.append(("ufl:forward", reverse("escalations:ufl-move-forward", args=[ref])))
    seen, unique = set(), []
    for name, path in pages:
        if path not in seen:
            seen.add(path)
            unique.append((name, path))
    return unique
