"""Each rule of the gate (CONTRACT 5) has its own test here; each fails when its rule is removed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sitekit import NOW, WIB, SiteKit

from jdih_build.gate import rules as gate
from jdih_build.load.site import load_site


def verdict_of(kit: SiteKit, product_id: str = "kpt-1", now: datetime = NOW, **kwargs) -> gate.Verdict:
    site, problems = load_site(kit.root)
    assert site is not None, problems.sorted()
    result = gate.evaluate(site, now, **kwargs)
    return next(v for v in result.verdicts if v.product.id == product_id)


def rules(verdict: gate.Verdict) -> set[str]:
    return {f.rule for f in verdict.failures}


@pytest.fixture
def signed(kit: SiteKit) -> SiteKit:
    kit.add_product("kpt-1")
    kit.sign(kit_id := "kpt-1", 1)          # a non-validasi record: timing only
    kit.sign_all(kit_id)
    return kit


def test_fully_signed_product_is_published(signed: SiteKit) -> None:
    verdict = verdict_of(signed)
    assert verdict.published, verdict.failures
    assert [s.record.oleh for s in verdict.steps] == ["Rina Web", "Budi Admin", "Citra Pengarah"]


def test_missing_step_withholds(signed: SiteKit) -> None:
    (signed.root / "approvals/kpt-1/03-administrator.yaml").unlink()
    verdict = verdict_of(signed)
    assert not verdict.published
    assert rules(verdict) == {gate.RULE_MISSING}
    assert "step 3" in verdict.failures[0].message and "jdih approve kpt-1 --step 3" in verdict.failures[0].fix
    assert "by an administrator" in verdict.failures[0].message   # issue 10: it said "by a administrator"


def test_no_signoffs_at_all_withholds(kit: SiteKit) -> None:
    kit.add_product("kpt-1")
    verdict = verdict_of(kit)
    assert not verdict.published and len(verdict.failures) == 3


def test_empty_validation_policy_is_refused(kit: SiteKit) -> None:
    """Zero validasi steps would publish everything: the policy is invalid instead (fail-closed)."""
    sop = kit.root / "approvals/sop.yaml"
    sop.write_text(sop.read_text().replace("validasi: true", "validasi: false"))
    site, problems = load_site(kit.root)
    assert site is None and any("validasi" in p.message for p in problems.items)


# -- 5.1 names this product, this step and its peran ---------------------------------------------
def test_record_naming_another_product_does_not_count(signed: SiteKit) -> None:
    signed.add_product("kpt-2")
    signed.sign("kpt-1", 3, produk="kpt-2")
    verdict = verdict_of(signed)
    assert rules(verdict) == {gate.RULE_NAMES}


def test_record_with_wrong_peran_does_not_count(signed: SiteKit) -> None:
    (signed.root / "approvals/kpt-1/02-web_admin.yaml").unlink()
    signed.sign("kpt-1", 2, peran="administrator", by="Budi Admin", name="02-x.yaml")
    verdict = verdict_of(signed)
    assert gate.RULE_NAMES in rules(verdict)


def test_record_copied_from_another_product_folder_does_not_count(signed: SiteKit) -> None:
    """A replayed record: right step, right person, but it lies in another product's folder."""
    signed.add_product("kpt-2")
    signed.sign_all("kpt-2")
    source = signed.root / "approvals/kpt-2/04-pengarah.yaml"
    target = signed.root / "approvals/kpt-1/04-pengarah.yaml"
    target.write_bytes(source.read_bytes())
    verdict = verdict_of(signed)
    assert gate.RULE_NAMES in rules(verdict) and not verdict.published


# -- 5.2 a roster person with the role, active at waktu -------------------------------------------
def test_signer_not_on_roster(signed: SiteKit) -> None:
    signed.sign("kpt-1", 4, by="Orang Asing")
    assert rules(verdict_of(signed)) == {gate.RULE_ROLE}


