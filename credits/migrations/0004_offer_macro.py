"""The client-facing credit offer (CRD-6): a reply macro naming the amount, nothing else.

Its kinds name no case kind, so the macro panel never offers it: only the credit service
sends it, with the issued amount.
"""

from django.db import migrations

SLUG = "courtesy-credit-offer"
SUBJECT = "A courtesy credit for your case {{ case_reference }}"
BODY = (
    "Hi {{ client_first_name }},\n\n"
    "Thank you for your patience while we looked into your case {{ case_reference }}. "
    "As a courtesy, we are adding a credit of {{ credit_amount }} to your account.\n\n"
    "If you have any questions, just reply to this message.\n\n"
    "{{ agent_name }}"
)


def forwards(apps, schema_editor):
    Macro = apps.get_model("escalations", "Macro")
    if not Macro.objects.filter(slug=SLUG).exists():
        Macro.objects.create(
            slug=SLUG,
            name="Courtesy credit offer",
            subject=SUBJECT,
            body=BODY,
            kinds=["credit_offer"],
            active=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0003_default_rules"),
        ("escalations", "0006_case_search_words"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
