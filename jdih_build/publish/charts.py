"""Accessible, self-contained charts and data tables for pages the public and the office read.

`bar_chart` draws an inline SVG bar chart: no script, no external font or stylesheet, so that it
works in a static page, in print and in an e-mailed report. It carries `role="img"` with a
`<title>` and a `<desc>` that lists every value, draws its labels and values as text, scales to
its container (`viewBox`, `width="100%"`) and stays readable at 360 px. The output is a pure
function of the arguments: the same data give the same bytes.

`data_table` is the same data as an HTML table, to place beside each chart for screen readers
and for people who prefer numbers.

Numbers are written the Indonesian way (`angka`): a decimal comma and a dot between thousands.
Every piece of text is escaped; callers may pass raw strings from content.
"""

from __future__ import annotations

import hashlib
import math
import textwrap
from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["angka", "bar_chart", "data_table", "with_unit"]

# Colours against the white background the chart draws itself (so a dark page cannot hide the text):
TEXT = "#1b1f24"        # 16.1:1, body text
MUTED = "#4a5360"       # 7.8:1, axis
BAR = "#0b4f8a"         # 8.6:1, bars (graphical objects need 3:1)
REFERENCE = "#8a1c1c"   # 8.2:1, the dashed reference line and its legend
BACKGROUND = "#ffffff"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"

# Geometry, in viewBox units. The viewBox is 400 wide, so at a 360 px container the 13-unit
# text is drawn at about 12 px.
WIDTH = 400
PAD = 12
TITLE_SIZE = 15
TEXT_SIZE = 13
CHAR_WIDTH = 7.4        # generous average advance of a 13-unit system-ui glyph
TITLE_CHARS = 40        # characters per title line (bold)
TITLE_LINES = 3
LABEL_CHARS = 50        # a horizontal bar's label, on its own line above the bar
BAR_HEIGHT = 20
PLOT_HEIGHT = 190       # vertical layout


def angka(value: float, decimals: int = 1) -> str:
    """A number the Indonesian way: 1234.5 -> '1.234,5'; 30.0 -> '30'; trailing zeros dropped."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    text = f"{value:,.{decimals}f}" if decimals > 0 else f"{value:,.0f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def with_unit(value: float, unit: str = "", decimals: int = 1) -> str:
    """'22,5 menit', '40%': a space before a unit word, none before a percent sign."""
    number = angka(value, decimals)
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _n(x: float) -> str:
    """A coordinate: one decimal at most, so that the output is stable and small."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _truncate(text: str, max_chars: int) -> str:
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    return text[: max(1, max_chars - 1)].rstrip() + "…"


def _title_lines(title: str) -> list[str]:
    """The title wrapped to the chart's width; a title too long for three lines ends with '…'
    (the whole title is still in `<title>` and `<desc>`)."""
    lines = textwrap.wrap(" ".join(title.split()), TITLE_CHARS) or [""]
    if len(lines) > TITLE_LINES:
        lines = lines[: TITLE_LINES - 1] + [_truncate(lines[TITLE_LINES - 1] + " " + lines[TITLE_LINES], TITLE_CHARS)]
    return lines


