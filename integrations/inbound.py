"""Client replies by email (ESC-10): a relay posts the raw RFC 822 message.

The case is found from a signed reply address among the recipients
(``case+esc-000123.<signature>@...``), else from In-Reply-To/References naming a message
of a case; a message for no case opens a new general case. The quoted history is cut
off, the reply lands on the timeline as a client message, and a case waiting on the
client goes back in progress, which resumes its paused clocks. One row per Message-ID
(unique) makes a replayed message change nothing.
"""

from __future__ import annotations

import email
import hashlib
import logging
import re
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from core.errors import InvalidInput
from core.notifications import notify
from core.validation import email_subject
from escalations.models import Case, EventKind, Kind, SourceChannel, Status, Visibility
from escalations.services import case_create, case_transition
from escalations.services._common import event_record
from escalations.services.sla import case_clocks_resume

from .events import publish_event
from .messages import case_reference_in
from .models import ClientMessage, InboundEmail
from .payloads import case_data

log = logging.getLogger(__name__)


def inbound_email_secrets() -> list[str]:
    """``INBOUND_EMAIL_SECRET`` (commas allow rotation), as the ticket webhook's."""
    raw = getattr(settings, "INBOUND_EMAIL_SECRET", None) or ""
    return [s.strip() for s in str(raw).split(",") if s.strip()]