def test_signer_without_the_role(signed: SiteKit) -> None:
    signed.sign("kpt-1", 4, by="Ani Pengusul")
    verdict = verdict_of(signed)
    assert rules(verdict) == {gate.RULE_ROLE}
    assert "does not hold the role 'pengarah'" in verdict.failures[0].message


def test_signer_not_active_at_waktu(signed: SiteKit) -> None:
    signed.sign("kpt-1", 4, by="Dedi Lama")  # aktif_sampai 2023-12-31, signs in 2024
    verdict = verdict_of(signed)
    assert rules(verdict) == {gate.RULE_ROLE}
    assert "not active" in verdict.failures[0].message


# -- 5.3 exactly the product's files, with their hashes now ----------------------------------------
def test_changed_markdown_byte_voids_every_signoff(signed: SiteKit) -> None:
    md = signed.products["kpt-1"]
    md.write_bytes(md.read_bytes().replace(b"Abstrak untuk", b"Abstrak untuK"))
    verdict = verdict_of(signed)
    assert rules(verdict) == {gate.RULE_HASHES}
    assert len(verdict.failures) == 3 and "kpt-1.md" in verdict.failures[0].message


def test_changed_pdf_byte_voids_signoffs(signed: SiteKit) -> None:
    pdf = signed.products["kpt-1"].with_name("kpt-1.pdf")
    data = bytearray(pdf.read_bytes())
    data[-2] ^= 1
    pdf.write_bytes(bytes(data))
    assert rules(verdict_of(signed)) == {gate.RULE_HASHES}


def test_signoff_that_omits_a_file_does_not_count(signed: SiteKit) -> None:
    hashes = signed.hashes("kpt-1")
    hashes.pop("kpt-1.pdf")
    signed.sign("kpt-1", 4, berkas=hashes)
    verdict = verdict_of(signed)
    assert rules(verdict) == {gate.RULE_HASHES} and "not covered: kpt-1.pdf" in verdict.failures[0].message


def test_signoff_that_lists_an_extra_file_does_not_count(signed: SiteKit) -> None:
    hashes = signed.hashes("kpt-1") | {"lampiran.pdf": "0" * 64}
    signed.sign("kpt-1", 4, berkas=hashes)
    assert rules(verdict_of(signed)) == {gate.RULE_HASHES}


# -- 5.4 disetujui, not in the future, not before the previous sign-off -------------------------------
def test_rejection_withholds(signed: SiteKit) -> None:
    signed.sign("kpt-1", 4, keputusan="ditolak", when=datetime(2024, 3, 1, 9, 0, tzinfo=WIB), catatan="Nomor salah")
    verdict = verdict_of(signed)
    assert rules(verdict) == {gate.RULE_DECISION_TIME} and "Nomor salah" in verdict.failures[0].message


def test_future_waktu_withholds(signed: SiteKit) -> None:
    signed.sign("kpt-1", 4, when=NOW + timedelta(minutes=1))
    assert rules(verdict_of(signed)) == {gate.RULE_DECISION_TIME}


def test_waktu_exactly_now_is_accepted(signed: SiteKit) -> None:
    signed.sign("kpt-1", 4, when=NOW)
    assert verdict_of(signed).published


def test_signoff_before_the_previous_step_withholds(signed: SiteKit) -> None:
    signed.sign("kpt-1", 3, when=datetime(2024, 2, 1, 8, 0, tzinfo=WIB))  # step 2 is at 11:00
    verdict = verdict_of(signed)
    assert rules(verdict) == {gate.RULE_DECISION_TIME} and "before the previous sign-off" in verdict.failures[0].message


def test_time_order_compares_instants_across_offsets(signed: SiteKit) -> None:
    """09:30+07:00 is 02:30 UTC: after step 2's 11:00+07:00? No - before it, whatever the offset says."""
    signed.sign("kpt-1", 3, when=datetime(2024, 2, 1, 3, 30, tzinfo=UTC))  # 10:30 WIB < 11:00 WIB
    assert rules(verdict_of(signed)) == {gate.RULE_DECISION_TIME}


