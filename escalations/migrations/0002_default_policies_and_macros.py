"""Ship the default SLA policies (ESC-5), the scheduling macro (ESC-6) and desk settings."""

from django.db import migrations

HOUR = 3600

POLICIES = [
    # name, metric, kind, segment, duration, calendar, start_event, description
    (
        "General first reply: 24 business hours",
        "first_response",
        None,
        None,
        24 * HOUR,
        "us-pacific-support",
        "case_created",
        "Every case gets a reply within 24 business hours unless a more specific policy applies.",
    ),
    (
        "New-client outreach response: 2 working hours",
        "first_response",
        "new_client_outreach",
        None,
        2 * HOUR,
        "us-pacific-support",
        "case_created",
        "NCO-2: individual clients (below small business).",
    ),
    *[
        (
            f"New-client outreach response: 15 working minutes ({label})",
            "first_response",
            "new_client_outreach",
            segment,
            15 * 60,
            "us-pacific-support",
            "case_created",
            "NCO-2: small business and up.",
        )
        for segment, label in (
            ("small_business", "small business"),
            ("mid_market", "mid-market"),
            ("enterprise", "enterprise"),
        )
    ],
    *[
        (
            f"{label} client follow-up: 48 calendar hours",
            "client_follow_up",
            kind,
            None,
            48 * HOUR,
            "24x7",
            "first_contact_attempt",
            "Follow up with the client 48 hours after the first freelancer contact attempt.",
        )
        for kind, label in (
            ("unresponsive_freelancer", "Unresponsive-freelancer"),
            ("refund_request", "Refund-request"),
        )
    ],
]

SCHEDULE_CALL_BODY = """Hello {{ client_name }},

Thanks for reaching out about {{ issue_summary }}. {{ empathy_statement }}. Please allow me to give you a call so that we can help you resolve this issue right away.

Please take a quick moment to schedule an appointment that best fits your schedule here: {{ scheduling_link }}. Alternatively, if you would like a call immediately, you can reply with your preferred telephone number and I'll get right back to you.

I look forward to speaking with you.

Best,
{{ agent_name }}"""


def forwards(apps, schema_editor):
    SlaPolicy = apps.get_model("escalations", "SlaPolicy")
    BusinessCalendar = apps.get_model("core", "BusinessCalendar")
    Macro = apps.get_model("escalations", "Macro")
    DeskSettings = apps.get_model("escalations", "DeskSettings")
    for name, metric, kind, segment, seconds, calendar, start, description in POLICIES:
        if SlaPolicy.objects.filter(name=name).exists():
            continue
        SlaPolicy.objects.create(
            name=name,
            metric=metric,
            kind=kind,
            segment=segment,
            duration_seconds=seconds,
            calendar=BusinessCalendar.objects.get(slug=calendar),
            start_event=start,
            description=description,
        )
    Macro.objects.get_or_create(
        slug="no-phone-schedule-call",
        defaults={
            "name": "No phone number on file: schedule a call",
            "subject": "Let's talk about {{ case_reference }}",
            "body": SCHEDULE_CALL_BODY,
            "kinds": [],
            "suggest_when_no_phone": True,
        },
    )
    DeskSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0001_initial"),
        ("core", "0004_default_calendars"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
