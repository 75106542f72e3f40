from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.models import Role
from core.services import user_api_token, user_create_or_update


class Command(BaseCommand):
    help = "Create or update a user with a role; prints the user's API token on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--team", help="Team name; created if missing. A lead leads it.")
        parser.add_argument("--password", help="Set this password (else left unchanged).")
        parser.add_argument("--email")
        parser.add_argument("--time-zone", dest="time_zone", help="IANA time zone")

    def handle(self, *args, username, role, team, password, email, time_zone, **options):
        try:
            user, created = user_create_or_update(
                username=username,
                role=role,
                team_name=team,
                password=password,
                email=email,
                time_zone=time_zone,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        verb = "Created" if created else "Updated"
        team_label = f" in team {user.team.name}" if user.team else ""
        self.stdout.write(f"{verb} {user.username} ({user.get_role_display()}){team_label}")
        self.stdout.write(user_api_token(user=user))
