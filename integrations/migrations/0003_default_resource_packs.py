"""ESC-11: the default resource packs (new-client outreach, hourly-contract questions) and a
reply macro that inserts the chosen resources. Idempotent: a pack that exists (edited by
an admin) is left alone; the resources are matched by URL."""

from django.db import migrations

HELP = "https://support.upwork.com/hc/en-us/search?query="

PACKS = {
    "new-client-outreach": {
        "name": "New-client outreach",
        "case_kinds": ["new_client_outreach"],
        "contract_type": "",
        "resources": [
            ("Getting started as a client", "getting+started+client", ["getting started"]),
            ("How to post a job", "post+a+job", ["hiring"]),
            ("Reviewing proposals and hiring", "review+proposals", ["hiring"]),
            ("Fixed-price and hourly contracts compared", "contract+types", ["contracts"]),
            ("How payment protection works", "payment+protection", ["payments"]),
        ],
    },
    "hourly-contract-questions": {
        "name": "Hourly-contract questions",
        "case_kinds": [],
        "contract_type": "hourly",
        "resources": [
            (
                "Your weekly time-log summary (emailed every Monday)",
                "weekly+summary",
                ["hourly", "billing"],
            ),
            ("Reviewing a freelancer's Work Diary", "work+diary", ["hourly"]),
            ("Manual time and how it is protected", "manual+time", ["hourly"]),
            ("Disputing hours on an hourly contract", "hourly+dispute", ["hourly", "disputes"]),
            ("How to contact support", "contact+support", ["support"]),
        ],
    },
}

RESOURCES_MACRO_BODY = (
    "Hi {{ client_first_name }},\n\n"
    "Thanks for your patience on {{ case_reference }}. These help-center articles answer the "
    "questions clients ask most often here:\n\n"
    "{{ resources }}\n\n"
    "If anything is still unclear, reply to this email and I will walk you through it.\n\n"
    "{{ agent_name }}"
)


def forwards(apps, schema_editor):
    Resource = apps.get_model("integrations", "Resource")
    ResourcePack = apps.get_model("integrations", "ResourcePack")
    Macro = apps.get_model("escalations", "Macro")
    for slug, spec in PACKS.items():
        if ResourcePack.objects.filter(slug=slug).exists():
            continue
        pack = ResourcePack.objects.create(
            slug=slug,
            name=spec["name"],
            case_kinds=spec["case_kinds"],
            contract_type=spec["contract_type"],
        )
        for title, query, tags in spec["resources"]:
            resource, _ = Resource.objects.get_or_create(
                url=HELP + query,
                defaults={
                    "title": title,
                    "audience": "client",
                    "case_kinds": spec["case_kinds"],
                    "tags": tags,
                },
            )
            pack.resources.add(resource)
    Macro.objects.get_or_create(
        slug="helpful-resources",
        defaults={
            "name": "Send helpful resources",
            "subject": "Helpful links for {{ case_reference }}",
            "body": RESOURCES_MACRO_BODY,
            "kinds": [],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_client_messages_resources"),
        ("escalations", "0002_default_policies_and_macros"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
