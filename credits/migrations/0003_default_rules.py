"""Credit rules version 1 with the shipped defaults (5 % baseline, $250.00 over 90 days)."""

from django.db import migrations


def forwards(apps, schema_editor):
    CreditRules = apps.get_model("credits", "CreditRules")
    if not CreditRules.objects.exists():
        CreditRules.objects.create(version=1, note="Shipped defaults")


class Migration(migrations.Migration):
    dependencies = [("credits", "0002_ledger_append_only_trigger")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
