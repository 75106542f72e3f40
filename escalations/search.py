"""Case search (ESC-9): one box finds any case the viewer may see, whatever its status.

A query is matched against the reference, the title, the client's name, email and company,
the external ticket id, the contract ids and the freelancer's (or agency's) name, then
ranked: an exact reference first, then an exact ticket or contract id, then text matches
by relevance, the most recently updated first among equals.

On PostgreSQL the text match is full-text search (``websearch_to_tsquery`` over a stored
``tsvector`` column with a GIN index) OR a substring match on the short fields OR a fuzzy
word match on the names (``pg_trgm``; GIN trigram indexes on ``UPPER(field)``), so a
misspelt name is still found; the column and indexes are in migrations 0004 and 0005.
Elsewhere (SQLite, development and tests) every word must appear in one of the fields
(``icontains``). Visibility always goes through ``escalations.access.cases_visible_to`` (CORE-8).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Case, FloatField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from core.errors import InvalidInput

from . import models
from .access import cases_visible_to
from .models import format_reference, parse_reference
from .selectors import CASE_SUMMARY_FIELDS, case_summaries

MAX_QUERY_LENGTH = 200
# Substring and fuzzy matches need at least one trigram to use their index.
MIN_FUZZY_LENGTH = 3
FTS_CONFIG = "simple"  # names, emails and ids: no stemming, no stop words

# Short text fields matched by substring (trigram index each).
SUBSTRING_FIELDS = ("title", "client_name", "client_email", "client_company", "freelancer_name")
# Names matched fuzzily as well (a misspelt word still finds them).
FUZZY_FIELDS = ("client_name", "client_company", "freelancer_name")
# Everything the result rows and the ``matched`` hint read.
SEARCH_ROW_FIELDS = (
    *CASE_SUMMARY_FIELDS,
    "client_email",
    "freelancer_name",
    "is_agency",
    "external_ticket_id",
    "contract_ids",
)

# Rank bonuses: exact identifiers always outrank any text match (at most ~2).
RANK_REFERENCE = 100.0
RANK_IDENTIFIER = 50.0


def clean_query(q: str | None, *, field: str = "q") -> str:
    """The query with its whitespace collapsed; empty or too long is an InvalidInput."""
    text = " ".join(str(q or "").split())
    if not text:
        raise InvalidInput(f"{field}: type something to search for.", field=field)
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            f"{field}: at most {MAX_QUERY_LENGTH} characters (got {len(text)}).", field=field
        )
    return text


def case_search(
    *,
    user,
    q: str,
    statuses: list[str] | None = None,
    kinds: list[str] | None = None,
    queryset: QuerySet[models.Case] | None = None,
) -> QuerySet[models.Case]:
    """The cases ``user`` may see that match ``q``, best first, as list rows.

    Rows are ``case_summaries`` rows (the API's list representation, plus the fields
    ``matched_fields`` reads) unless ``queryset`` says otherwise; each has ``search_rank``.
    """
    text = clean_query(q)
    if queryset is None:
        queryset = case_summaries(user=user).only(*SEARCH_ROW_FIELDS)
    qs = cases_visible_to(user, queryset)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return search_filter(qs, text)


def search_filter(qs: QuerySet[models.Case], text: str) -> QuerySet[models.Case]:
    """Narrow an already scoped queryset to ``text`` and order it by ``search_rank``."""
    if connection.vendor != "postgresql":
        condition, rank = _portable(text)
    else:
        condition, rank = _postgres(text)
        # Fuzzy name matching only when nothing matches as typed: ranking thousands of
        # rows by word similarity is what a broad query would otherwise pay for. count(),
        # not exists(): with LIMIT 1 the planner bets on an early hit and scans the table,
        # which is exactly the no-match case; the count reads the bitmap indexes.
        if len(text) >= MIN_FUZZY_LENGTH and not qs.filter(condition).count():
            condition, rank = _postgres_fuzzy(text)
    qs = qs.filter(condition).annotate(search_rank=rank)
    return qs.order_by("-search_rank", "-updated_at", "-id")


def reference_in(text: str) -> str | None:
    """The case reference ``text`` names: ``ESC-000123``, ``esc-123`` or a bare ``123``."""
    pk = parse_reference(text)
    if pk is None and text.isdigit() and len(text) <= 9:
        pk = int(text)
    return format_reference(pk) if pk is not None else None


def _identifier_conditions(text: str) -> tuple[Q, Q]:
    """(exact reference, exact ticket or contract id) for ``text``."""
    ref = reference_in(text)
    reference = Q(reference=ref) if ref is not None else Q(pk__in=[])
    identifier = Q(external_ticket_id=text)
    if connection.vendor == "postgresql":
        identifier |= Q(contract_ids__contains=[text])
    else:
        # JSON text of the list: '"CT-1"' appears in it exactly when the id is in the list.
        identifier |= Q(contract_ids__icontains=f'"{text}"')
    return reference, identifier


def _bonus(condition: Q, points: float):
    return Case(When(condition, then=Value(points)), default=Value(0.0), output_field=FloatField())


def _portable(text: str):
    """Every word in one of the fields (icontains); exact identifiers ranked first."""
    reference, identifier = _identifier_conditions(text)
    words = Q()
    for word in text.split():
        any_field = Q()
        for name in SUBSTRING_FIELDS:
            any_field |= Q(**{f"{name}__icontains": word})
        words &= any_field
    whole = Q()
    for name in FUZZY_FIELDS:
        whole |= Q(**{f"{name}__iexact": text})
    rank = (
        _bonus(reference, RANK_REFERENCE)
        + _bonus(identifier, RANK_IDENTIFIER)
        + _bonus(whole, 1.0)
        + _bonus(words, 0.5)
    )
    return reference | identifier | words, rank


# PostgreSQL ------------------------------------------------------------------------------
# The case's full-text document is a stored generated column that only PostgreSQL has
# (migration 0005; Django's model does not know it, so it never writes it): ranking and
# rechecking read it instead of recomputing to_tsvector() per row. The SQL below is
# written once, not built from ORM expressions per request: compiling those cost more
# than the query itself for exact hits (bench/bench_search.py).
_T = '"escalations_case"'
_TSQUERY = "websearch_to_tsquery('simple', %s)"
_DOCUMENT_MATCH = f"{_T}.search_document @@ {_TSQUERY}"
# UPPER(field::text): the expression of the trigram indexes (and of Django's icontains).
_LIKE = " OR ".join(f'UPPER({_T}."{name}"::text) LIKE %s' for name in SUBSTRING_FIELDS)
_FUZZY = " OR ".join(f'UPPER({_T}."{name}"::text) %%> %s' for name in FUZZY_FIELDS)
_FUZZY_RANK = ", ".join(f'word_similarity(%s, UPPER({_T}."{name}"::text))' for name in FUZZY_FIELDS)
_TEXT_RANK = f"ts_rank({_T}.search_document, {_TSQUERY})"


def _postgres(text: str):
    """Exact identifiers, full-text and substring matches, ranked by ts_rank."""
    reference, identifier = _identifier_conditions(text)
    rank = _bonus(reference, RANK_REFERENCE) + _bonus(identifier, RANK_IDENTIFIER)
    rank = rank + RawSQL(_TEXT_RANK, [text], output_field=FloatField())
    if len(text) < MIN_FUZZY_LENGTH:
        matches = RawSQL(_DOCUMENT_MATCH, [text], output_field=BooleanField())
    else:
        pattern = f"%{connection.ops.prep_for_like_query(text.upper())}%"
        matches = RawSQL(
            f"({_DOCUMENT_MATCH} OR {_LIKE})",
            [text, *[pattern] * len(SUBSTRING_FIELDS)],
            output_field=BooleanField(),
        )
    return reference | identifier | Q(matches), rank


def _postgres_fuzzy(text: str):
    """Names a misspelt word is close to (pg_trgm word similarity), closest first."""
    upper = text.upper()
    matches = RawSQL(_FUZZY, [upper] * len(FUZZY_FIELDS), output_field=BooleanField())
    rank = RawSQL(
        f"GREATEST({_FUZZY_RANK})", [upper] * len(FUZZY_FIELDS), output_field=FloatField()
    )
    return Q(matches), rank


def matched_fields(case: models.Case, text: str) -> list[str]:
    """Which fields of a result row contain the query (a hint for the reader); fuzzy
    matches name no field."""
    needle = " ".join(text.split()).casefold()
    hits = []
    if case.reference and case.reference == reference_in(text):
        hits.append("reference")
    if case.external_ticket_id and case.external_ticket_id.casefold() == needle:
        hits.append("external_ticket_id")
    if any(str(c).casefold() == needle for c in case.contract_ids or []):
        hits.append("contract_ids")
    for name in SUBSTRING_FIELDS:
        value = (getattr(case, name, "") or "").casefold()
        if value and all(word in value for word in needle.split()):
            hits.append(name)
    return hits
