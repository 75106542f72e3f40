from django.core.management.base import BaseCommand, CommandError

from core.db_roles import app_role_grant
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "PostgreSQL: grant the application's (non-owner) database role what web, worker and "
        "beat need; the audit table gets SELECT and INSERT only (CORE-5). Run it as the "
        "table owner after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="The login role the application connects as.")

    def handle(self, *args, role, **options):
        try:
            statements = app_role_grant(role=role)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if options["verbosity"] > 1:
            for statement in statements:
                self.stdout.write(statement)
        self.stdout.write(f"Granted the application's privileges to {role}.")
