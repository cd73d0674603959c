"""`jdih approve`: every refusal writes nothing and says why; an approval writes what the gate counts."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sitekit import Run, run_command

from jdih_build.gate.rules import evaluate
from jdih_build.load.problems import Problems
from jdih_build.load.signoffs import RECORD_KEYS, read_signoff
from jdih_build.load.site import load_site
from jdih_build.workflow.signing import approve, signoff_file
from jdih_build.workflow.signing.signoff_file import yaml_quote

REPO = Path(__file__).resolve().parents[2]
PRODUCT = "kpt-1-2024"
RECORDS = Path("approvals") / PRODUCT

ROSTER = """\
- nama: Wina Web
  nip: "199001012015032001"
  peran: [web_admin]
  aktif_sejak: 2023-01-01
- nama: Adi Admin
  nip: "198801012010121002"
  peran: [administrator]
  aktif_sejak: 2023-01-01
- nama: Pandu Penanggung
  nip: "197901012005031003"
  peran: [penanggung_jawab]
  aktif_sejak: 2023-01-01
- nama: Pita Pengarah
  nip: "198301012009022004"
  peran: [pengarah]
  aktif_sejak: 2023-01-01
- nama: Dua Peran
  nip: "199101012019031005"
  peran: [web_admin, administrator]
  aktif_sejak: 2023-01-01
- nama: Sari Pengusul
  nip: "199201012020122006"
  peran: [sub_bagian_pengusul]
  aktif_sejak: 2023-01-01
- nama: Lama Admin
  nip: "198101012006041007"
  peran: [administrator]
  aktif_sejak: 2019-01-01
  aktif_sampai: 2022-12-31
"""

PRODUCT_MD = """\
---
judul: Keputusan Nomor 1 Tahun 2024 tentang Contoh
jenis: Keputusan
singkatan_jenis: Kpt
nomor: "1"
tahun: 2024
tanggal_penetapan: 2024-01-08
status: Berlaku
berkas:
  - kpt-1-2024.pdf
---

ABSTRAK:

