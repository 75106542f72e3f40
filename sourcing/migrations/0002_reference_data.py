"""Reference data: the marketplace's categories and subcategories, and rules version 1."""

from django.db import migrations

CATEGORIES = {
    "Accounting & Consulting": ["Bookkeeping", "Financial Planning", "Tax Preparation"],
    "Admin": ["Data Entry", "Project Management", "Virtual Assistance"],
    "Customer Support": ["Customer Service", "Technical Support"],
    "Data Science & Analytics": ["Data Analysis", "Machine Learning", "Data Engineering"],
    "Design": ["Brand Identity", "Graphic Design", "UX/UI Design"],
    "Legal": ["Contract Law", "Intellectual Property"],
    "Management Consulting": ["Business Strategy", "Operations Consulting"],
    "Market Research": ["Competitive Analysis", "Surveys"],
    "Sales & Marketing": ["Lead Generation", "SEO", "Social Media Marketing"],
    "Translation": ["Document Translation", "Localization"],
    "Web/Mobile Development": ["E-commerce Development", "Mobile Development", "Web Development"],
    "Writing": ["Content Writing", "Copywriting", "Technical Writing"],
}


def forwards(apps, schema_editor):
    Category = apps.get_model("sourcing", "Category")
    Subcategory = apps.get_model("sourcing", "Subcategory")
    SourcingRules = apps.get_model("sourcing", "SourcingRules")
    for name, subs in CATEGORIES.items():
        category, _ = Category.objects.get_or_create(name=name)
        for sub in subs:
            Subcategory.objects.get_or_create(category=category, name=sub)
    if not SourcingRules.objects.exists():
        SourcingRules.objects.create(version=1, note="Defaults (SRC-2 to SRC-4)")


class Migration(migrations.Migration):
    dependencies = [("sourcing", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
