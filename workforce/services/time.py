"""Time tracking (HIR-8): imports, outages, flags, the manual-time switch.

Manual time is allowed only inside declared platform outages; the minutes outside every
outage are the entry's ``flagged_minutes``. A flagged entry notifies its freelancer once
(in-app and email) and publishes ``time_entry.flagged``. An outage declared later
re-evaluates the manual entries it overlaps (a cleared entry stops being flagged).
An import is all or nothing: any bad row refuses the whole batch with the row named.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import access
from core.errors import Forbidden, InvalidInput
from core.notifications import notify
from core.services import audit_record, snapshot
from core.validation import check_text, parse_instant

from ..access import freelancers_managed_by, require_lead
from ..models import EntryKind, EntrySource, Outage, TimeEntry, WorkProfile

MAX_ROWS = 5000
MAX_ENTRY = dt.timedelta(hours=24)
CSV_COLUMNS = ("freelancer", "kind", "start", "end")


def _publish(event_type: str, data: dict, team_id) -> None:
    from integrations.events import publish_event

    publish_event(event_type, data, team_id=team_id)


def monday_utc(instant: dt.datetime) -> dt.date:
    day = instant.astimezone(dt.UTC).date()
    return day - dt.timedelta(days=day.weekday())


def outside_outages(starts_at: dt.datetime, ends_at: dt.datetime) -> int:
    """Whole minutes of [starts_at, ends_at) not covered by any declared outage."""
    covered = []
    for o in Outage.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).order_by(
        "starts_at"
    ):
        covered.append((max(o.starts_at, starts_at), min(o.ends_at, ends_at)))
    inside = dt.timedelta(0)
    cursor = starts_at
    for lo, hi in covered:
        lo = max(lo, cursor)
        if hi > lo:
            inside += hi - lo
            cursor = hi
    total = ends_at - starts_at
    return int((total - inside).total_seconds() // 60)


# Outages ------------------------------------------------------------------------------
@transaction.atomic
def outage_declare(*, actor, starts_at, ends_at, reason: str = "") -> Outage:
    require_lead(actor, "declare an outage")
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise InvalidInput("Give a date and time with its zone.", field=name)
    if ends_at <= starts_at:
        raise InvalidInput("An outage ends after it starts.", field="ends_at")
    if ends_at - starts_at > dt.timedelta(days=7):
        raise InvalidInput("An outage is declared for at most seven days.", field="ends_at")
    if starts_at > timezone.now() + dt.timedelta(days=1):
        raise InvalidInput("Declare outages that happened (or are happening).", field="starts_at")
    reason = check_text((reason or "").strip(), field="reason")[:200]
    outage = Outage.objects.create(
        starts_at=starts_at, ends_at=ends_at, reason=reason, declared_by=actor
    )
    audit_record(
        actor=actor,
        action="outage.declared",
        target=outage,
        after=snapshot(outage, ("starts_at", "ends_at", "reason")),
    )
    for entry in TimeEntry.objects.select_for_update().filter(
        kind=EntryKind.MANUAL, starts_at__lt=ends_at, ends_at__gt=starts_at
    ):
        flagged = outside_outages(entry.starts_at, entry.ends_at)
        if flagged != entry.flagged_minutes:
            before = snapshot(entry, ("flagged_minutes",))
            entry.flagged_minutes = flagged
            entry.save(update_fields=["flagged_minutes"])
            audit_record(
                actor=actor,
                action="time_entry.reflagged",
                target=entry,
                before=before,
                after=snapshot(entry, ("flagged_minutes",)),
                reason="outage declared",
            )
    return outage


# Manual time switch -------------------------------------------------------------------
@transaction.atomic
def manual_time_set(*, actor, user, disabled: bool, reason: str = "") -> WorkProfile:
    if not freelancers_managed_by(actor).filter(pk=user.pk).exists():
        access.deny(actor, "manual time switch", target=user.pk)
        raise Forbidden("Only a lead of the freelancer's team changes their manual time.")
    profile, _ = WorkProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"zone": user.time_zone}
    )
    before = snapshot(profile, ("manual_time_disabled",))
    profile.manual_time_disabled = bool(disabled)
    profile.save(update_fields=["manual_time_disabled", "updated_at"])
    audit_record(
        actor=actor,
        action="work_profile.manual_time",
        target=profile,
        before=before,
        after=snapshot(profile, ("manual_time_disabled",)),
        reason=reason,
    )
    return profile


# Availability -------------------------------------------------------------------------
@transaction.atomic
def availability_set(*, actor, user, slots, zone: str) -> WorkProfile:
    from hiring.availability import normalize_slots

    from ..coverage import zone_named

    if actor.pk != user.pk and not freelancers_managed_by(actor).filter(pk=user.pk).exists():
        access.deny(actor, "set availability", target=user.pk)
        raise Forbidden("Only the agent or their lead sets their availability.")
    zone_named(zone, field_name="zone")
    try:
        clean = normalize_slots(slots)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="availability") from None
    profile, _ = WorkProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"zone": zone}
    )
    before = snapshot(profile, ("zone", "availability"))
    profile.zone = zone
    profile.availability = clean
    profile.save(update_fields=["zone", "availability", "updated_at"])
    audit_record(
        actor=actor,
        action="work_profile.availability",
        target=profile,
        before=before,
        after=snapshot(profile, ("zone", "availability")),
    )
    return profile


# Imports ------------------------------------------------------------------------------
@dataclass
class ImportResult:
    created: list[TimeEntry]
    skipped: int  # rows already imported (same freelancer, kind and start)

    @property
    def flagged(self) -> list[TimeEntry]:
        return [e for e in self.created if e.is_flagged]


def _row_error(index: int, name: str, message: str) -> InvalidInput:
    return InvalidInput(f"Row {index + 1}: {message}", field=f"entries[{index}].{name}")


def _clean_row(index: int, row: dict, people: dict, disabled: set[int], now) -> dict:
    if not isinstance(row, dict):
        raise _row_error(index, "freelancer", "each entry is an object.")
    username = str(row.get("freelancer") or "").strip()
    user = people.get(username.lower())
    if user is None:
        raise _row_error(index, "freelancer", f"unknown freelancer {username[:60]!r}.")
    kind = str(row.get("kind") or "").strip().lower()
    if kind not in EntryKind.values:
        raise _row_error(index, "kind", "kind is tracked or manual.")
    try:
        starts_at = parse_instant(row.get("start"), field="start", required_offset=True)
        ends_at = parse_instant(row.get("end"), field="end", required_offset=True)
    except InvalidInput as exc:
        raise _row_error(index, exc.field or "start", str(exc)) from None
    if ends_at <= starts_at:
        raise _row_error(index, "end", "an entry ends after it starts.")
    if ends_at - starts_at > MAX_ENTRY:
        raise _row_error(index, "end", "one entry covers at most 24 hours.")
    if ends_at > now or starts_at.astimezone(dt.UTC).date() > now.date():
        raise _row_error(index, "start", "time in the future cannot be logged.")
    if kind == EntryKind.MANUAL and user.pk in disabled:
        raise _row_error(
            index, "kind", f"manual time is disabled for {user.get_full_name() or user}."
        )
    return {"user": user, "kind": kind, "starts_at": starts_at, "ends_at": ends_at}


@transaction.atomic
def time_entries_import(*, actor, rows: list, source: str = EntrySource.API) -> ImportResult:
    require_lead(actor, "import time entries")
    if not isinstance(rows, list) or not rows:
        raise InvalidInput("Send at least one time entry.", field="entries")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"At most {MAX_ROWS} entries per import.", field="entries")
    now = timezone.now()
    people = {u.username.lower(): u for u in freelancers_managed_by(actor)}
    disabled = set(
        WorkProfile.objects.filter(manual_time_disabled=True).values_list("user_id", flat=True)
    )
    clean = [_clean_row(i, row, people, disabled, now) for i, row in enumerate(rows)]
    created, skipped = [], 0
    for row in clean:
        if TimeEntry.objects.filter(
            user=row["user"], kind=row["kind"], starts_at=row["starts_at"]
        ).exists():
            skipped += 1
            continue
        minutes = int((row["ends_at"] - row["starts_at"]).total_seconds() // 60)
        flagged = (
            outside_outages(row["starts_at"], row["ends_at"])
            if row["kind"] == EntryKind.MANUAL
            else 0
        )
        entry = TimeEntry.objects.create(
            **row,
            minutes=minutes,
            day=row["starts_at"].astimezone(dt.UTC).date(),
            week=monday_utc(row["starts_at"]),
            flagged_minutes=flagged,
            source=source,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="time_entry.imported",
            target=entry,
            after=snapshot(entry, ("user", "kind", "starts_at", "ends_at", "flagged_minutes")),
        )
        created.append(entry)
    for entry in created:
        if entry.is_flagged:
            _flag(entry)
    return ImportResult(created=created, skipped=skipped)


def _flag(entry: TimeEntry) -> None:
    try:
        start = entry.starts_at.astimezone(ZoneInfo(entry.user.time_zone or "UTC"))
    except (ValueError, KeyError):
        start = entry.starts_at.astimezone(dt.UTC)
    notify(
        recipients=[entry.user],
        kind="time_entry_flagged",
        title="Manual time outside a platform outage",
        body=(
            f"{entry.flagged_minutes} of the {entry.minutes} manual minutes you logged on "
            f"{start:%a %d %b} from {start:%H:%M} (your time) fall outside every declared "
            "outage. "
            "Please use the time tracker, or ask your lead to correct the entry before the "
            "week is invoiced."
        ),
        url=reverse("workforce:time"),
        target=entry,
    )
    _publish(
        "time_entry.flagged",
        {
            "entry_id": entry.pk,
            "freelancer_id": entry.user_id,
            "day": entry.day.isoformat(),
            "starts_at": entry.starts_at.astimezone(dt.UTC).isoformat(),
            "ends_at": entry.ends_at.astimezone(dt.UTC).isoformat(),
            "manual_minutes": entry.minutes,
            "flagged_minutes": entry.flagged_minutes,
        },
        entry.user.team_id,
    )


def rows_from_csv(text: str) -> list[dict]:
    """CSV columns: freelancer (username), kind (tracked/manual), start, end (ISO 8601
    with an offset). A missing column is an error naming it."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            f"The CSV needs the columns {', '.join(CSV_COLUMNS)}; missing {missing[0]}.",
            field="file",
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        rows.append({k: (row.get(k) or "").strip() for k in CSV_COLUMNS})
        if len(rows) > MAX_ROWS:
            raise InvalidInput(f"At most {MAX_ROWS} entries per import.", field="file")
    return rows