- Contoh.
"""

# The four validation steps of the shipped SOP, with a signer and a time each.
CHAIN = [(4, "Wina Web", "2024-01-09T09:00:00+07:00"), (5, "Adi Admin", "2024-01-09T09:30:00+07:00"),
         (7, "Pandu Penanggung", "2024-01-09T10:00:00+07:00"), (8, "Pita Pengarah", "2024-01-09T10:30:00+07:00")]


def make_site(root: Path, wajib: bool = False, keys: dict[str, str] | None = None) -> Path:
    """A small valid site: the shipped SOP, a roster of our own, one product with its PDF."""
    (root / "approvals").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.jdih]\njudul_situs = "JDIH Uji"\nbase_url = "https://jdih.example.go.id/"\n'
        'instansi = "Payakumbuh (Kota). Komisi Pemilihan Umum"\ntempat = "Payakumbuh"\n', encoding="utf-8")
    sop = (REPO / "approvals" / "sop.yaml").read_text(encoding="utf-8")
    if wajib:
        sop = sop.replace("tanda_tangan: opsional", "tanda_tangan: wajib")
        assert "tanda_tangan: wajib" in sop
    (root / "approvals" / "sop.yaml").write_text(sop, encoding="utf-8")
    roster = ROSTER
    for name, line in (keys or {}).items():
        roster = roster.replace(f"- nama: {name}\n", f"- nama: {name}\n  kunci_publik: {line.strip()}\n")
    (root / "approvals" / "petugas.yaml").write_text(roster, encoding="utf-8")
    folder = root / "content" / "keputusan" / "2024"
    folder.mkdir(parents=True)
    (folder / f"{PRODUCT}.md").write_text(PRODUCT_MD, encoding="utf-8")
    (folder / f"{PRODUCT}.pdf").write_bytes(b"%PDF-1.4\n% sample\n%%EOF\n")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


def jdih(site: Path, *argv: str) -> Run:
    return run_command(approve, "approve", site, *argv)


def files(site: Path) -> dict[str, bytes]:
    approvals = site / "approvals"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(approvals.rglob("*")) if p.is_file()}


def refused(site: Path, *argv: str) -> str:
    """Run a command that must be refused: exit 1, nothing written; returns stderr."""
    before = files(site)
    result = jdih(site, *argv)
    assert result.rc == 1, result
    assert files(site) == before
    assert not (site / RECORDS).exists() or before
    assert "nothing was written" in result.err
    return result.err


def sign_chain(site: Path, upto: int) -> None:
    for step, name, at in CHAIN:
        if step > upto:
            break
        result = jdih(site, PRODUCT, "--step", str(step), "--by", name, "--at", at)
        assert result.rc == 0, result.err


def published(site: Path) -> bool:
    loaded, problems = load_site(site)
    assert loaded is not None, problems.sorted()
    return PRODUCT in {p.id for p in evaluate(loaded, datetime.now(UTC)).published}


# --------------------------------------------------------------------------------------------------
# keys


def ssh_keygen() -> str:
    path = shutil.which("ssh-keygen")
    if path is None:
        pytest.fail("ssh-keygen not found: install the OpenSSH client (apt-get install openssh-client)")
    return path


def make_key(folder: Path, name: str, passphrase: str = "") -> tuple[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    private = folder / name
    done = subprocess.run([ssh_keygen(), "-q", "-t", "ed25519", "-N", passphrase, "-C", f"{name}@kpu.example",
                           "-f", str(private)], capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return private, private.with_name(name + ".pub").read_text(encoding="ascii").strip()


# --------------------------------------------------------------------------------------------------
# the fixture itself


def test_fixture_site_is_valid_and_withheld(site: Path) -> None:
    assert not published(site)


# --------------------------------------------------------------------------------------------------
# refusals: one per reason, each writing nothing


def test_refuses_invalid_site_and_prints_problems(site: Path) -> None:
    md = site / "content" / "keputusan" / "2024" / f"{PRODUCT}.md"
    md.write_text(PRODUCT_MD.replace("status: Berlaku", "statu: Berlaku"), encoding="utf-8")
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Web")
    assert "content/keputusan/2024/kpt-1-2024.md:" in err
    assert "unknown key 'statu'" in err
    assert "jdih check" in err


def test_refuses_unknown_product_with_suggestion(site: Path) -> None:
    err = refused(site, "kpt-1-2042", "--step", "4", "--by", "Wina Web")
    assert "no product has the id 'kpt-1-2042'" in err
    assert "did you mean 'kpt-1-2024'?" in err


def test_refuses_step_not_in_sop(site: Path) -> None:
    err = refused(site, PRODUCT, "--step", "11", "--by", "Wina Web")
    assert "approvals/sop.yaml: the SOP has no step 11" in err
    assert "from 1 to 10" in err


def test_refuses_name_not_on_roster_with_suggestion(site: Path) -> None:
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Webb")
    assert "approvals/petugas.yaml: 'Wina Webb' is not on the roster" in err
    assert "did you mean 'Wina Web'?" in err


def test_refuses_person_without_the_role(site: Path) -> None:
    err = refused(site, PRODUCT, "--step", "4", "--by", "Adi Admin", "--at", CHAIN[0][2])
    assert "Adi Admin does not hold the role 'web_admin' that step 4 needs" in err
    assert "--by 'Dua Peran'" in err


def test_refuses_person_not_active_at_waktu(site: Path) -> None:
    sign_chain(site, 4)
    err = refused(site, PRODUCT, "--step", "5", "--by", "Lama Admin", "--at", "2024-01-09T09:30:00+07:00")
    assert "Lama Admin is not active on 2024-01-09 (active 2019-01-01 to 2022-12-31)" in err


def test_refuses_when_an_earlier_validation_step_is_missing(site: Path) -> None:
    err = refused(site, PRODUCT, "--step", "5", "--by", "Adi Admin", "--at", CHAIN[1][2])
    assert "rule 5.0: step 4" in err
    assert "has no sign-off by a web_admin" in err


def test_refuses_when_an_earlier_approval_no_longer_counts(site: Path) -> None:
    sign_chain(site, 4)
    pdf = site / "content" / "keputusan" / "2024" / f"{PRODUCT}.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"% changed\n")
    err = refused(site, PRODUCT, "--step", "5", "--by", "Adi Admin", "--at", CHAIN[1][2])
    assert "approvals/kpt-1-2024/04-web_admin.yaml: rule 5.3: step 4" in err
    assert "signed for other bytes than it has now (edited since, or signed on a checkout that was not up to date): kpt-1-2024.pdf" in err


def test_refuses_second_validation_step_by_the_same_person(site: Path) -> None:
    result = jdih(site, PRODUCT, "--step", "4", "--by", "Dua Peran", "--at", CHAIN[0][2])
    assert result.rc == 0, result.err
    err = refused(site, PRODUCT, "--step", "5", "--by", "Dua Peran", "--at", CHAIN[1][2])
    assert "rule 5.5" in err
    assert "Dua Peran also signed step 4" in err
    assert "(this sign-off)" in err


def test_refuses_waktu_in_the_future(site: Path) -> None:
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", "2999-01-01T09:00:00+07:00")
    assert "--at: waktu 2999-01-01T09:00:00+07:00 is in the future" in err


def test_refuses_waktu_without_offset(site: Path) -> None:
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", "2024-01-09T09:00:00")
    assert "--at: '2024-01-09T09:00:00' has no UTC offset" in err
    assert "+07:00" in err


def test_refuses_waktu_that_is_not_a_time(site: Path) -> None:
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", "kemarin")
    assert "'kemarin' is not an ISO 8601 date-time" in err


def test_refuses_waktu_before_the_previous_step(site: Path) -> None:
    sign_chain(site, 4)
    err = refused(site, PRODUCT, "--step", "5", "--by", "Adi Admin", "--at", "2024-01-09T08:00:00+07:00")
    assert "approvals/kpt-1-2024/04-web_admin.yaml: waktu 2024-01-09T08:00:00+07:00 is before the previous step's" in err


def test_refuses_record_older_than_the_latest_of_its_step(site: Path) -> None:
    sign_chain(site, 4)
    err = refused(site, PRODUCT, "--step", "4", "--by", "Dua Peran", "--at", "2024-01-09T08:59:00+07:00")
    assert "step 4 already has a record at 2024-01-09T09:00:00+07:00" in err
    assert "only the latest record of a step counts" in err


def test_refuses_rejection_without_note(site: Path) -> None:
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--reject", "--at", CHAIN[0][2])
    assert "--reject: a rejection needs a reason" in err
    assert "--note" in err


def test_refuses_unsigned_when_the_sop_requires_signatures(tmp_path: Path) -> None:
    _, line = make_key(tmp_path / "keys", "any")
    site = make_site(tmp_path / "site", wajib=True,
                     keys={n: line for n in ("Wina Web", "Adi Admin", "Pandu Penanggung", "Pita Pengarah")})
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", CHAIN[0][2])
    assert "approvals/sop.yaml: the SOP requires signed sign-offs (tanda_tangan: wajib)" in err
    assert "--key" in err


def test_refuses_a_key_that_is_not_the_signers(tmp_path: Path) -> None:
    _, wina = make_key(tmp_path / "keys", "wina")
    adi_private, _ = make_key(tmp_path / "keys", "adi")
    site = make_site(tmp_path / "site", keys={"Wina Web": wina})
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", CHAIN[0][2], "--key", str(adi_private))
    assert "is not Wina Web's kunci_publik in approvals/petugas.yaml" in err
    assert str(adi_private) in err


def test_refuses_a_key_for_a_signer_without_kunci_publik(site: Path, tmp_path: Path) -> None:
    private, _ = make_key(tmp_path / "keys", "wina")
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", CHAIN[0][2], "--key", str(private))
    assert "approvals/petugas.yaml: Wina Web has no kunci_publik" in err


def test_refuses_an_unreadable_key_file(site: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-key"
    bogus.write_text("hello\n", encoding="ascii")
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", CHAIN[0][2], "--key", str(bogus))
    assert f"{bogus}: cannot use the key" in err


def test_refuses_a_protected_key_without_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private, line = make_key(tmp_path / "keys", "wina", passphrase="rahasia-sekali")
    site = make_site(tmp_path / "site", keys={"Wina Web": line})
    monkeypatch.delenv(approve.PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))   # not a terminal: nobody to ask
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", CHAIN[0][2], "--key", str(private))
    assert "protected by a passphrase" in err
    assert approve.PASSPHRASE_ENV in err


# --------------------------------------------------------------------------------------------------
# approvals that are written


def test_chain_of_approvals_publishes_after_the_last_step(site: Path) -> None:
    outputs = []
    for step, name, at in CHAIN:
        assert not published(site)
        result = jdih(site, PRODUCT, "--step", str(step), "--by", name, "--at", at)
        assert result.rc == 0, result.err
        outputs.append(result.out)
    assert published(site)
    assert "wrote approvals/kpt-1-2024/04-web_admin.yaml" in outputs[0]
    assert "next: step 5" in outputs[0] and "may sign: Adi Admin, Dua Peran\n" in outputs[0]
    assert "passes the gate" in outputs[-1]
    record = (site / RECORDS / "08-pengarah.yaml").read_text(encoding="utf-8")
    assert record.splitlines()[:6] == ["produk: kpt-1-2024", "langkah: 8", "peran: pengarah", 'oleh: "Pita Pengarah"',
                                       "keputusan: disetujui", "waktu: 2024-01-09T10:30:00+07:00"]


def test_next_step_lists_who_may_sign(site: Path) -> None:
    result = jdih(site, PRODUCT, "--step", "4", "--by", "Dua Peran", "--at", CHAIN[0][2])
    assert result.rc == 0, result.err
    # Dua Peran holds administrator too, but signed step 4: pemisahan_tugas leaves only Adi Admin.
    assert "may sign: Adi Admin\n" in result.out
    assert "jdih approve kpt-1-2024 --step 5 --by 'Adi Admin'" in result.out


def test_record_has_the_current_hashes_and_round_trips(site: Path) -> None:
    note = "- catatan: ada \"kutip\" # bukan komentar\\ lalu: baris baru\nterakhir é ✓"
    result = jdih(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", CHAIN[0][2], "--note", note)
    assert result.rc == 0, result.err
    path = site / RECORDS / "04-web_admin.yaml"
    loaded, _ = load_site(site)
    assert loaded is not None
    product = loaded.product(PRODUCT)
    assert product is not None
    problems = Problems(site)
    record = read_signoff(path, PRODUCT, problems)
    assert not problems, problems.sorted()
    assert record is not None
    assert record.catatan == note
    assert record.berkas_map == product.file_hashes
    assert record.waktu == datetime.fromisoformat(CHAIN[0][2])
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["catatan"] == note   # any YAML reader agrees
    assert list(yaml.safe_load(path.read_text(encoding="utf-8"))) == list(RECORD_KEYS)


def test_rejection_is_written_and_withholds(site: Path) -> None:
    sign_chain(site, 8)
    assert published(site)
    result = jdih(site, PRODUCT, "--step", "8", "--by", "Pita Pengarah", "--reject", "--note", "Judul salah ketik",
                  "--at", "2024-01-10T08:00:00+07:00")
    assert result.rc == 0, result.err
    path = site / RECORDS / "08-pengarah-2.yaml"
    assert "keputusan: ditolak" in path.read_text(encoding="utf-8")
    assert 'catatan: "Judul salah ketik"' in path.read_text(encoding="utf-8")
    assert "withheld: step 8 was rejected" in result.out
    assert not published(site)


def test_rejection_needs_only_role_and_activity(site: Path) -> None:
    # Step 4 is not signed, yet the administrator may reject at step 5.
    result = jdih(site, PRODUCT, "--step", "5", "--by", "Adi Admin", "--reject", "--note", "Lampiran kurang",
                  "--at", CHAIN[1][2])
    assert result.rc == 0, result.err
    assert (site / RECORDS / "05-administrator.yaml").is_file()
    err = refused(site, PRODUCT, "--step", "5", "--by", "Wina Web", "--reject", "--note", "x",
                  "--at", "2024-01-09T11:00:00+07:00")
    assert "does not hold the role 'administrator'" in err


def test_second_record_of_a_step_gets_a_suffix_and_counts(site: Path) -> None:
    sign_chain(site, 4)
    again = jdih(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", "2024-01-09T09:10:00+07:00", "--note", "lagi")
    assert again.rc == 0, again.err
    third = jdih(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", "2024-01-09T09:20:00+07:00")
    assert third.rc == 0, third.err
    assert sorted(p.name for p in (site / RECORDS).iterdir()) == [
        "04-web_admin-2.yaml", "04-web_admin-3.yaml", "04-web_admin.yaml"]
    assert "wrote approvals/kpt-1-2024/04-web_admin-3.yaml" in third.out


def test_non_validation_step_is_recorded_with_role_checks(site: Path) -> None:
    ok = jdih(site, PRODUCT, "--step", "1", "--by", "Sari Pengusul", "--at", "2024-01-09T08:00:00+07:00")
    assert ok.rc == 0, ok.err
    assert (site / RECORDS / "01-sub_bagian_pengusul.yaml").is_file()
    assert "next: step 4" in ok.out
    err = refused(site, PRODUCT, "--step", "2", "--by", "Wina Web", "--at", "2024-01-09T08:05:00+07:00")
    assert "does not hold the role 'sub_bagian_pengusul'" in err


def test_default_waktu_is_now_with_offset(site: Path) -> None:
    result = jdih(site, PRODUCT, "--step", "4", "--by", "Wina Web")
    assert result.rc == 0, result.err
    text = (site / RECORDS / "04-web_admin.yaml").read_text(encoding="utf-8")
    waktu = datetime.fromisoformat(next(line for line in text.splitlines() if line.startswith("waktu: "))[7:])
    assert waktu.tzinfo is not None and waktu.microsecond == 0
    assert abs((datetime.now(UTC) - waktu).total_seconds()) < 60
    assert waktu.utcoffset() == timedelta(hours=7)   # the default zona_waktu, Asia/Jakarta (WIB)


@pytest.mark.parametrize("machine_zone", ["UTC", "America/New_York"])
def test_default_waktu_follows_the_sites_zone_not_the_computers(site: Path, machine_zone: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 10: on a UTC machine (a CI runner) the record said +00:00; it says the office's clock."""
    import time

    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    settings = site / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + 'zona_waktu = "Asia/Jayapura"\n', encoding="utf-8")
    try:
        result = jdih(site, PRODUCT, "--step", "4", "--by", "Wina Web")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert result.rc == 0, result.err
    text = (site / RECORDS / "04-web_admin.yaml").read_text(encoding="utf-8")
    assert "+09:00" in next(line for line in text.splitlines() if line.startswith("waktu: "))


