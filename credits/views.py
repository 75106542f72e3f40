"""Credit pages: the quote panel on the case page, the leads' approval queue, the ledger.

Every action calls one service. A refused action shows its message on the case page
(with the error's status); a forbidden one is the 403 page, a foreign object a 404.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, Forbidden, NotFound
from escalations.access import can_work_case, require_can_work
from escalations.views._common import case_or_404

from . import access, selectors, services
from .exports import ledger_csv_response
from .forms import ApproveForm, FactsForm, IssueForm, LedgerFilterForm, RejectForm, ReverseForm
from .models import (
    FACT_CHOICES,
    CreditQuote,
    EntryKind,
    FactName,
    FactSource,
    LedgerEntry,
    QuoteStatus,
)
from .services._common import usd
from .services.quotes import ndf_on_record

PANEL = "#credit-panel"


# The panel on the case page -------------------------------------------------------------
def fact_display(name: str, value: str) -> str:
    if name in FACT_CHOICES:
        return dict(FACT_CHOICES[name]).get(value, value)
    if value in ("yes", "no"):
        return value.capitalize()
    if name in (
        FactName.NON_REFUNDED_PAYMENTS,
        FactName.CONTRACT_SPEND,
        FactName.SPEND_12M,
        FactName.LIFETIME_SPEND,
    ):
        return usd(Decimal(value))
    return value


def contributions_display(quote: CreditQuote) -> list[dict]:
    rows = []
    for row in quote.contributions:
        points = Decimal(row["points"])
        rows.append(
            {
                "label": row["label"],
                "points": f"{points:+.2f} %" if row["key"] != "baseline" else f"{points:.2f} %",
                "amount": usd(Decimal(row["amount"])),
                "negative": points < 0,
            }
        )
    return rows


def _decorate(quote: CreditQuote, user) -> CreditQuote:
    quote.rows = contributions_display(quote)
    quote.can_decide = (
        quote.status == QuoteStatus.AWAITING_APPROVAL
        and access.can_decide_credit(user, quote.case)
        and quote.requested_by_id != user.pk
    )
    quote.is_requester = quote.requested_by_id == user.pk
    quote.issuable = quote.status in (QuoteStatus.READY, QuoteStatus.APPROVED)
    return quote


def case_panel_context(request, case) -> dict:
    user = request.user
    facts = services.case_facts_current(case)
    fact_rows = [
        {
            "label": FactName(name).label,
            "value": fact_display(name, facts[name].value),
            "fact": facts[name],
        }
        for name in FactName.values
        if name in facts
    ]
    quote = (
        CreditQuote.objects.filter(case=case)
        .exclude(status=QuoteStatus.SUPERSEDED)
        .select_related("requested_by", "created_by", "approved_by", "changed_from", "case")
        .order_by("-serial")
        .first()
    )
    if quote is not None:
        _decorate(quote, user)
        quote.outdated = quote.is_open and services.quote_outdated_reason(quote)
    credit = LedgerEntry.objects.issues().filter(case=case).select_related("actor", "quote").first()
    reversals = []
    if credit is not None:
        reversals = list(credit.reversals.select_related("actor").order_by("at", "id"))
        credit.left = credit.remaining()
        credit.offered = services.offer_sent(credit)
    can_work = can_work_case(user, case)
    initial = {name: fact.value for name, fact in facts.items()}
    if FactName.CONTRACT_ID not in initial and case.contract_ids:
        initial[FactName.CONTRACT_ID] = str(case.contract_ids[0])  # the case's first contract
    return {
        "case": case,
        "fact_rows": fact_rows,
        "facts_form": FactsForm(initial=initial),
        "quote": quote,
        "credit": credit,
        "reversals": reversals,
        "can_work": can_work,
        "can_decide": access.can_decide_credit(user, case),
        "review_pending": services.code_review_pending(case),
        "ndf_record": ndf_on_record(case),
        "form_token": uuid.uuid4().hex,
        "credit_error": getattr(request, "credit_error", ""),
    }


def _back(case):
    return redirect(case.get_absolute_url() + PANEL)


def _refused(request, case, exc: DomainError):
    """Show the case page again with the message in the credit panel."""
    from escalations.views.case import case_context

    request.credit_error = exc.message
    return render(
        request, "escalations/case_detail.html", case_context(request, case), status=exc.status
    )


def _run(request, case, action, success: str):
    try:
        result = action()
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        return _refused(request, case, exc)
    messages.success(request, success if isinstance(success, str) else success(result))
    return _back(case)


def _quote_or_404(request, pk):
    try:
        return access.quote_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _require(check, *args):
    try:
        check(*args)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None


def _form_error(form) -> DomainError:
    from core.errors import InvalidInput

    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else field
        return InvalidInput(f"{label}: {errors[0]}", field=field)
    return InvalidInput("Invalid input.")


@login_required
@require_POST
def case_facts(request, reference):
    case = case_or_404(reference, request.user)
    _require(require_can_work, request.user, case, "record credit facts")
    form = FactsForm(request.POST)
    if not form.is_valid():
        return _refused(request, case, _form_error(form))
    return _run(
        request,
        case,
        lambda: services.credit_facts_record(
            case=case, actor=request.user, values=form.values(), source=FactSource.PAGE
        ),
        lambda facts: "Credit facts saved." if facts else "Nothing changed in the facts.",
    )


@login_required
@require_POST
def case_quote(request, reference):
    case = case_or_404(reference, request.user)
    _require(require_can_work, request.user, case, "quote a credit")

    def message(quote):
        if quote.needs_approval:
            return f"Quoted {usd(quote.amount)}: it needs a lead's approval before it is offered."
        return f"Quoted {usd(quote.amount)}: ready to issue."

    return _run(
        request, case, lambda: services.credit_quote_create(case=case, actor=request.user), message
    )


@login_required
@require_POST
def quote_approve(request, pk):
    quote = _quote_or_404(request, pk)
    _require(access.require_can_decide, request.user, quote.case, "approve a credit")
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _refused(request, quote.case, _form_error(form))
    return _run(
        request,
        quote.case,
        lambda: services.credit_quote_approve(quote=quote, lead=request.user, **form.cleaned_data),
        lambda approved: f"Approved a credit of {usd(approved.amount)}.",
    )


@login_required
@require_POST
def quote_reject(request, pk):
    quote = _quote_or_404(request, pk)
    _require(access.require_can_decide, request.user, quote.case, "reject a credit")
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _refused(request, quote.case, _form_error(form))
    return _run(
        request,
        quote.case,
        lambda: services.credit_quote_reject(quote=quote, lead=request.user, **form.cleaned_data),
        "Credit rejected.",
    )


@login_required
@require_POST
def quote_issue(request, pk):
    """The form's one-time token is the idempotency key: a double click issues once."""
    quote = _quote_or_404(request, pk)
    _require(require_can_work, request.user, quote.case, "issue a credit")
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _refused(request, quote.case, _form_error(form))

    def run():
        credit = services.credit_issue(quote=quote, actor=request.user)
        return 201, {"credit": credit.pk, "amount": str(credit.amount)}

    def issue():
        return services.idempotent_call(
            actor=request.user,
            key=f"page:{form.cleaned_data['form_token']}",
            fingerprint=services.request_fingerprint(method="POST", path=request.path, body={}),
            run=run,
        )

    return _run(
        request,
        quote.case,
        issue,
        lambda answer: (
            f"Credit of {usd(Decimal(answer[1]['amount']))} issued"
            + (" (already done by your first click)." if answer[2] else ".")
        ),
    )


