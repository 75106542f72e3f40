"""Run one SLA sweep now, for operators (CORE-4): what beat does every minute.

Breaches every running clock past its due time and warns those past their warning time,
exactly once each (an overlapping beat sweep claims different rows), then sends the
notifications in this process (no worker needed). Apps react as they do to beat's sweep
(e.g. the unresponsive-freelancer plans: reminders and the 48-hour exhaustion).
"""

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.sla import sla_sweep
from core.validation import parse_instant


class Command(BaseCommand):
    help = "Run one SLA sweep now (breaches, warnings, their notifications)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=None, help="Clocks claimed per transaction."
        )
        parser.add_argument(
            "--now",
            default=None,
            help="Sweep as of this ISO 8601 instant with an offset (default: now).",
        )

    def handle(self, *args, batch_size=None, now=None, **options):
        if batch_size is not None and not 1 <= batch_size <= 100_000:
            raise CommandError("--batch-size must be between 1 and 100000.")
        try:
            at = parse_instant(now, field="now", required_offset=True) if now else None
            result = sla_sweep(now=at, batch_size=batch_size)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"SLA sweep: {result.breached} breached, {result.warned} warned, "
            f"{result.notifications} notifications, {result.batches} batches."
        )
