"""Sourcing's domain errors (mapped to HTTP by core.api.errors like every DomainError)."""

from core.errors import Conflict, InvalidInput

MAX_REPORTED_ERRORS = 500


class ImportRejected(InvalidInput):
    """The whole batch was refused; ``rows`` says which row and field failed and why."""

    code = "import_rejected"

    def __init__(self, errors: list[dict], total_rows: int):
        self.rows = errors
        self.total_rows = total_rows
        bad_rows = len({e["row"] for e in errors})
        first = errors[0]
        super().__init__(
            f"Nothing was imported: {len(errors)} error(s) in {bad_rows} of {total_rows} "
            f"row(s). First: row {first['row']}, {first['field']}: {first['message']}"
        )

    def as_dict(self) -> dict:
        shown = self.rows[:MAX_REPORTED_ERRORS]
        fields: dict[str, list[str]] = {}
        for err in shown:
            fields.setdefault(f"rows[{err['row']}].{err['field']}", []).append(err["message"])
        return {
            "code": self.code,
            "message": self.message,
            "fields": fields,
            "rows": shown,
            "error_count": len(self.rows),
        }


class InviteConflict(Conflict):
    """An invitation refused by SRC-6; ``conflicts`` names each freelancer and why."""

    def __init__(self, conflicts: list[dict], *, code: str):
        self.conflicts = conflicts
        message = " ".join(c["message"] for c in conflicts) + " Nobody was invited."
        super().__init__(message, code=code, field="freelancer_ids")

    def as_dict(self) -> dict:
        body = super().as_dict()
        body["conflicts"] = self.conflicts
        return body
