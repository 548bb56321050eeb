"""The home page and the navigation are what the apps registered, decided by their access rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.panels import NavLink, Panel, home_panels, nav_links


def _nav(client, user) -> dict[str, str]:
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return {link.label: link.url for link in response.context["nav_links"]}


def test_everyone_signed_in_has_home_accounts_passwords_requests_and_notifications(client, cast):
    for user in (cast.titular, cast.admin, cast.outsider, cast.cncs, cast.unicom, cast.president):
        nav = _nav(client, user)
        assert {"Inicio", "Cuentas", "Contraseñas", "Solicitudes", "Notificaciones"} <= set(nav), user.username


def test_the_navigation_is_in_its_registered_order(client, cast):
    client.force_login(cast.cncs)
    labels = [link.label for link in client.get(reverse("core:home")).context["nav_links"]]
    assert labels[0] == "Inicio"
    assert labels.index("Cuentas") < labels.index("Consultas") < labels.index("Solicitudes")
    assert labels[-1] == "Notificaciones"


def test_cncs_goes_to_its_queue_and_dashboard_and_sees_coverage(client, cast):
    nav = _nav(client, cast.cncs)
    assert nav["Consultas"] == reverse("consultations:queue")
    assert nav["Solicitudes"] == reverse("approvals:dashboard")
    assert nav["Cobertura"] == reverse("accounts:coverage")
    assert "Mi órgano" not in nav and "Administración" not in nav


def test_an_administrator_goes_to_the_lists_and_sees_no_coverage(client, cast):
    nav = _nav(client, cast.admin)
    assert nav["Consultas"] == reverse("consultations:list")
    assert nav["Solicitudes"] == reverse("approvals:list")
    assert "Cobertura" not in nav and "Mi órgano" not in nav


def test_the_titular_has_a_link_to_their_organ(client, cast):
    assert _nav(client, cast.titular)["Mi órgano"] == reverse("accounts:organ", args=[cast.organ.pk])


def test_unicom_has_no_consultations_link(client, cast):
    assert "Consultas" not in _nav(client, cast.unicom)


def test_the_committee_sees_coverage(client, cast):
    assert "Cobertura" in _nav(client, cast.president)


def test_a_superuser_reaches_the_admin_and_the_consultation_queue(client, db):
    nav = _nav(client, UserFactory(username="raiz", is_superuser=True, is_staff=True))
    assert nav["Administración"] == reverse("admin:index")
    assert nav["Consultas"] == reverse("consultations:queue")


def test_the_unread_count_is_the_notifications_badge(client, cast):
    from notifications.services import notify

    notify([cast.admin], kind="designation.changed", title="Aviso", body="Cuerpo.")
    client.force_login(cast.admin)
    [inbox] = [link for link in client.get(reverse("core:home")).context["nav_links"] if link.label == "Notificaciones"]
    assert inbox.badge == 1


def test_the_page_renders_the_links(client, cast):
    client.force_login(cast.cncs)
    body = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("consultations:queue")}"' in body


def test_the_public_gets_no_navigation_links(client, db):
    response = client.get(reverse("registry:lookup"))
    assert "nav_links" not in response.context


@pytest.mark.parametrize("role", ["titular", "admin", "cncs", "unicom", "president", "consejero", "outsider"])
def test_the_home_page_is_the_registered_panels_in_order(client, cast, role):
    client.force_login(getattr(cast, role))
    panels = client.get(reverse("core:home")).context["panels"]
    assert panels and all(isinstance(p, Panel) for p in panels)
    assert [p.order for p in panels] == sorted(p.order for p in panels)
    assert panels[0].template == "accounts/_home_panel.html"


def test_home_panels_and_links_skip_what_returns_none(rf, cast, monkeypatch):
    from core import panels as registry

    monkeypatch.setattr(registry, "_PANELS", [lambda r: None, lambda r: Panel("x.html", order=5)])
    monkeypatch.setattr(registry, "_NAV", [lambda r: NavLink("B", "/b/", order=2), lambda r: None])
    request = rf.get("/")
    request.user = cast.admin
    assert [p.template for p in home_panels(request)] == ["x.html"]
    assert [link.label for link in nav_links(request)] == ["B"]


def test_the_folded_menu_button_shows_the_unread_count(client, cast):
    from notifications.services import notify

    notify([cast.admin], kind="designation.changed", title="Aviso", body="Cuerpo.")
    client.force_login(cast.admin)
    response = client.get(reverse("core:home"))
    assert response.context["nav_badge_total"] == 1
    assert 'aria-controls="menu">Menú <span class="badge"' in response.content.decode()
