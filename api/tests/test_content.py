"""POST /api/v1/content/check: the page's checker and form, for signed-in callers."""

from __future__ import annotations

from contentrules.services import check_draft

from .conftest import assert_error

DRAFT = "Escríbanos a juan.perez@gmail.com o al 55 1234 5678 para tramitar su credencial."


def test_the_findings_are_the_checker_s(cast, as_user):
    response = as_user(cast.admin).post("content/check", {"text": DRAFT})
    assert response.status_code == 200
    body = response.json()
    expected = [finding.as_dict() for finding in check_draft(DRAFT)]
    assert body == {"count": len(expected), "findings": expected}
    assert {f["rule"] for f in body["findings"]} >= {"personal_data"}
    email = next(f for f in body["findings"] if "gmail" in DRAFT[f["start"] : f["end"]])
    assert email["severity"] == "blocks" and email["criterion"].startswith("§6")


def test_a_clean_draft_has_no_findings(cast, as_user):
    body = as_user(cast.cncs).post("content/check", {"text": "La Junta Local invita a la feria de credencialización."})
    assert body.json() == {"count": 0, "findings": []}


def test_the_network_s_length_limit_applies(cast, as_user):
    x = cast.network
    x.max_post_length = 280
    x.save()
    text = "Credencial. " * (x.max_post_length // 12 + 5)
    with_network = as_user(cast.admin).post("content/check", {"text": text, "network": x.code}).json()
    without = as_user(cast.admin).post("content/check", {"text": text}).json()
    assert "length" in {f["rule"] for f in with_network["findings"]}
    assert "length" not in {f["rule"] for f in without["findings"]}


def test_refusals(cast, as_user, anonymous):
    assert_error(anonymous.post("content/check", {"text": DRAFT}), 401)
    assert_error(as_user(cast.admin).post("content/check", {"text": ""}), 422)
    assert_error(as_user(cast.admin).post("content/check", {"text": "Hola", "network": "myspace"}), 422)
    too_long = assert_error(as_user(cast.admin).post("content/check", {"text": "a" * 20001}), 422)
    assert "20000" in too_long["fields"]["text"][0].replace(",", "").replace(" ", "")
