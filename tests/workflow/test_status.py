"""`jdih status` and the timing model behind it (sop_timing), on a small site with an injected clock."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from jdih_build.cli import main as cli
from jdih_build.workflow.reporting.status import duration, run_status, wants_colour

WIB = timezone(timedelta(hours=7))
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=WIB)

PYPROJECT = """\
[tool.jdih]
judul_situs = "JDIH Uji"
base_url = "https://jdih.example.go.id/"
instansi = "Kota Uji. Komisi Pemilihan Umum"
tempat = "Kota Uji"
"""

# Five steps: a proposal, a hand-over, two sign-offs (validasi) and the upload.
SOP = """\
nomor: "1/SOP/2024"
nama: SOP Uji
instansi: Sekretariat Uji
pemisahan_tugas: true
tanda_tangan: opsional
langkah:
  - {"no": 1, kegiatan: Membuat konsep, pelaksana: sub_bagian_pengusul, mutu_baku: 60}
  - {"no": 2, kegiatan: Menyerahkan konsep, pelaksana: tim_teknis, mutu_baku: 5}
  - {"no": 3, kegiatan: Mengoreksi dan memvalidasi, pelaksana: web_admin, validasi: true, mutu_baku: 30}
  - {"no": 4, kegiatan: Validasi akhir, pelaksana: pengarah, validasi: true, mutu_baku: 30}
  - {"no": 5, kegiatan: Mengunggah, pelaksana: web_admin, mutu_baku: 5}
"""

ROSTER = """\
- {nama: Ana Pengusul, nip: "199001012015032001", peran: [sub_bagian_pengusul]}
- {nama: Tono Teknis, nip: "199001012015031002", peran: [tim_teknis]}
- {nama: Wati Admin, nip: "199001012015032003", peran: [web_admin]}
- {nama: Rudi Ganda, nip: "199001012015031004", peran: [web_admin, pengarah]}
- {nama: Budi Pengarah, nip: "199001012015031005", peran: [pengarah]}
- {nama: Lama Pengarah, nip: "199001012015031006", peran: [pengarah], aktif_sampai: 2020-12-31}
"""

ROLE = {1: "sub_bagian_pengusul", 2: "tim_teknis", 3: "web_admin", 4: "pengarah", 5: "web_admin"}


@dataclass
class SampleSite:
    root: Path

    def product(self, pid: str, judul: str | None = None) -> None:
        path = self.root / "content" / f"{pid}.md"
        path.write_text(f"""---
judul: {judul or 'Keputusan Uji ' + pid}
jenis: Keputusan
nomor: "{len(pid)}"
tahun: 2024
tanggal_penetapan: 2024-01-02
status: Berlaku
---
ABSTRAK: uji.
""", encoding="utf-8")

    def sign(self, pid: str, step: int, oleh: str, waktu: str, keputusan: str = "disetujui",
             catatan: str | None = None, name: str | None = None) -> Path:
        md = self.root / "content" / f"{pid}.md"
        digest = hashlib.sha256(md.read_bytes()).hexdigest()
        folder = self.root / "approvals" / pid
        folder.mkdir(exist_ok=True)
        path = folder / (name or f"{step:02d}-{ROLE[step]}.yaml")
        note = f"catatan: {catatan}\n" if catatan else ""
        path.write_text(f"""produk: {pid}
