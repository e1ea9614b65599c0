import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from officers import roles
from officers.models import JobPosition, Officer
from units.models import AdministrativeUnit

PASSWORD = "Mat-khau-thu-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=extracted or roles.LEARNER))
            self.save()


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Lò Văn Cán {n}")
    unit = factory.LazyFunction(lambda: AdministrativeUnit.objects.current().get(code="03172"))
    job_position = factory.LazyFunction(lambda: JobPosition.objects.get(code="mot-cua"))
    email = factory.LazyAttribute(lambda o: o.user.email)


def officer_with_role(role, unit_code, username=None, **kwargs):
    unit = AdministrativeUnit.objects.current().get(code=unit_code)
    user = UserFactory(username=username or f"{role.lower()}.{unit_code}", role=role)
    return OfficerFactory(user=user, unit=unit, **kwargs)


def unit(code):
    """The current administrative unit with this code."""
    return AdministrativeUnit.objects.current().get(code=code)


def logged_in(client, user, language=None):
    """The client, signed in as a user the factories made (and in `language`, if given)."""
    assert client.login(username=user.username, password=PASSWORD)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client