# --------------------------------------------------------------------------------------------------
# signatures


def ssh_verify(folder: Path, public_line: str, record: Path) -> subprocess.CompletedProcess[bytes]:
    signers = folder / "allowed_signers"
    signers.write_text(f"signer@kpu.example {public_line}\n", encoding="ascii")
    return subprocess.run([ssh_keygen(), "-Y", "verify", "-f", str(signers), "-I", "signer@kpu.example",
                           "-n", "jdih-approval", "-s", f"{record}.sig"],
                          input=record.read_bytes(), capture_output=True, timeout=60, check=False)


def test_key_writes_a_signature_that_ssh_keygen_accepts(tmp_path: Path) -> None:
    private, line = make_key(tmp_path / "keys", "wina")
    site = make_site(tmp_path / "site", keys={"Wina Web": line})
    result = jdih(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", CHAIN[0][2], "--key", str(private))
    assert result.rc == 0, result.err
    record = site / RECORDS / "04-web_admin.yaml"
    assert "wrote approvals/kpt-1-2024/04-web_admin.yaml.sig" in result.out
    done = ssh_verify(tmp_path, line, record)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"Good")


def test_signed_chain_publishes_under_wajib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = {name: make_key(tmp_path / "keys", name.split()[0].lower(), passphrase="kata sandi")
            for _, name, _ in CHAIN}
    site = make_site(tmp_path / "site", wajib=True, keys={name: line for name, (_, line) in keys.items()})
    monkeypatch.setenv(approve.PASSPHRASE_ENV, "kata sandi")
    for step, name, at in CHAIN:
        result = jdih(site, PRODUCT, "--step", str(step), "--by", name, "--at", at, "--key", str(keys[name][0]))
        assert result.rc == 0, result.err
    assert published(site)


