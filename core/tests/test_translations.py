"""Everything a user reads goes through gettext: checked over the code, the models, the
admin and the templates, so a new English or untranslated string fails here first."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.core.exceptions import FieldDoesNotExist

from core.tests.project import PROJECT_APPS

ROOT = Path(__file__).resolve().parents[2]
APPS = PROJECT_APPS  # every app of the repository (core/tests/project.py)
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
USER_FACING_EXCEPTIONS = {"PermissionError", "PermissionDenied", "ValidationError", "Http404", "InvalidTransition"}


def _production_files():
    for package in APPS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                yield path


def _is_gettext_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT_NAMES


def _import_time_formatting(tree: ast.AST) -> list[int]:
    """Lines where a translated string is %-formatted outside any function: that freezes
    it in the language active at import time (and evaluates a lazy string too early)."""
    found = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if not inside and isinstance(child, ast.BinOp) and isinstance(child.op, ast.Mod):
                if _is_gettext_call(child.left):
                    found.append(child.lineno)
            walk(child, inside)

    walk(tree, False)
    return found


def test_no_translated_string_is_formatted_at_import_time():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _production_files()
        for line in _import_time_formatting(ast.parse(path.read_text()))
    ]
    assert offenders == []


def test_the_import_time_check_finds_what_it_looks_for():
    assert _import_time_formatting(ast.parse('X = _("%(n)s días") % {"n": 3}\ndef f():\n    return _("a") % {}')) == [1]


def _untranslated_raises(tree: ast.AST) -> list[int]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            func = node.exc.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name in USER_FACING_EXCEPTIONS and isinstance(node.exc.args[0], ast.Constant | ast.JoinedStr):
                found.append(node.lineno)
    return found


def test_every_message_a_user_may_read_from_an_exception_is_translated():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _production_files()
        for line in _untranslated_raises(ast.parse(path.read_text()))
    ]
    assert offenders == []


def test_the_exception_check_finds_a_bare_literal():
    assert _untranslated_raises(ast.parse('raise PermissionError("No")\nraise PermissionError(_("No"))')) == [1]


def _project_models():
    for model in apps.get_models():
        if model._meta.app_label in APPS and not model.__name__.startswith("Historical"):
            yield model


def test_every_field_has_a_spanish_verbose_name():
    """Without one, Django shows the attribute name with spaces: English in the admin."""
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in _project_models()
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created and field._verbose_name is None
    ]
    assert offenders == []


def test_every_model_has_a_spanish_name():
    offenders = [
        model._meta.label
        for model in _project_models()
        if str(model._meta.verbose_name) == model._meta.model_name
        or str(model._meta.verbose_name) == re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
    ]
    assert offenders == []


def _admin_columns():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in APPS:
            for name in model_admin.list_display:
                if isinstance(name, str) and name != "__str__":
                    yield model, model_admin, name


@pytest.mark.parametrize(
    ("model", "model_admin", "column"),
    list(_admin_columns()),
    ids=[f"{m._meta.label}.{c}" for m, _, c in _admin_columns()],
)
def test_every_admin_column_has_a_spanish_heading(model, model_admin, column):
    """A field column is headed by its verbose name; a method or property by its description."""
    if column == "pk":
        column = model._meta.pk.name
    try:
        field = model._meta.get_field(column)
    except FieldDoesNotExist:
        attr = getattr(model_admin, column, None) or getattr(model, column)
        attr = attr.fget if isinstance(attr, property) else attr
        assert getattr(attr, "short_description", None), f"{model._meta.label}: {column} has no description"
    else:
        assert field.auto_created or field._verbose_name is not None, f"{model._meta.label}: {column}"
    assert str(label_for_field(column, model, model_admin))


# --- Templates ------------------------------------------------------------------------------

ALLOWED_WORDS = {"INE", "laquo", "raquo", "larr", "rarr", "times", "nbsp", "middot", "mdash", "ndash", "amp"}


def untranslated_template_words(source: str) -> list[str]:
    """Words a person would read that are not inside {% translate %} / {% blocktranslate %}."""
    text = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    text = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", text, flags=re.S)
    text = re.sub(r"\{%\s*blocktranslate.*?%\}.*?\{%\s*endblocktranslate\s*%\}", "", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
    words = []
    for match in re.finditer(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"', text):
        words += re.findall(r"[^\W\d_]{2,}", re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", match.group(1)))
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.S)
    text = re.sub(r"<[^>]*>", "", text, flags=re.S)
    words += re.findall(r"[^\W\d_]{2,}", text)
    return [word for word in words if word not in ALLOWED_WORDS]


def test_the_template_check_finds_bare_text():
    source = '<p>Hello</p><a title="Open">{% translate "Abrir" %}</a>{{ value }} &laquo; '
    source += "{% blocktranslate %}x{% endblocktranslate %}"
    assert untranslated_template_words(source) == ["Open", "Hello"]


# The project's templates, and those an app keeps in its own templates/ folder (registry).
TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted(ROOT.glob("*/templates/**/*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_template_text_is_translated(path):
    assert untranslated_template_words(path.read_text()) == []


def test_the_admin_history_pages_are_spanish(admin_client, cast):
    """django-simple-history ships no Spanish: our catalogue in locale/ gives it one."""
    from django.urls import reverse

    body = admin_client.get(reverse("admin:accounts_account_history", args=[cast.account.pk])).content.decode()
    assert "Historial: " in body and "Fecha y hora" in body and "Modificado por" in body
    assert "View history" not in body and "Date/time" not in body and "Changed by" not in body


# --- Packages' admin pages that ship no Spanish: our catalogue in locale/ gives them one ---

THIRD_PARTY_ADMIN_APPS = ("axes",)
SAME_IN_BOTH = {"No"}


def _third_party_admin_texts():
    """(where, English, Spanish) for each name a person reads on these packages' admin lists."""
    from django.utils import translation

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in THIRD_PARTY_ADMIN_APPS:
            continue
        labels = {
            "verbose_name": lambda m=model: m._meta.verbose_name,
            "verbose_name_plural": lambda m=model: m._meta.verbose_name_plural,
        }
        for column in model_admin.list_display:
            if column in vars(type(model_admin)):
                continue  # a column of our own admin: its description is ours, in Spanish
            labels[column] = lambda c=column, m=model, a=model_admin: label_for_field(c, m, a)
        for name, label in labels.items():
            with translation.override("en"):
                english = str(label())
            yield f"{model._meta.label}.{name}", english, str(label())


def test_the_sign_in_lockout_admin_is_spanish():
    texts = list(_third_party_admin_texts())
    assert len(texts) > 10
    untranslated = [where for where, english, spanish in texts if english == spanish and english not in SAME_IN_BOTH]
    assert untranslated == []
