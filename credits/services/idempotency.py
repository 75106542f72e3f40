"""Idempotency keys (CRD-5): the first answer to a key is stored for at least 24 hours and
replayed, same status and body, for a retry of the same request; the same key with a
different request is refused (422).

The record is inserted *before* the work, in the same transaction: a concurrent retry's
insert waits on the unique index until the first commits, then finds the stored answer.
If the work fails, the record rolls back with it and a retry does the work again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import DomainError, InvalidInput

from ..models import IdempotencyRecord, canonical

KEEP_FOR = dt.timedelta(hours=48)  # at least the 24 hours promised
MAX_KEY_LENGTH = 255


class IdempotencyMismatch(DomainError):
    code = "idempotency_key_reused"
    status = 422


def key_clean(raw: str | None) -> str:
    key = (raw or "").strip()
    if not key:
        raise InvalidInput("Send an Idempotency-Key header.", field="Idempotency-Key")
    if len(key) > MAX_KEY_LENGTH or not all(32 < ord(c) < 127 for c in key):
        raise InvalidInput(
            f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} visible ASCII characters.",
            field="Idempotency-Key",
        )
    return key


def request_fingerprint(*, method: str, path: str, body) -> str:
    return hashlib.sha256(canonical([method.upper(), path, body]).encode()).hexdigest()


def _stored(actor, key: str, fingerprint: str) -> tuple[int, dict]:
    record = IdempotencyRecord.objects.get(actor=actor, key=key)
    if record.request_hash != fingerprint:
        raise IdempotencyMismatch(
            "This Idempotency-Key was used for a different request; use a new key.",
            field="Idempotency-Key",
        )
    return record.status_code, record.response


def idempotent_call(
    *, actor, key: str, fingerprint: str, run: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """(status, body, replayed): ``run``'s answer, or the stored first answer to ``key``."""
    key = key_clean(key)
    existing = IdempotencyRecord.objects.filter(actor=actor, key=key).exists()
    if not existing:
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    actor=actor,
                    key=key,
                    request_hash=fingerprint,
                    status_code=0,
                    response={},
                    created_at=timezone.now(),
                )
                status, body = run()
                record.status_code, record.response = status, body
                record.save(update_fields=["status_code", "response"])
                return status, body, False
        except IntegrityError:
            pass  # a concurrent request with this key committed first: replay its answer
    status, body = _stored(actor, key, fingerprint)
    return status, body, True


def idempotency_records_purge(*, now: dt.datetime | None = None) -> int:
    """Forget answers older than ``KEEP_FOR`` (run by beat)."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
