"""CONTRACT 5.6: signatures, in both modes. Keys are made by the real ssh-keygen."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import NOW, WIB, SiteKit

from jdih_build import sshsig
from jdih_build.gate import rules as gate
from jdih_build.load.site import load_site


def keygen(directory: Path, name: str) -> Path:
    assert shutil.which("ssh-keygen"), "ssh-keygen is missing: install the openssh-client package"
    key = directory / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


def make_kit(tmp_path: Path, mode: str) -> tuple[SiteKit, dict[str, Path]]:
    kit = SiteKit.create(tmp_path / "site", signatures=mode)
    keys = {name: keygen(tmp_path, name) for name in ("rina", "budi", "citra", "orang-lain")}
    roster = kit.root / "approvals/petugas.yaml"
    text = roster.read_text()
    for person, key in (("Rina Web", "rina"), ("Budi Admin", "budi"), ("Citra Pengarah", "citra")):
        pub = keys[key].with_suffix(".pub").read_text().strip()
        text = text.replace(f"- nama: {person}\n", f"- nama: {person}\n  kunci_publik: {pub}\n")
    roster.write_text(text)
    kit.add_product("kpt-1")
    return kit, keys


def sign_file(record: Path, key: Path, namespace: str = sshsig.NAMESPACE) -> None:
    signature = sshsig.sign(record.read_bytes(), sshsig.load_private_key(key), namespace=namespace)
    record.with_name(record.name + ".sig").write_bytes(signature)


def sign_all(kit: SiteKit, keys: dict[str, Path]) -> None:
    for step, key in ((2, "rina"), (3, "budi"), (4, "citra")):
        sign_file(kit.sign("kpt-1", step), keys[key])


def verdict(kit: SiteKit) -> gate.Verdict:
    site, problems = load_site(kit.root)
    assert site is not None, problems.sorted()
    return gate.evaluate(site, NOW).verdicts[0]


def test_wajib_with_valid_signatures_publishes(tmp_path: Path) -> None:
    kit, keys = make_kit(tmp_path, "wajib")
    sign_all(kit, keys)
    assert verdict(kit).published


def test_wajib_without_signature_withholds(tmp_path: Path) -> None:
    kit, keys = make_kit(tmp_path, "wajib")
    sign_all(kit, keys)
    (kit.root / "approvals/kpt-1/04-pengarah.yaml.sig").unlink()
    v = verdict(kit)
    assert {f.rule for f in v.failures} == {gate.RULE_SIGNATURE} and "no signature" in v.failures[0].message


def test_opsional_without_signature_publishes(tmp_path: Path) -> None:
    kit, _ = make_kit(tmp_path, "opsional")
    kit.sign_all("kpt-1")
    assert verdict(kit).published


@pytest.mark.parametrize("mode", ["opsional", "wajib"])
def test_signature_by_another_key_voids(tmp_path: Path, mode: str) -> None:
    kit, keys = make_kit(tmp_path, mode)
    sign_all(kit, keys)
    sign_file(kit.root / "approvals/kpt-1/04-pengarah.yaml", keys["orang-lain"])
    v = verdict(kit)
    assert {f.rule for f in v.failures} == {gate.RULE_SIGNATURE} and "does not verify" in v.failures[0].message


@pytest.mark.parametrize("mode", ["opsional", "wajib"])
def test_record_changed_after_signing_voids(tmp_path: Path, mode: str) -> None:
    kit, keys = make_kit(tmp_path, mode)
    sign_all(kit, keys)
    record = kit.root / "approvals/kpt-1/03-administrator.yaml"
    record.write_text(record.read_text() + 'catatan: "ditambah setelah ditandatangani"\n')
    assert {f.rule for f in verdict(kit).failures} == {gate.RULE_SIGNATURE}


def test_signature_in_another_namespace_voids(tmp_path: Path) -> None:
    kit, keys = make_kit(tmp_path, "wajib")
    sign_all(kit, keys)
    sign_file(kit.root / "approvals/kpt-1/02-web_admin.yaml", keys["rina"], namespace="git")
    v = verdict(kit)
    assert {f.rule for f in v.failures} == {gate.RULE_SIGNATURE} and "namespace" in v.failures[0].message


def test_signed_record_by_person_without_enrolled_key_voids(tmp_path: Path) -> None:
    kit, keys = make_kit(tmp_path, "opsional")
    kit.sign_all("kpt-1")
    record = kit.sign("kpt-1", 3, by="Budi Admin")
    roster = kit.root / "approvals/petugas.yaml"
    roster.write_text("\n".join(line for line in roster.read_text().splitlines()
                                if "budi" not in line) + "\n")
    sign_file(record, keys["budi"])
    v = verdict(kit)
    assert {f.rule for f in v.failures} == {gate.RULE_SIGNATURE} and "no kunci_publik" in v.failures[0].message


def test_key_used_after_its_holder_left_is_refused(tmp_path: Path) -> None:
    """A key is valid only while its holder is active: a signature dated after aktif_sampai fails."""
    kit, keys = make_kit(tmp_path, "wajib")
    sign_all(kit, keys)
    roster = kit.root / "approvals/petugas.yaml"
    roster.write_text(roster.read_text().replace("- nama: Citra Pengarah\n", "- nama: Citra Pengarah\n  aktif_sampai: 2024-01-31\n"))
    record = kit.sign("kpt-1", 4, when=datetime(2024, 2, 1, 13, 0, tzinfo=WIB))
    sign_file(record, keys["citra"])
    v = verdict(kit)
    assert not v.published and {f.rule for f in v.failures} == {gate.RULE_ROLE}


def test_wajib_policy_requires_enrolled_keys(tmp_path: Path) -> None:
    kit = SiteKit.create(tmp_path / "site", signatures="wajib")
    site, problems = load_site(kit.root)
    assert site is None and any("kunci_publik" in p.message for p in problems.items)
