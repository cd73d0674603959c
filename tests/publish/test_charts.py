"""charts.py: self-contained accessible SVG bar charts and data tables."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from jdih_build.publish.charts import angka, bar_chart, data_table, with_unit

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    """The visible text of every <text> (its own text, without its tooltip <title>)."""
    found = []
    for el in root.iter(f"{SVG}text"):
        tooltip = el.find(f"{SVG}title")
        found.append(tooltip.tail if tooltip is not None else (el.text or ""))
    return found


def dashed_lines(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG}line") if el.get("stroke-dasharray")]


@pytest.mark.parametrize("value, expected", [
    (0, "0"), (30.0, "30"), (22.5, "22,5"), (1234.5, "1.234,5"), (1234567, "1.234.567"),
    (-0.01, "0"), (0.96, "1"), (-12.25, "-12,2"),
])
def test_angka_uses_the_decimal_comma_and_thousands_dot(value: float, expected: str) -> None:
    assert angka(value) == expected


def test_with_unit() -> None:
    assert with_unit(12.5, "menit") == "12,5 menit"
    assert with_unit(40, "%") == "40%"
    assert with_unit(3) == "3"


def test_chart_is_an_accessible_scalable_image() -> None:
    svg = bar_chart("Produk per jenis", [("Keputusan", 3), ("Undang-Undang", 1)])
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 400 [0-9.]+", root.get("viewBox") or "")
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == title_id and title.text == "Produk per jenis"
    assert desc is not None and desc.get("id") == desc_id
    assert "Keputusan: 3" in (desc.text or "") and "Undang-Undang: 1" in (desc.text or "")
    # self-contained: no script, no external resource, no stylesheet
    for forbidden in ("<script", "href", "@import", "url(", "<style", "<foreignObject"):
        assert forbidden not in svg


def test_labels_and_values_are_drawn_as_text() -> None:
    root = parse(bar_chart("Waktu langkah 4", [("Median", 20), ("P90", 40.5)], unit="menit"))
    shown = texts(root)
    assert "Median" in shown and "P90" in shown
    assert "20 menit" in shown and "40,5 menit" in shown
    widths = [float(r.get("width") or 0) for r in root.iter(f"{SVG}rect")][1:]   # [0] is the background
    assert widths[1] > widths[0] > 0
    assert math.isclose(widths[0] / widths[1], 20 / 40.5, rel_tol=0.02)


def test_every_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & co'
    svg = bar_chart(evil, [(evil, 1)], unit="<b>", reference=1, reference_label=evil, chart_id='x" onload="alert(1)')
    assert "<script" not in svg and "<b>" not in svg and 'onload="' not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)              # still well-formed XML
    assert root.find(f"{SVG}title").text == evil
    assert any(t.startswith('<script>alert("x")') for t in texts(root))

    table = data_table(evil, [evil], [[evil, 1]])
    assert "<script" not in table and "&lt;script&gt;" in table


def test_same_data_gives_the_same_bytes() -> None:
    args = ("Produk per tahun", [("2023", 4), ("2024", 2)])
    first = bar_chart(*args, unit="produk", reference=3, reference_label="Rata-rata")
    second = bar_chart(*args, unit="produk", reference=3, reference_label="Rata-rata")
    assert first == second
    other = bar_chart("Produk per tahun", [("2023", 4), ("2024", 3)])
    ids = {re.search(r'aria-labelledby="([^ "]+)', s).group(1) for s in (first, other)}
    assert len(ids) == 2      # different charts on one page never share an id
    assert 'aria-labelledby="a-judul a-ket"' in bar_chart(*args, chart_id="a")


def test_empty_data_still_gives_a_labelled_image() -> None:
    for horizontal in (True, False):
        svg = bar_chart("Belum ada data", [], horizontal=horizontal)
        root = parse(svg)
        assert root.get("role") == "img"
        assert "Tidak ada data" in texts(root)
        assert "tidak ada data" in (root.find(f"{SVG}desc").text or "")
        assert len(list(root.iter(f"{SVG}rect"))) == 1     # the background only


@pytest.mark.parametrize("horizontal", [True, False])
def test_reference_line_is_dashed_and_in_scale(horizontal: bool) -> None:
    without = parse(bar_chart("Langkah 4", [("Median", 60)], unit="menit", horizontal=horizontal))
    assert dashed_lines(without) == []

    root = parse(bar_chart("Langkah 4", [("Median", 60)], unit="menit", reference=30, reference_label="Mutu baku",
                           horizontal=horizontal))
    legend, line = dashed_lines(root)
    assert "Mutu baku: 30 menit" in texts(root)
    assert "Garis acuan (Mutu baku): 30 menit" in (root.find(f"{SVG}desc").text or "")
    bar = list(root.iter(f"{SVG}rect"))[1]
    if horizontal:
        start, length = float(bar.get("x")), float(bar.get("width"))
        assert line.get("x1") == line.get("x2")
        assert math.isclose(float(line.get("x1")) - start, length / 2, abs_tol=0.2)
    else:
        base, length = float(bar.get("y")) + float(bar.get("height")), float(bar.get("height"))
        assert line.get("y1") == line.get("y2")
        assert math.isclose(base - float(line.get("y1")), length / 2, abs_tol=0.2)


def test_reference_beyond_the_bars_extends_the_scale() -> None:
    root = parse(bar_chart("Langkah 5", [("Median", 10)], reference=40))
    _, line = dashed_lines(root)
    bar = list(root.iter(f"{SVG}rect"))[1]
    assert math.isclose(float(bar.get("width")) * 4, float(line.get("x1")) - float(bar.get("x")), abs_tol=0.5)


def test_long_labels_are_shortened_but_kept_whole_for_assistive_text() -> None:
    label = "Mengoreksi konsep yang diajukan oleh pengelola JDIH dan memvalidasi sebelum diteruskan"
    root = parse(bar_chart("Judul", [(label, 5)]))
    shown = [t for t in texts(root) if t.startswith("Mengoreksi")]
    assert shown and shown[0].endswith("…") and len(shown[0]) <= 50
    assert label in (root.find(f"{SVG}desc").text or "")


def test_vertical_columns_for_many_short_labels() -> None:
    root = parse(bar_chart("Produk per tahun", [(str(y), y - 2000) for y in range(2012, 2025)], horizontal=False))
    shown = texts(root)
    assert "2012" in shown and "2024" in shown and "24" in shown
    bars = list(root.iter(f"{SVG}rect"))[1:]
    assert len(bars) == 13
    assert float(bars[-1].get("height")) > float(bars[0].get("height"))


def test_non_finite_values_are_refused() -> None:
    with pytest.raises(ValueError):
        bar_chart("x", [("a", float("nan"))])
    with pytest.raises(ValueError):
        bar_chart("x", [("a", 1)], reference=float("inf"))


def test_data_table_is_accessible() -> None:
    table = data_table("Waktu per langkah", ["Langkah", "Median (menit)", "Tepat waktu"],
                       [["4", 22.5, True], ["5", None, Markup("<em>baru</em>")]])
    assert table.startswith('<table class="tabel-data"><caption>Waktu per langkah</caption>')
    assert table.count('scope="col"') == 3
    assert '<th scope="row">4</th>' in table
    assert '<td class="angka">22,5</td>' in table
    assert "<td>ya</td>" in table and "<td>-</td>" in table and "<td><em>baru</em></td>" in table
    ET.fromstring(table)     # well-formed
