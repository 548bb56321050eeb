"""The "Revisar un texto" page, its JSON for the script, the lists CNCS keeps (with their
history), the consultation form's review and the courtesy policy where replies are written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Network
from consultations.models import Consultation
from contentrules import services
from contentrules.checker import Severity
from contentrules.models import Term

DRAFT = "ÚLTIMO AVISO PARA TODOS LOS CIUDADANOS: escriban a pepe.lopez@gmail.com <b>ya</b>."


@pytest.fixture
def x_network(cast):
    Network.objects.filter(pk=cast.network.pk).update(code="x", name="X (Twitter)", max_post_length=280)
    services.forget_networks()
    return cast.network


# --- who ---------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("contentrules:review"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(reverse("contentrules:review_json"), {"texto": "x"}).status_code == 302


@pytest.mark.parametrize("who", ["admin", "suplente", "cncs", "titular", "unicom", "president", "consejero"])
def test_anyone_signed_in_may_use_the_page(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("contentrules:review")).status_code == 200


@pytest.mark.parametrize(
    ("who", "offered"),
    [("admin", True), ("suplente", True), ("cncs", True), ("titular", False), ("unicom", False), ("outsider", False)],
)
def test_the_navigation_offers_it_to_administrators_and_cncs(client, cast, who, offered):
    client.force_login(getattr(cast, who))
    labels = [link.label for link in client.get(reverse("core:home")).context["nav_links"]]
    assert ("Revisar un texto" in labels) is offered


# --- the page without JavaScript -------------------------------------------------------------------------


def test_the_page_shows_the_findings_marked_in_the_escaped_text(client, cast, x_network):
    client.force_login(cast.admin)
    response = client.post(reverse("contentrules:review"), {"texto": DRAFT, "red": "x"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="finding-blocks" data-n="2">pepe.lopez@gmail.com</mark>' in body
    assert "&lt;b&gt;ya&lt;/b&gt;" in body and "<b>ya</b>" not in body
    assert "Impide publicar" in body and "§6.xxiii" in body
    assert [f.rule for f in response.context["review"]["findings"]] == ["capitals", "personal_data"]


def test_a_clean_text_says_so(client, cast):
    client.force_login(cast.admin)
    body = client.post(reverse("contentrules:review"), {"texto": "La credencial es gratuita."}).content.decode()
    assert "Sin observaciones" in body


def test_an_unknown_network_or_an_overlong_text_is_a_form_error(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("contentrules:review"), {"texto": "Hola", "red": "myspace"})
    assert response.status_code == 200 and response.context["form"].errors["red"]
    response = client.post(reverse("contentrules:review"), {"texto": "a" * 20001})
    assert response.context["form"].errors["texto"]


# --- the JSON for the script ----------------------------------------------------------------------------


def test_the_json_carries_the_findings_and_the_same_html(client, cast, x_network):
    client.force_login(cast.admin)
    response = client.post(reverse("contentrules:review_json"), {"texto": "x" * 300, "red": "x"})
    data = response.json()
    assert response.status_code == 200
    assert data["findings"][0]["rule"] == "length" and data["findings"][0]["start"] == 280
    assert 'class="check-results"' in data["html"]
    assert client.get(reverse("contentrules:review_json")).status_code == 405
    assert client.post(reverse("contentrules:review_json"), {"texto": ""}).status_code == 400


def test_check_draft_uses_the_network_limit_and_the_current_lists(cast, x_network):
    assert [f.rule for f in services.check_draft("x" * 281, "x")] == ["length"]
    assert services.check_draft("x" * 281, "myspace") == []
    Term.objects.create(kind=Term.Kind.DISCOURTEOUS, text="mequetrefe")
    [finding] = services.check_draft("Usted es un mequetrefe.")
    assert finding.rule == "discourtesy" and finding.as_dict()["severity"] == "blocks"


def test_the_seeded_lists_and_the_process_are_in_force(cast, time_machine):
    time_machine.move_to("2027-03-01 12:00:00-06:00")
    assert Term.objects.filter(kind=Term.Kind.RESERVED, text="confidencial").exists()
    [finding] = services.check_draft("Morena presentó su registro.")
    assert finding.rule == "partisan" and finding.severity == Severity.CONSULT
    time_machine.move_to("2028-03-01 12:00:00-06:00")
    [finding] = services.check_draft("Morena presentó su registro.")
    assert finding.severity == Severity.ADVICE


# --- the lists, kept by CNCS, with history -----------------------------------------------------------------


def test_only_cncs_edits_the_lists(client, cast):
    for user in (cast.admin, cast.titular, cast.unicom):
        client.force_login(user)
        assert client.get(reverse("contentrules:lists")).status_code == 403
        assert client.post(reverse("contentrules:list_edit", args=["reserved"]), {"terms": "x"}).status_code == 403
    assert Term.objects.filter(text="x").count() == 0


def test_cncs_edits_a_list_and_each_change_is_in_the_history(client, cast):
    client.force_login(cast.cncs)
    url = reverse("contentrules:list_edit", args=["discourteous"])
    current = "\n".join(services.active_terms("discourteous"))
    assert client.get(reverse("contentrules:lists")).status_code == 200
    assert "idiota*" in client.get(url).content.decode()
    lines = current.replace("idiota*\n", "") + "\nmequetrefe\n  pelele  \nmequetrefe"
    response = client.post(url, {"terms": lines}, follow=True)
    assert "2 agregadas, 1 retiradas" in response.content.decode()
    assert set(services.active_terms("discourteous")) >= {"mequetrefe", "pelele"}
    assert "idiota*" not in services.active_terms("discourteous")
    rows = {(h.text, h.history_type, h.is_active, h.history_user_id) for h in Term.history.all()}
    assert {("idiota*", "~", False, cast.cncs.pk), ("mequetrefe", "+", True, cast.cncs.pk)} <= rows
    body = client.get(url).content.decode()
    assert "retirada" in body and "agregada" in body
    # In force at once: the cache was dropped.
    assert [f.rule for f in services.check_draft("Es usted un pelele.")] == ["discourtesy"]
    assert services.check_draft("Es usted un idiota.") == []


def test_a_removed_term_typed_again_comes_back(cast):
    services.update_list("reserved", "confidencial", by=cast.cncs)
    assert services.active_terms("reserved") == ["confidencial"]
    services.update_list("reserved", "confidencial\nreservado", by=cast.cncs)
    assert Term.objects.filter(kind="reserved", text="reservado", is_active=True).count() == 1


def test_a_bad_domain_is_refused_with_its_line(client, cast):
    client.force_login(cast.cncs)
    url = reverse("contentrules:list_edit", args=["allowed_domain"])
    response = client.post(url, {"terms": "ine.mx\nno es un dominio"})
    assert response.status_code == 200 and "no es un dominio" in response.content.decode()
    assert client.get(reverse("contentrules:list_edit", args=["nope"])).status_code == 404


# --- the consultation form ---------------------------------------------------------------------------------


def _consultation_data(cast, **extra):
    return {
        "account": cast.account.pk,
        "kind": Consultation.Kind.PERTINENCE,
        "question": "¿Podemos publicarlo así?",
        "subject_text": "Comunícate con el vocal al 33 3614 5566. Información CONFIDENCIAL.",
        **extra,
    }


def test_the_consultation_form_shows_the_findings_without_sending(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("consultations:new"), _consultation_data(cast, revisar="1"))
    body = response.content.decode()
    assert response.status_code == 200 and Consultation.objects.count() == 0
    assert "impedirían publicarlo" in body and "Comunicación Social decide" in body
    assert '<mark class="finding-blocks" data-n="1">33 3614 5566</mark>' in body
    assert 'id="account-networks"' in body and "js/content-check.js" in body


def test_a_blocking_finding_never_stops_the_consultation(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("consultations:new"), _consultation_data(cast))
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:detail", args=[consultation.pk])


def test_the_empty_consultation_form_invites_to_write(client, cast):
    client.force_login(cast.admin)
    body = client.get(reverse("consultations:new")).content.decode()
    assert "Revisión del texto" in body and "Revisar el texto" in body


# --- the courtesy policy where replies and comment incidents are recorded -------------------------------------


def test_the_no_blocking_policy_is_where_replies_are_recorded(client, cast):
    client.force_login(cast.admin)
    pages = [
        reverse("accounts:log_add", args=[cast.account.pk]),
        reverse("incidents:report") + "?tipo=hate",
        reverse("incidents:report") + "?tipo=misuse",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "No se bloquea a nadie." in body, url
