"""Shipped defaults (CORE-1 calendars, ESC-5 policies, ESC-6 macro) survive a flush."""

import pytest
from django.core.management import call_command

from core.models import BusinessCalendar


@pytest.mark.django_db(transaction=True)
def test_default_calendars_policies_and_macro_return_after_flush_core_1_esc_5_esc_6():
    from escalations.models import Macro, SlaPolicy

    call_command("flush", interactive=False, verbosity=0)
    assert set(BusinessCalendar.objects.values_list("slug", flat=True)) >= {
        "us-pacific-support",
        "24x7",
    }
    assert SlaPolicy.objects.filter(active=True).count() >= 4
    assert Macro.objects.exists()
