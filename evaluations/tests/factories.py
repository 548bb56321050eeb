"""Factories for evaluations and training; the standing cast comes from ``conftest.cast``."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import AccountFactory, UserFactory
from evaluations.models import (
    CriteriaVersion,
    Criterion,
    Evaluation,
    Period,
    TrainingInvitation,
    TrainingMeeting,
)


class CriteriaVersionFactory(factory.django.DjangoModelFactory):
    """A draft version; ``published_version()`` gives a published one with criteria."""

    class Meta:
        model = CriteriaVersion

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Procedimiento de evaluación {n + 1}")
    created_by = factory.SubFactory(UserFactory)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    version = factory.SubFactory(CriteriaVersionFactory)
    code = factory.Sequence(lambda n: f"criterio-{n}")
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Criterio {n}")
    reference = "§8.iii"
    description = "Qué se evalúa y cómo."
    scale_min = 0
    scale_max = 4
    weight = 25


def published_version(
    *, weights=(40, 30, 30), sources=("activity", "consultations", "rotations"), published_at=None, **kwargs
):
    """A published version with one criterion per weight (scale 0–4), published now or at `published_at`."""
    version = CriteriaVersionFactory(**kwargs)
    for position, (weight, source) in enumerate(zip(weights, sources, strict=False)):
        CriterionFactory(version=version, position=position, weight=weight, source=source)
    CriteriaVersion.objects.filter(pk=version.pk).update(
        status=CriteriaVersion.Status.PUBLISHED,
        published_at=published_at or timezone.now(),
        published_by=version.created_by,
    )
    version.refresh_from_db()
    return version


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period
        django_get_or_create = ("year", "half")

    year = 2026
    half = 2
    starts_on = factory.LazyAttribute(lambda o: Period.bounds(o.year, o.half)[0])
    ends_on = factory.LazyAttribute(lambda o: Period.bounds(o.year, o.half)[1])
    criteria = factory.LazyFunction(published_version)


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    period = factory.SubFactory(PeriodFactory)
    account = factory.SubFactory(AccountFactory)
    organ = factory.LazyAttribute(lambda o: o.account.organ)


class TrainingMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingMeeting

    title = "Reunión anual de capacitación"
    status = TrainingMeeting.Status.SCHEDULED
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    place = "Auditorio del edificio central"
    agenda = "1. Criterios vigentes.\n2. Seguridad de las cuentas."
    created_by = factory.SubFactory(UserFactory)
    # A held or cancelled meeting says when (the model's constraints).
    held_at = factory.LazyAttribute(lambda o: o.starts_at if o.status == TrainingMeeting.Status.HELD else None)
    cancelled_at = factory.LazyAttribute(
        lambda o: o.starts_at - timedelta(days=1) if o.status == TrainingMeeting.Status.CANCELLED else None
    )


class TrainingInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingInvitation

    meeting = factory.SubFactory(TrainingMeetingFactory)
    user = factory.SubFactory(UserFactory)
    organ = factory.LazyAttribute(lambda o: o.user.organ)
    role = TrainingInvitation.Role.ADMINISTRATOR
