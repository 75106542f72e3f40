from django.db import models


class Heartbeat(models.Model):
    """Last run of a periodic task, so an operator sees that worker and beat are alive."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)
    runs = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_at:%Y-%m-%d %H:%M:%S}"


class PeriodicClaim(models.Model):
    """CORE-4: one row per (periodic task, period): the beat dispatch that inserts it does the
    work; any other dispatch of the same task in the same period (a second beat) is a no-op."""

    name = models.CharField(max_length=200)
    period_start = models.DateTimeField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    hostname = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "period_start"], name="periodic_claim_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.period_start:%Y-%m-%d %H:%M:%S}"
