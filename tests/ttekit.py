"""TTE sign-offs on a SiteKit site: the test PKI's root as the office's anchor, the roster's `tte:`
identities, lembar made by the real `jdih lembar` and signed by pyHanko as a signer's app would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sitekit import SIGNERS, SiteKit
from tte_pki import Issued, TestPki, sign_pdf

NIKS = {"Rina Web": "1376014101900002", "Budi Admin": "1376010303900003", "Citra Pengarah": "1376014404900004"}
EMAILS = {"Rina Web": "rina@kpu-uji.go.id", "Budi Admin": "budi@kpu-uji.go.id", "Citra Pengarah": "citra@kpu-uji.go.id"}


@dataclass
class TteSite:
    kit: SiteKit
    pki: TestPki
    certs: dict[str, Issued] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.kit.root

    @classmethod
    def enrol(cls, kit: SiteKit, pki: TestPki, identity: str = "both") -> TteSite:
        """Anchors in approvals/tte-akar.pem; each validasi signer gets a certificate and a `tte:` entry."""
        (kit.root / "approvals" / "tte-akar.pem").write_bytes(pki.anchors_pem)
        site = cls(kit, pki)
        roster = (kit.root / "approvals" / "petugas.yaml").read_text(encoding="utf-8")
        for name, nik in NIKS.items():
            site.certs[name] = pki.signer(name, nik, EMAILS[name])
            parts = {"nik": f'nik: "{nik}"', "email": f"email: {EMAILS[name]}"}
            shown = ", ".join(parts.values()) if identity == "both" else parts[identity]
            roster = roster.replace(f"- nama: {name}\n", f"- nama: {name}\n  tte: {{{shown}}}\n")
        (kit.root / "approvals" / "petugas.yaml").write_text(roster, encoding="utf-8")
        return site

    def lembar(self, product_id: str, step: int, *extra: str) -> bytes:
        """The lembar `jdih lembar` writes (exit 0 asserted)."""
        from sitekit import run_command

        from jdih_build.workflow.signing import lembar_command

        out = self.root.parent / f"lembar-{product_id}-{step}.pdf"
        if "--by" not in extra:
            extra = (*extra, "--by", SIGNERS[step][1])
        run = run_command(lembar_command, "lembar", self.root, product_id, "--step", str(step), "--ke", str(out), *extra)
        assert run.rc == 0, run.err
        return out.read_bytes()

    def signed(self, product_id: str, step: int, who: Issued | None = None, *extra: str,
               when: dt.datetime | None = None, timestamp: bool = False) -> bytes:
        signer = who or self.certs[SIGNERS[step][1]]
        return sign_pdf(self.lembar(product_id, step, *extra), signer, self.pki, when=when, timestamp=timestamp)

    def file(self, product_id: str, step: int, pdf: bytes, name: str | None = None) -> Path:
        folder = self.root / "approvals" / product_id
        folder.mkdir(exist_ok=True)
        path = folder / (name or f"{step:02d}-{SIGNERS[step][0]}.pdf")
        path.write_bytes(pdf)
        return path

    def sign_all(self, product_id: str) -> None:
        for step in SIGNERS:
            self.file(product_id, step, self.signed(product_id, step))
