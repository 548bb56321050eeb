"""The admin lists and shows every evaluations record, and changes none of them."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.tests.factories import UserFactory
from evaluations import models

pytestmark = pytest.mark.django_db

MODELS = [
    models.CriteriaVersion,
    models.Criterion,
    models.Period,
    models.Evaluation,
    models.Score,
    models.IssuedVersion,
    models.EvaluationStatusChange,
    models.TrainingMeeting,
    models.TrainingInvitation,
    models.TrainingReminder,
]


def test_every_model_of_the_app_is_registered():
    from django.apps import apps

    # The history tables (django-simple-history) show in their models' own history pages.
    models = {m for m in apps.get_app_config("evaluations").get_models() if not m.__name__.startswith("Historical")}
    assert models == set(MODELS)
    assert all(admin.site.is_registered(model) for model in MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_list_and_record_opens_read_only(client, issued, model):
    superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    meta = model._meta
    assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code == 200
    record = model.objects.first()
    if record is not None:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
        response = client.get(url)
        assert response.status_code == 200
        assert b'name="_save"' not in response.content
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_delete_permission(None)
