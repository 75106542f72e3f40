"""Hiring's write paths: each runs in a transaction, validates, audits (CORE-5)."""

from .applicants import (
    applicant_add,
    applicant_move,
    applicant_note_add,
    applicants_import_csv,
    identity_hash,
)
from .hire import applicant_hire
from .retention import applicants_purge_expired
from .rounds import posting_mark_reviewed, postings_remind_stale, question_create, round_create
from .scoring import answers_score
from .submission import (
    applicant_from_token,
    assessment_deadline,
    assessment_open,
    assessment_save,
    availability_save,
    speedtest_save,
    submission_missing_parts,
    submission_submit,
    submission_url,
    system_save,
    token_for,
)

__all__ = [
    "answers_score",
    "applicant_add",
    "applicant_from_token",
    "applicant_hire",
    "applicant_move",
    "applicant_note_add",
    "applicants_import_csv",
    "applicants_purge_expired",
    "assessment_deadline",
    "assessment_open",
    "assessment_save",
    "availability_save",
    "identity_hash",
    "posting_mark_reviewed",
    "postings_remind_stale",
    "question_create",
    "round_create",
    "speedtest_save",
    "submission_missing_parts",
    "submission_submit",
    "submission_url",
    "system_save",
    "token_for",
]
