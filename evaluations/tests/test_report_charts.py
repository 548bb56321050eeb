"""The SVG charts: named for assistive technology, values written out, the threshold shown
by a pattern and a line rather than by colour, and every label escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from evaluations import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 — our own output, parsed to prove it is well formed


def test_a_bar_chart_is_well_formed_and_named_by_its_title_and_description():
    svg = charts.bar_chart("g", "Promedio por entidad", [charts.Bar("Jalisco", Decimal("72.5"))], threshold=60)
    root = _parse(svg)

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "g-title g-desc"
    assert root.find(f"{SVG}title").text == "Promedio por entidad"
    assert root.find(f"{SVG}desc").get("id") == "g-desc"
    assert ">72.5</text>" in svg
    assert 'stroke-dasharray="4 3"' in svg  # the threshold line


def test_a_bar_under_the_threshold_is_hatched_and_says_so():
    svg = charts.bar_chart(
        "g", "t", [charts.Bar("Baja", Decimal("40"), hatched=True), charts.Bar("Alta", 90)], threshold=60
    )
    low = re.search(r"<g><title>Baja: 40 — bajo el umbral</title>.*?</g>", svg).group(0)
    high = re.search(r"<g><title>Alta: 90</title>.*?</g>", svg).group(0)
    assert 'fill="url(#g-hatch)"' in low and "hatch" not in high
    assert "Rayado: bajo el umbral de 60" in svg


def test_an_unscored_item_says_it_has_no_score_instead_of_a_bar():
    svg = charts.bar_chart("g", "t", [charts.Bar("Chihuahua", None)])
    group = re.search(r"<g><title>Chihuahua: —</title>.*?</g>", svg).group(0)
    assert "<rect" not in group and "sin calificación" in group


def test_labels_are_escaped():
    svg = charts.column_chart("g", "<b>", [charts.Bar('<script>alert("x")</script>', 3, note="a & b")])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg
    _parse(svg)


@pytest.mark.parametrize(("value", "maximum"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (40, 50), (51, 100)])
def test_the_count_axis_ends_on_a_round_number(value, maximum):
    assert charts.nice_maximum(value) == maximum


def test_a_column_chart_scales_counts_and_writes_each_value_above_its_column():
    svg = charts.column_chart("d", "Distribución", [charts.Bar("0–10", 2), charts.Bar("10–20", 7)])
    _parse(svg)
    assert ">2</text>" in svg and ">7</text>" in svg and ">10</text>" in svg  # the axis ends at 10


# --- Defects found walking the reports ------------------------------------------------------


def _texts(svg: str) -> list[str]:
    """The visible text of each <text> element (its own <title> left out)."""
    return [re.sub(r"<title>.*?</title>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]


def test_a_long_bar_label_is_cut_to_the_label_area_and_kept_whole_in_a_title():
    label = "Hackeo u operación no autorizada de la cuenta"
    svg = charts.bar_chart("c", "Incidentes", [charts.Bar(label, 3)], maximum=10)
    shown = next(t for t in _texts(svg) if t.startswith("Hackeo"))
    assert shown.endswith("…")
    # The whole label fits the 210 px area (less the gap) at the font size used.
    assert charts.text_width(shown, 12) <= 210 - 12
    assert f"<title>{label}</title>" in svg


def test_a_short_bar_label_is_shown_whole_without_its_own_title():
    svg = charts.bar_chart("c", "Incidentes", [charts.Bar("Suplantación", 3)], maximum=10)
    assert "Suplantación" in _texts(svg)
    assert "<title>Suplantación</title>" not in svg


def test_fit_never_exceeds_the_budget():
    for label in ("W" * 40, "i" * 80, "Hackeo u operación no autorizada", "MMMMMMMMMM ÑÑÑÑ"):
        assert charts.text_width(charts.fit(label, 100, 12), 12) <= 100


def _ticks(svg: str) -> list[str]:
    return re.findall(r'<text[^>]*font-size="11"[^>]*>([^<]*)</text>', svg)


def test_a_count_axis_has_whole_ticks_only():
    svg = charts.column_chart("d", "Distribución", [charts.Bar("0–9", 1), charts.Bar("10–19", 0)])
    assert _ticks(svg) == ["0", "1"]
    assert "0.5" not in svg


def test_a_count_axis_of_zeros_prints_zero_once():
    svg = charts.column_chart("d", "Distribución", [charts.Bar("0–9", 0), charts.Bar("10–19", 0)])
    assert _ticks(svg).count("0") == 1


def test_an_even_count_axis_keeps_its_half():
    svg = charts.column_chart("d", "Distribución", [charts.Bar("0–9", 10)])
    assert _ticks(svg) == ["0", "5", "10"]


def test_a_score_axis_keeps_0_50_100():
    svg = charts.column_chart("t", "Tendencia", [charts.Bar("1.er sem. 2026", 70)], maximum=100)
    assert _ticks(svg) == ["0", "50", "100"]


def test_the_chart_scales_to_its_box():
    svg = charts.bar_chart("c", "Incidentes", [charts.Bar("x", 1)], maximum=10)
    assert 'viewBox="0 0 640 ' in svg and 'width="100%"' in svg
