"""The request list reads its first page from an index in its own order, never sorting every
request (issue 14)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import AccountRequest
from core.tests.plans import page_list_plan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_list_reads_the_newest_first_from_the_index(client, cast):
    AccountRequest.objects.bulk_create(
        AccountRequest(
            kind=AccountRequest.Kind.OPENING,
            organ=cast.organ,
            requester=cast.titular,
            network=cast.network,
            status=AccountRequest.Status.SUBMITTED,
            proposed_name=f"Cuenta {i}",
            submitted_at=timezone.now(),
        )
        for i in range(2000)
    )
    client.force_login(cast.cncs)
    plan = page_list_plan(client, reverse("approvals:list"), "approvals_accountrequest")
    assert "request_newest_first" in plan, plan
    assert "Sort" not in plan, plan