def _chart_id(*parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
    return f"grafik-{digest[:10]}"


def _text(x: float, y: float, content: str, *, size: int = TEXT_SIZE, anchor: str = "start",
          fill: str = TEXT, bold: bool = False, full: str | None = None, halo: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    if halo:   # a white outline under the glyphs keeps a value readable where it crosses the reference line
        weight += f' stroke="{BACKGROUND}" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
    tooltip = f"<title>{escape(full)}</title>" if full is not None and full != content else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{weight}>'
            f"{tooltip}{escape(content)}</text>")


def _description(title: str, bars: Sequence[tuple[str, float]], unit: str, reference: float | None,
                 reference_label: str) -> str:
    if bars:
        body = "; ".join(f"{label}: {with_unit(value, unit)}" for label, value in bars)
    else:
        body = "tidak ada data"
    text = f"{title}. {body}."
    if reference is not None:
        text += f" Garis acuan ({reference_label or 'acuan'}): {with_unit(reference, unit)}."
    return text


def _check(bars: Sequence[tuple[str, float]], reference: float | None) -> list[tuple[str, float]]:
    clean = [(str(label), float(value)) for label, value in bars]
    for label, value in clean:
        if not math.isfinite(value):
            raise ValueError(f"bar {label!r} has no finite value: {value!r}")
    if reference is not None and not math.isfinite(reference):
        raise ValueError(f"the reference is not a finite number: {reference!r}")
    return clean


def bar_chart(title: str, bars: Sequence[tuple[str, float]], *, unit: str = "", reference: float | None = None,
              reference_label: str = "", horizontal: bool = True, chart_id: str | None = None) -> Markup:
    """An inline SVG bar chart of `bars` = [(label, value), ...], in the given order.

    Bars start at zero (a negative value draws no bar, its value is still written). `reference`
    draws a dashed line across the plot (e.g. a step's mutu_baku) with a legend naming
    `reference_label`. `horizontal=True` puts each label on its own line above its bar, which
    suits long labels and narrow screens; `horizontal=False` draws columns with short labels
    (e.g. years) below them. `chart_id` prefixes the ids that `aria-labelledby` points to; by
    default it is derived from the data, so two different charts on one page never collide.
    """
    data = _check(bars, reference)
    ident = chart_id or _chart_id(title, data, unit, reference, reference_label, horizontal)
    title_id, desc_id = f"{ident}-judul", f"{ident}-ket"

    parts: list[str] = []
    y = float(PAD)
    for line in _title_lines(title):
        y += TITLE_SIZE + 4
        parts.append(_text(PAD, y, line, size=TITLE_SIZE, bold=True))
    y += 10

    if reference is not None:
        legend = f"{reference_label or 'Acuan'}: {with_unit(reference, unit)}"
        y += TEXT_SIZE + 2
        parts.append(f'<line x1="{_n(PAD)}" y1="{_n(y - 4)}" x2="{_n(PAD + 24)}" y2="{_n(y - 4)}" stroke="{REFERENCE}" '
                     f'stroke-width="2" stroke-dasharray="5 3"/>')
        parts.append(_text(PAD + 30, y, _truncate(legend, LABEL_CHARS - 4), fill=REFERENCE, full=legend))
        y += 10

    if not data:
        y += TEXT_SIZE + 8
        parts.append(_text(PAD, y, "Tidak ada data", fill=MUTED))
        y += 6
    elif horizontal:
        y = _horizontal(parts, data, unit, reference, y)
    else:
        y = _vertical(parts, data, unit, reference, y)

    height = y + PAD
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="grafik" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" '
           f'preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
           f'font-family="{FONT}" style="display:block;max-width:100%;height:auto">'
           f'<title id="{escape(title_id)}">{escape(title)}</title>'
           f'<desc id="{escape(desc_id)}">{escape(_description(title, data, unit, reference, reference_label))}</desc>'
           f'<rect width="{WIDTH}" height="{_n(height)}" fill="{BACKGROUND}"/>'
           + "".join(parts) + "</svg>")
    return Markup(svg)


def _scale_max(data: list[tuple[str, float]], reference: float | None) -> float:
    top = max([v for _, v in data] + [reference or 0.0, 0.0])
    return top if top > 0 else 1.0


def _horizontal(parts: list[str], data: list[tuple[str, float]], unit: str, reference: float | None, y: float) -> float:
    values = [with_unit(v, unit) for _, v in data]
    value_space = max(len(v) for v in values) * CHAR_WIDTH + 8
    x0, x1 = float(PAD), WIDTH - PAD - value_space
    top = _scale_max(data, reference)
    plot_top = y
    plot_bottom = y + len(data) * (TEXT_SIZE + 3 + 5 + BAR_HEIGHT + 10)
    if reference is not None:    # drawn first: the bars and values lie over it
        rx = x0 + max(0.0, reference) / top * (x1 - x0)
        parts.append(f'<line x1="{_n(rx)}" y1="{_n(plot_top)}" x2="{_n(rx)}" y2="{_n(plot_bottom)}" stroke="{REFERENCE}" '
                     f'stroke-width="2" stroke-dasharray="5 3"/>')
    for (label, value), shown in zip(data, values, strict=False):
        y += TEXT_SIZE + 3
        parts.append(_text(x0, y, _truncate(label, LABEL_CHARS), full=label, halo=True))
        y += 5
        width = max(0.0, value) / top * (x1 - x0)
        if value > 0:
            width = max(width, 1.0)
        parts.append(f'<rect x="{_n(x0)}" y="{_n(y)}" width="{_n(width)}" height="{BAR_HEIGHT}" fill="{BAR}"/>')
        parts.append(_text(x0 + width + 6, y + BAR_HEIGHT - 5, shown, halo=True))
        y += BAR_HEIGHT + 10
    parts.append(f'<line x1="{_n(x0)}" y1="{_n(plot_top)}" x2="{_n(x0)}" y2="{_n(y)}" stroke="{MUTED}" stroke-width="1"/>')
    return y