def test_no_yaml_is_left_without_its_sig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private, line = make_key(tmp_path / "keys", "wina")
    site = make_site(tmp_path / "site", keys={"Wina Web": line})
    real = signoff_file.write_new_file

    def fail_on_yaml(path: Path, data: bytes) -> None:
        if path.suffix == ".yaml":
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(signoff_file, "write_new_file", fail_on_yaml)
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", CHAIN[0][2], "--key", str(private))
    assert "cannot write the sign-off: No space left on device" in err
    assert not (site / RECORDS).exists()


# --------------------------------------------------------------------------------------------------
# the YAML quoting on its own


@pytest.mark.parametrize("text", ["a: b", "# x", "- y", "'q'", '"dq"', "back\\slash", "null", "yes", "012",
                                  "tab\there", "line\nbreak", "\u2028sep", "\x7fdel", "emoji 😀", " lead", "trail "])
def test_yaml_quote_round_trips(text: str) -> None:
    assert yaml.safe_load(f"k: {yaml_quote(text)}\n")["k"] == text


# --------------------------------------------------------------------------------------------------
# batches (issue 10): several ids, --waiting


def add_product(site: Path, product_id: str) -> None:
    folder = site / "content" / "keputusan" / "2024"
    (folder / f"{product_id}.md").write_text(PRODUCT_MD.replace("kpt-1-2024.pdf", f"{product_id}.pdf")
                                             .replace("Nomor 1 Tahun", f"Nomor {product_id} Tahun"), encoding="utf-8")
    (folder / f"{product_id}.pdf").write_bytes(b"%PDF-1.4\n% " + product_id.encode() + b"\n%%EOF\n")


