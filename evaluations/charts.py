"""Server-side SVG charts for the evaluation reports: no JavaScript, no CDN.

Readable without colour: every bar carries its value as text, bars under the threshold are
hatched (a pattern, not a hue) and the legend says so; each chart has a ``<title>`` and a
``<desc>`` named by ``aria-labelledby``, and each bar its own ``<title>`` (a tooltip and
what a screen reader announces). The page follows every chart with a table of the same
figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

INK = "#1d1d1f"
MUTED = "#5f6368"
LINE = "#dadce0"
BAR = "#8a0052"
HATCH_BACK = "#fce8e6"
HATCH_LINE = "#a50e0e"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | None
    # Under the threshold: drawn hatched.
    hatched: bool = False
    # Said after the value in the bar's tooltip, e.g. "12 cuentas".
    note: str = ""


def _number(value: Decimal | int | float | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal | float) and value == int(value):
        return str(int(value))
    return str(value)


# Advance widths in em of a wide system sans-serif (DejaVu Sans, the widest we meet), rounded
# up: a label measured with them stays inside its box in any narrower font.
_NARROW = set("iljtfrI.,:;'!|() ")
_WIDE = set("mwMWÑ—@%")


def text_width(text: str, font_size: float) -> float:
    """The estimated width in px of ``text`` at ``font_size`` (no font metrics on the server)."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.34
        elif char in _WIDE:
            em += 0.95
        elif char.isupper() or char.isdigit():
            em += 0.72
        else:
            em += 0.62
    return em * font_size


def fit(label: str, budget: float, font_size: float) -> str:
    """``label`` cut with an ellipsis so that it fits ``budget`` px at ``font_size``."""
    if text_width(label, font_size) <= budget:
        return label
    cut = label
    while cut and text_width(cut.rstrip() + "…", font_size) > budget:
        cut = cut[:-1]
    return cut.rstrip() + "…"


def _label(x: float, y: float, label: str, budget: float, font_size: int, *, anchor: str, fill: str = INK) -> str:
    """A label fitted to ``budget``; when cut, its own ``<title>`` carries the whole text."""
    shown = fit(label, budget, font_size)
    title = f"<title>{escape(label)}</title>" if shown != label else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" font-size="{font_size}">'
        f"{title}{escape(shown)}</text>"
    )


