"""`jdih new`: the scaffold always validates, never overwrites or reuses an id, and asks only on a terminal."""

from __future__ import annotations

import builtins
import io
import shutil
from pathlib import Path

import pytest
import yaml
from sitekit import Run, run_command

from jdih_build.load.content import split_front_matter
from jdih_build.load.site import load_site
from jdih_build.model import TIPE_DOKUMEN
from jdih_build.workflow.catalogue import new as scaffold
from jdih_build.workflow.catalogue.new_files import derive_id

REPO = Path(__file__).resolve().parents[2]
PDF_BYTES = b"%PDF-1.4\n% naskah contoh\n%%EOF\n"

EXISTING_MD = """\
---
judul: Keputusan Nomor 1 Tahun 2024 tentang Contoh
jenis: Keputusan
singkatan_jenis: Kpt
nomor: "1"
tahun: 2024
tanggal_penetapan: 2024-01-08
status: Berlaku
---

ABSTRAK:

- Contoh.
"""

# Enough flags for each document type.
FLAGS: dict[str, list[str]] = {
    "peraturan": ["--judul", "Keputusan Nomor 12 Tahun 2024 tentang Uji", "--jenis", "Keputusan",
                  "--singkatan-jenis", "Kpt", "--nomor", "12", "--tanggal-penetapan", "2024-03-01"],
    "monografi": ["--judul", "Himpunan Peraturan Pemilu", "--tahun", "2023", "--penerbit", "KPU Kota Payakumbuh",
                  "--tempat-terbit", "Payakumbuh"],
    "artikel": ["--judul", "Menata JDIH di Daerah", "--tahun", "2022", "--sumber", "Jurnal Hukum 4(2)",
                "--tempat-terbit", "Padang"],
    "putusan": ["--judul", "Putusan Nomor 5/G/2024/PTUN.PDG", "--nomor", "5/G/2024/PTUN.PDG",
                "--pengadilan", "PTUN Padang", "--tanggal-dibacakan", "2024-05-02"],
}


