"""Cases opened the way users do, for the browser tests."""

from escalations.models import Kind
from escalations.services import case_create


def open_case(actor, title, **fields):
    return case_create(
        actor=actor,
        title=title,
        client_name="Dana Client",
        client_email="dana@example.com",
        issue_summary="your freelancer not responding",
        kind=Kind.GENERAL,
        **fields,
    )