def _vertical(parts: list[str], data: list[tuple[str, float]], unit: str, reference: float | None, y: float) -> float:
    x0, x1 = float(PAD), float(WIDTH - PAD)
    slot = (x1 - x0) / len(data)
    bar_width = slot * 0.6
    top = _scale_max(data, reference)
    head = TEXT_SIZE + 6                      # room for the value above the tallest bar
    base = y + PLOT_HEIGHT
    inner = PLOT_HEIGHT - head
    size = TEXT_SIZE if slot >= 48 else 11 if slot >= 32 else 10
    fit = max(1, int(slot / (CHAR_WIDTH * size / TEXT_SIZE)))
    if reference is not None:    # drawn first: the bars and values lie over it
        ry = base - max(0.0, reference) / top * inner
        parts.append(f'<line x1="{_n(x0)}" y1="{_n(ry)}" x2="{_n(x1)}" y2="{_n(ry)}" stroke="{REFERENCE}" '
                     f'stroke-width="2" stroke-dasharray="5 3"/>')
    for i, (label, value) in enumerate(data):
        centre = x0 + slot * (i + 0.5)
        height = max(0.0, value) / top * inner
        if value > 0:
            height = max(height, 1.0)
        parts.append(f'<rect x="{_n(centre - bar_width / 2)}" y="{_n(base - height)}" width="{_n(bar_width)}" '
                     f'height="{_n(height)}" fill="{BAR}"/>')
        shown = with_unit(value, unit)
        parts.append(_text(centre, base - height - 5, _truncate(shown, fit), size=size, anchor="middle", full=shown,
                           halo=True))
        parts.append(_text(centre, base + size + 5, _truncate(label, fit), size=size, anchor="middle", full=label))
    parts.append(f'<line x1="{_n(x0)}" y1="{_n(base)}" x2="{_n(x1)}" y2="{_n(base)}" stroke="{MUTED}" stroke-width="1"/>')
    return base + size + 10


Cell = str | int | float | Markup | None


def _cell(value: Cell) -> tuple[Markup, bool]:
    """The cell's escaped content, and whether it is a number (right-aligned by class `angka`)."""
    if value is None:
        return Markup("-"), False
    if isinstance(value, Markup):
        return value, False
    if isinstance(value, bool):
        return escape("ya" if value else "tidak"), False
    if isinstance(value, (int, float)):
        return escape(angka(float(value))), True
    return escape(value), False


def data_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]], *,
               row_headers: bool = True) -> Markup:
    """An accessible table: a `<caption>`, column headers with `scope="col"` and, by default, the
    first cell of each row as its header (`scope="row"`). Numbers are written with `angka` and carry
    `class="angka"` for right alignment; `None` shows as '-'; a `Markup` cell is kept as it is."""
    out = [f'<table class="tabel-data"><caption>{escape(caption)}</caption><thead><tr>']
    out += [f'<th scope="col">{escape(h)}</th>' for h in headers]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for i, value in enumerate(row):
            content, numeric = _cell(value)
            klass = ' class="angka"' if numeric else ""
            if i == 0 and row_headers:
                out.append(f'<th scope="row"{klass}>{content}</th>')
            else:
                out.append(f"<td{klass}>{content}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return Markup("".join(out))
