"""`jdih report [--site DIR] [--out DIR] [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: the SOP performance report.

The report an office sends for its periodic JDIH evaluation. Per SOP step: how many durations were
measured, their median and 90th percentile against the `mutu_baku`, the share on time, and the
products overdue at the report's clock. Timing rules and the statistics' definitions are those of
`sop_timing` (see its docstring); the HTML states them in Indonesian.

Written into `--out` (default `SITE/laporan/`; never inside content/, approvals/ or .git/), each file
replaced atomically, other files there left alone:

* `laporan-sop.html`: standalone (inline CSS, inline SVG charts, no script), to open or e-mail;
  rendered from `templates/laporan-sop.html` of the site, else of this builder;
* `laporan-sop.csv`: one row per SOP step;
* `laporan-sop-rinci.csv`: one row per measured product-step duration.

CSV: UTF-8, comma-separated, a header row, numbers with a decimal point (minutes to two decimals),
times in ISO 8601 with their offset; a cell holding several values separates them with ';'.
`--from`/`--to` select the measurements whose step was signed on those dates (inclusive, the record's
own calendar date); overdue products are the state at the clock, whatever the period. The same input
and clock give byte-identical files. Exit 0 written; 1 invalid input or a refused --out; 2 usage.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO

import jinja2
from markupsafe import Markup

from jdih_build.console.clock import now
from jdih_build.console.reporting import load_or_report, rel
from jdih_build.gate.rules import evaluate
from jdih_build.i18n import _
from jdih_build.model import Site
from jdih_build.publish import formatting
from jdih_build.publish.charts import angka, bar_chart, with_unit
from jdih_build.theme import template_dirs
from jdih_build.workflow.atomic import write_atomic
from jdih_build.workflow.reporting.sop_timing import (
    Measurement,
    ProductTiming,
    StepSummary,
    summarize,
    timings,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
HTML_NAME, CSV_NAME, DETAIL_NAME = "laporan-sop.html", "laporan-sop.csv", "laporan-sop-rinci.csv"
TEMPLATE = "laporan-sop.html"
PROTECTED = ("content", "approvals", ".git")

SUMMARY_HEADER = ("langkah", "kegiatan", "pelaksana", "validasi", "mutu_baku_menit", "rentang_diukur", "batas_menit",
                  "jumlah_terukur", "median_menit", "p90_menit", "jumlah_tepat_waktu", "persen_tepat_waktu",
                  "jumlah_ditolak", "produk_menunggu_lewat_batas_kini")
DETAIL_HEADER = ("produk", "langkah", "kegiatan", "pelaksana", "oleh", "rentang", "dari_langkah", "mulai", "selesai",
                 "durasi_menit", "batas_menit", "tepat_waktu", "terlambat_menit", "berkas_persetujuan", "catatan")


class ReportError(Exception):
    """Something the user must change (the message says what); no traceback."""


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None

    def holds(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def text(self) -> str:
        """The period in Indonesian words, for the report's heading."""
        if self.start and self.end:
            return f"{formatting.tanggal(self.start)} s.d. {formatting.tanggal(self.end)}"
        if self.start:
            return f"sejak {formatting.tanggal(self.start)}"
        if self.end:
            return f"sampai dengan {formatting.tanggal(self.end)}"   # the report's own (Indonesian) text
        return "seluruh catatan"


@dataclass(frozen=True)
class Report:
    site: Site
    now: datetime
    period: Period
    products: tuple[ProductTiming, ...]
    steps: tuple[StepSummary, ...]

    def rejections(self, step_no: int | None = None) -> int:
        """Records that rejected (ditolak) a product at `step_no` (any step: None) within the period."""
        return sum(1 for r in self.site.signoffs if r.keputusan == "ditolak"
                   and (step_no is None or r.langkah == step_no) and self.period.holds(r.waktu.date()))

    @property
    def measurements(self) -> tuple[Measurement, ...]:
        """Every measured duration in the period, by product then SOP order."""
        order = {s.no: i for i, s in enumerate(self.site.sop.langkah)}
        found = [m for s in self.steps for m in s.measurements]
        return tuple(sorted(found, key=lambda m: (m.product_id, order[m.step.no], m.record.waktu)))

    @property
    def overdue(self) -> tuple[ProductTiming, ...]:
        return tuple(t for t in self.products if t.overdue is not None)


def make_report(site: Site, now: datetime, period: Period) -> Report:
    products = timings(site, evaluate(site, now), now)
    return Report(site, now, period, products, summarize(site.sop, products, period.start, period.end))


# -- figures shared by the CSV and the HTML --------------------------------------------------------

