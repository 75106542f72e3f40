import io

import pytest

from sourcing import demo
from sourcing.models import Agency, CompletedJob, Freelancer, Shortlist

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_gives_a_useful_shortlist():
    demo.seed(io.StringIO())
    counts = (Agency.objects.count(), Freelancer.objects.count(), CompletedJob.objects.count())
    demo.seed(io.StringIO())
    assert counts == (
        Agency.objects.count(),
        Freelancer.objects.count(),
        CompletedJob.objects.count(),
    )
    assert counts[:2] == (4, 60)
    shortlist = Shortlist.objects.get()
    assert shortlist.eligible_count >= 10
    assert len({e.snapshot["region"] for e in shortlist.entries.all()}) >= 3