def chain_for(site: Path, product_id: str, upto: int) -> None:
    for step, name, at in CHAIN:
        if step > upto:
            break
        assert jdih(site, product_id, "--step", str(step), "--by", name, "--at", at).rc == 0


def test_several_ids_sign_the_same_step_of_each(site: Path) -> None:
    add_product(site, "kpt-2-2024")
    chain_for(site, PRODUCT, 7)
    chain_for(site, "kpt-2-2024", 7)
    result = jdih(site, PRODUCT, "kpt-2-2024", "--step", "8", "--by", "Pita Pengarah", "--at", "2024-01-09T11:00:00+07:00")
    assert result.rc == 0, result.err
    assert (site / RECORDS / "08-pengarah.yaml").is_file()
    assert (site / "approvals" / "kpt-2-2024" / "08-pengarah.yaml").is_file()
    assert "signed 2 of 2 product(s)" in result.out
    assert published(site)


def test_a_refused_product_in_a_batch_gets_nothing_and_the_rest_are_signed(site: Path) -> None:
    add_product(site, "kpt-2-2024")
    chain_for(site, PRODUCT, 7)
    chain_for(site, "kpt-2-2024", 5)   # step 7 missing: step 8 must be refused for it
    result = jdih(site, PRODUCT, "kpt-2-2024", "--step", "8", "--by", "Pita Pengarah", "--at", "2024-01-09T11:00:00+07:00")
    assert result.rc == 1
    assert (site / RECORDS / "08-pengarah.yaml").is_file()
    assert not (site / "approvals" / "kpt-2-2024" / "08-pengarah.yaml").exists()
    assert "approve refused for kpt-2-2024: nothing was written" in result.err
    assert "refused (nothing written for them): kpt-2-2024" in result.out