def csv_number(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _csv(header: Sequence[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def summary_csv(report: Report) -> bytes:
    rows = []
    for s in report.steps:
        pairs = s.standards
        rows.append([str(s.step.no), s.step.kegiatan, s.step.pelaksana, "ya" if s.step.validasi else "tidak",
                     str(s.step.mutu_baku), ";".join(p[0] for p in pairs), ";".join(str(p[1]) for p in pairs),
                     str(s.count), csv_number(s.median), csv_number(s.p90), str(s.on_time_count),
                     csv_number(None if s.on_time_share is None else round(s.on_time_share, 1)),
                     str(report.rejections(s.step.no)), str(len(s.overdue))])
    return _csv(SUMMARY_HEADER, rows)


def detail_csv(report: Report) -> bytes:
    root = report.site.root
    rows = []
    for m in report.measurements:
        assert m.start is not None and m.minutes is not None
        rows.append([m.product_id, str(m.step.no), m.step.kegiatan, m.step.pelaksana, m.record.oleh, m.span,
                     str(m.start.langkah), m.start.waktu.isoformat(), m.record.waktu.isoformat(), csv_number(m.minutes),
                     str(m.allowed), "ya" if m.on_time else "tidak", csv_number(m.late_by), rel(m.record.path, root),
                     m.record.catatan or ""])
    return _csv(DETAIL_HEADER, rows)


# -- HTML ------------------------------------------------------------------------------------------

def lama(minutes: float) -> str:
    """A duration in Indonesian: '35 menit', '8 jam 45 menit', '1.050 hari 7 jam'."""
    total = int(round(minutes))
    if total < 60:
        return f"{total} menit"
    if total < 24 * 60:
        hours, rest = divmod(total, 60)
        return f"{hours} jam" + (f" {rest} menit" if rest else "")
    days, rest = divmod(total, 24 * 60)
    return f"{angka(days)} hari" + (f" {rest // 60} jam" if rest // 60 else "")


def menit(value: float | None) -> str:
    return "-" if value is None else with_unit(value, "menit")


def _span_words(span: str) -> str:
    return f"langkah {span.replace('-', '–')}"


def step_chart(summary: StepSummary) -> Markup:
    pairs = summary.standards
    if len(pairs) == 1:
        span, reference = pairs[0]
        label = "Mutu baku" if "-" not in span else f"Mutu baku {_span_words(span)}"
    else:
        reference, label = summary.step.mutu_baku, f"Mutu baku langkah {summary.step.no} saja"
    bars = [("Median", summary.median or 0.0), ("Persentil ke-90 (P90)", summary.p90 or 0.0)]
    return bar_chart(f"Langkah {summary.step.no}: {summary.step.kegiatan}", bars, unit="menit", reference=reference,
                     reference_label=label, chart_id=f"grafik-langkah-{summary.step.no}")


def _step_row(s: StepSummary) -> dict[str, Any]:
    pairs = s.standards
    return {
        "no": s.step.no, "kegiatan": s.step.kegiatan, "pelaksana": formatting.peran_label(s.step.pelaksana),
        "validasi": s.step.validasi, "mutu_baku": menit(s.step.mutu_baku),
        "batas": "; ".join(f"{menit(a)} ({_span_words(span)})" if "-" in span else menit(a) for span, a in pairs) or "-",
        "jumlah": s.count, "median": menit(s.median), "p90": menit(s.p90),
        "tepat": "-" if s.on_time_share is None else f"{s.on_time_count} ({with_unit(s.on_time_share, '%')})",
        "lewat_batas": len(s.overdue),
    }


def _with_rejections(row: dict[str, Any], report: Report, step_no: int) -> dict[str, Any]:
    return {**row, "ditolak": report.rejections(step_no)}


def _overdue_row(t: ProductTiming, zone: tzinfo) -> dict[str, Any]:
    late = t.overdue
    assert late is not None
    return {"id": t.product.id, "judul": t.product.judul, "langkah": late.step.no, "kegiatan": late.step.kegiatan,
            "pelaksana": formatting.peran_label(late.step.pelaksana),
            "dapat_menandatangani": ", ".join(p.nama for p in t.eligible) or "tidak ada petugas yang dapat",
            "sejak": formatting.waktu(late.since.waktu, zone), "sejak_langkah": late.since.langkah,
            "menunggu": lama(late.waiting_minutes), "batas": menit(late.allowed), "terlambat": lama(late.late_by)}


def _detail_row(m: Measurement, zone: tzinfo) -> dict[str, Any]:
    assert m.start is not None
    return {"produk": m.product_id, "langkah": m.step.no, "rentang": m.span.replace("-", "–"), "oleh": m.record.oleh,
            "mulai": formatting.waktu(m.start.waktu, zone), "selesai": formatting.waktu(m.record.waktu, zone),
            "durasi": menit(m.minutes), "batas": menit(m.allowed), "tepat": bool(m.on_time),
            "terlambat": "-" if m.on_time else lama(m.late_by or 0), "catatan": m.record.catatan or "",
            "tte": formatting.tte_label(m.record.tte) if m.record.tte is not None else ""}


def report_context(report: Report) -> dict[str, Any]:
    site, sop = report.site, report.site.sop
    measured = report.measurements
    on_time = sum(1 for m in measured if m.on_time)
    return {
        "site": site.config, "sop": sop, "instansi": sop.instansi or site.config.instansi or site.config.judul_situs,
        "periode": report.period.text(), "per": formatting.waktu(report.now, site.config.zone),
        "ringkasan": {
            "produk": len(report.products), "terbit": sum(1 for t in report.products if t.published),
            "ditahan": sum(1 for t in report.products if not t.published), "pengukuran": len(measured),
            "tepat": on_time, "persen_tepat": with_unit(100 * on_time / len(measured), "%") if measured else "-",
            "lewat_batas": len(report.overdue), "ditolak": report.rejections(),
        },
        "langkah": [_with_rejections(_step_row(s), report, s.step.no) for s in report.steps],
        "grafik": [{"no": s.step.no, "svg": step_chart(s)} for s in report.steps if s.count],
        "lewat_batas": [_overdue_row(t, site.config.zone) for t in report.overdue],
        "rinci": [_detail_row(m, site.config.zone) for m in measured],
        "berkas": {"csv": CSV_NAME, "rinci": DETAIL_NAME},
    }


def environment(site: Site) -> jinja2.Environment:
    folders = [str(p) for p in template_dirs(site.templates_dir)]
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folders), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def report_html(report: Report) -> bytes:
    try:
        template = environment(report.site).get_template(TEMPLATE)
        return template.render(**report_context(report)).encode("utf-8")
    except jinja2.TemplateNotFound:
        raise ReportError(_("templates/{template} was not found in the site or the builder; copy it from the jdih-build "
                            "repository into SITE/templates/").format(template=TEMPLATE)) from None
    except jinja2.TemplateSyntaxError as exc:
        raise ReportError(_("templates/{template}:{exc_lineno}: template syntax error: {exc_message}").format(
            template=TEMPLATE, exc_lineno=exc.lineno, exc_message=exc.message)) from None
    except jinja2.UndefinedError as exc:
        raise ReportError(_("templates/{template}: the template uses an undefined value: {exc_message}").format(template=TEMPLATE, exc_message=exc.message)) from None


def report_files(report: Report) -> dict[str, bytes]:
    return {HTML_NAME: report_html(report), CSV_NAME: summary_csv(report), DETAIL_NAME: detail_csv(report)}


# -- writing ---------------------------------------------------------------------------------------

def check_out(out: Path, root: Path) -> Path:
    """The resolved destination, or ReportError when it lies among the sources or is not a folder."""
    dest, root = out.resolve(), root.resolve()
    for name in PROTECTED:
        if dest.is_relative_to(root / name):
            raise ReportError(_("--out {dest} lies inside {name}/, which holds the sources; choose another folder, e.g. "
                                "{root_laporan}").format(dest=dest, name=name, root_laporan=root / 'laporan'))
    if dest.exists() and not dest.is_dir():
        raise ReportError(_("--out {dest} exists and is not a folder; remove it or choose another path").format(dest=dest))
    return dest


def write_files(dest: Path, files: dict[str, bytes]) -> None:
    """Each file replaced atomically (written beside it, then renamed over it)."""
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            write_atomic(dest / name, data, replace=True)
    except OSError as exc:
        raise ReportError(_("cannot write the report into {dest}: {exc_strerror_or_exc}").format(dest=dest, exc_strerror_or_exc=exc.strerror or exc)) from None


def run_report(root: Path, out: Path | None, period: Period, now: datetime, stdout: TextIO, stderr: TextIO) -> int:
    """The command with its clock and streams injected (the tests use this)."""
    if period.start and period.end and period.start > period.end:
        print(_("error: --from {period_start} is after --to {period_end}").format(period_start=period.start, period_end=period.end), file=stderr)
        return EXIT_USAGE
    root = root.resolve()
    site = load_or_report(root, stderr, _("report: nothing was written"))
    if site is None:
        return EXIT_INVALID
    try:
        dest = check_out(out if out is not None else root / "laporan", root)
        files = report_files(make_report(site, now, period))
        write_files(dest, files)
    except ReportError as exc:
        print(_("error: {exc}").format(exc=exc), file=stderr)
        return EXIT_INVALID
    for name in files:
        print(_("wrote {path}").format(path=dest / name), file=stdout)
    return EXIT_OK


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{text}' is not a date; write YYYY-MM-DD, e.g. 2024-01-31").format(text=text)) from None


def cmd_report(args: argparse.Namespace) -> int:

    return run_report(Path(args.site), Path(args.out) if args.out else None, Period(args.start, args.end), now(),
                      sys.stdout, sys.stderr)


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "report", help=_("write the SOP performance report (laporan-sop.html and CSV)"),
        description=_("Write the SOP performance report: per step, the measured durations' median and 90th percentile "
                      "against mutu_baku, the share on time and the products overdue, as laporan-sop.html, "
                      "laporan-sop.csv (per step) and laporan-sop-rinci.csv (per measurement)."))
    site_option(p)
    p.add_argument("--out", metavar="DIR", help=_("where to write the files (default: SITE/laporan)"))
    p.add_argument("--from", dest="start", type=iso_date, metavar="YYYY-MM-DD",
                   help=_("first day of the period (a measurement counts on the day its step was signed)"))
    p.add_argument("--to", dest="end", type=iso_date, metavar="YYYY-MM-DD", help=_("last day of the period (inclusive)"))
    p.set_defaults(run=cmd_report)