langkah: {step}
peran: {ROLE[step]}
oleh: {oleh}
keputusan: {keputusan}
waktu: {waktu}
berkas:
  "{pid}.md": "{digest}"
{note}""", encoding="utf-8")
        return path


def make_site(root: Path) -> SampleSite:
    (root / "content").mkdir(parents=True)
    (root / "approvals").mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "approvals" / "sop.yaml").write_text(SOP, encoding="utf-8")
    (root / "approvals" / "petugas.yaml").write_text(ROSTER, encoding="utf-8")
    return SampleSite(root)


def day(hhmm: str, date: str = "2024-03-01") -> str:
    return f"{date}T{hhmm}:00+07:00"


def populate(site: SampleSite) -> None:
    """Five products in five situations, timed against NOW = 2024-03-01 12:00 +07:00."""
    # lengkap: every step recorded; published. 2: 4 min (5), 3: 36 min (30, late 6), 4: 20 (30), 5: 10 (5, late 5)
    site.product("lengkap")
    for step, who, at in ((1, "Ana Pengusul", "08:00"), (2, "Tono Teknis", "08:04"), (3, "Wati Admin", "08:40"),
                          (4, "Budi Pengarah", "09:00"), (5, "Rudi Ganda", "09:10")):
        site.sign("lengkap", step, who, day(at))
    # tertunda: step 2 not recorded, so step 3 covers 2-3 (allowed 35): 50 min, late 15; overdue at step 4
    site.product("tertunda")
    site.sign("tertunda", 1, "Ana Pengusul", day("09:00"))
    site.sign("tertunda", 3, "Wati Admin", day("09:50"))
    # pemisahan: Rudi signed step 3, so only Budi may sign step 4; signed 15 min ago: not overdue
    site.product("pemisahan")
    site.sign("pemisahan", 1, "Ana Pengusul", day("11:00"))
    site.sign("pemisahan", 3, "Rudi Ganda", day("11:45"))
    # ditolak: the web admin rejected step 3 an hour ago (allowed 30): overdue, not timed
    site.product("ditolak")
    site.sign("ditolak", 1, "Ana Pengusul", day("10:30"))
    site.sign("ditolak", 3, "Wati Admin", day("11:00"), keputusan="ditolak", catatan="Nomor salah")
    # baru: no record at all
    site.product("baru")


@pytest.fixture()
def sample(tmp_path: Path) -> SampleSite:
    site = make_site(tmp_path / "situs")
    populate(site)
    return site


def status(root: Path, *args: str, now: datetime = NOW, colour: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    product = next((a for a in args if not a.startswith("--")), None)
    code = run_status(root, product, "--json" in args, now, out, err, colour=colour)
    return code, out.getvalue(), err.getvalue()


def as_json(root: Path, *args: str) -> dict:
    code, out, err = status(root, "--json", *args)
    assert code == 0, err
    return json.loads(out)


def by_id(data: dict) -> dict[str, dict]:
    return {p["id"]: p for p in data["products"]}


def signed(product: dict) -> dict[int, dict]:
    return {s["step"]: s for s in product["signed"]}


# -- the timing model, through the JSON ------------------------------------------------------------

def test_durations_are_measured_from_the_previous_recorded_step(sample: SampleSite) -> None:
    p = by_id(as_json(sample.root))["lengkap"]
    assert p["published"] is True and p["next_step"] is None and p["overdue"] is None and p["failures"] == []
    steps = signed(p)
    assert list(steps) == [1, 2, 3, 4, 5]
    assert steps[1]["minutes"] is None and steps[1]["not_timed"] == "no_start"
    assert (steps[2]["minutes"], steps[2]["allowed_minutes"], steps[2]["on_time"], steps[2]["late_by_minutes"]) == (4, 5, True, 0)
    assert (steps[3]["minutes"], steps[3]["from_step"], steps[3]["on_time"], steps[3]["late_by_minutes"]) == (36, 2, False, 6)
    assert (steps[4]["minutes"], steps[4]["on_time"]) == (20, True)
    assert (steps[5]["minutes"], steps[5]["allowed_minutes"], steps[5]["late_by_minutes"]) == (10, 5, 5)
    assert steps[5]["oleh"] == "Rudi Ganda" and steps[5]["record"] == "approvals/lengkap/05-web_admin.yaml"


def test_an_unrecorded_step_is_covered_by_the_next_interval(sample: SampleSite) -> None:
    step3 = signed(by_id(as_json(sample.root))["tertunda"])[3]
    assert step3["covers"] == "2-3" and step3["from_step"] == 1
    assert (step3["minutes"], step3["allowed_minutes"], step3["late_by_minutes"]) == (50, 35, 15)


def test_next_step_overdue_and_who_may_sign(sample: SampleSite) -> None:
    products = by_id(as_json(sample.root))
    p = products["tertunda"]
    assert p["published"] is False
    # Lama Pengarah is no longer active; Rudi holds pengarah and signed no other step of this product
    assert p["next_step"] == {"step": 4, "kegiatan": "Validasi akhir", "peran": "pengarah", "mutu_baku": 30,
                              "may_sign": ["Budi Pengarah", "Rudi Ganda"]}
    assert p["overdue"] == {"step": 4, "since": "2024-03-01T09:50:00+07:00", "since_step": 3,
                            "waiting_minutes": 130, "allowed_minutes": 30, "late_by_minutes": 100}
    assert [(f["rule"], f["step"]) for f in p["failures"]] == [("5.0", 4)]
    assert "jdih approve tertunda --step 4" in p["failures"][0]["fix"]

    q = products["pemisahan"]
    assert q["next_step"]["may_sign"] == ["Budi Pengarah"]      # pemisahan_tugas excludes Rudi
    assert q["overdue"] is None                                  # 15 min of 30


def test_a_rejection_is_not_timed_and_waits_for_the_same_step(sample: SampleSite) -> None:
    p = by_id(as_json(sample.root))["ditolak"]
    step3 = signed(p)[3]
    assert step3["keputusan"] == "ditolak" and step3["minutes"] is None and step3["not_timed"] == "rejected"
    assert p["next_step"]["step"] == 3 and p["next_step"]["may_sign"] == ["Rudi Ganda", "Wati Admin"]
    assert p["overdue"]["step"] == 3 and p["overdue"]["allowed_minutes"] == 30 and p["overdue"]["late_by_minutes"] == 30
    rules = {(f["rule"], f["step"]) for f in p["failures"]}
    assert ("5.4", 3) in rules and ("5.0", 4) in rules
    assert any("Nomor salah" in f["message"] for f in p["failures"])


def test_a_product_without_records_is_not_overdue(sample: SampleSite) -> None:
    p = by_id(as_json(sample.root))["baru"]
    assert p["signed"] == [] and p["overdue"] is None and p["next_step"]["step"] == 3


def test_the_latest_record_counts_and_future_ones_are_not_timed(sample: SampleSite) -> None:
    sample.sign("tertunda", 1, "Ana Pengusul", day("09:20"), name="01-sub_bagian_pengusul-2.yaml")
    sample.sign("tertunda", 4, "Budi Pengarah", day("13:00"))           # an hour in the future
    p = by_id(as_json(sample.root))["tertunda"]
    steps = signed(p)
    assert steps[1]["record"].endswith("-2.yaml")
    assert steps[3]["minutes"] == 30                                   # from the later proposal
    assert steps[4]["not_timed"] == "future" and steps[4]["minutes"] is None
    assert p["overdue"]["waiting_minutes"] == 130                      # the future record is not the last sign-off


def test_overdue_is_relative_to_the_injected_clock(sample: SampleSite) -> None:
    code, out, _ = status(sample.root, "--json", "tertunda", now=datetime(2024, 3, 1, 10, 15, tzinfo=WIB))
    assert code == 0
    assert json.loads(out)["products"][0]["overdue"] is None            # 25 min after step 3: within 30


def test_the_clock_in_another_offset_is_the_same_instant(sample: SampleSite) -> None:
    utc = NOW.astimezone(UTC)
    code, out, _ = status(sample.root, "--json", "tertunda", now=utc)
    assert json.loads(out)["products"][0]["overdue"]["waiting_minutes"] == 130


# -- the command -----------------------------------------------------------------------------------

def test_json_is_stable_and_documented(sample: SampleSite) -> None:
    first = status(sample.root, "--json")[1]
    assert first == status(sample.root, "--json")[1]
    data = json.loads(first)
    assert list(data) == ["schema", "now", "zona_waktu", "sop", "summary", "products", "notices"]
    assert data["schema"] == "jdih-status/1" and data["now"] == "2024-03-01T12:00:00+07:00"
    assert data["summary"] == {"products": 5, "published": 1, "withheld": 4, "overdue": 2}
    assert [p["id"] for p in data["products"]] == ["baru", "ditolak", "lengkap", "pemisahan", "tertunda"]
    assert list(data["products"][0]) == ["id", "judul", "source", "published", "revision", "signed", "next_step",
                                         "overdue", "failures", "history"]
    assert data["products"][0]["source"] == "content/baru.md"


def test_one_product_and_its_notices(sample: SampleSite) -> None:
    sample.sign("tertunda", 3, "Orang Asing", day("10:00"), name="03-extra.yaml")
    data = as_json(sample.root, "tertunda")
    assert [p["id"] for p in data["products"]] == ["tertunda"]
    assert [n["record"] for n in data["notices"]] == ["approvals/tertunda/03-extra.yaml"]
    assert as_json(sample.root, "lengkap")["notices"] == []


def test_text_output_is_aligned_and_plain_when_not_a_terminal(sample: SampleSite) -> None:
    code, out, err = status(sample.root)
    assert code == 0 and err == ""
    assert "\033[" not in out
    assert out.startswith("SOP 1/SOP/2024 at 2024-03-01 12:00 WIB: 5 product(s), 1 published, 4 withheld, 2 overdue")
    block = next(b for b in out.split("\n\n") if b.startswith("lengkap"))
    lines = block.splitlines()
    assert lines[:3] == ["lengkap: published", "  Keputusan Uji lengkap", "  content/lengkap.md"]
    header, rows = lines[3], lines[4:]
    assert len(rows) == 5
    names = ["Ana Pengusul", "Tono Teknis", "Wati Admin", "Budi Pengarah", "Rudi Ganda"]
    for column, values in (("signed by", names), ("took", ["-", "4 min", "36 min", "20 min", "10 min"]),
                           ("result", ["not timed", "on time", "LATE by 6 min", "on time", "LATE by 5 min"])):
        at = header.index(column)
        assert [row[at:].startswith(v) for row, v in zip(rows, values, strict=False)] == [True] * 5, column
    tertunda = next(b for b in out.split("\n\n") if b.startswith("tertunda"))
    assert "next: step 4 (Validasi akhir), role pengarah; may sign: Budi Pengarah, Rudi Ganda" in tertunda
    assert "OVERDUE: step 4 waiting 2 h 10 min since step 3 (2024-03-01 09:50 WIB); allowed 30 min, late by 1 h 40 min" in tertunda
    assert "- rule 5.0: step 4 (Validasi akhir) has no sign-off by a pengarah" in tertunda
    assert "step 4: step 4" not in tertunda and "fix: the pengarah signs it" in tertunda


def test_colour_only_when_asked(sample: SampleSite) -> None:
    _, out, _ = status(sample.root, colour=True)
    assert "\033[31mWITHHELD\033[0m" in out and "\033[32mpublished\033[0m" in out


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_follows_the_terminal_and_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert wants_colour(FakeTerminal()) is True
    assert wants_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert wants_colour(FakeTerminal()) is False


def test_unknown_product_is_an_error(sample: SampleSite) -> None:
    code, out, err = status(sample.root, "tertundaa")
    assert code == 1 and out == ""
    assert "no product has the id 'tertundaa'; did you mean tertunda?" in err


def test_invalid_input_prints_the_problems(sample: SampleSite) -> None:
    (sample.root / "approvals" / "petugas.yaml").write_text("- nama: [\n", encoding="utf-8")
    code, out, err = status(sample.root, "--json")
    assert code == 1 and out == ""
    assert "approvals/petugas.yaml" in err and "Traceback" not in err


def test_cli_registers_the_command(sample: SampleSite, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["status", "--site", str(sample.root), "--json", "lengkap"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["products"][0]["published"] is True
    assert cli.main(["status", "--site", str(sample.root), "nope"]) == 1
    assert cli.main(["status", "--site", str(sample.root)]) == 0
    text = capsys.readouterr().out
    assert "lengkap: published" in text and "\033[" not in text     # captured output is not a terminal


@pytest.mark.parametrize("minutes, text", [(0, "0 min"), (35.4, "35 min"), (60, "1 h 00 min"), (125, "2 h 05 min"),
                                           (1440 * 3 + 65, "3 d 1 h")])
def test_duration_text(minutes: float, text: str) -> None:
    assert duration(minutes) == text


def test_the_text_lists_the_urgent_first() -> None:
    """Issue 19: overdue first (the longest late first), then withheld, then published."""
    from jdih_build.workflow.reporting.status import urgency

    products = [{"id": "a-terbit", "overdue": None, "published": True, "revision": None},
                {"id": "b-ditahan", "overdue": None, "published": False, "revision": None},
                {"id": "c-telat-sedikit", "overdue": {"late_by_minutes": 5.0}, "published": False, "revision": None},
                {"id": "d-telat-lama", "overdue": {"late_by_minutes": 500.0}, "published": False, "revision": None},
                {"id": "e-revisi", "overdue": None, "published": True, "revision": {"kept": True}}]
    order = [p["id"] for p in sorted(products, key=urgency)]
    assert order == ["d-telat-lama", "c-telat-sedikit", "b-ditahan", "e-revisi", "a-terbit"]