def count_ticks(maximum: int) -> list[int]:
    """Whole-number ticks for an axis of counts: 0, the half when whole, the maximum."""
    if maximum <= 0:
        return [0]
    return [0, maximum // 2, maximum] if maximum % 2 == 0 and maximum >= 2 else [0, maximum]


def nice_maximum(value: float) -> int:
    """The axis end for counts: the next of 1, 2, 5 × 10ⁿ at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)  # pragma: no cover


def _open(chart_id: str, title: str, width: int, height: int) -> list[str]:
    desc = _("Los mismos datos están en la tabla que sigue a la gráfica.")
    return [
        f'<svg class="chart-svg" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        "<defs>"
        f'<pattern id="{chart_id}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{HATCH_BACK}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH_LINE}" stroke-width="3"/>'
        "</pattern></defs>",
    ]


def _text(x: float, y: float, content: str, *, anchor: str = "start", fill: str = INK, extra: str = "") -> str:
    """A text element; ``content`` is escaped here."""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{escape(content)}</text>'


def _fill(chart_id: str, bar: Bar) -> str:
    return f"url(#{chart_id}-hatch)" if bar.hatched else BAR


def _tooltip(bar: Bar, unit: str) -> str:
    text = f"{bar.label}: {_number(bar.value)}{unit}"
    if bar.note:
        text += f" ({bar.note})"
    if bar.hatched:
        text += f" — {_('bajo el umbral')}"
    return escape(text)


def _legend(chart_id: str, x: int, y: int, threshold: int | None) -> str:
    if threshold is None:
        return ""
    text = _("Rayado: bajo el umbral de %(threshold)s") % {"threshold": threshold}
    return (
        f'<rect x="{x}" y="{y - 11}" width="14" height="14" fill="url(#{chart_id}-hatch)" stroke="{HATCH_LINE}"/>'
        f'<text x="{x + 20}" y="{y}" fill="{INK}">{escape(text)}</text>'
    )


def bar_chart(
    chart_id: str, title: str, bars: list[Bar], *, maximum: int = 100, unit: str = "", threshold: int | None = None
) -> SafeString:
    """Horizontal bars, one row per item, the label on the left and the value at the bar's
    end; a dashed line marks the threshold when given."""
    width, label_width, right = 640, 210, 56
    row, bar_height, top = 26, 16, 30 if threshold is not None else 8
    plot = width - label_width - right
    height = top + row * max(len(bars), 1) + 26
    parts = _open(chart_id, title, width, height)
    parts.append(_legend(chart_id, label_width, 18, threshold))

    def x_of(value) -> float:
        return label_width + plot * min(float(value), maximum) / maximum

    for i, bar in enumerate(bars):
        y = top + i * row
        parts.append(f"<g><title>{_tooltip(bar, unit)}</title>")
        parts.append(_label(label_width - 8, y + 13, bar.label, label_width - 12, 12, anchor="end"))
        if bar.value is not None:
            end = x_of(bar.value)
            parts.append(
                f'<rect x="{label_width}" y="{y + 1}" width="{end - label_width:.1f}" height="{bar_height}" '
                f'fill="{_fill(chart_id, bar)}" stroke="{HATCH_LINE if bar.hatched else BAR}"/>'
            )
            parts.append(_text(end + 5, y + 13, f"{_number(bar.value)}{unit}", extra=' font-weight="600"'))
        else:
            parts.append(
                f'<text x="{label_width + 4}" y="{y + 13}" fill="{MUTED}">{escape(_("sin calificación"))}</text>'
            )
        parts.append("</g>")
    axis_y = top + row * max(len(bars), 1)
    parts.append(f'<line x1="{label_width}" y1="{top - 4}" x2="{label_width}" y2="{axis_y}" stroke="{MUTED}"/>')
    for tick in (0, maximum // 2, maximum):
        x = x_of(tick)
        parts.append(
            f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle" fill="{MUTED}" font-size="11">{tick}</text>'
        )
    if threshold is not None:
        x = x_of(threshold)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{axis_y}" stroke="{INK}" stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above went through escape()


def column_chart(
    chart_id: str,
    title: str,
    bars: list[Bar],
    *,
    maximum: int | None = None,
    unit: str = "",
    threshold: int | None = None,
    threshold_line: bool = True,
    axis_label: str = "",
) -> SafeString:
    """Vertical columns (the distribution of scores, the trend across periods), the value
    above each column and its label below; ``maximum`` None scales to the largest count.
    ``threshold_line`` False keeps the legend but draws no line (an axis of counts)."""
    width, height, left, right, bottom = 640, 280, 44, 12, 40
    top = 34 if threshold is not None else 16
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(b.value) for b in bars if b.value is not None]
    counts = maximum is None
    maximum = maximum or nice_maximum(max(values, default=0))
    ticks = count_ticks(maximum) if counts else sorted({0, maximum // 2, maximum})
    parts = _open(chart_id, title, width, height)
    parts.append(_legend(chart_id, left, 18, threshold))
    base = top + plot_h

    def y_of(value) -> float:
        return base - plot_h * min(float(value), maximum) / maximum

    for tick in ticks:
        y = y_of(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{LINE}"/>')
        parts.append(_text(left - 6, y + 4, str(tick), anchor="end", fill=MUTED, extra=' font-size="11"'))
    if axis_label:
        parts.append(
            f'<text x="12" y="{top + plot_h / 2:.1f}" transform="rotate(-90 12 {top + plot_h / 2:.1f})" '
            f'text-anchor="middle" fill="{MUTED}" font-size="11">{escape(axis_label)}</text>'
        )
    slot = plot_w / max(len(bars), 1)
    column = min(slot * 0.64, 64)
    label_budget = slot - 4
    for i, bar in enumerate(bars):
        x = left + slot * i + (slot - column) / 2
        middle = left + slot * i + slot / 2
        parts.append(f"<g><title>{_tooltip(bar, unit)}</title>")
        if bar.value is not None:
            y = y_of(bar.value)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{column:.1f}" height="{base - y:.1f}" '
                f'fill="{_fill(chart_id, bar)}" stroke="{HATCH_LINE if bar.hatched else BAR}"/>'
            )
            parts.append(
                f'<text x="{middle:.1f}" y="{y - 5:.1f}" text-anchor="middle" fill="{INK}" font-weight="600">'
                f"{_number(bar.value)}{escape(unit)}</text>"
            )
        else:
            parts.append(f'<text x="{middle:.1f}" y="{base - 5}" text-anchor="middle" fill="{MUTED}">—</text>')
        parts.append(_label(middle, base + 16, bar.label, label_budget, 12, anchor="middle"))
        if bar.note:
            parts.append(_label(middle, base + 31, bar.note, label_budget, 11, anchor="middle", fill=MUTED))
        parts.append("</g>")
    if threshold is not None and threshold_line:
        y = y_of(threshold)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{INK}" stroke-dasharray="4 3"/>'
        )
    parts.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="{MUTED}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above went through escape()
