"""`jdih report`: the SOP performance report's figures, CSV files and HTML, with an injected clock."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from jdih_build.cli import main as cli
from jdih_build.workflow.reporting.sop_report import (
    DETAIL_HEADER,
    SUMMARY_HEADER,
    Period,
    lama,
    run_report,
)
from jdih_build.workflow.reporting.sop_timing import median, percentile

# The small test site (five steps: 1 proposal, 2 hand-over, 3 and 4 validasi, 5 upload) of test_status.
_spec = importlib.util.spec_from_file_location("_status_site", Path(__file__).with_name("test_status.py"))
assert _spec and _spec.loader
_site = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _site
_spec.loader.exec_module(_site)
make_site, SampleSite = _site.make_site, _site.SampleSite

WIB = timezone(timedelta(hours=7))
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=WIB)
EVIL = "Keputusan <script>alert(1)</script> & Co"


def at(hhmm: str, day: str) -> str:
    return f"{day}T{hhmm}:00+07:00"


def populate(site: SampleSite) -> None:
    """Known times. Step 2 (mutu_baku 5): 5, 3, 10 min; step 3 (30): 10, 20, 40; step 4 (30): 30, 50;
    step 5 (5): 5, 7. p3 stops after step 3 on 15 February: overdue at step 4."""
    plan = {
        "p1": ("2024-01-10", "Keputusan Satu", [(1, "08:00"), (2, "08:05"), (3, "08:15"), (4, "08:45"), (5, "08:50")]),
        "p2": ("2024-01-11", "Keputusan Dua", [(1, "09:00"), (2, "09:03"), (3, "09:23"), (4, "10:13"), (5, "10:20")]),
        "p3": ("2024-02-15", EVIL, [(1, "08:00"), (2, "08:10"), (3, "08:50")]),
    }
    people = {1: "Ana Pengusul", 2: "Tono Teknis", 3: "Wati Admin", 4: "Budi Pengarah", 5: "Rudi Ganda"}
    for pid, (day, judul, steps) in plan.items():
        site.product(pid, judul=f'"{judul}"')
        for step, hhmm in steps:
            site.sign(pid, step, people[step], at(hhmm, day))


@pytest.fixture()
def sample(tmp_path: Path) -> SampleSite:
    site = make_site(tmp_path / "situs")
    populate(site)
    return site


def report(root: Path, out: Path | None = None, period: Period = Period(), now: datetime = NOW) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_report(root, out, period, now, stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_step(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["langkah"]: r for r in rows}


# -- statistics ------------------------------------------------------------------------------------

def test_median_and_nearest_rank_p90() -> None:
    assert median([40, 10, 20]) == 20 and percentile([40, 10, 20], 90) == 40
    assert median([10, 20]) == 15 and percentile([10, 20], 90) == 20
    assert percentile(list(range(1, 11)), 90) == 9          # ceil(0.9 * 10) = 9th value
    assert percentile(list(range(1, 12)), 90) == 10         # ceil(9.9) = 10th value
    assert percentile([1, 2, 3, 4, 5], 90) == 5              # ceil(4.5) = 5th value, never rounded down
    assert percentile(list(range(1, 17)), 90) == 15          # ceil(14.4) = 15th value
    assert median([]) is None and percentile([], 90) is None


# -- figures and CSV -------------------------------------------------------------------------------

def test_summary_csv_has_the_known_figures(sample: SampleSite) -> None:
    code, out, err = report(sample.root)
    assert code == 0, err
    lap = sample.root / "laporan"
    assert out.splitlines() == [f"wrote {lap / n}" for n in ("laporan-sop.html", "laporan-sop.csv", "laporan-sop-rinci.csv")]
    raw = (lap / "laporan-sop.csv").read_text(encoding="utf-8")
    assert raw.splitlines()[0] == ",".join(SUMMARY_HEADER)
    rows = read_csv(lap / "laporan-sop.csv")
    assert [r["langkah"] for r in rows] == ["1", "2", "3", "4", "5"]     # one row per SOP step
    steps = by_step(rows)
    one = steps["1"]                                                     # the proposal is never timed
    assert (one["jumlah_terukur"], one["median_menit"], one["p90_menit"], one["persen_tepat_waktu"]) == ("0", "", "", "")
    assert (one["mutu_baku_menit"], one["validasi"], one["pelaksana"]) == ("60", "tidak", "sub_bagian_pengusul")
    three = steps["3"]
    assert (three["jumlah_terukur"], three["median_menit"], three["p90_menit"]) == ("3", "20", "40")
    assert (three["mutu_baku_menit"], three["rentang_diukur"], three["batas_menit"]) == ("30", "3", "30")
    assert (three["jumlah_tepat_waktu"], three["persen_tepat_waktu"], three["validasi"]) == ("2", "66.7", "ya")
    assert (steps["2"]["median_menit"], steps["2"]["p90_menit"], steps["2"]["jumlah_tepat_waktu"]) == ("5", "10", "2")
    four = steps["4"]
    assert (four["median_menit"], four["p90_menit"], four["persen_tepat_waktu"], four["produk_menunggu_lewat_batas_kini"]) == ("40", "50", "50", "1")
    assert (steps["5"]["median_menit"], steps["5"]["p90_menit"]) == ("6", "7")
    assert sum(int(r["produk_menunggu_lewat_batas_kini"]) for r in rows) == 1


def test_detail_csv_has_one_row_per_measurement(sample: SampleSite) -> None:
    assert report(sample.root)[0] == 0
    path = sample.root / "laporan" / "laporan-sop-rinci.csv"
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(DETAIL_HEADER)
    rows = read_csv(path)
    assert [(r["produk"], r["langkah"]) for r in rows] == [
        ("p1", "2"), ("p1", "3"), ("p1", "4"), ("p1", "5"), ("p2", "2"), ("p2", "3"), ("p2", "4"), ("p2", "5"),
        ("p3", "2"), ("p3", "3")]
    late = next(r for r in rows if (r["produk"], r["langkah"]) == ("p2", "4"))
    assert late == {"produk": "p2", "langkah": "4", "kegiatan": "Validasi akhir", "pelaksana": "pengarah",
                    "oleh": "Budi Pengarah", "rentang": "4", "dari_langkah": "3", "mulai": "2024-01-11T09:23:00+07:00",
                    "selesai": "2024-01-11T10:13:00+07:00", "durasi_menit": "50", "batas_menit": "30",
                    "tepat_waktu": "tidak", "terlambat_menit": "20",
                    "berkas_persetujuan": "approvals/p2/04-pengarah.yaml", "catatan": ""}


def test_a_step_measured_over_different_spans(sample: SampleSite) -> None:
    sample.product("p4")
    sample.sign("p4", 1, "Ana Pengusul", at("08:00", "2024-01-12"))
    sample.sign("p4", 3, "Wati Admin", at("08:33", "2024-01-12"))        # step 2 not recorded: 33 of 35 allowed
    assert report(sample.root)[0] == 0
    three = by_step(read_csv(sample.root / "laporan" / "laporan-sop.csv"))["3"]
    assert (three["rentang_diukur"], three["batas_menit"]) == ("2-3;3", "35;30")
    assert (three["jumlah_terukur"], three["median_menit"], three["jumlah_tepat_waktu"]) == ("4", "26.5", "3")
    detail = [r for r in read_csv(sample.root / "laporan" / "laporan-sop-rinci.csv") if r["produk"] == "p4"]
    assert [(r["rentang"], r["dari_langkah"], r["durasi_menit"], r["tepat_waktu"]) for r in detail] == [("2-3", "1", "33", "ya")]


def test_the_period_selects_measurements_by_their_date(sample: SampleSite, tmp_path: Path) -> None:
    out = tmp_path / "februari"
    assert report(sample.root, out, Period(date(2024, 2, 1), date(2024, 2, 29)))[0] == 0
    steps = by_step(read_csv(out / "laporan-sop.csv"))
    assert (steps["3"]["jumlah_terukur"], steps["3"]["median_menit"]) == ("1", "40")
    assert steps["4"]["jumlah_terukur"] == "0" and steps["4"]["produk_menunggu_lewat_batas_kini"] == "1"   # overdue is as of now
    assert {r["produk"] for r in read_csv(out / "laporan-sop-rinci.csv")} == {"p3"}
    assert "1 Februari 2024 s.d. 29 Februari 2024" in (out / "laporan-sop.html").read_text(encoding="utf-8")

    assert report(sample.root, tmp_path / "x", Period(date(2024, 1, 11), None))[0] == 0
    assert {r["produk"] for r in read_csv(tmp_path / "x" / "laporan-sop-rinci.csv")} == {"p2", "p3"}


# -- HTML ------------------------------------------------------------------------------------------

def html_of(sample: SampleSite, out: Path | None = None) -> str:
    code, _, err = report(sample.root, out)
    assert code == 0, err
    return ((out or sample.root / "laporan") / "laporan-sop.html").read_text(encoding="utf-8")


def test_html_has_the_chart_and_the_tables(sample: SampleSite) -> None:
    html = html_of(sample)
    assert html.startswith("<!doctype html>") and '<html lang="id">' in html
    # one chart per measured step, median and p90 against the mutu_baku
    assert re.findall(r'<svg [^>]*aria-labelledby="(grafik-langkah-\d)-judul', html) == [
        "grafik-langkah-2", "grafik-langkah-3", "grafik-langkah-4", "grafik-langkah-5"]
    chart3 = html[html.index('aria-labelledby="grafik-langkah-3-judul'):]
    chart3 = chart3[: chart3.index("</svg>")]
    assert 'role="img"' in html and "stroke-dasharray" in chart3
    assert ">20 menit<" in chart3 and ">40 menit<" in chart3 and "Mutu baku: 30 menit" in chart3
    # the per-step table
    table = html[html.index('<table id="tabel-langkah">'):]
    table = table[: table.index("</table>")]
    row3 = table[table.index('<th scope="row" class="angka">3</th>'):]
    row3 = row3[: row3.index("</tr>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row3, re.S)
    assert cells[2:] == ["30 menit", "30 menit", "3", "20 menit", "40 menit", "2 (66,7%)", "0", "0"]
    # the overdue product, escaped
    overdue = html[html.index('<table id="tabel-lewat-batas">'):]
    assert "p3" in overdue and "Budi Pengarah, Rudi Ganda" in overdue and "Langkah 3, 15 Februari 2024 08.50" in overdue
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    # standalone: inline CSS, nothing fetched
    assert "<style>" in html and "<link" not in html and "src=" not in html and "@import" not in html
    assert "Keadaan per 1 Maret 2024 12.00 WIB" in html


def test_same_input_and_clock_give_the_same_bytes(sample: SampleSite, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert report(sample.root, tmp_path / name)[0] == 0
    for file in ("laporan-sop.html", "laporan-sop.csv", "laporan-sop-rinci.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_empty_period_still_reports(sample: SampleSite, tmp_path: Path) -> None:
    code, _, _ = report(sample.root, tmp_path / "kosong", Period(date(2030, 1, 1), None))
    assert code == 0
    html = (tmp_path / "kosong" / "laporan-sop.html").read_text(encoding="utf-8")
    assert "<svg" not in html and "Tidak ada durasi yang terukur dalam periode ini." in html
    assert len(read_csv(tmp_path / "kosong" / "laporan-sop-rinci.csv")) == 0


def test_a_site_template_overrides_the_builders(sample: SampleSite) -> None:
    (sample.root / "templates").mkdir()
    (sample.root / "templates" / "laporan-sop.html").write_text("Periode {{ periode }}\n", encoding="utf-8")
    assert html_of(sample) == "Periode seluruh catatan\n"


# -- refusals --------------------------------------------------------------------------------------

@pytest.mark.parametrize("inside", ["content", "approvals", "approvals/p1", ".git"])
def test_refuses_to_write_among_the_sources(sample: SampleSite, inside: str) -> None:
    before = sorted(p for p in sample.root.rglob("*"))
    code, out, err = report(sample.root, sample.root / inside)
    assert code == 1 and out == ""
    assert f"lies inside {inside.split('/')[0]}/" in err and "Traceback" not in err
    assert sorted(p for p in sample.root.rglob("*")) == before


def test_refuses_a_file_as_the_destination(sample: SampleSite, tmp_path: Path) -> None:
    target = tmp_path / "berkas.txt"
    target.write_text("x", encoding="utf-8")
    code, _, err = report(sample.root, target)
    assert code == 1 and "is not a folder" in err


def test_invalid_input_writes_nothing(sample: SampleSite) -> None:
    (sample.root / "approvals" / "sop.yaml").write_text("nomor: [\n", encoding="utf-8")
    code, _, err = report(sample.root)
    assert code == 1 and "approvals/sop.yaml" in err and "nothing was written" in err
    assert not (sample.root / "laporan").exists()


def test_cli_dates(sample: SampleSite, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["report", "--site", str(sample.root), "--from", "2024-02-30"])
    assert exc.value.code == 2
    assert "'2024-02-30' is not a date; write YYYY-MM-DD" in capsys.readouterr().err
    assert cli.main(["report", "--site", str(sample.root), "--from", "2024-03-01", "--to", "2024-02-01"]) == 2
    assert "--from 2024-03-01 is after --to 2024-02-01" in capsys.readouterr().err
    assert cli.main(["report", "--site", str(sample.root), "--out", str(tmp_path / "l"), "--to", "2024-01-31"]) == 0
    assert (tmp_path / "l" / "laporan-sop.csv").exists()


@pytest.mark.parametrize("minutes, text", [(5, "5 menit"), (60, "1 jam"), (130, "2 jam 10 menit"),
                                           (1440 * 1050 + 420, "1.050 hari 7 jam"), (1440, "1 hari")])
def test_lama(minutes: float, text: str) -> None:
    assert lama(minutes) == text


def test_notes_and_rejections_reach_status_the_report_and_the_csv(tmp_path: Path) -> None:
    """Issue 19: a sign-off's catatan (why it was late) shows in status, the HTML and the CSV; rejections
    are counted per step; the late column says it counts products waiting past their limit now."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from sitekit import WIB, SiteKit

    from jdih_build.workflow.reporting.status import run_status

    kit = SiteKit.create(tmp_path / "site")
    kit.add_product("kpt-1")
    kit.sign("kpt-1", 1, when=datetime(2024, 2, 1, 9, 0, tzinfo=WIB))
    kit.sign("kpt-1", 2, keputusan="ditolak", when=datetime(2024, 2, 1, 10, 0, tzinfo=WIB), name="tolak.yaml",
             catatan="nomor salah")
    kit.sign("kpt-1", 2, when=datetime(2024, 2, 1, 12, 0, tzinfo=WIB), catatan="terlambat karena rapat pleno")
    code, _out, err = report(kit.root)
    assert code == 0, err
    steps = by_step(read_csv(kit.root / "laporan" / "laporan-sop.csv"))
    assert steps["2"]["jumlah_ditolak"] == "1" and steps["3"]["jumlah_ditolak"] == "0"
    assert "produk_menunggu_lewat_batas_kini" in steps["2"]
    detail = read_csv(kit.root / "laporan" / "laporan-sop-rinci.csv")
    assert [r["catatan"] for r in detail if r["langkah"] == "2"] == ["terlambat karena rapat pleno"]
    html = (kit.root / "laporan" / "laporan-sop.html").read_text(encoding="utf-8")
    assert "terlambat karena rapat pleno" in html and "Menunggu lewat batas (saat ini)" in html and "Ditolak" in html
    out, errs = io.StringIO(), io.StringIO()
    assert run_status(kit.root, None, False, NOW, out, errs) == 0
    assert "terlambat karena rapat pleno" in out.getvalue()
