"""Import runs (SRC-1): one row per REST bulk import or CSV upload, with its progress."""

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        FREELANCERS = "freelancers", "Freelancers"
        AGENCIES = "agencies", "Agencies"

    class Source(models.TextChoices):
        API = "api", "REST API"
        CSV = "csv", "CSV upload"

    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        VALIDATING = "validating", "Validating"
        WRITING = "writing", "Writing"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Rejected"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FREELANCERS)
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="sourcing_imports/", blank=True)
    filename = models.CharField(max_length=255, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # Issue 16: writing goes in chunks, each committed with this checkpoint; a job whose
    # worker died resumes after the last committed chunk (see import_job_run).
    written_rows = models.PositiveIntegerField(
        default=0, help_text="Rows written so far (committed chunks)."
    )
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the worker running the job."
    )
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(
        default=0, help_text="Rows identical to the freelancer's last import: skipped."
    )
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="The first errors: row, field, message.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.get_kind_display()}, {self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total_rows:
            return 0
        # Checking the rows is the first half of the bar, writing them the second.
        if self.status == self.Status.WRITING:
            return min(100, 50 + int(self.written_rows * 50 / self.total_rows))
        return min(100, int(self.processed_rows * 50 / self.total_rows))