def _credit_or_404(request, pk):
    try:
        return access.credit_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
@require_POST
def credit_offer(request, pk):
    credit = _credit_or_404(request, pk)
    _require(require_can_work, request.user, credit.case, "offer the credit")
    return _run(
        request,
        credit.case,
        lambda: services.credit_offer_send(credit=credit, agent=request.user),
        f"Offer of {usd(credit.amount)} sent to the client.",
    )


@login_required
@require_POST
def credit_reverse(request, pk):
    credit = _credit_or_404(request, pk)
    _require(access.require_can_decide, request.user, credit.case, "reverse a credit")
    form = ReverseForm(request.POST)
    if not form.is_valid():
        return _refused(request, credit.case, _form_error(form))
    return _run(
        request,
        credit.case,
        lambda: services.credit_reverse(credit=credit, actor=request.user, **form.cleaned_data),
        lambda entry: f"Reversed {usd(-entry.amount)} of the credit.",
    )


# The leads' pages -----------------------------------------------------------------------
def _lead_page(request, what: str):
    if not (request.user.is_lead or request.user.is_admin):
        raise PermissionDenied(f"The {what} is for team leads and admins.")


@login_required
@require_GET
def approvals(request):
    _lead_page(request, "credit approval queue")
    quotes = [_decorate(q, request.user) for q in selectors.approval_queue_for(request.user)[:100]]
    return render(request, "credits/approvals.html", {"quotes": quotes})


def _ledger_query(request):
    form = LedgerFilterForm(request.GET or None)
    filters, error = {}, ""
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    elif form.is_bound:
        error = str(_form_error(form).message)
    return form, selectors.ledger_for(request.user, filters), error


@login_required
@require_GET
def ledger(request):
    _lead_page(request, "credit ledger")
    form, qs, error = _ledger_query(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "credits/ledger.html",
        {
            "form": form,
            "page": page,
            "totals": selectors.ledger_totals(qs),
            "error": error,
            "query": params.urlencode(),
            "reversal": EntryKind.REVERSAL,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def ledger_csv(request):
    _lead_page(request, "credit ledger")
    form, qs, error = _ledger_query(request)
    if error:
        return render(
            request,
            "credits/ledger.html",
            {"form": form, "page": None, "totals": None, "error": error},
            status=400,
        )
    return ledger_csv_response(qs)