MAX_BYTES = 2_000_000
BODY_LIMIT = 20_000
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
# Where quoted history starts: "On <date>, <name> wrote:" (often wrapped onto two lines,
# and in a few languages), separators, and Outlook's "From:" block.
WROTE = [
    re.compile(r"^\s*On\b.{0,400}\bwrote:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*Le\b.{0,400}\ba écrit\s*:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*Am\b.{0,400}\bschrieb.{0,200}:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*El\b.{0,400}\bescribió:\s*$", re.IGNORECASE | re.DOTALL),
]
SEPARATORS = [
    re.compile(r"^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),
]
OUTLOOK_FROM = re.compile(r"^\s*\*?From:\*?\s", re.IGNORECASE)
OUTLOOK_NEXT = re.compile(r"^\s*\*?(Sent|Date|To|Subject):", re.IGNORECASE)
SIGNATURE_START = re.compile(r"^-- ?$")


class _Text(HTMLParser):
    """Text of an HTML part: blocks become lines, scripts and styles are dropped."""

    BLOCKS = {"p", "div", "br", "li", "tr", "blockquote", "h1", "h2", "h3"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "blockquote":
            self.quote += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag == "blockquote" and self.quote:
            self.quote -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip and not self.quote:  # a blockquote is quoted history
            self.parts.append(data)


def html_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return "".join(parser.parts)


def _quote_starts(line: str, following: str) -> bool:
    return (
        any(p.match(line) or p.match(f"{line} {following}") for p in WROTE)
        or any(p.match(line) for p in SEPARATORS)
        or bool(OUTLOOK_FROM.match(line) and OUTLOOK_NEXT.match(following))
        or bool(SIGNATURE_START.match(line))
    )


def strip_quoted(text: str) -> str:
    """The new part of a reply: up to the quoted history or the signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _quote_starts(line, following):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
    return "\n".join(kept).strip()


@dataclass
class Parsed:
    message_id: str
    subject: str
    sender_name: str
    sender_email: str
    recipients: list[str]
    thread: list[str]
    text: str


def _message_ids(value: str | None) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        content = html_text(content)
    return content if isinstance(content, str) else ""


def email_parse(raw: bytes) -> Parsed:
    if not raw or not raw.strip():
        raise InvalidInput("The body must be a raw email message (RFC 822).", field="body")
    if len(raw) > MAX_BYTES:
        raise InvalidInput("The message is larger than 2 MB.", field="body")
    message = email.message_from_bytes(raw, policy=policy.default)
    if not message.keys():
        raise InvalidInput("The body has no email headers.", field="body")
    try:
        message_id = (_message_ids(str(message.get("Message-ID", ""))) or [""])[0]
        name, address = parseaddr(str(message.get("From", "")))
        subject = email_subject(str(message.get("Subject", "")))[:200]
        recipients = [
            addr
            for header in RECIPIENT_HEADERS
            for _, addr in getaddresses([str(v) for v in message.get_all(header, [])])
        ]
        thread = _message_ids(str(message.get("In-Reply-To", ""))) + _message_ids(
            str(message.get("References", ""))
        )
        text = _body_text(message)
    except (ValueError, TypeError, LookupError, AttributeError, MessageError) as exc:
        raise InvalidInput(f"The message cannot be read: {exc}", field="body") from None
    if not message_id:  # no Message-ID: the content identifies it (a replay matches)
        message_id = f"<sha256.{hashlib.sha256(raw).hexdigest()}@inbound>"
    if not address:
        raise InvalidInput("The message has no From address.", field="From")
    return Parsed(
        message_id=_printable(message_id)[:300],
        subject=subject,
        sender_name=_printable(name).strip()[:200],
        sender_email=_printable(address).strip()[:254],
        recipients=recipients,
        thread=thread,
        text=_printable(strip_quoted(text), keep="\n\t")[:BODY_LIMIT],
    )


CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _printable(text: str, keep: str = "") -> str:
    """No NUL or control characters reach a row (PostgreSQL refuses NUL in text)."""
    return CONTROL.sub(lambda m: m.group(0) if m.group(0) in keep else " ", text or "")


def _find_case(parsed: Parsed) -> tuple[Case | None, str]:
    for address in parsed.recipients:
        reference = case_reference_in(address)
        if reference:
            case = Case.objects.filter(reference=reference).first()
            if case is not None:
                return case, "address"
    if parsed.thread:
        known = (
            ClientMessage.objects.filter(message_id__in=parsed.thread)
            .values_list("case_id", flat=True)
            .first()
            or InboundEmail.objects.filter(message_id__in=parsed.thread, case__isnull=False)
            .values_list("case_id", flat=True)
            .first()
        )
        if known:
            return Case.objects.get(pk=known), "thread"
    return None, ""


def _valid_email(address: str) -> str:
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address[:254]


def _new_case(parsed: Parsed) -> Case:
    email_address = _valid_email(parsed.sender_email)
    return case_create(
        actor=None,
        title=parsed.subject or "Email from a client",
        client_name=parsed.sender_name or parsed.sender_email.split("@")[0][:200] or "Client",
        client_email=email_address,
        kind=Kind.GENERAL,
        source_channel=SourceChannel.EMAIL,
    )


def _resume(case: Case) -> None:
    if case.status != Status.WAITING_ON_CLIENT:
        return
    reason = "The client replied by email."
    if case.assignee_id and case.assignee.is_active:
        case_transition(case=case, to_status=Status.IN_PROGRESS, actor=case.assignee, reason=reason)
    else:
        case_clocks_resume(case=case, reason=reason)


def inbound_email_receive(*, raw: bytes) -> tuple[dict, bool]:
    """Put one inbound email on its case (or a new one), once. Returns (result, replayed)."""
    parsed = email_parse(raw)
    stored = _stored(parsed.message_id)
    if stored is not None:
        return stored, True
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = InboundEmail.objects.create(
                    message_id=parsed.message_id, subject=parsed.subject
                )
        except IntegrityError:
            stored = _stored(parsed.message_id, lock=True)
            if stored is None:
                raise
            return stored, True
        case, matched_by = _find_case(parsed)
        action = "added"
        if case is None:
            case, matched_by, action = _new_case(parsed), "new_case", "created"
        event = event_record(
            case=case,
            kind=EventKind.CLIENT_MESSAGE,
            body=parsed.text or "(The client replied without new text.)",
            visibility=Visibility.CLIENT_VISIBLE,
            data={"via": "email", "subject": parsed.subject},
        )
        InboundEmail.objects.filter(pk=inbound.pk).update(
            case=case, event=event, matched_by=matched_by
        )
        if action == "added":
            _resume(case)
            case.refresh_from_db()
            if case.assignee_id:
                notify(
                    recipients=[case.assignee],
                    kind="client_replied",
                    title=f"The client replied on {case.reference}",
                    body=parsed.subject,
                    url=case.get_absolute_url(),
                    target=case,
                )
        publish_event(
            "case.client_replied",
            {**case_data(case), "via": "email"},
            team_id=case.team_id,
        )
    return _result(parsed.message_id, case, action, matched_by), False


def _result(message_id: str, case: Case, action: str, matched_by: str) -> dict:
    return {
        "message_id": message_id,
        "case": case.reference,
        "action": action,
        "matched_by": matched_by,
        "status": case.status,
    }


def _stored(message_id: str, *, lock: bool = False) -> dict | None:
    rows = InboundEmail.objects.filter(message_id=message_id).select_related("case")
    if lock:
        rows = rows.select_for_update()
    row = rows.first()
    if row is None or row.case is None:
        return None
    action = "created" if row.matched_by == "new_case" else "added"
    return _result(message_id, row.case, action, row.matched_by)