def test_waiting_signs_every_product_whose_next_step_it_is(site: Path) -> None:
    add_product(site, "kpt-2-2024")
    add_product(site, "kpt-3-2024")
    chain_for(site, PRODUCT, 7)
    chain_for(site, "kpt-2-2024", 7)
    chain_for(site, "kpt-3-2024", 4)   # waits for step 5, not 8
    result = jdih(site, "--waiting", "--step", "8", "--by", "Pita Pengarah", "--at", "2024-01-09T11:00:00+07:00")
    assert result.rc == 0, result.err
    assert sorted(p.parent.name for p in (site / "approvals").glob("*/08-pengarah.yaml")) == [PRODUCT, "kpt-2-2024"]
    assert not (site / "approvals" / "kpt-3-2024" / "08-pengarah.yaml").exists()


def test_waiting_with_nothing_to_sign_says_so(site: Path) -> None:
    result = jdih(site, "--waiting", "--step", "8", "--by", "Pita Pengarah")
    assert result.rc == 0 and "no product waits for step 8" in result.out
    assert not (site / RECORDS).exists()


def test_ids_and_waiting_together_or_neither_is_a_usage_error(site: Path) -> None:
    assert jdih(site, PRODUCT, "--waiting", "--step", "8", "--by", "Pita Pengarah").rc == 2
    assert jdih(site, "--step", "8", "--by", "Pita Pengarah").rc == 2


