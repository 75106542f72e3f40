import factory
from factory.django import DjangoModelFactory

from core.models import Team, User


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = "agent"
    time_zone = "America/Los_Angeles"
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# escalations: plain rows (reach workflow states through the services, not factories) ---
class CaseFactory(DjangoModelFactory):
    class Meta:
        model = "escalations.Case"

    title = factory.Sequence(lambda n: f"Client issue {n}")
    issue_summary = "the freelancer stopped responding"
    client_name = factory.Faker("name")
    client_email = factory.Faker("email")
    client_segment = "small_business"
    contract_spend = factory.Faker("pydecimal", left_digits=4, right_digits=2, positive=True)


class MacroFactory(DjangoModelFactory):
    class Meta:
        model = "escalations.Macro"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Macro {n}")
    slug = factory.Sequence(lambda n: f"macro-{n}")
    body = "Hello {{ client_name }}, thanks for reaching out about {{ issue_summary }}."


# sourcing: plain rows of the talent pool ---------------------------------------------
class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = "sourcing.Agency"

    external_id = factory.Sequence(lambda n: f"AG-{n:05d}")
    name = factory.Faker("company")
    jss = 92
    country = "US"


class FreelancerFactory(DjangoModelFactory):
    class Meta:
        model = "sourcing.Freelancer"

    external_id = factory.Sequence(lambda n: f"FL-{n:06d}")
    name = factory.Faker("name")
    title = "Product designer"
    jss = 90
    english_level = 3  # fluent
    country = "US"
    region = "north_america"
    total_hours = 120
