"""The gate on TTE sign-offs (issue 21): a lembar persetujuan signed with a certificate of the office's
PSrE counts for its step exactly when the signature, the chain, the time, the record and the roster's
identity all hold; every other case voids it, named with the reason."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sitekit import SiteKit
from tte_pki import TestPki, sign_pdf, with_revinfo
from ttekit import TteSite

from jdih_build.gate.rules import RULE_SIGNATURE, evaluate
from jdih_build.load.site import load_site


@pytest.fixture(scope="module")
def pki() -> TestPki:
    return TestPki.create()


@pytest.fixture
def tte(kit: SiteKit, pki: TestPki) -> TteSite:
    kit.add_product("kpt-1")
    return TteSite.enrol(kit, pki)


def verdict(root: Path):
    site, problems = load_site(root)
    assert site is not None, problems.sorted()
    result = evaluate(site, dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))   # the build's clock: now
    return next(v for v in result.verdicts if v.product.id == "kpt-1"), site


def failures(root: Path, rule: str = RULE_SIGNATURE) -> list[str]:
    found, _site = verdict(root)
    return [f.message for f in found.failures if f.rule == rule]


def test_three_valid_lembar_publish_the_product(tte: TteSite) -> None:
    tte.sign_all("kpt-1")
    found, site = verdict(tte.root)
    assert found.published, found.failures
    record = found.steps[0].record
    assert record is not None and record.tte is not None and record.tte.issuer == "OSD BSrE Uji - UJI"
    assert record.tte.nik == "1376014101900002" and record.path.suffix == ".pdf"


def test_a_changed_byte_voids_the_lembar(tte: TteSite) -> None:
    tte.sign_all("kpt-1")
    path = tte.root / "approvals" / "kpt-1" / "02-web_admin.pdf"
    data = bytearray(path.read_bytes())
    at = data.index(b"Rina Web")
    data[at] = ord("X")   # a byte inside the signed page content
    path.write_bytes(bytes(data))
    found, _ = verdict(tte.root)
    assert not found.published
    assert any("changed after it was signed" in m for m in failures(tte.root))


def _incremental(pdf: bytes, change) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(io.BytesIO(pdf), incremental=True)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_update_after_signing_that_changes_the_page_voids_it(tte: TteSite) -> None:
    tte.sign_all("kpt-1")
    path = tte.root / "approvals" / "kpt-1" / "02-web_admin.pdf"

    def restamp(writer) -> None:
        from pypdf.generic import ContentStream
        page = writer.pages[0]
        content = ContentStream(None, writer)
        content.set_data(b"BT /F1 12 Tf 56 60 Td (DITOLAK) Tj ET")
        page.replace_contents(content)
    path.write_bytes(_incremental(path.read_bytes(), restamp))
    assert any("edited after it was signed" in m for m in failures(tte.root))
    assert not verdict(tte.root)[0].published


def test_an_update_after_signing_that_changes_the_record_voids_it(tte: TteSite) -> None:
    tte.sign_all("kpt-1")
    path = tte.root / "approvals" / "kpt-1" / "02-web_admin.pdf"
    forged = b"produk: kpt-1\nlangkah: 2\n"
    path.write_bytes(_incremental(path.read_bytes(), lambda w: w.add_attachment("lembar-persetujuan.yaml", forged)))
    assert not verdict(tte.root)[0].published
    assert any("edited after it was signed" in m for m in failures(tte.root))


def test_a_lembar_for_other_bytes_voids_it(tte: TteSite) -> None:
    tte.sign_all("kpt-1")
    md = tte.kit.products["kpt-1"]
    md.write_text(md.read_text(encoding="utf-8").replace("Abstrak untuk", "Abstrak lain untuk"), encoding="utf-8")
    found, _ = verdict(tte.root)
    assert not found.published and {f.rule for f in found.failures} == {"5.3"}


def test_a_lembar_for_another_step_does_not_sign_this_one(tte: TteSite) -> None:
    tte.sign_all("kpt-1")
    (tte.root / "approvals" / "kpt-1" / "03-administrator.pdf").unlink()
    tte.file("kpt-1", 3, tte.signed("kpt-1", 2, tte.certs["Budi Admin"], "--by", "Budi Admin"), name="03-administrator.pdf")
    found, _ = verdict(tte.root)
    assert not found.published
    assert any(f.step == 3 and f.rule == "5.0" for f in found.failures)


def test_the_right_name_with_another_nik_is_refused(tte: TteSite) -> None:
    impostor = tte.pki.signer("Rina Web", "1376019999999999", "rina@kpu-uji.go.id")
    tte.sign_all("kpt-1")
    tte.file("kpt-1", 2, tte.signed("kpt-1", 2, impostor))
    messages = failures(tte.root)
    assert any("nik" in m and "Rina Web" in m for m in messages), messages


def test_identity_by_fingerprint_only(kit: SiteKit, pki: TestPki) -> None:
    kit.add_product("kpt-1")
    site = TteSite.enrol(kit, pki, identity="email")
    roster = kit.root / "approvals" / "petugas.yaml"
    cert = site.certs["Rina Web"]
    text = roster.read_text(encoding="utf-8").replace("tte: {email: rina@kpu-uji.go.id}",
                                                      f"tte: {{sidik_jari: \"{cert.fingerprint.upper()}\"}}")
    roster.write_text(text, encoding="utf-8")
    site.sign_all("kpt-1")
    assert verdict(kit.root)[0].published
    site.file("kpt-1", 2, site.signed("kpt-1", 2, pki.signer("Rina Web", "1376014101900002", "rina@kpu-uji.go.id")))
    assert any("sidik_jari" in m for m in failures(kit.root))


@pytest.mark.parametrize(("not_before", "days", "words"), [
    (dt.datetime(2024, 1, 1, tzinfo=dt.UTC), 30, "expired"),
    (dt.datetime.now(dt.UTC) + dt.timedelta(days=2), 365, "not yet valid"),
])
def test_a_certificate_outside_its_validity_is_refused(tte: TteSite, not_before, days, words) -> None:
    tte.sign_all("kpt-1")
    outside = tte.pki.signer("Rina Web", "1376014101900002", "rina@kpu-uji.go.id", not_before=not_before, days=days)
    tte.file("kpt-1", 2, tte.signed("kpt-1", 2, outside))
    assert any(words in m for m in failures(tte.root)), failures(tte.root)


def test_a_revoked_certificate_is_refused_even_with_a_timestamp(tte: TteSite) -> None:
    tte.sign_all("kpt-1")
    who = tte.certs["Rina Web"]
    pdf = tte.signed("kpt-1", 2, who, timestamp=True)
    tte.pki.revoke(who, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30))   # after the signing time
    try:
        tte.file("kpt-1", 2, with_revinfo(pdf, who, tte.pki, dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)))
    finally:
        tte.pki.revoked.clear()
    assert any("revoked" in m for m in failures(tte.root)), failures(tte.root)


def test_an_untrusted_ca_and_a_self_signed_certificate_are_refused(tte: TteSite) -> None:
    other = TestPki.create(name="Palsu")
    tte.sign_all("kpt-1")
    foreign = other.signer("Rina Web", "1376014101900002", "rina@kpu-uji.go.id")
    tte.file("kpt-1", 2, sign_pdf(tte.lembar("kpt-1", 2), foreign, other))
    assert any("trust anchor" in m for m in failures(tte.root)), failures(tte.root)
    selfish = tte.pki.signer("Rina Web", "1376014101900002", "rina@kpu-uji.go.id", self_signed=True)
    tte.file("kpt-1", 2, sign_pdf(tte.lembar("kpt-1", 2), selfish, tte.pki))
    assert any("trust anchor" in m for m in failures(tte.root)), failures(tte.root)


def _revocation_rule(root: Path, mode: str | None) -> None:
    sop = root / "approvals" / "sop.yaml"
    text = sop.read_text(encoding="utf-8")
    if mode:
        text = text.replace("tanda_tangan:", f"cek_pencabutan: {mode}\ntanda_tangan:")
    sop.write_text(text, encoding="utf-8")


def test_missing_revocation_data_withholds_only_when_the_sop_says_so(tte: TteSite) -> None:
    tte.sign_all("kpt-1")
    assert verdict(tte.root)[0].published           # opsional (the default under tanda_tangan: opsional)
    _revocation_rule(tte.root, "wajib")
    messages = failures(tte.root)
    assert len(messages) == 3 and all("revocation status" in m for m in messages)
    # With the status kept in the PDF (what jdih terima adds online), wajib is met.
    for step in (2, 3, 4):
        path = next((tte.root / "approvals" / "kpt-1").glob(f"0{step}-*.pdf"))
        person = {2: "Rina Web", 3: "Budi Admin", 4: "Citra Pengarah"}[step]
        path.write_bytes(with_revinfo(path.read_bytes(), tte.certs[person], tte.pki, dt.datetime.now(dt.UTC)))
    assert verdict(tte.root)[0].published


def test_wajib_signatures_default_to_required_revocation_data(kit: SiteKit, pki: TestPki) -> None:
    kit = SiteKit.create(kit.root.parent / "wajib", signatures="wajib")
    kit.add_product("kpt-1")
    site = TteSite.enrol(kit, pki)
    sop = kit.root / "approvals" / "sop.yaml"
    strict = sop.read_text(encoding="utf-8")
    _revocation_rule(kit.root, "opsional")
    site.sign_all("kpt-1")
    assert verdict(kit.root)[0].published   # TTE satisfies tanda_tangan: wajib like an SSH signature
    sop.write_text(strict, encoding="utf-8")
    messages = failures(kit.root)
    assert len(messages) == 3 and all("revocation status" in m for m in messages)


def test_a_rejection_lembar_withholds(tte: TteSite) -> None:
    tte.sign_all("kpt-1")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    tte.file("kpt-1", 4, tte.signed("kpt-1", 4, None, "--tolak", "--catatan", "Nomor salah", when=later), name="04-pengarah-2.pdf")
    found, _ = verdict(tte.root)
    assert not found.published
    assert any(f.rule == "5.4" and "Nomor salah" in f.message for f in found.failures)


def test_two_signatures_on_one_lembar_are_refused(tte: TteSite) -> None:
    tte.sign_all("kpt-1")
    path = tte.root / "approvals" / "kpt-1" / "02-web_admin.pdf"
    path.write_bytes(sign_pdf(path.read_bytes(), tte.certs["Budi Admin"], tte.pki, field_name="Signature2"))
    assert any("2 signatures" in m for m in failures(tte.root)), failures(tte.root)


def test_a_page_that_does_not_show_its_record_is_refused(tte: TteSite) -> None:
    """A lembar crafted to show one product while carrying the record of another."""
    from jdih_build.tte.lembar import _with_record

    tte.kit.add_product("kpt-2", nomor="2")
    tte.sign_all("kpt-1")
    shown = tte.lembar("kpt-2", 2)
    import pypdf
    carried = pypdf.PdfReader(io.BytesIO(tte.lembar("kpt-1", 2))).attachments["lembar-persetujuan.yaml"][0]
    plain = io.BytesIO()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(shown)))
    writer._root_object.pop("/Names", None)
    writer.write(plain)
    forged = _with_record(plain.getvalue(), carried)
    tte.file("kpt-1", 2, sign_pdf(forged, tte.certs["Rina Web"], tte.pki))
    assert any("does not show the record" in m for m in failures(tte.root)), failures(tte.root)


def test_a_signing_time_before_the_lembar_was_made_is_refused(tte: TteSite) -> None:
    tte.sign_all("kpt-1")
    tte.file("kpt-1", 2, tte.signed("kpt-1", 2, when=dt.datetime.now(dt.UTC) - dt.timedelta(days=3)))
    assert any("before the lembar was made" in m for m in failures(tte.root)), failures(tte.root)


def test_a_pdf_that_is_no_lembar_fails_the_build_naming_it(tte: TteSite) -> None:
    from sitekit import MINIMAL_PDF
    (tte.root / "approvals" / "kpt-1").mkdir(exist_ok=True)
    (tte.root / "approvals" / "kpt-1" / "02-web_admin.pdf").write_bytes(MINIMAL_PDF)
    site, problems = load_site(tte.root)
    assert site is None
    assert any("02-web_admin.pdf" in p.path and "not a lembar" in p.message for p in problems.sorted())


def test_verification_works_where_an_event_loop_already_runs(tte: TteSite) -> None:
    """pyHanko's synchronous calls start a loop of their own; an embedding application (or the suite's
    browser driver) may already run one in the calling thread (tte/loop.py)."""
    import asyncio

    from jdih_build.tte.verify import verify_lembar

    pdf = tte.signed("kpt-1", 2)

    import threading

    async def inside() -> str | None:
        return verify_lembar(pdf, tte.pki.anchors_pem, False).problem

    found: list[str | None] = []
    thread = threading.Thread(target=lambda: found.append(asyncio.run(inside())))   # a thread of its own: the
    thread.start()                                                                  # suite may run a loop here
    thread.join()
    assert found == [None]
