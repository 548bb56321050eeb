"""What the public lookup answers (``lookup.verify``) and how the page says it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.tests.factories import AccountFactory
from registry import lookup, services
from registry.lookup import Status

pytestmark = pytest.mark.django_db

OFFICIAL_FORMS = {
    ("x", "INEMexico"): [
        "https://x.com/INEMexico",
        "https://twitter.com/INEMexico/",
        "https://mobile.twitter.com/inemexico?s=20",
        "www.x.com/INEMexico#posts",
        "https://x.com/INEMexico/status/123",
    ],
    ("facebook", "INEMexico"): [
        "https://www.facebook.com/INEMexico",
        "https://m.facebook.com/INEMexico/",
        "https://es-la.facebook.com/INEMexico?ref=ts",
        "fb.com/pg/INEMexico",
    ],
    ("youtube", "INETV"): ["https://www.youtube.com/@INETV", "https://m.youtube.com/@inetv/videos", "@INETV", "INETV"],
    ("x", "INEtelMX"): ["@INEtelMX", "inetelmx", "https://x.com/INEtelMX", "twitter.com/INEtelMX?lang=es"],
}


@pytest.mark.parametrize("official, text", [(k, text) for k, forms in OFFICIAL_FORMS.items() for text in forms])
def test_the_four_official_accounts_are_recognised_in_every_form(world, official, text):
    network, handle = official
    verdict = lookup.verify(text)
    assert verdict.status == Status.OFFICIAL
    assert (network, handle) in {(m.account.network.code, m.account.handle) for m in verdict.matches}
    assert all(m.account.is_official for m in verdict.matches)


def test_a_bare_handle_matches_the_same_handle_on_every_network(world):
    verdict = lookup.verify("@INEMexico")
    assert sorted(m.account.network.code for m in verdict.matches) == ["facebook", "x"]


def test_the_network_choice_narrows_a_bare_handle(world):
    verdict = lookup.verify("INEMexico", network_code="facebook")
    assert [m.account.network.code for m in verdict.matches] == ["facebook"]


def test_an_address_is_answered_for_its_own_network_only(world):
    # An impostor page on Instagram named like INE's X account is not INE's.
    verdict = lookup.verify("https://www.instagram.com/INEMexico/")
    assert verdict.status == Status.UNREGISTERED and verdict.matches == []


@pytest.mark.parametrize(
    "text, network",
    [
        ("https://www.instagram.com/INEMexico/", None),
        ("https://www.tiktok.com/@inemexico", None),
        ("https://www.threads.net/@INETV", None),
        ("https://www.threads.com/@INEtelMX", None),
        ("https://www.linkedin.com/company/inemexico", None),
        ("@INETV", "x"),
        ("INEMexico", "instagram"),
    ],
)
def test_an_official_handle_on_another_network_is_flagged_as_an_imitation(world, text, network):
    # The four official handles are reserved on every network: anyone holding one elsewhere
    # imitates the Institute, and the lookup says which account is the real one.
    verdict = lookup.verify(text, network_code=network)
    assert verdict.status == Status.UNREGISTERED and verdict.matches == []
    assert verdict.similar_to and all(a.is_official for a in verdict.similar_to)


@pytest.mark.parametrize(
    "impostor",
    [
        "\uff29\uff2e\uff25\uff2d\uff45\uff58\uff49\uff43\uff4f",
        "\u0406NEMexico",
        "INEM\u0435xic\u043e",
        "@\u0406NEMexico",
    ],
)
def test_full_width_and_cyrillic_look_alikes_are_flagged_not_vouched_for(world, impostor):
    verdict = lookup.verify(impostor)
    assert verdict.status == Status.UNREGISTERED and verdict.matches == []
    assert "INEMexico" in {a.handle for a in verdict.similar_to}


@pytest.mark.parametrize("impostor", ["INEMexic0", "lNEMexico", "INEMexico_oficial", "INEMexicoMX"])
def test_look_alikes_are_never_vouched_for_and_name_what_they_imitate(world, impostor):
    for text in (impostor, f"@{impostor}", f"https://x.com/{impostor}"):
        verdict = lookup.verify(text)
        assert verdict.status == Status.UNREGISTERED
        assert verdict.matches == []
        assert "INEMexico" in {a.handle for a in verdict.similar_to}


@pytest.mark.parametrize("text", ["https://ejemplo.com/INEMexico", "INE Jalisco", "Instituto Nacional Electoral"])
def test_other_sites_and_names_are_not_registered(world, text):
    verdict = lookup.verify(text)
    assert verdict.status == Status.UNREGISTERED
    assert not verdict.names_a_profile


def test_an_unknown_handle_is_unregistered(world):
    verdict = lookup.verify("@CuentaCualquiera")
    assert verdict.status == Status.UNREGISTERED and verdict.names_a_profile and verdict.similar_to == []


def test_an_institutional_account_answers_with_its_organ_and_entidad(world):
    verdict = lookup.verify("https://www.instagram.com/INE.Jalisco")
    assert verdict.status == Status.OFFICIAL
    assert verdict.account == world.jalisco_ig
    record = lookup.public_record(verdict.account)
    assert record["organ"] == "Junta Local Ejecutiva en Jalisco" and record["entidad"] == "Jalisco"


def test_a_closed_account_is_no_longer_ines_with_the_date(world):
    verdict = lookup.verify("https://www.tiktok.com/@inejalisco_antes")
    assert verdict.status == Status.CLOSED
    assert verdict.matches[0].closed_on == timezone.localdate(world.closed.closed_at)


def test_a_compromised_account_is_flagged(world):
    verdict = lookup.verify("facebook.com/INE.Jalisco")
    assert verdict.status == Status.COMPROMISED


def test_a_personal_account_of_a_consejero_is_labelled_personal(world):
    assert lookup.verify("@ConsejeraUno").status == Status.PERSONAL


def test_requested_accounts_are_not_registered(world):
    assert lookup.verify("@INEJaliscoTV").status == Status.UNREGISTERED


def test_a_pending_change_makes_both_handles_pending(world):
    services.propose_handle_change(
        account_id=world.jalisco_x.pk,
        by=world.cast.admin,
        new_handle="INE_Jal",
        new_url="https://x.com/INE_Jal",
        reason="Se acortó el nombre.",
    )
    for text in ("@INEJalisco", "https://x.com/INEJalisco", "INE_Jal", "https://twitter.com/ine_jal"):
        verdict = lookup.verify(text)
        assert verdict.status == Status.PENDING, text
        assert verdict.account == world.jalisco_x and verdict.matches[0].pending_handle == "INE_Jal"


# --- The page ------------------------------------------------------------------------------------------

NOT_FOUND = "No encontramos una cuenta institucional del INE con ese dato."


def _page(client, q: str, **params) -> str:
    response = client.get(reverse("registry:lookup"), {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_without_a_query_shows_no_verdict_and_lists_the_official_accounts(client, world):
    response = client.get(reverse("registry:lookup"))
    assert response.status_code == 200
    assert response.context["verdict"] is None
    assert NOT_FOUND not in response.content.decode()
    assert {a.pk for a in response.context["official_accounts"]} == {a.pk for a in world.official}


def test_the_official_card_says_it_with_icon_words_organ_and_address(client, world):
    body = _page(client, "https://www.instagram.com/ine.jalisco")
    assert "verdict-official" in body and "✔" in body
    assert "Cuenta institucional del INE" in body
    assert "Junta Local Ejecutiva en Jalisco" in body and "Jalisco" in body
    assert 'href="https://www.instagram.com/ine.jalisco/" rel="noopener noreferrer"' in body
    assert "@ine.jalisco" in body


def test_the_compromised_card_warns_not_to_trust_recent_posts(client, world):
    body = _page(client, "INE.Jalisco", network="facebook")
    assert "verdict-compromised" in body and "⚠" in body
    assert "No confíe en sus publicaciones recientes." in body


def test_the_closed_card_gives_the_date(client, world):
    body = _page(client, "@inejalisco_antes")
    day = timezone.localdate(world.closed.closed_at)
    assert "verdict-closed" in body
    assert f"ya no es del INE desde el {day.day} de" in body
    # Its old address is shown, never linked: whoever holds it now is not the Institute.
    assert world.closed.url in body and f'href="{world.closed.url}"' not in body


def test_the_pending_card_names_both_handles(client, world):
    services.propose_handle_change(
        account_id=world.jalisco_x.pk,
        by=world.cast.admin,
        new_handle="INE_Jal",
        new_url="https://x.com/INE_Jal",
        reason="Se acortó el nombre.",
    )
    body = _page(client, "@INE_Jal")
    assert "verdict-pending" in body
    assert "Se está verificando un cambio de nombre de usuario de esta cuenta: de @INEJalisco a @INE_Jal." in body


def test_a_compromised_account_with_a_pending_change_warns_of_both(client, world):
    # Hijackers often rename first: asked by either handle, the card says the account is
    # compromised and that the new handle is not verified.
    services.propose_handle_change(
        account_id=world.compromised.pk,
        by=world.cast.admin,
        new_handle="INEJaliscoMX",
        new_url="https://www.facebook.com/INEJaliscoMX",
        reason="La red cambió el nombre.",
    )
    for q in ("https://www.facebook.com/INE.Jalisco", "https://www.facebook.com/INEJaliscoMX"):
        body = _page(client, q)
        assert "verdict-compromised" in body and "No confíe en sus publicaciones recientes." in body
        assert "un cambio de nombre de usuario de esta cuenta: de INE.Jalisco a INEJaliscoMX." in body


def test_the_personal_card_says_personal(client, world):
    assert "Cuenta personal publicitada de una consejería" in _page(client, "ConsejeraUno")


def test_the_unregistered_card_warns_of_the_look_alike_and_links_the_report(client, world):
    body = _page(client, "@INEMexic0")
    assert "verdict-unregistered" in body and NOT_FOUND in body
    assert "Se parece a @INEMexico (X (Twitter)), que sí es del INE: podría ser una suplantación." in body
    assert f'href="{reverse("public_reports:new")}"' in body
    assert "INETEL" in body


def test_a_name_gets_an_explanation_of_what_to_type(client, world):
    body = _page(client, "INE Jalisco")
    assert "Eso no es un nombre de usuario ni la dirección de un perfil" in body
    assert NOT_FOUND not in body


def test_an_unknown_network_choice_is_a_form_error_not_a_verdict(client, world):
    response = client.get(reverse("registry:lookup"), {"q": "INEMexico", "network": "myspace"})
    assert response.status_code == 200
    assert response.context["verdict"] is None
    assert response.context["form"].errors["network"]


@pytest.mark.parametrize("status", ["requested", "approved", "closed"])
def test_requested_approved_and_closed_accounts_are_never_vouched_for(client, cast, status):
    AccountFactory(organ=cast.organ, network=cast.network, handle="INEEnTramite", status=status)
    for q in ("INEEnTramite", "@INEEnTramite", "https://x.com/INEEnTramite"):
        body = _page(client, q)
        assert "verdict-official" not in body and "✔" not in body


def test_the_page_shows_no_people_and_no_emails(client, world):
    body = _page(client, "@INEJalisco") + _page(client, "ine.jalisco")
    for secret in ("secreto.jalisco@ine.mx", "redes@ine.mx", world.cast.admin.username, world.cast.admin.last_name):
        assert secret not in body


def _rename_jalisco_x(world) -> None:
    """Jalisco's X account becomes @INE_Jal, proposed by its administrator and confirmed by CNCS."""
    change = services.propose_handle_change(
        account_id=world.jalisco_x.pk,
        by=world.cast.admin,
        new_handle="INE_Jal",
        new_url="https://x.com/INE_Jal",
        reason="Se acortó el nombre.",
    )
    services.confirm_handle_change(change_id=change.pk, by=world.cast.cncs)


def test_after_a_confirmed_rename_the_old_handle_is_nobodys_and_points_to_the_account(client, world):
    # A hijacker may register the abandoned handle: it is not vouched for, and the answer says
    # where the Institute's account went.
    _rename_jalisco_x(world)

    verdict = lookup.verify("https://twitter.com/inejalisco")
    assert verdict.status == Status.UNREGISTERED and verdict.matches == []
    assert [c.account for c in verdict.renamed] == [world.jalisco_x]
    assert lookup.verify("@INE_Jal").status == Status.OFFICIAL
    assert lookup.verify("@INE_Jal").renamed == []

    body = _page(client, "@INEJalisco")
    assert "verdict-unregistered" in body or "No registrada" in body
    assert "que desde el" in body and "se llama @INE_Jal" in body
    assert 'href="https://x.com/INE_Jal"' in body


def test_a_renamed_account_since_closed_is_not_pointed_to(client, world):
    _rename_jalisco_x(world)
    Account.objects.filter(pk=world.jalisco_x.pk).update(status=Account.Status.CLOSED)
    assert lookup.verify("@INEJalisco").renamed == []
