"""The incident pages, view by view and role by role, and what each page refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.tests.factories import LOGGED_IN, ROLES, UserFactory
from consultations.tests.test_consultations import PDF
from incidents import services
from incidents.models import NO_BLOCKING_POLICY, Incident, IncidentStep
from notifications.models import Notification

from .test_incidents import resolved_hack

pytestmark = pytest.mark.django_db

LOGIN, OK, REDIRECT, FORBIDDEN, NOT_FOUND = "login", 200, 302, 403, 404
SEE = {"titular", "admin", "suplente", "cncs", "unicom", "president", "secretary", "superuser"}
SEE_MISUSE = {"titular", "cncs", "superuser"}
RESPOND_HACK = {"titular", "admin", "suplente", "cncs", "unicom", "superuser"}
RESPOND_OTHER = {"titular", "admin", "suplente", "cncs", "superuser"}
CLOSE = {"titular", "cncs", "superuser"}
REPORT = {"titular", "admin", "suplente", "other_titular", "other_admin", "consejero", "cncs", "superuser"}


def _object_rule(allowed: set[str], visible: set[str] = SEE, ok: int = OK) -> dict:
    """Allowed → ok; sees the incident but may not act → 403; does not see it → 404."""
    return {
        "anonymous": LOGIN,
        **{r: ok if r in allowed else FORBIDDEN if r in visible else NOT_FOUND for r in LOGGED_IN},
    }


def _only(allowed: set[str]) -> dict:
    return {"anonymous": LOGIN, **{r: OK if r in allowed else FORBIDDEN for r in LOGGED_IN}}


VIEWS = {
    "list": ("get", lambda p: reverse("incidents:list"), {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, OK)}),
    "report": ("get", lambda p: reverse("incidents:report"), _only(REPORT)),
    "detail": ("get", lambda p: reverse("incidents:detail", args=[p.hack.pk]), _object_rule(SEE)),
    "detail_misuse": (
        "get",
        lambda p: reverse("incidents:detail", args=[p.misuse.pk]),
        _object_rule(SEE_MISUSE, SEE_MISUSE),
    ),
    "summary": ("get", lambda p: reverse("incidents:summary", args=[p.hack.pk]), _object_rule(SEE)),
    "attachment": (
        "get",
        lambda p: reverse("incidents:attachment", args=[p.hack.pk, p.hack.attachments.get().pk]),
        _object_rule(SEE),
    ),
    "contain": (
        "post",
        lambda p: reverse("incidents:transition", args=[p.hack.pk, "contain"]),
        _object_rule(RESPOND_HACK, ok=REDIRECT),
    ),
    "close": (
        "post",
        lambda p: reverse("incidents:transition", args=[p.resolved.pk, "close"]),
        _object_rule(CLOSE, ok=REDIRECT),
    ),
    "step": ("post", lambda p: reverse("incidents:step", args=[p.hack.pk]), _object_rule(RESPOND_HACK, ok=REDIRECT)),
    "statement": (
        "post",
        lambda p: reverse("incidents:statement", args=[p.hack.pk]),
        _object_rule(RESPOND_HACK, ok=REDIRECT),
    ),
    "note": ("post", lambda p: reverse("incidents:note", args=[p.hack.pk]), _object_rule(RESPOND_HACK, ok=REDIRECT)),
    "platform_action": (
        "post",
        lambda p: reverse("incidents:platform_action", args=[p.hate.pk]),
        _object_rule(RESPOND_OTHER, ok=REDIRECT),
    ),
    "correction": (
        "post",
        lambda p: reverse("incidents:correction", args=[p.erroneous.pk]),
        _object_rule(RESPOND_OTHER, ok=REDIRECT),
    ),
}
POST_DATA = {
    "close": {"summary": "Se recuperó la cuenta.", "lessons": "Activar 2FA."},
    "step": {"kind": "regain_access"},
    "statement": {"statement_text": "Comunicado del Instituto."},
    "note": {"note": "Se habló con la plataforma."},
    "platform_action": {"platform_action": "reported"},
    "correction": {"correction_text": "El horario correcto es de 8 a 15 h.", "correction_url": "https://x.com/a/1"},
}


@pytest.fixture
def people(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cast.superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    detected = timezone.now() - timedelta(hours=1)
    cast.hack = services.report_incident(
        by=cast.admin,
        kind=Incident.Kind.HACK,
        account_id=cast.account.pk,
        detected_at=detected,
        description="No podemos entrar.",
        attachments=[SimpleUploadedFile("captura.pdf", PDF)],
    ).incident
    second = Account.objects.create(
        organ=cast.organ, network=cast.network, name="Segunda", purpose="Difusión", status=Account.Status.ACTIVE
    )
    cast.resolved = services.report_incident(
        by=cast.admin, kind=Incident.Kind.HACK, account_id=second.pk, detected_at=detected, description="Otra."
    ).incident
    resolved_hack(cast, cast.resolved)
    cast.misuse = services.report_incident(
        by=cast.titular, kind=Incident.Kind.MISUSE, account_id=cast.account.pk, detected_at=detected, description="x"
    ).incident
    cast.hate = services.report_incident(
        by=cast.admin, kind=Incident.Kind.HATE, account_id=cast.account.pk, detected_at=detected, description="Odio."
    ).incident
    cast.erroneous = services.report_incident(
        by=cast.admin, kind=Incident.Kind.ERRONEOUS, account_id=cast.account.pk, detected_at=detected, description="y"
    ).incident
    return cast


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_role_gets_the_expected_answer_from_each_view(client, people, view, role):
    method, url_for, rule = VIEWS[view]
    expected = rule[role]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    response = getattr(client, method)(url_for(people), POST_DATA.get(view, {}))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {view}: {response.status_code}"
        if expected == REDIRECT:
            assert not response.url.startswith(reverse("login"))


def test_the_matrix_covers_every_incident_view():
    from incidents.urls import urlpatterns

    covered = {"list", "report", "detail", "summary", "attachment", "transition", "step", "statement", "note"}
    covered |= {"platform_action", "correction"}
    assert {p.name for p in urlpatterns} == covered
    assert all(set(rule) == set(ROLES) for _, _, rule in VIEWS.values())


# --- Reporting through the page ---------------------------------------------------------


def _report(client, cast, **data):
    fields = {
        "account": cast.account.pk,
        "detected_at": (timezone.localtime() - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M"),
        "description": "Publicaron mensajes que no escribimos.",
    }
    fields.update(data)
    return client.post(reverse("incidents:report"), fields)


def test_a_hack_reported_from_the_page_reaches_the_titular_cncs_and_unicom(client, cast):
    client.force_login(cast.admin)
    response = _report(client, cast)
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == reverse("incidents:detail", args=[incident.pk])
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"titular", "cncs", "unicom"}
    for person in (cast.titular, cast.cncs, cast.unicom):
        client.force_login(person)
        assert f"Incidente #{incident.pk}" in client.get(reverse("notifications:inbox")).content.decode()


def test_a_second_report_from_the_page_lands_on_the_existing_incident(client, cast):
    client.force_login(cast.admin)
    first = _report(client, cast)
    client.force_login(cast.suplente)
    second = _report(client, cast, description="Tampoco entro.")
    assert second.url == first.url
    page = client.get(second.url)
    assert "ya tenía un reporte de hackeo abierto" in page.content.decode()


def test_the_report_form_does_not_offer_another_organs_account(client, cast):
    client.force_login(cast.admin)
    response = _report(client, cast, account=cast.other_account.pk)
    assert response.status_code == 200 and not Incident.objects.exists()
    assert cast.other_account.handle not in response.content.decode()


def test_the_report_form_has_three_fields_and_optional_screenshots(client, cast):
    client.force_login(cast.admin)
    form = client.get(reverse("incidents:report")).context["form"]
    assert [name for name, f in form.fields.items() if f.required and not f.widget.is_hidden] == [
        "account",
        "detected_at",
        "description",
    ]


def test_an_impersonation_is_reported_with_the_fake_account(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("incidents:report") + "?tipo=impersonation",
        {
            "fake_handle": "@INEPrueba_oficial",
            "network": cast.network.pk,
            "detected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "description": "Se hace pasar por nosotros.",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.kind == Incident.Kind.IMPERSONATION and incident.organ == cast.organ


def test_the_account_page_links_to_the_report_for_those_who_may_report(client, cast):
    url = reverse("accounts:detail", args=[cast.account.pk])
    report = reverse("incidents:report") + f"?cuenta={cast.account.pk}"
    client.force_login(cast.admin)
    assert report in client.get(url).content.decode()
    client.force_login(cast.president)
    assert report not in client.get(url).content.decode()


# --- Refusals shown on the page ---------------------------------------------------------


def test_the_page_refuses_a_block_with_the_policys_words(client, people):
    client.force_login(people.admin)
    response = client.post(reverse("incidents:platform_action", args=[people.hate.pk]), {"platform_action": "block"})
    assert response.status_code == 200
    assert str(NO_BLOCKING_POLICY) in response.content.decode()
    people.hate.refresh_from_db()
    assert people.hate.platform_action == ""


def test_the_page_never_offers_a_block(client, people):
    client.force_login(people.admin)
    body = client.get(reverse("incidents:detail", args=[people.hate.pk])).content.decode()
    assert 'value="reported"' in body and 'value="hidden"' in body and 'value="block"' not in body


def test_closing_from_the_page_without_a_summary_is_refused(client, people):
    client.force_login(people.cncs)
    response = client.post(reverse("incidents:transition", args=[people.resolved.pk, "close"]), {"summary": ""})
    assert response.status_code == 200
    people.resolved.refresh_from_db()
    assert people.resolved.status == Incident.Status.RESOLVED


def test_resolving_before_containing_is_refused_from_the_page(client, people):
    client.force_login(people.admin)
    response = client.post(reverse("incidents:transition", args=[people.hack.pk, "resolve"]), follow=True)
    assert "no se puede marcarlo como resuelto" in response.content.decode()
    people.hack.refresh_from_db()
    assert people.hack.status == Incident.Status.REPORTED


def test_ticking_a_step_twice_from_the_page_is_refused(client, people):
    client.force_login(people.admin)
    url = reverse("incidents:step", args=[people.hack.pk])
    client.post(url, {"kind": "regain_access"})
    response = client.post(url, {"kind": "regain_access"}, follow=True)
    assert "ya lo registró" in response.content.decode()
    assert IncidentStep.objects.filter(incident=people.hack).count() == 1


def test_not_applicable_without_a_reason_is_refused_from_the_page(client, people):
    client.force_login(people.admin)
    url = reverse("incidents:step", args=[people.hack.pk])
    response = client.post(url, {"kind": "report_platform", "not_applicable": "on"})
    assert response.status_code == 200
    assert "no aplica" in response.content.decode()
    assert not IncidentStep.objects.filter(incident=people.hack).exists()


def test_a_closed_incident_shows_no_editing_forms(client, people):
    services.close_incident(incident_id=people.resolved.pk, by=people.cncs, summary="Listo.")
    client.force_login(people.admin)
    response = client.get(reverse("incidents:detail", args=[people.resolved.pk]))
    assert "statement_form" not in response.context and "note_form" in response.context


# --- The list ---------------------------------------------------------------------------


def _listed(client, user, query=""):
    client.force_login(user)
    return {i.pk for i in client.get(reverse("incidents:list") + query).context["page"]}


def test_administrators_never_see_misuse_in_the_list_or_on_the_home_page(client, people):
    assert people.misuse.pk not in _listed(client, people.admin)
    home = client.get(reverse("core:home")).content.decode()
    assert "Uso indebido" not in home
    assert people.misuse.pk in _listed(client, people.titular)


def test_open_incidents_come_first(client, people):
    services.close_incident(incident_id=people.resolved.pk, by=people.cncs, summary="Listo.")
    client.force_login(people.cncs)
    listed = [i.pk for i in client.get(reverse("incidents:list")).context["page"]]
    assert listed[-1] == people.resolved.pk


def test_the_list_filters_by_kind(client, people):
    assert _listed(client, people.cncs, "?kind=hate") == {people.hate.pk}


def test_an_invalid_filter_matches_nothing(client, people):
    assert _listed(client, people.cncs, "?kind=bloqueo") == set()
    assert _listed(client, people.admin, f"?organ={people.other_organ.pk}") == set()


def test_the_other_organ_sees_none_of_these_incidents(client, people):
    assert _listed(client, people.other_admin) == set()


def test_cncs_sees_the_median_times(client, people):
    client.force_login(people.cncs)
    assert "Tiempos medianos" in client.get(reverse("incidents:list")).content.decode()
    client.force_login(people.admin)
    assert "Tiempos medianos" not in client.get(reverse("incidents:list")).content.decode()


def test_the_list_query_count_does_not_grow_with_rows(client, people, django_assert_max_num_queries):
    client.force_login(people.cncs)
    with django_assert_max_num_queries(15):
        client.get(reverse("incidents:list"))


def test_the_summary_page_is_printable(client, people):
    client.force_login(people.cncs)
    body = client.get(reverse("incidents:summary", args=[people.resolved.pk])).content.decode()
    assert "@media print" in body and "Qué se cambió" in body


def test_only_an_administrator_attests_the_password_change_and_the_page_says_so(client, people):
    services.record_step(incident_id=people.hack.pk, by=people.admin, kind="regain_access")
    client.force_login(people.cncs)
    url = reverse("incidents:step", args=[people.hack.pk])
    response = client.post(url, {"kind": "rotate_password"}, follow=True)
    assert "Solo los administradores designados del órgano operan esta cuenta." in response.content.decode()
    assert not IncidentStep.objects.filter(incident=people.hack, kind="rotate_password").exists()