def make_site(root: Path) -> Path:
    (root / "approvals").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.jdih]\njudul_situs = "JDIH Uji"\nbase_url = "https://jdih.example.go.id/"\n'
        'instansi = "Payakumbuh (Kota). Komisi Pemilihan Umum"\ntempat = "Payakumbuh"\n', encoding="utf-8")
    for name in ("sop.yaml", "petugas.yaml"):
        shutil.copyfile(REPO / "approvals" / name, root / "approvals" / name)
    folder = root / "content" / "keputusan" / "2024"
    folder.mkdir(parents=True)
    (folder / "kpt-1-2024.md").write_text(EXISTING_MD, encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "naskah asli.pdf"
    path.write_bytes(PDF_BYTES)
    return path


def jdih(site: Path, *argv: str) -> Run:
    return run_command(scaffold, "new", site, *argv)


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def front(path: Path) -> dict:
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    assert parts is not None
    return yaml.safe_load(parts[0])


@pytest.fixture
def not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_terminal(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> list[str]:
    """Pretend stdin is a terminal that types `answers`; returns the prompts shown."""
    prompts: list[str] = []
    queue = list(answers)

    def fake_input(prompt: str = "") -> str:
        prompts.append(prompt)
        if not queue:
            raise EOFError
        return queue.pop(0)

    monkeypatch.setattr("sys.stdin", Terminal(""))
    monkeypatch.setattr(builtins, "input", fake_input)
    return prompts


# --------------------------------------------------------------------------------------------------
# flags mode


@pytest.mark.usefixtures("not_a_terminal")
def test_flags_write_a_valid_product_with_its_pdf(site: Path, pdf: Path) -> None:
    result = jdih(site, *FLAGS["peraturan"], "--nomor", "012", "--status", "tidak berlaku",
                  "--subjek", "PEMILU - TIM: PENGELOLA # JDIH", "--subjek", "- KEPUTUSAN",
                  "--bidang-hukum", "Hukum Administrasi Negara", "--pdf", str(pdf))
    assert result.rc == 0, result.err
    md = site / "content" / "keputusan" / "2024" / "kpt-012-2024.md"
    copied = md.with_name("kpt-012-2024.pdf")
    assert "wrote content/keputusan/2024/kpt-012-2024.md\nwrote content/keputusan/2024/kpt-012-2024.pdf\n" in result.out
    assert "jdih approve kpt-012-2024 --step 4 --by " in result.out
    assert copied.read_bytes() == PDF_BYTES
    text = md.read_text(encoding="utf-8")
    assert 'nomor: "012"\n' in text
    assert "ABSTRAK:" in text and "CATATAN:" in text
    assert "KPT NO. 012 TAHUN 2024" in text
    data = front(md)
    assert data["nomor"] == "012" and data["status"] == "Tidak Berlaku" and data["tahun"] == 2024
    assert data["subjek"] == ["PEMILU - TIM: PENGELOLA # JDIH", "- KEPUTUSAN"]
    assert data["berkas"] == ["kpt-012-2024.pdf"]
    loaded, problems = load_site(site)
    assert loaded is not None, problems.sorted()
    product = loaded.product("kpt-012-2024")
    assert product is not None
    assert product.nomor == "012" and product.status == "Tidak Berlaku"
    assert [a.name for a in product.berkas] == ["kpt-012-2024.pdf"]
    assert not [p for p in md.parent.iterdir() if p.name.startswith(".")]   # no temp files left


@pytest.mark.usefixtures("not_a_terminal")
@pytest.mark.parametrize("tipe", TIPE_DOKUMEN)
def test_scaffold_of_each_tipe_validates(site: Path, pdf: Path, tipe: str) -> None:
    result = jdih(site, "--tipe", tipe, *FLAGS[tipe], "--pdf", str(pdf))
    assert result.rc == 0, result.err
    loaded, problems = load_site(site)
    assert loaded is not None, problems.sorted()
    new = [p for p in loaded.products if p.id != "kpt-1-2024"]
    assert len(new) == 1
    assert new[0].tipe_dokumen == tipe
    assert new[0].source.parent.parent.name in ("keputusan", tipe)


@pytest.mark.usefixtures("not_a_terminal")
def test_missing_flags_exit_2_with_the_list(site: Path) -> None:
    before = tree(site)
    result = jdih(site, "--judul", "Sesuatu")
    assert result.rc == 2
    assert "missing required option(s) for tipe_dokumen peraturan: --jenis, --nomor, --tanggal-penetapan, --tahun" \
        in result.err
    assert tree(site) == before


@pytest.mark.usefixtures("not_a_terminal")
def test_missing_flags_depend_on_tipe(site: Path) -> None:
    result = jdih(site, "--tipe", "putusan")
    assert result.rc == 2
    assert "--judul, --nomor, --tanggal-dibacakan, --tahun, --pengadilan" in result.err


@pytest.mark.usefixtures("not_a_terminal")
@pytest.mark.parametrize(("flags", "message"), [
    (["--tanggal-penetapan", "2024-02-30"], "--tanggal-penetapan: '2024-02-30' is not a real date"),
    (["--tahun", "1850"], "--tahun: '1850' is not a year from 1900 to 2100"),
    (["--status", "aktif"], "--status: 'aktif' is not one of: Berlaku, Tidak Berlaku"),
    (["--tipe", "buku"], "--tipe: 'buku' is not one of: peraturan, monografi, artikel, putusan"),
    (["--penerbit", "KPU"], "--penerbit: tipe_dokumen peraturan has no 'penerbit'"),
    (["--id", "Kpt_12"], "--id: 'Kpt_12' is not an id"),
    (["--judul", "baris\nbaru"], "--judul: it contains a line break"),
])
def test_invalid_values_exit_2(site: Path, flags: list[str], message: str) -> None:
    before = tree(site)
    result = jdih(site, *FLAGS["peraturan"], *flags)
    assert result.rc == 2
    assert message in result.err
    assert tree(site) == before


@pytest.mark.usefixtures("not_a_terminal")
def test_a_file_that_is_not_a_pdf_is_refused(site: Path, tmp_path: Path) -> None:
    fake = tmp_path / "naskah.pdf"
    fake.write_text("not a pdf", encoding="utf-8")
    result = jdih(site, *FLAGS["peraturan"], "--pdf", str(fake))
    assert result.rc == 2
    assert f"--pdf: {fake} does not look like a PDF" in result.err


# --------------------------------------------------------------------------------------------------
# ids and existing files


@pytest.mark.usefixtures("not_a_terminal")
def test_duplicate_id_is_refused(site: Path) -> None:
    before = tree(site)
    derived = jdih(site, *FLAGS["peraturan"], "--nomor", "1", "--tanggal-penetapan", "2024-01-08")
    assert derived.rc == 1
    assert "the id 'kpt-1-2024' is already used by content/keputusan/2024/kpt-1-2024.md" in derived.err
    # --force overwrites a file, never another product's id (elsewhere in content/).
    given = jdih(site, *FLAGS["peraturan"], "--jenis", "Surat Edaran", "--id", "kpt-1-2024", "--force")
    assert given.rc == 1
    assert "an id is never reused" in given.err
    assert tree(site) == before


@pytest.mark.usefixtures("not_a_terminal")
def test_id_with_old_signoffs_is_refused(site: Path) -> None:
    (site / "approvals" / "kpt-12-2024").mkdir()
    (site / "approvals" / "kpt-12-2024" / "04-web_admin.yaml").write_text("produk: kpt-12-2024\n", encoding="utf-8")
    result = jdih(site, *FLAGS["peraturan"])
    assert result.rc == 1
    assert "approvals/kpt-12-2024/ already holds sign-offs" in result.err
    assert not (site / "content" / "keputusan" / "2024" / "kpt-12-2024.md").exists()


@pytest.mark.usefixtures("not_a_terminal")
def test_existing_file_is_not_overwritten_without_force(site: Path, pdf: Path) -> None:
    target = site / "content" / "keputusan" / "2024" / "kpt-12-2024.pdf"
    target.write_bytes(b"%PDF-1.4 lama\n")
    refused = jdih(site, *FLAGS["peraturan"], "--pdf", str(pdf))
    assert refused.rc == 1
    assert "content/keputusan/2024/kpt-12-2024.pdf already exists" in refused.err and "--force" in refused.err
    assert target.read_bytes() == b"%PDF-1.4 lama\n"
    assert not target.with_suffix(".md").exists()
    forced = jdih(site, *FLAGS["peraturan"], "--pdf", str(pdf), "--force")
    assert forced.rc == 0, forced.err
    assert target.read_bytes() == PDF_BYTES
    again = jdih(site, *FLAGS["peraturan"], "--judul", "Judul baru", "--force")
    assert again.rc == 0, again.err
    assert front(target.with_suffix(".md"))["judul"] == "Judul baru"


@pytest.mark.usefixtures("not_a_terminal")
def test_scaffold_that_does_not_validate_leaves_nothing(site: Path, pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scaffold, "render_product", lambda *a: "---\njudul: x\nsalah: 1\n---\n")
    before = tree(site)
    result = jdih(site, *FLAGS["peraturan"], "--pdf", str(pdf))
    assert result.rc == 1
    assert "unknown key 'salah'" in result.err
    assert "does not validate, so it was not written" in result.err
    assert tree(site) == before


@pytest.mark.usefixtures("not_a_terminal")
def test_not_a_site_folder(tmp_path: Path) -> None:
    result = jdih(tmp_path, *FLAGS["peraturan"])
    assert result.rc == 1
    assert "pyproject.toml" in result.err and "--site" in result.err


def test_derive_id() -> None:
    values = {"singkatan_jenis": "Kpt", "nomor": "12", "tahun": 2024, "judul": "x"}
    assert derive_id("peraturan", values) == "kpt-12-2024"
    assert derive_id("peraturan", {**values, "nomor": "3/Kpts/KPU/2016", "tahun": 2016}) \
        == "kpt-3-kpts-kpu-2016"
    assert derive_id("peraturan", {"jenis": "Peraturan KPU", "nomor": "7", "tahun": 2022, "judul": "x"}) \
        == "peraturan-kpu-7-2022"
    assert derive_id("monografi", {"judul": "Himpunan Peraturan Pemilu Édisi Kedua", "tahun": 2023}) \
        == "himpunan-peraturan-pemilu-edisi-kedua-2023"
    long = derive_id("monografi", {"singkatan_jenis": "x" * 120, "judul": "y", "tahun": 2023})
    assert len(long) <= 100 and long.endswith("-2023")


# --------------------------------------------------------------------------------------------------
# on a terminal


def test_terminal_asks_for_missing_fields_and_reasks_invalid(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = ["",                    # the PDF: skipped
               "",                    # tipe_dokumen: default peraturan
               "Keputusan tentang Uji Interaktif",
               "Keputusan",
               "7",
               "2024-13-01",          # invalid, asked again
               "2024-04-02",
               "",                    # tahun: default from the date
               "",                    # status: default Berlaku
               "Hukum Administrasi Negara",   # bidang_hukum (optional)
               ""]                    # subjek (optional): skipped
    prompts = on_terminal(monkeypatch, answers)
    result = jdih(site, "--singkatan-jenis", "Kpt")
    assert result.rc == 0, result.err
    assert prompts[0].startswith("PDF") and "Enter to skip" in prompts[0]
    assert prompts[1].startswith("tipe_dokumen") and "[peraturan]" in prompts[1]
    assert [p.split(" ")[0] for p in prompts[1:]] == ["tipe_dokumen", "judul", "jenis", "nomor", "tanggal_penetapan",
                                                      "tanggal_penetapan", "tahun", "status", "bidang_hukum", "subjek"]
    assert "[2024]" in prompts[7] and "[Berlaku]" in prompts[8]
    assert "invalid: '2024-13-01' is not a real date" in result.err
    md = site / "content" / "keputusan" / "2024" / "kpt-7-2024.md"
    data = front(md)
    assert data["judul"] == "Keputusan tentang Uji Interaktif" and data["tahun"] == 2024
    assert data["status"] == "Berlaku" and data["nomor"] == "7"


def test_terminal_asks_for_another_id_when_taken(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # tahun and status have defaults, which a terminal shows and takes on Enter.
    prompts = on_terminal(monkeypatch, ["", "", "", "", "", "kpt-1-2024", "kpt-1a-2024"])
    result = jdih(site, *FLAGS["peraturan"], "--nomor", "1", "--tipe", "peraturan")
    assert result.rc == 0, result.err
    assert "already used by content/keputusan/2024/kpt-1-2024.md" in result.err
    assert [p.split(" ")[0] for p in prompts] == ["PDF", "tahun", "status", "bidang_hukum", "subjek", "id", "id"]
    assert (site / "content" / "keputusan" / "2024" / "kpt-1a-2024.md").is_file()


def test_terminal_input_ending_writes_nothing(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_terminal(monkeypatch, ["peraturan", "Judul"])
    before = tree(site)
    result = jdih(site)
    assert result.rc == 2
    assert "input ended" in result.err
    assert tree(site) == before


# --------------------------------------------------------------------------------------------------
# issue 10: fewer ways to slip

def with_jenis_list(site: Path) -> None:
    settings = site / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8")
                        + '\n[tool.jdih.jenis]\n"Keputusan" = "Kpt"\n"Surat Edaran" = "SE"\n', encoding="utf-8")


def test_a_bad_pdf_is_refused_before_anything_is_asked(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prompts = on_terminal(monkeypatch, ["peraturan"] * 20)
    result = jdih(site, "--pdf", str(tmp_path / "tidak-ada.pdf"))
    assert result.rc == 2 and "--pdf:" in result.err
    assert prompts == []


def test_a_bad_date_does_not_also_report_the_year_missing(site: Path, not_a_terminal: None) -> None:
    args = [a if a != "2024-03-01" else "2024-02-30" for a in FLAGS["peraturan"]]
    result = jdih(site, *args)
    assert result.rc == 2 and "--tanggal-penetapan:" in result.err
    assert "--tahun" not in result.err


def test_an_unknown_jenis_is_refused_with_the_sites_list(site: Path, not_a_terminal: None) -> None:
    with_jenis_list(site)
    args = [a if a != "Keputusan" else "Keputsan" for a in FLAGS["peraturan"]]
    result = jdih(site, *args)
    assert result.rc == 2
    assert "'Keputsan' is not one of the site's jenis; did you mean 'Keputusan'?" in result.err


def test_singkatan_jenis_comes_from_the_list_and_the_id_is_the_same_on_a_terminal(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_jenis_list(site)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    by_flags = jdih(site, "--judul", "Keputusan A", "--jenis", "keputusan", "--nomor", "20",
                    "--tanggal-penetapan", "2024-03-01")
    assert by_flags.rc == 0, by_flags.err
    assert "kpt-20-2024.md" in by_flags.out
    data = front(site / "content" / "keputusan" / "2024" / "kpt-20-2024.md")
    assert data["jenis"] == "Keputusan" and data["singkatan_jenis"] == "Kpt"
    on_terminal(monkeypatch, ["", "", "Keputusan B", "Keputusan", "21", "2024-03-01", "", "", "", ""])
    asked = jdih(site)
    assert asked.rc == 0, asked.err
    assert "kpt-21-2024.md" in asked.out   # the same form of id as with the flags


def test_the_terminal_asks_for_the_pdf_and_checks_it(site: Path, pdf: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    prompts = on_terminal(monkeypatch, [str(tmp_path / "bukan.pdf"), str(pdf), "", "", "", "", ""])
    result = jdih(site, *FLAGS["peraturan"])
    assert result.rc == 0, result.err
    assert [p.split(" ")[0] for p in prompts[:2]] == ["PDF", "PDF"]
    assert "invalid:" in result.err
    assert (site / "content" / "keputusan" / "2024" / "kpt-12-2024.pdf").read_bytes() == PDF_BYTES
