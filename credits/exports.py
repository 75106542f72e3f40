"""The ledger as CSV for finance (streamed; text cells spreadsheet-safe, amounts plain)."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone

from core.validation import csv_cell

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
COLUMNS = [
    ("entry", lambda e: e.pk),
    ("at", lambda e: e.at.isoformat()),
    ("kind", lambda e: e.get_kind_display()),
    ("case", lambda e: csv_cell(e.case.reference)),
    ("client", lambda e: csv_cell(e.case.client_name)),
    ("client_account_id", lambda e: csv_cell(e.case.client_account_id)),
    ("contract", lambda e: csv_cell(e.contract.external_id)),
    # Decimal text (never a formula): written as is, so spreadsheets read negative amounts.
    ("amount_usd", lambda e: str(e.amount)),
    ("reverses_entry", lambda e: e.reverses_id or ""),
    ("by", lambda e: csv_cell(e.actor.username)),
]


class _Echo:
    def write(self, value):
        return value


def ledger_csv_rows(queryset):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([name for name, _ in COLUMNS])
    for entry in queryset.iterator(chunk_size=500):
        yield writer.writerow([get(entry) for _, get in COLUMNS])


def ledger_csv_response(queryset) -> StreamingHttpResponse:
    response = StreamingHttpResponse(ledger_csv_rows(queryset), content_type=CSV_CONTENT_TYPE)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="credit-ledger-{stamp}.csv"'
    return response
