"""The trust root: with JDIH_ROOT_KEYS set, an SOP or roster not signed by a root key fails the build;
without it, the policy is trusted as the repository holds it (both modes tested)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hostile import assert_refused, good_site
from sitekit import NOW, SiteKit, run_command, tree_bytes

from jdih_build.load.trust import POLICY_NAMESPACE, ROOT_KEYS_ENV
from jdih_build.pipeline import build
from jdih_build.workflow.signing import sign_policy


def keygen(tmp_path: Path, name: str) -> Path:
    key = tmp_path / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


@pytest.fixture
def root_key(tmp_path: Path) -> Path:
    return keygen(tmp_path, "sekretaris")


def signed_site(kit: SiteKit, key: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    out = good_site(kit)
    run = run_command(sign_policy, "sign-policy", kit.root, "--key", str(key))
    assert run.rc == 0, run.err
    monkeypatch.setenv(ROOT_KEYS_ENV, key.with_suffix(".pub").read_text())
    assert build(kit.root, out, NOW).ok
    return out


def test_signed_policy_builds_and_verifies_with_ssh_keygen(kit: SiteKit, root_key: Path, monkeypatch) -> None:
    signed_site(kit, root_key, monkeypatch)
    allowed = kit.root / "allowed"
    allowed.write_text("root " + root_key.with_suffix(".pub").read_text())
    for name in ("sop.yaml", "petugas.yaml"):
        policy = kit.root / "approvals" / name
        check = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", "root", "-n", POLICY_NAMESPACE,
                                "-s", f"{policy}.sig"], input=policy.read_bytes(), capture_output=True)
        assert check.returncode == 0, check.stderr


def test_a_roster_with_a_swapped_in_key_fails_the_build(kit: SiteKit, root_key: Path, monkeypatch, tmp_path) -> None:
    out = signed_site(kit, root_key, monkeypatch)
    attacker = keygen(tmp_path, "penyerang")
    roster = kit.root / "approvals" / "petugas.yaml"
    roster.write_text(roster.read_text().replace("  peran: [pengarah]\n",
                                                 f"  peran: [pengarah]\n  kunci_publik: {attacker.with_suffix('.pub').read_text().strip()}\n", 1))
    assert_refused(kit, out, "approvals/petugas.yaml", "not signed by a root key")


def test_a_dropped_sop_step_fails_the_build(kit: SiteKit, root_key: Path, monkeypatch) -> None:
    out = signed_site(kit, root_key, monkeypatch)
    sop = kit.root / "approvals" / "sop.yaml"
    text = sop.read_text()
    assert ", validasi: true, mutu_baku: 30}\n  - {no: 4" in text
    sop.write_text(text.replace(", validasi: true, mutu_baku: 30}\n  - {no: 4", ", mutu_baku: 30}\n  - {no: 4"))
    assert_refused(kit, out, "approvals/sop.yaml", "not signed by a root key")


def test_a_policy_signed_by_another_key_or_namespace_fails(kit: SiteKit, root_key: Path, monkeypatch, tmp_path) -> None:
    out = signed_site(kit, root_key, monkeypatch)
    attacker = keygen(tmp_path, "penyerang")
    sop = kit.root / "approvals" / "sop.yaml"
    (sop.parent / "sop.yaml.sig").unlink()
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-f", str(attacker), "-n", POLICY_NAMESPACE, str(sop)], check=True,
                   capture_output=True)
    assert_refused(kit, out, "approvals/sop.yaml", "which is not a root key")
    (sop.parent / "sop.yaml.sig").unlink()
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-f", str(root_key), "-n", "jdih-approval", str(sop)], check=True,
                   capture_output=True)   # a sign-off signature replayed as a policy signature
    assert_refused(kit, out, "approvals/sop.yaml", "does not verify")
    (sop.parent / "sop.yaml.sig").unlink()
    assert_refused(kit, out, "approvals/sop.yaml", "has no root signature")


def test_root_keys_from_a_file_and_bad_values_fail_closed(kit: SiteKit, root_key: Path, monkeypatch) -> None:
    out = signed_site(kit, root_key, monkeypatch)
    monkeypatch.setenv(ROOT_KEYS_ENV, str(root_key.with_suffix(".pub")))
    assert build(kit.root, out, NOW).ok
    for value in ("/nonexistent/keys.pub", "ssh-ed25519 bukan-kunci", "# only a comment"):
        monkeypatch.setenv(ROOT_KEYS_ENV, value)
        assert_refused(kit, out, "approvals/sop.yaml", "root keys cannot be used")


def test_without_root_keys_the_policy_is_trusted_as_committed(kit: SiteKit, monkeypatch) -> None:
    monkeypatch.delenv(ROOT_KEYS_ENV, raising=False)
    out = good_site(kit)
    sop = kit.root / "approvals" / "sop.yaml"
    sop.write_text(sop.read_text() + "# edited, unsigned\n")
    assert build(kit.root, out, NOW).ok and tree_bytes(out)


def test_sign_policy_refuses_an_invalid_policy_and_a_non_root_key(kit: SiteKit, root_key: Path, monkeypatch,
                                                                tmp_path) -> None:
    good_site(kit)
    (kit.root / "approvals" / "sop.yaml").write_text("nomor: x\n")
    run = run_command(sign_policy, "sign-policy", kit.root, "--key", str(root_key))
    assert run.rc == 1 and "nothing signed" in run.err and not (kit.root / "approvals" / "sop.yaml.sig").exists()
    kit2 = SiteKit.create(tmp_path / "site2")
    monkeypatch.setenv(ROOT_KEYS_ENV, root_key.with_suffix(".pub").read_text())
    other = keygen(tmp_path, "lain")
    run = run_command(sign_policy, "sign-policy", kit2.root, "--key", str(other))
    assert run.rc == 1 and "not one of the root keys" in run.err


def test_h11_a_root_keys_file_inside_the_site_is_refused(kit: SiteKit, root_key: Path, monkeypatch) -> None:
    out = signed_site(kit, root_key, monkeypatch)
    planted = kit.root / "kunci-akar.pub"                 # a pusher's own key, committed to the site
    planted.write_text(root_key.with_suffix(".pub").read_text())
    monkeypatch.setenv(ROOT_KEYS_ENV, str(planted))
    assert_refused(kit, out, "approvals/sop.yaml", "a file inside the site")
    link = kit.root.parent / "akar-link.pub"               # a link from outside into the site is inside too
    link.symlink_to(planted)
    monkeypatch.setenv(ROOT_KEYS_ENV, str(link))
    assert_refused(kit, out, "approvals/sop.yaml", "a file inside the site")
    outside = kit.root.parent / "akar-luar.pub"
    outside.write_text(root_key.with_suffix(".pub").read_text())
    monkeypatch.setenv(ROOT_KEYS_ENV, str(outside))
    assert build(kit.root, out, NOW).ok


@pytest.mark.parametrize("blank", ["", "  ", "\n"])
def test_h11_a_root_keys_variable_set_but_blank_is_refused(kit: SiteKit, root_key: Path, monkeypatch, blank: str) -> None:
    out = signed_site(kit, root_key, monkeypatch)
    monkeypatch.setenv(ROOT_KEYS_ENV, blank)
    assert_refused(kit, out, "approvals/sop.yaml", "set but empty")
    monkeypatch.delenv(ROOT_KEYS_ENV)                        # unset: the documented mode without root keys
    assert build(kit.root, out, NOW).ok
