"""The facts a quote needs (CRD-1): entered on the case page or posted over the API, each
with who, when and where from, audited. The newest value of each fact is the current one."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from core import validation
from core.errors import InvalidInput
from core.services import audit_record
from escalations.access import require_can_work
from escalations.models import Case, EventKind
from escalations.services._common import event_record

from ..models import (
    COUNT_FACTS,
    FACT_CHOICES,
    MONEY_FACTS,
    YES_NO_FACTS,
    Contract,
    CreditFact,
    FactName,
    FactSource,
)

MAX_MONEY = Decimal("9999999999.99")
MAX_COUNT = 100_000
YES, NO = "yes", "no"


def client_key_of(case: Case) -> str:
    """Who the client is across cases: the account id, else the email, else this case."""
    if (case.client_account_id or "").strip():
        return f"account:{case.client_account_id.strip()}"
    if (case.client_email or "").strip():
        return f"email:{case.client_email.strip().lower()}"
    return f"case:{case.pk}"


def money_clean(name: str, raw) -> str:
    if isinstance(raw, bool):
        raise InvalidInput("Give an amount in dollars and cents, e.g. 120.50.", field=name)
    try:
        value = Decimal(str(raw).strip().replace(",", "").lstrip("$"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            "Not an amount: give dollars and cents, e.g. 120.50.", field=name
        ) from None
    if not value.is_finite():
        raise InvalidInput("Not an amount: give dollars and cents, e.g. 120.50.", field=name)
    if value < 0:
        raise InvalidInput("An amount cannot be negative.", field=name)
    if value.as_tuple().exponent < -2:
        raise InvalidInput("At most two decimal places (cents).", field=name)
    if value > MAX_MONEY:
        raise InvalidInput("The amount is too large.", field=name)
    return str(value.quantize(Decimal("0.01")))


def _count(name: str, raw) -> str:
    if isinstance(raw, bool | float):
        raise InvalidInput("Give a whole number.", field=name)
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()):
        raise InvalidInput("Give a whole number, zero or more.", field=name)
    if int(text) > MAX_COUNT:
        raise InvalidInput(f"At most {MAX_COUNT}.", field=name)
    return str(int(text))


def _yes_no(name: str, raw) -> str:
    if raw in (True, False):
        return YES if raw else NO
    text = str(raw).strip().lower()
    if text in ("yes", "true", "1", "on"):
        return YES
    if text in ("no", "false", "0", "off"):
        return NO
    raise InvalidInput("Answer yes or no.", field=name)


def fact_value_clean(name: str, raw) -> str:
    """The canonical text of one fact's value, or InvalidInput naming the fact."""
    if name not in FactName.values:
        raise InvalidInput(
            f"Unknown fact {name!r}; known: {', '.join(FactName.values)}.", field=name
        )
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise InvalidInput("A value is required.", field=name)
    if isinstance(raw, dict | list):
        raise InvalidInput("Give a single value.", field=name)
    if name in MONEY_FACTS:
        return money_clean(name, raw)
    if name in COUNT_FACTS:
        return _count(name, raw)
    if name in YES_NO_FACTS:
        return _yes_no(name, raw)
    if name in FACT_CHOICES:
        allowed = [key for key, _ in FACT_CHOICES[name]]
        if str(raw) not in allowed:
            raise InvalidInput(f"Choose one of: {', '.join(allowed)}.", field=name)
        return str(raw)
    text = str(raw).strip()
    problem = validation.text_problem(text, multiline=False)
    if problem:
        raise InvalidInput(problem, field=name)
    if len(text) > 64:
        raise InvalidInput("At most 64 characters.", field=name)
    return text


def case_facts_current(case: Case) -> dict[str, CreditFact]:
    """The newest entry of every fact recorded on the case."""
    current: dict[str, CreditFact] = {}
    for fact in CreditFact.objects.filter(case=case).select_related("entered_by").order_by("-id"):
        current.setdefault(fact.name, fact)
    return current


def case_facts_revision(case: Case) -> int:
    return (
        CreditFact.objects.filter(case=case).order_by("-id").values_list("id", flat=True).first()
        or 0
    )


def _sync_contract(case: Case, current: dict[str, str]) -> None:
    """The disputed contract row carries the non-refunded payments (the cap of CRD-5)."""
    external_id = current.get(FactName.CONTRACT_ID)
    if not external_id:
        return
    contract, _ = Contract.objects.get_or_create(
        external_id=external_id, defaults={"client_key": client_key_of(case)}
    )
    payments = current.get(FactName.NON_REFUNDED_PAYMENTS)
    if payments is not None:
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if locked.non_refunded_payments != Decimal(payments):
            locked.non_refunded_payments = Decimal(payments)
            locked.save(update_fields=["non_refunded_payments", "updated_at"])


@transaction.atomic
def credit_facts_record(*, case: Case, actor, values: dict, source: str) -> list[CreditFact]:
    """Record the given facts (only the changed ones make entries); audited, all or nothing."""
    require_can_work(actor, case, "record credit facts")
    if source not in FactSource.values:
        raise InvalidInput(f"Unknown source {source!r}.", field="source")
    if not isinstance(values, dict) or not values:
        raise InvalidInput("Give at least one fact.", field="facts")
    cleaned = {name: fact_value_clean(name, raw) for name, raw in values.items()}
    before = {name: fact.value for name, fact in case_facts_current(case).items()}
    changed = {name: value for name, value in cleaned.items() if before.get(name) != value}
    after = {**before, **changed}
    if FactName.NON_REFUNDED_PAYMENTS in changed and not after.get(FactName.CONTRACT_ID):
        raise InvalidInput(
            "Name the disputed contract before its non-refunded payments.", field="contract_id"
        )
    if not changed:
        return []
    now = timezone.now()
    entered_by = actor if actor is not None and getattr(actor, "pk", None) else None
    facts = [
        CreditFact.objects.create(
            case=case, name=name, value=value, source=source, entered_by=entered_by, entered_at=now
        )
        for name, value in changed.items()
    ]
    _sync_contract(case, after)
    audit_record(
        actor=actor,
        action="credit.facts_recorded",
        target=case,
        before={name: before.get(name) for name in changed},
        after={**changed, "source": source},
    )
    labels = ", ".join(FactName(name).label.lower() for name in changed)
    event_record(
        case=case,
        kind=EventKind.RESEARCH,
        actor=entered_by,
        body=f"Credit research updated: {labels}.",
        data={"credit_facts": sorted(changed)},
    )
    return facts
