"""Create (or revoke) a REST integration's service token (CORE-8)."""

from django.core.management.base import BaseCommand, CommandError

from core.access import SCOPES
from core.errors import DomainError
from core.models import ServiceToken
from core.tokens import service_token_create, service_token_revoke


class Command(BaseCommand):
    help = (
        "Create a service token with named scopes and print its key (shown once). "
        f"Scopes: {', '.join(SCOPES)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scope", action="append", default=[], choices=sorted(SCOPES), dest="scopes"
        )
        parser.add_argument("--revoke", action="store_true", help="Revoke the named token.")

    def handle(self, *args, name, scopes, revoke, **options):
        if revoke:
            token = ServiceToken.objects.filter(name=name.lower()).first()
            if token is None:
                raise CommandError(f"No service token named {name!r}.")
            service_token_revoke(token=token)
            self.stdout.write(f"Revoked service token {token.name}.")
            return
        if not scopes:
            raise CommandError("Give at least one --scope.")
        try:
            token, key = service_token_create(name=name, scopes=scopes)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Service token {token.name} with scopes {', '.join(token.scopes)}:")
        self.stdout.write(key)
