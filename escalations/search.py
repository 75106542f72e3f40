"""Case search (ESC-9): one box finds any case the viewer may see, whatever its status.

A query is matched against the reference, the title, the client's name, email and company,
the external ticket id, the contract ids and the freelancer's (or agency's) name, then
ranked: an exact reference first, then an exact ticket or contract id, then text matches
by relevance, the most recently updated first among equals.

On PostgreSQL the text match is full-text search (``websearch_to_tsquery`` over an
expression GIN index) OR a substring match on the short fields OR a fuzzy word match on
the names (``pg_trgm``; GIN trigram indexes on ``UPPER(field)``), so a misspelt name is
still found; the indexes are in migration 0004. Elsewhere (SQLite, development and
tests) every word must appear in one of the fields (``icontains``). Visibility always
goes through ``escalations.access.cases_visible_to`` (CORE-8).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    FloatField,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Upper

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
    build = _postgres if connection.vendor == "postgresql" else _portable
    condition, rank = build(text)
    return (
        qs.filter(condition)
        .annotate(search_rank=rank)
        .order_by("-search_rank", "-updated_at", "-id")
    )


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


def case_search_vector():
    """The full-text document of a case; migration 0004 indexes this very expression."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector(
        "client_name", "client_company", "freelancer_name", config=FTS_CONFIG, weight="A"
    ) + SearchVector("title", "client_email", config=FTS_CONFIG, weight="B")


def upper_text(name: str):
    """``UPPER(field::text)``: what Django's ``icontains`` compares on PostgreSQL, and so
    the expression the trigram indexes of migration 0004 are built on."""
    return Upper(Cast(name, TextField()))


def _postgres(text: str):
    from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity

    reference, identifier = _identifier_conditions(text)
    query = SearchQuery(text, config=FTS_CONFIG, search_type="websearch")
    vector = case_search_vector()
    condition = (
        reference
        | identifier
        | Q(ExpressionWrapper(_Matches(vector, query), output_field=BooleanField()))
    )
    rank = _bonus(reference, RANK_REFERENCE) + _bonus(identifier, RANK_IDENTIFIER)
    rank = rank + SearchRank(vector, query)
    if len(text) >= MIN_FUZZY_LENGTH:
        upper = text.upper()
        for name in SUBSTRING_FIELDS:
            condition |= Q(**{f"{name}__icontains": text})
        for name in FUZZY_FIELDS:
            condition |= Q(_WordSimilar(upper_text(name), Value(upper)))
        rank = rank + Greatest(
            *[TrigramWordSimilarity(Value(upper), upper_text(name)) for name in FUZZY_FIELDS]
        )
    return condition, rank


# Operators Django has no expression for ------------------------------------------------
class _Matches(Func):
    """``vector @@ query`` as a boolean expression (usable in Q and filter())."""

    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()
    conditional = True


class _WordSimilar(Func):
    """``field %> text``: pg_trgm's word similarity of ``text`` within ``field`` is over
    ``pg_trgm.word_similarity_threshold`` (0.6); a GIN trigram index answers it."""

    template = "%(expressions)s"
    arg_joiner = " %%> "
    output_field = BooleanField()
    conditional = True


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
