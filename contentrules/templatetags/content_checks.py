"""The draft with its findings marked: escaped text, one <mark> per stretch that a finding
points at (the stretch's worst severity as its class, the findings' numbers in data-n)."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from contentrules.checker import SEVERITY_RANK, Finding, summary

register = template.Library()


@register.simple_tag
def highlight_findings(text: str, findings: list[Finding]) -> SafeString:
    bounds = sorted({0, len(text)} | {f.start for f in findings} | {f.end for f in findings})
    out = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        piece = escape(text[start:end])
        covering = [(n, f) for n, f in enumerate(findings, 1) if f.start < end and start < f.end]
        if covering:
            worst = min((f.severity for _n, f in covering), key=SEVERITY_RANK.__getitem__)
            numbers = " ".join(str(n) for n, _f in covering)
            out.append(f'<mark class="finding-{worst}" data-n="{numbers}">{piece}</mark>')
        else:
            out.append(piece)
    return mark_safe("".join(out))  # noqa: S308 — every piece of text is escaped above


@register.filter
def severity_counts(findings: list[Finding]) -> dict[str, int]:
    return summary(findings)


@register.simple_tag
def excerpt(text: str, finding: Finding, limit: int = 80) -> str:
    piece = " ".join(text[finding.start : finding.end].split())
    return piece if len(piece) <= limit else piece[: limit - 1] + "…"
