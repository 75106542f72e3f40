"""Demo people for the development set-up."""

from .models import Role
from .services import user_api_token, user_create_or_update

TEAM = "Executive Escalations"
DEMO_USERS = [
    # username, role, password, first, last, time zone
    ("admin", Role.ADMIN, "admin-demo-pass", "Ada", "Admin", "America/Los_Angeles"),
    ("lead", Role.TEAM_LEAD, "lead-demo-pass", "Charlene", "Lead", "America/Los_Angeles"),
    ("alice", Role.AGENT, "alice-demo-pass", "Alice", "Agent", "America/New_York"),
    ("bob", Role.AGENT, "bob-demo-pass", "Bob", "Agent", "Europe/London"),
]


def seed(out) -> list[tuple]:
    rows = []
    for username, role, password, first, last, tz in DEMO_USERS:
        user, _ = user_create_or_update(
            username=username,
            role=role,
            password=password,
            first_name=first,
            last_name=last,
            time_zone=tz,
            team_name=TEAM,
            email=f"{username}@example.com",
        )
        rows.append((username, password, role.label, user_api_token(user=user)))
    return rows