# -- 5.5 separation of duties ------------------------------------------------------------------------
def test_one_person_signing_two_steps_withholds(signed: SiteKit) -> None:
    signed.sign("kpt-1", 2, by="Budi Admin")  # Budi holds web_admin and administrator
    verdict = verdict_of(signed)
    assert rules(verdict) == {gate.RULE_SEPARATION}
    assert {f.step for f in verdict.failures} == {2, 3}


def test_separation_can_be_switched_off_by_policy(tmp_path) -> None:
    kit = SiteKit.create(tmp_path / "site", separation=False)
    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    kit.sign("kpt-1", 2, by="Budi Admin")
    assert verdict_of(kit).published


# -- latest record counts ----------------------------------------------------------------------------
def test_latest_record_counts_rejection_after_approval(signed: SiteKit) -> None:
    signed.sign("kpt-1", 4, keputusan="ditolak", when=datetime(2024, 3, 1, tzinfo=WIB), name="04-pengarah-2.yaml")
    assert not verdict_of(signed).published


def test_latest_record_counts_approval_after_rejection(signed: SiteKit) -> None:
    signed.sign("kpt-1", 4, keputusan="ditolak", when=datetime(2024, 2, 1, 12, 30, tzinfo=WIB), name="04-pengarah-0.yaml")
    signed.sign("kpt-1", 4, when=datetime(2024, 2, 1, 14, 0, tzinfo=WIB), name="04-pengarah-2.yaml")
    assert verdict_of(signed).published


def test_two_latest_records_at_the_same_instant_are_ambiguous(signed: SiteKit) -> None:
    original = signed.root / "approvals/kpt-1/04-pengarah.yaml"
    when = datetime(2024, 2, 1, 13, 0, tzinfo=WIB)
    signed.sign("kpt-1", 4, when=when, keputusan="ditolak", name="04-pengarah-2.yaml")
    assert original.exists()
    verdict = verdict_of(signed)
    assert rules(verdict) == {gate.RULE_LATEST}


# -- notices -----------------------------------------------------------------------------------------
def test_signoffs_naming_unknown_things_are_reported(signed: SiteKit) -> None:
    signed.sign("hilang", 2, berkas={"x.md": "0" * 64})
    signed.sign("kpt-1", 9, name="09-x.yaml")
    signed.sign("kpt-1", 1, by="Siapa Saja", name="01-y.yaml")
    site, _ = load_site(signed.root)
    result = gate.evaluate(site, NOW)
    messages = " | ".join(n.message for n in result.notices)
    assert "approvals/hilang/ belongs to no product" in messages
    assert "step 9" in messages
    assert "'Siapa Saja'" in messages


def test_gate_refuses_a_naive_clock(signed: SiteKit) -> None:
    site, _ = load_site(signed.root)
    with pytest.raises(ValueError):
        gate.evaluate(site, datetime(2024, 1, 1))


def test_every_failure_is_reported_at_once(signed: SiteKit) -> None:
    signed.sign("kpt-1", 4, by="Ani Pengusul", keputusan="ditolak", when=NOW + timedelta(days=1))
    assert rules(verdict_of(signed)) == {gate.RULE_ROLE, gate.RULE_DECISION_TIME}


def test_evaluate_product_refuses_a_record_from_another_folder(signed: SiteKit) -> None:
    """evaluate_product is also called by `jdih approve` with candidate records: the folder is checked too."""
    import dataclasses

    site, _ = load_site(signed.root)
    product = site.product("kpt-1")
    records = [r if r.langkah != 4 else dataclasses.replace(r, folder="kpt-lain") for r in site.signoffs]
    verdict = gate.evaluate_product(product, records, site.sop, {p.nama: p for p in site.roster}, NOW)
    assert {f.rule for f in verdict.failures} == {gate.RULE_NAMES}
