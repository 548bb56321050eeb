"""Factories for the standing cast. Other apps import these."""

from __future__ import annotations

from datetime import datetime

import factory
from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone

from accounts.models import Account, Designation, Entidad, Network, Organ, PositionLevel, User


class EntidadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entidad
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: (n % 32) + 1)
    name = factory.LazyAttribute(lambda o: f"Entidad {o.code:02d}")


class OrganFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organ

    code = factory.Sequence(lambda n: f"organo-{n}")
    name = factory.Sequence(lambda n: f"Unidad de prueba {n}")
    kind = Organ.Kind.CENTRAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"persona{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@ine.mx")
    first_name = factory.Faker("first_name", locale="es_MX")
    last_name = factory.Faker("last_name", locale="es_MX")
    organ = factory.SubFactory(OrganFactory)
    position_level = PositionLevel.MANDO_MEDIO
    job_title = "Servidor público"
    password = factory.PostGenerationMethodCall("set_password", "contrasena-de-prueba")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([AuthGroup.objects.get_or_create(name=name)[0] for name in extracted])
        if create:
            self.save()


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("code",)

    code = "x"
    name = "X (Twitter)"
    handle_prefix = "@"
    handle_pattern = r"[A-Za-z0-9_]{1,15}"
    handle_help = "de 1 a 15 letras, números o guion bajo"
    url_hosts = "x.com,twitter.com"


def catalogue_network(code: str) -> Network:
    """The network exactly as ``load_catalogue`` defines it (handle rules, hosts)."""
    from accounts.catalogue import NETWORKS

    [(name, prefix, pattern, help_text, hosts, order)] = [row[1:] for row in NETWORKS if row[0] == code]
    return NetworkFactory(
        code=code, name=name, handle_prefix=prefix, handle_pattern=pattern, handle_help=help_text, url_hosts=hosts
    )


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    organ = factory.SubFactory(OrganFactory)
    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Cuenta {n}")
    handle = factory.Sequence(lambda n: f"cuenta_{n}")
    url = factory.LazyAttribute(lambda o: f"https://x.com/{o.handle}")
    registration_email = "redes@ine.mx"
    purpose = "Difundir las actividades institucionales del órgano."
    status = Account.Status.ACTIVE
    activated_at = factory.LazyFunction(timezone.now)


def active_since(account: Account, moment: datetime) -> Account:
    """Backdate an account's activation, for tests that record facts of its past: nothing
    is accepted from before an account existed (``Account.existed_since``)."""
    Account.objects.filter(pk=account.pk).update(activated_at=moment)
    account.refresh_from_db()
    return account


def designate(organ: Organ, user: User, role: str) -> Designation:
    return Designation.objects.create(organ=organ, user=user, role=role)


# The roles of the standing cast (conftest.py's ``cast`` plus a superuser and the
# anonymous public), walked by every app's access matrix.
ROLES = [
    "anonymous",
    "titular",
    "admin",
    "suplente",
    "staff",
    "outsider",
    "other_titular",
    "other_admin",
    "cncs",
    "unicom",
    "president",
    "secretary",
    "consejero",
    "superuser",
]
LOGGED_IN = set(ROLES) - {"anonymous"}
