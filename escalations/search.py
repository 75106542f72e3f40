"""Case search (ESC-9): one box finds any case the viewer may see, whatever its status.

A query is matched against the reference, the title, the client's name, email and company,
the external ticket id, the contract ids and the freelancer's (or agency's) name, then
ranked: an exact reference first, then an exact ticket or contract id, then text matches
by relevance, the most recently updated first among equals.

On PostgreSQL the text match is full-text search (``websearch_to_tsquery`` over a stored
``tsvector`` column with a GIN index) OR a substring match on the short fields (GIN
trigram indexes on ``UPPER(field)``; on the email alone for text with an ``@``); when
nothing matches as typed, each word is compared (``pg_trgm`` word similarity) with the
words of the names in a small indexed table and the cases are found by full-text search
on the close words, so a misspelt name is still found. The column, indexes and word table
are in migrations 0004 to 0006. Elsewhere (SQLite, development and tests) every word must
appear in one of the fields (``icontains``). Visibility always goes through
``escalations.access.cases_visible_to`` (CORE-8).
"""

from __future__ import annotations

from collections.abc import Callable

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
    return search_filter(_scoped(user, q, statuses, kinds, queryset), clean_query(q))


def case_search_with_fallback(
    *,
    user,
    q: str,
    statuses: list[str] | None = None,
    kinds: list[str] | None = None,
    queryset: QuerySet[models.Case] | None = None,
) -> tuple[QuerySet[models.Case], Callable[[], QuerySet[models.Case] | None] | None]:
    """``case_search`` without deciding on fuzziness up front: (the query as typed, ranked;
    a function giving the fuzzy search, or None, to use when that finds nothing -- None
    when there is no fuzzy search). The API pages the first and falls back to the second
    on an empty result, so a query that matches pays for no separate probe."""
    return search_alternatives(_scoped(user, q, statuses, kinds, queryset), clean_query(q))


def _scoped(user, q, statuses, kinds, queryset) -> QuerySet[models.Case]:
    clean_query(q)  # an InvalidInput before any query is built
    if queryset is None:
        queryset = case_summaries(user=user).only(*SEARCH_ROW_FIELDS)
    qs = cases_visible_to(user, queryset)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs


def search_alternatives(qs: QuerySet[models.Case], text: str):
    """(as typed, fuzzy fallback) for an already scoped queryset; see
    ``case_search_with_fallback``."""
    if connection.vendor != "postgresql":
        return _ranked(qs, *_portable(text)), None
    ranked = _ranked(qs, *_postgres(text))
    if len(text) < MIN_FUZZY_LENGTH:
        return ranked, None

    def fuzzy() -> QuerySet[models.Case] | None:
        found = _postgres_fuzzy(text)
        return _ranked(qs, *found) if found is not None else None

    return ranked, fuzzy


def search_filter(qs: QuerySet[models.Case], text: str) -> QuerySet[models.Case]:
    """Narrow an already scoped queryset to ``text`` and order it by ``search_rank``."""
    ranked, fuzzy = search_alternatives(qs, text)
    # Fuzzy name matching only when nothing matches as typed. count(), not exists(): with
    # LIMIT 1 the planner bets on an early hit and scans the table, which is exactly the
    # no-match case; the count reads the bitmap indexes. (The API needs no such probe: it
    # pages the ranked query and falls back when that is empty, api_search.py.)
    if fuzzy is not None and not ranked.count():
        found = fuzzy()
        if found is not None:
            return found
    return ranked


def _ranked(qs: QuerySet[models.Case], condition, rank) -> QuerySet[models.Case]:
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
_EMAIL_LIKE = f'UPPER({_T}."client_email"::text) LIKE %s'
_TEXT_RANK = f"ts_rank({_T}.search_document, {_TSQUERY})"
# Fuzzy: each word of the query against the words of the names (migration 0006's table,
# trigram-indexed), closest first; then full-text search on the close words.
FUZZY_WORDS_PER_WORD = 5
_CLOSE_WORDS = (
    "SELECT q.word, w.word, word_similarity(q.word, w.word) "
    "FROM unnest(tsvector_to_array(to_tsvector('simple', %s))) AS q(word) "
    "LEFT JOIN LATERAL (SELECT v.word FROM escalations_case_search_word v "
    "WHERE v.word %%> q.word ORDER BY word_similarity(q.word, v.word) DESC, v.word "
    "LIMIT %s) AS w ON true"
)
_NAME_MATCH = f"{_T}.search_document @@ %s::tsquery"


def _postgres(text: str):
    """Exact identifiers, full-text and substring matches, ranked by ts_rank.

    Text with an ``@`` is an email (or part of one): its substring match is on the email
    alone, not on the four other fields whose trigrams it would only make busy."""
    reference, identifier = _identifier_conditions(text)
    rank = _bonus(reference, RANK_REFERENCE) + _bonus(identifier, RANK_IDENTIFIER)
    rank = rank + RawSQL(_TEXT_RANK, [text], output_field=FloatField())
    if len(text) < MIN_FUZZY_LENGTH:
        matches = RawSQL(_DOCUMENT_MATCH, [text], output_field=BooleanField())
    else:
        pattern = f"%{connection.ops.prep_for_like_query(text.upper())}%"
        like, patterns = (_EMAIL_LIKE, [pattern]) if "@" in text else (_LIKE, [pattern] * 5)
        matches = RawSQL(
            f"({_DOCUMENT_MATCH} OR {like})", [text, *patterns], output_field=BooleanField()
        )
    return reference | identifier | Q(matches), rank


def _lexeme(word: str) -> str:
    """``word`` as a tsquery operand on the names (weight A), quoted for tsquery input."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "':A"


def _postgres_fuzzy(text: str):
    """Names a misspelt word is close to (pg_trgm word similarity), closest first; None
    when some word of the query is close to no word of any name.

    Every word of the query must be close to a word of the case's names; the rank is the
    mean, over the query's words, of the best similarity among the close words the case
    has. Only the small word table is compared by similarity; the cases are found by the
    full-text index."""
    close: dict[str, list[tuple[str, float]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_CLOSE_WORDS, [text, FUZZY_WORDS_PER_WORD])
        for typed, word, similarity in cursor.fetchall():  # word None: nothing close
            close.setdefault(typed, [])
            if word is not None:
                close[typed].append((word, float(similarity)))
    if not close or not all(close.values()):
        return None
    for words in close.values():
        words.sort(key=lambda pair: -pair[1])
    typed_words = sorted(close)
    query = " & ".join(
        "(" + " | ".join(_lexeme(w) for w, _ in close[typed]) + ")" for typed in typed_words
    )
    parts, params = [], []
    for typed in typed_words:
        cases = " ".join(f"WHEN {_NAME_MATCH} THEN %s::float8" for _ in close[typed])
        parts.append(f"(CASE {cases} ELSE 0.0::float8 END)")
        for word, similarity in close[typed]:  # closest first: the first WHEN that holds
            params += [_lexeme(word), similarity]
    mean = f"(({' + '.join(parts)}) / {len(typed_words)}.0::float8)"
    rank = RawSQL(mean, params, output_field=FloatField())
    matches = RawSQL(_NAME_MATCH, [query], output_field=BooleanField())
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
