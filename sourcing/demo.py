"""Demo talent pool: 4 agencies and 60 freelancers across regions and categories.

Idempotent: rows are upserted by external id through the import service (the same path as
REST and CSV), so running it again refreshes the same records.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from core.access import scoped
from core.models import User

from .models import Shortlist
from .services import agencies_import, freelancers_import, job_criteria_build, shortlist_create

FIRST = [
    "Ana",
    "Kofi",
    "Mei",
    "Lukas",
    "Priya",
    "Diego",
    "Amara",
    "Jonas",
    "Sofia",
    "Hiro",
    "Fatima",
    "Liam",
    "Chloe",
    "Mateo",
    "Aisha",
    "Noah",
    "Elena",
    "Ravi",
    "Zara",
    "Tomás",
]
LAST = [
    "Souza",
    "Mensah",
    "Chen",
    "Weber",
    "Nair",
    "Ramírez",
    "Okafor",
    "Berg",
    "Rossi",
    "Tanaka",
    "Haddad",
    "Walsh",
    "Martin",
    "Silva",
    "Bello",
    "Kim",
    "Popescu",
    "Iyer",
    "Khan",
    "López",
]
PLACES = [
    ("US", "north_america"),
    ("CA", "north_america"),
    ("BR", "latin_america"),
    ("AR", "latin_america"),
    ("MX", "latin_america"),
    ("DE", "europe"),
    ("PL", "europe"),
    ("GB", "europe"),
    ("UA", "europe"),
    ("IN", "asia"),
    ("PH", "asia"),
    ("VN", "asia"),
    ("NG", "africa"),
    ("KE", "africa"),
    ("EG", "middle_east"),
    ("AU", "oceania"),
]
TRACKS = [
    ("Design", "UX/UI Design", ["figma", "ux design", "prototyping", "user research"]),
    ("Design", "Graphic Design", ["illustrator", "photoshop", "branding"]),
    ("Web/Mobile Development", "Web Development", ["python", "django", "react", "postgresql"]),
    ("Web/Mobile Development", "Mobile Development", ["flutter", "swift", "kotlin"]),
    ("Customer Support", "Customer Service", ["zendesk", "customer service", "live chat"]),
    ("Writing", "Copywriting", ["copywriting", "seo writing", "editing"]),
    ("Translation", "Document Translation", ["spanish", "portuguese", "legal translation"]),
    ("Data Science & Analytics", "Data Analysis", ["python", "sql", "tableau", "pandas"]),
]
TRACK_MIX = [0, 0, 0, 1, 0, 2, 0, 3, 4, 5, 0, 6, 7, 2]  # UX/UI design is the busy track
KEYWORDS = ["saas", "e-commerce", "fintech", "healthcare", "shopify", "b2b", "mobile"]
AGENCIES = [
    {
        "external_id": "DEMO-AG-1",
        "name": "Northwind Studio",
        "jss": 96,
        "dispute_count": 0,
        "is_premium": True,
        "country": "US",
    },
    {
        "external_id": "DEMO-AG-2",
        "name": "Blue Pixel Collective",
        "jss": 89,
        "dispute_count": 1,
        "is_premium": False,
        "country": "PL",
    },
    {
        "external_id": "DEMO-AG-3",
        "name": "Lagos Code House",
        "jss": 91,
        "dispute_count": 0,
        "is_premium": True,
        "country": "NG",
    },
    {
        "external_id": "DEMO-AG-4",
        "name": "Rapid Outsourcing Ltd",
        "jss": 72,
        "dispute_count": 5,
        "is_premium": False,
        "country": "IN",
    },
]


def demo_rows(today: dt.date, count: int = 60) -> list[dict]:
    rng = random.Random(20260105)
    rows = []
    for n in range(1, count + 1):
        track = TRACKS[TRACK_MIX[n % len(TRACK_MIX)]]
        category, subcategory, skills = track
        country, region = PLACES[(n * 7) % len(PLACES)]
        rising = n % 6 == 0
        jss = None if rising and n % 12 == 0 else rng.randint(75, 100)
        badges = []
        if rising:
            badges.append("rising_talent")
        elif jss and jss >= 90:
            badges.append("top_rated_plus" if jss >= 97 else "top_rated")
        if n % 13 == 0:
            badges.append("premium")
        jobs = []
        for j in range(0 if rising and n % 12 == 0 else rng.randint(1, 7)):
            cat, sub, pool = track if j % 3 != 2 else rng.choice(TRACKS)
            jobs.append(
                {
                    "title": f"{sub} project {j + 1}",
                    "category": cat,
                    "subcategory": sub,
                    "end_date": (today - dt.timedelta(days=rng.randint(5, 420))).isoformat(),
                    "hours": rng.choice([8, 20, 35, 60, 120]),
                    "skills": rng.sample(pool, k=min(2, len(pool))),
                }
            )
        agency = None
        if n % 9 == 0:
            agency = AGENCIES[(n // 9) % len(AGENCIES)]["external_id"]
        rows.append(
            {
                "external_id": f"DEMO-FL-{n:03d}",
                "name": f"{FIRST[n % len(FIRST)]} {LAST[(n * 3) % len(LAST)]}",
                "title": f"{subcategory} specialist",
                "agency": agency,
                "jss": jss,
                "badges": badges,
                "english_level": ["conversational", "fluent", "native", "fluent", "basic"][n % 5],
                "country": country,
                "region": region,
                "hourly_rate": str(rng.choice([18, 25, 35, 45, 60, 85])),
                "skills": rng.sample(skills, k=min(len(skills), rng.randint(2, 4))),
                "keywords": rng.sample(KEYWORDS, k=2),
                "jobs": jobs,
            }
        )
    return rows


DEMO_JOB = "JOB-48213"  # the demo client's job post the shortlist invites to


def _demo_case_reference(lead) -> str:
    """The Bellini Design Studio outreach case (escalations' demo ticket DEMO-02), found
    through the kernel's scope of case references (sourcing does not import escalations)."""
    if lead is None:
        return ""
    try:
        references = scoped("case_references", lead)
    except KeyError:  # the escalations app is not installed
        return ""
    return (
        references.filter(external_ticket_id="DEMO-02").values_list("reference", flat=True).first()
        or ""
    )


def seed(out):
    today = timezone.now().date()
    agencies_import(rows=[dict(a) for a in AGENCIES])
    job = freelancers_import(rows=demo_rows(today))
    if not Shortlist.objects.filter(job_reference__in=[DEMO_JOB, "JOB-DEMO-1"]).exists():
        lead = User.objects.filter(username="lead").first()
        criteria = job_criteria_build(
            title="Shopify checkout redesign for Bellini Design Studio",
            category="Design",
            subcategory="UX/UI Design",
            skills=["figma", "ux design", "prototyping"],
            budget="8000",
            job_reference=DEMO_JOB,
            case_reference=_demo_case_reference(lead),
        )
        shortlist_create(actor=lead, criteria=criteria)
    out.write(
        f"sourcing: {len(AGENCIES)} agencies, {job.total_rows} freelancers "
        f"({job.created_count} new, {job.updated_count} refreshed)\n"
    )
    return []
