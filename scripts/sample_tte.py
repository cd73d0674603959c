#!/usr/bin/env python3
"""(Re)make the sample site's one TTE sign-off: step 8 (pengarah) of kpt-kpu-134-2016 as a signed lembar.

A TEST PKI shaped like BSrE's (tests/tte_pki.py) stands in for the real one: its root goes into
approvals/tte-akar.pem, marked as a test anchor; the lembar is made by the real `jdih lembar` code for the
sample's own bytes, signed with pyHanko as Besign would (with a timestamp from the test TSA), and given the
certificate's revocation status as `jdih terima` adds it online. The keys are thrown away: nothing can be
signed for the sample afterwards but by running this script again, which a changed product needs (as
scripts/sample_signoffs.py does for the YAML records).

    python scripts/sample_tte.py
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from tte_pki import TestPki, sign_pdf, with_revinfo  # noqa: E402

from jdih_build.load.site import load_site  # noqa: E402
from jdih_build.tte.lembar import render_lembar  # noqa: E402
from jdih_build.workflow.signing.lembar_command import facts_for  # noqa: E402

PRODUCT, STEP, PERSON = "kpt-kpu-134-2016", 8, "Beni Mustika"
NIK, EMAIL = "1376000000000008", "pengarah.contoh@kpu-payakumbuh.example"   # fictitious, sample data
WIB = dt.timezone(dt.timedelta(hours=7))
MADE = dt.datetime(2023, 11, 9, 10, 45, tzinfo=WIB)
SIGNED = dt.datetime(2023, 11, 9, 10, 50, tzinfo=WIB)
HEADER = ("# TTE trust anchor of the SAMPLE site: the root of a TEST PKI (scripts/sample_tte.py).\n"
          "# UJI - BUKAN UNTUK PRODUKSI. An office replaces it with its PSrE's CA certificates (docs/tte.md).\n")


def enrol(roster: Path) -> None:
    text = roster.read_text(encoding="utf-8")
    text = re.sub(r"(- nama: Beni Mustika\n(?:  .*\n)*?)  tte: .*\n", r"\1", text)
    line = f'  tte: {{nik: "{NIK}", email: {EMAIL}}}   # data contoh (fiktif), sertifikat PKI uji\n'
    text = text.replace("  peran: [pengarah]\n  aktif_sejak: 2023-01-01\n",
                        "  peran: [pengarah]\n  aktif_sejak: 2023-01-01\n" + line, 1)
    roster.write_text(text, encoding="utf-8")


def main() -> int:
    approvals = REPO / "approvals"
    pki = TestPki.create(name="Contoh", epoch=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
    (approvals / "tte-akar.pem").write_bytes(HEADER.encode() + pki.anchors_pem)
    enrol(approvals / "petugas.yaml")
    (approvals / PRODUCT / f"{STEP:02d}-pengarah.yaml").unlink(missing_ok=True)
    (approvals / PRODUCT / f"{STEP:02d}-pengarah.pdf").unlink(missing_ok=True)
    site, problems = load_site(REPO)
    if site is None:
        print("\n".join(f"{p.path}: {p.message}" for p in problems.sorted()), file=sys.stderr)
        return 1
    product, step, person = site.product(PRODUCT), site.sop.step(STEP), site.person(PERSON)
    assert product is not None and step is not None and person is not None
    lembar = render_lembar(facts_for(site, product, step, person, "disetujui", None, MADE))
    who = pki.signer("BENI MUSTIKA", NIK, EMAIL, not_before=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
    signed = sign_pdf(lembar, who, pki, when=SIGNED.astimezone(dt.UTC), timestamp=True)
    signed = with_revinfo(signed, who, pki, SIGNED.astimezone(dt.UTC) + dt.timedelta(minutes=5))
    (approvals / PRODUCT / f"{STEP:02d}-pengarah.pdf").write_bytes(signed)
    print(f"wrote approvals/tte-akar.pem and approvals/{PRODUCT}/{STEP:02d}-pengarah.pdf")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
