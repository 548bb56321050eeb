"""Every page's title block is plain text: a tag in it (an unclosed block swallowing the
page) shows raw markup in the browser's tab and duplicates what it swallowed."""

from __future__ import annotations

import re

import pytest

from core.tests.test_translations import ROOT, TEMPLATES

TITLE_BLOCK = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)


def title_markup(source: str) -> list[str]:
    return [body for body in TITLE_BLOCK.findall(source) if "<" in body or "\n" in body.strip()]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_title_block_holds_only_text(path):
    assert title_markup(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_form_swallowed_by_the_title():
    swallowed = '{% block title %}{% translate "Evaluaciones" %}\n<form method="post"></form>\n{% endblock %}'
    assert title_markup(swallowed)
    assert not title_markup('{% block title %}{% translate "Evaluaciones" %}{% endblock %}')