def test_a_first_name_suggests_the_full_roster_name(site: Path) -> None:
    err = refused(site, PRODUCT, "--step", "4", "--by", "Wina")
    assert "did you mean 'Wina Web'?" in err


# --------------------------------------------------------------------------------------------------
# issue 19: the upload step, and the suggested commands under tanda_tangan: wajib


def test_the_upload_step_is_refused_before_every_validasi_step_is_signed(site: Path) -> None:
    sign_chain(site, upto=5)                                   # steps 4 and 5 of 4, 5, 7, 8
    err = refused(site, PRODUCT, "--step", "10", "--by", "Wina Web", "--at", "2024-01-09T11:00:00+07:00")
    assert "step 10" in err and "7, 8" in err and "jdih status kpt-1-2024" in err
    for step, name, at in CHAIN[2:]:
        assert jdih(site, PRODUCT, "--step", str(step), "--by", name, "--at", at).rc == 0
    result = jdih(site, PRODUCT, "--step", "10", "--by", "Wina Web", "--at", "2024-01-09T11:00:00+07:00")
    assert result.rc == 0, result.err


def test_suggestions_carry_the_key_where_signatures_are_wajib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = {name: make_key(tmp_path / "keys", name.split()[0].lower()) for _, name, _ in CHAIN}
    site = make_site(tmp_path / "site", wajib=True, keys={name: line for name, (_, line) in keys.items()})
    result = jdih(site, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", CHAIN[0][2], "--key", str(keys["Wina Web"][0]))
    assert result.rc == 0, result.err
    assert "jdih approve kpt-1-2024 --step 5 --by 'Adi Admin' --key KEYFILE" in result.out, result.out
    loaded, _problems = load_site(site)
    assert loaded is not None
    verdict = evaluate(loaded, datetime.now(UTC)).verdicts[0]
    assert all("--key KEYFILE" in f.fix for f in verdict.failures if f.rule == "5.0")
    plain = make_site(tmp_path / "plain")
    result = jdih(plain, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", CHAIN[0][2])
    assert "--key" not in result.out


def test_a_signer_behind_the_upstream_is_warned(tmp_path: Path) -> None:
    """Issue 19: approve on a stale checkout says so (the upstream as the last fetch saw it)."""
    def git(cwd: Path, *args: str) -> None:
        subprocess.run(["git", "-C", str(cwd), "-c", "user.name=U", "-c", "user.email=u@x", "-c", "commit.gpgsign=false",
                        *args], check=True, capture_output=True)

    origin = make_site(tmp_path / "origin")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "one")
    subprocess.run(["git", "clone", "-q", str(origin), str(tmp_path / "clone")], check=True)
    clone = tmp_path / "clone"
    result = jdih(clone, PRODUCT, "--step", "4", "--by", "Wina Web", "--at", CHAIN[0][2])
    assert result.rc == 0 and "behind" not in result.err, result.err
    (origin / "README").write_text("baru\n")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "two")
    git(clone, "fetch", "-q")
    result = jdih(clone, PRODUCT, "--step", "5", "--by", "Adi Admin", "--at", CHAIN[1][2])
    assert result.rc == 0
    assert "1 commit(s) behind origin/main" in result.err and "git pull" in result.err
