"""Statistics of the published catalogue (the `statistik/` page): pure functions from a Catalogue
to counted figures, and their presentation as the accessible charts and tables of `charts.py`.

Only published products are counted. Withheld products never reach the Catalogue; the drafts of a
local preview (`jdih serve --drafts`) do, and are left out here as well, so the page always shows
what the public catalogue holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from jdih_build.model import STATUS_VALUES, TIPE_DOKUMEN
from jdih_build.publish.catalogue import TIPE_LABEL, Catalogue, Entry
from jdih_build.publish.charts import bar_chart, data_table
from jdih_build.publish.formatting import slugify

NO_STATUS = "Tanpa status"
VERTICAL_MAX_BARS = 10     # up to this many short labels (years) fit as columns at 360 px


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    link: str | None = None   # the browse list, relative to the site root (e.g. "tahun/2024/")


@dataclass(frozen=True)
class Figure:
    key: str                  # stable id: the chart's ids and the section's anchor derive from it
    heading: str              # the section heading and the chart's title
    column: str               # the table's first column header
    rows: tuple[Row, ...]
    short_labels: bool = False  # labels fit below a column (years)

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)

    def chart(self) -> Markup:
        """An SVG bar chart (role="img", with a title and a description of every value)."""
        vertical = self.short_labels and len(self.rows) <= VERTICAL_MAX_BARS
        return bar_chart(self.heading, [(r.label, r.count) for r in self.rows], unit="produk",
                         horizontal=not vertical, chart_id=f"grafik-{self.key}")

    def table(self, root: str) -> Markup:
        """The same figures as a table, each label linking to its browse list; a last row sums them."""
        total = self.total
        rows: list[list[str | int | float | Markup | None]] = []
        for r in self.rows:
            label = Markup('<a href="{}">{}</a>').format(root + r.link, r.label) if r.link else r.label
            rows.append([label, r.count, percent(r.count, total)])
        rows.append(["Jumlah", total, 100 if total else 0])
        return data_table(f"{self.heading} (tabel)", [self.column, "Jumlah produk", "Persentase (%)"], rows)


@dataclass(frozen=True)
class Statistics:
    total: int
    updated: datetime | None     # the latest sign-off among the counted products
    figures: tuple[Figure, ...]


def percent(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


def published(catalogue: Catalogue) -> tuple[Entry, ...]:
    return tuple(e for e in catalogue.entries if not e.draft)


def facet_counts(entries: Iterable[Entry], facet: str) -> list[tuple[str, str, int]]:
    """(slug, label, count) per value of a browse facet, bucketed by slug as the browse lists are
    (so each count matches its list); the label is the first spelling met, newest product first."""
    buckets: dict[str, tuple[str, int]] = {}
    for entry in entries:
        seen: set[str] = set()
        for value in entry.facet_values(facet):
            slug = slugify(value)
            if slug in seen:
                continue
            seen.add(slug)
            label, count = buckets.get(slug, (value, 0))
            buckets[slug] = (label, count + 1)
    return [(slug, label, count) for slug, (label, count) in buckets.items()]


def per_year(entries: tuple[Entry, ...]) -> tuple[Row, ...]:
    """Products per year, ascending, on a time axis: a year between the first and the last without a
    product is shown as 0 (without a list to link); the others link their list."""
    counts = {int(slug): (label, count) for slug, label, count in facet_counts(entries, "tahun")}
    if not counts:
        return ()
    return tuple(Row(counts[year][0], counts[year][1], f"tahun/{year}/") if year in counts else Row(str(year), 0)
                 for year in range(min(counts), max(counts) + 1))


def per_jenis(entries: tuple[Entry, ...]) -> tuple[Row, ...]:
    """Products per jenis, the largest first, then by name."""
    counts = sorted(facet_counts(entries, "jenis"), key=lambda c: (-c[2], c[1].casefold()))
    return tuple(Row(label, count, f"jenis/{slug}/") for slug, label, count in counts)


def per_status(entries: tuple[Entry, ...]) -> tuple[Row, ...]:
    """Berlaku, Tidak Berlaku, then the products without a status (monografi, artikel, most putusan)."""
    order = {slugify(s): i for i, s in enumerate(STATUS_VALUES)}
    counts = sorted(facet_counts(entries, "status"), key=lambda c: (order.get(c[0], len(order)), c[1].casefold()))
    rows = [Row(label, count, f"status/{slug}/") for slug, label, count in counts]
    without = sum(1 for e in entries if not e.facet_values("status"))
    if without:
        rows.append(Row(NO_STATUS, without))
    return tuple(rows)


def per_tipe(entries: tuple[Entry, ...]) -> tuple[Row, ...]:
    """All four document types in the standard's order, an empty type as 0 (there is no browse list
    per type: a type's products are listed under their jenis)."""
    return tuple(Row(TIPE_LABEL[t], sum(1 for e in entries if e.product.tipe_dokumen == t)) for t in TIPE_DOKUMEN)


FIGURES: tuple[tuple[str, str, str, Callable[[tuple[Entry, ...]], tuple[Row, ...]], bool], ...] = (
    ("tahun", "Jumlah produk hukum per tahun", "Tahun", per_year, True),
    ("jenis", "Jumlah produk hukum per jenis", "Jenis", per_jenis, False),
    ("status", "Jumlah produk hukum per status", "Status", per_status, False),
    ("tipe-dokumen", "Jumlah produk hukum per tipe dokumen", "Tipe dokumen", per_tipe, False),
)


def statistics(catalogue: Catalogue) -> Statistics:
    entries = published(catalogue)
    figures = tuple(Figure(key, heading, column, rows(entries), short)
                    for key, heading, column, rows, short in FIGURES)
    updated = max((e.last_updated for e in entries), default=None)
    return Statistics(total=len(entries), updated=updated, figures=figures)
