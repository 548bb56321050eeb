"""The registry of kinds: every kind the code base sends is registered, with a Spanish label."""

from __future__ import annotations

import ast
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.access import Group
from notifications import kinds
from notifications.kinds import register_kind

ROOT = Path(__file__).resolve().parents[2]
SENDERS = {"notify", "Message"}  # notify(..., kind=...) and Message(recipients, kind, ...)


def _kinds_sent(tree: ast.AST) -> set[str]:
    """String literals given as the kind of a notify() or Message() call, by keyword or
    position (the second argument of Message), including both arms of a conditional."""
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in SENDERS:
            continue
        values = [k.value for k in node.keywords if k.arg == "kind"]
        if name == "Message" and len(node.args) >= 2:
            values.append(node.args[1])
        for value in values:
            found |= {c.value for c in ast.walk(value) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return found


def _production_files():
    """Every module of the project's packages, new apps included; tests and migrations aside."""
    for package in (p for p in ROOT.iterdir() if (p / "__init__.py").exists()):
        for path in package.rglob("*.py"):
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                yield path


def test_every_kind_sent_in_the_code_base_is_registered():
    sent = set().union(*(_kinds_sent(ast.parse(p.read_text(), filename=str(p))) for p in _production_files()))
    # The scan really finds the kinds (by keyword, positionally and in a conditional).
    assert {"designation.changed", "consultation.expired", "password.overdue", "approvals.reminder"} <= sent
    unregistered = sorted(sent - {k.code for k in kinds.registered_kinds()})
    assert unregistered == []


def test_the_scan_reads_keywords_positions_and_conditionals():
    tree = ast.parse(
        'notify(u, kind="a.uno", title="t")\n'
        'Message(u, "b.dos", "t", "b")\n'
        'Message(recipients=u, kind="c.tres" if x else "c.cuatro", title="t", body="b")\n'
        'other(u, kind="no.cuenta")\n'
    )
    assert _kinds_sent(tree) == {"a.uno", "b.dos", "c.tres", "c.cuatro"}


def test_every_registered_kind_has_a_spanish_label_and_section():
    for kind in kinds.registered_kinds():
        assert str(kind.label) and str(kind.label) != kind.code
        assert str(kind.section)


def test_cncs_takes_expiries_stale_requests_and_acknowledgements_in_the_digest_but_reminders_at_once():
    by_default = {k.code for k in kinds.registered_kinds() if Group.CNCS in k.digest_for_groups}
    assert by_default == {"consultation.expired", "approvals.reminder", "evaluations.acknowledged"}


def test_registering_a_kind_twice_differently_is_refused():
    with mock.patch.dict(kinds._registry):
        register_kind("prueba.doble", "Uno")
        register_kind("prueba.doble", "Uno")  # the same again: harmless
        with pytest.raises(ImproperlyConfigured):
            register_kind("prueba.doble", "Otro")


def test_a_mandatory_kind_cannot_default_to_the_digest():
    with mock.patch.dict(kinds._registry), pytest.raises(ImproperlyConfigured):
        register_kind("prueba.obligatoria", "Obligatoria", mandatory=True, digest_for_groups=[Group.CNCS])


def test_an_unregistered_kind_is_labelled_with_its_code():
    assert kinds.label_for("no.registrado") == "no.registrado"
    assert str(kinds.label_for("consultation.expired")) == "Consulta vencida sin respuesta"
