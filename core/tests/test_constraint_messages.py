"""A database constraint's name is never what a person reads: every constraint has its
own Spanish message and code, and a form that hits one shows that message."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import BaseConstraint
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import override

from approvals.tests.factories import pdf_upload


def project_constraints():
    project_apps = {name.split(".")[0] for name in settings.INSTALLED_APPS if not name.startswith("django")}
    for model in apps.get_models():
        if model._meta.app_label in project_apps:
            for constraint in model._meta.constraints:
                yield model, constraint


def test_the_walk_finds_the_constraints_we_know():
    names = {c.name for _, c in project_constraints()}
    assert {"request_closing_names_account", "account_unique_live_handle_per_network"} <= names


@pytest.mark.parametrize(
    ("model", "constraint"),
    list(project_constraints()),
    ids=lambda value: getattr(value, "name", getattr(value, "__name__", "")),
)
def test_every_constraint_has_its_own_spanish_message_and_code(model, constraint):
    assert constraint.violation_error_message != BaseConstraint.default_violation_error_message, constraint.name
    # Through gettext_lazy, so it is translated per request like every other text.
    assert isinstance(constraint.violation_error_message, Promise), constraint.name
    with override("es-mx"):
        message = constraint.get_violation_error_message()
    assert constraint.name not in message
    assert "violated" not in message and "restricción" not in message
    assert constraint.violation_error_code, constraint.name


def test_an_empty_closing_request_is_refused_in_spanish_without_the_constraint_name(client, cast):
    client.force_login(cast.titular)
    response = client.post(
        reverse("approvals:create", args=["cierre"]),
        {"reason": "Ya no se usa.", "oficio": pdf_upload(), "enviar": "1"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "request_closing_names_account" not in body
    assert "Indique la cuenta que se cerrará." in body
