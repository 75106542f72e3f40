import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

OUR_APPS = ["core", "escalations", "sourcing", "credits", "hiring"]
OUR_APPS += ["integrations"]  # issue 15: client email in and out, webhook endpoints
OUR_APPS += ["workforce"]  # issue 14: availability, forecast, time, ratings


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo users with their passwords."

    def handle(self, *args, **options):
        people = []
        for label in OUR_APPS:
            if not apps.is_installed(label):
                continue
            try:
                module = importlib.import_module(f"{label}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{label}.demo":
                    raise
                continue
            with transaction.atomic():
                result = module.seed(self.stdout)
            if label == "core":
                people = result
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS("Demo users (username / password / role / API token):")
        )
        for username, password, role, token in people:
            self.stdout.write(f"  {username:<8} {password:<18} {role:<10} {token}")
