"""`jdih lembar ID --step N`: the lembar persetujuan a signer signs with TTE (issue 21).

The web admin makes it, sends it (WhatsApp, e-mail, Srikandi), the signer signs it unchanged in their
app, and `jdih terima` files what comes back. The lembar carries the sign-off record that `jdih approve`
would write (the product's hashes now), so it is refused for what approve refuses: an unknown product,
step or person, a person without the role or not active, an earlier validasi step not yet passed, a
person who signed another step (pemisahan_tugas); and for a person the roster cannot recognise by
certificate (no `tte:`), since their signature would count for nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from jdih_build.console.reporting import load_or_report, rel
from jdih_build.gate.rules import RULE_SIGNATURE, evaluate_product
from jdih_build.i18n import _
from jdih_build.load.completeness import unfinished
from jdih_build.model import Person, Product, SignOff, Site, Step, TteSignature
from jdih_build.tte.lembar import LembarFacts, render_lembar
from jdih_build.workflow.atomic import write_atomic
from jdih_build.workflow.signing.approve_checks import (
    ROSTER_FILE,
    Refusal,
    check_lookup,
    check_person,
    gate_refusals,
    holders,
    office_now,
)
from jdih_build.workflow.signing.signoff_file import render_record

EXIT_OK, EXIT_REFUSED = 0, 1


def _refuse(refusals: list[Refusal]) -> int:
    for refusal in refusals:
        print(_("error: {refusal}").format(refusal=refusal), file=sys.stderr)
    print(_("lembar refused: nothing was written"), file=sys.stderr)
    return EXIT_REFUSED


def _signer(site: Site, product: Product, step: Step, by: str | None, now: datetime) -> tuple[Person | None, list[Refusal]]:
    """The person named, or the one person who may sign the step now."""
    if by is not None:
        return site.person(by), []
    taken = {r.oleh for r in site.signoffs if r.folder == product.id and r.langkah != step.no}
    eligible = [n for n in holders(site, step.pelaksana, now) if not (site.sop.pemisahan_tugas and n in taken)]
    if len(eligible) == 1:
        return site.person(eligible[0]), []
    return None, [Refusal("--by", _("name the signer: {who} may sign step {step_no}").format(
        who=", ".join(eligible) or _("nobody"), step_no=step.no), _("add --by 'NAME' (as in {roster})").format(roster=ROSTER_FILE))]


def facts_for(site: Site, product: Product, step: Step, person: Person, decision: str, note: str | None,
              made_at: datetime) -> LembarFacts:
    record = render_record(product.id, step.no, step.pelaksana, person.nama, decision, made_at, product.file_hashes, note)
    sop = f"{site.sop.nomor} - {site.sop.nama}"
    return LembarFacts(instansi=site.sop.instansi or site.config.instansi or site.config.judul_situs, sop=sop,
                       step_no=step.no, kegiatan=step.kegiatan, peran=step.pelaksana, nama=person.nama, nip=person.nip,
                       jabatan=person.jabatan, product_id=product.id, jenis=product.jenis, nomor=product.nomor,
                       tahun=product.tahun, judul=product.judul, keputusan=decision, catatan=note,
                       berkas=tuple(sorted(product.file_hashes.items())), made_at=made_at, record=record)


def make_lembar(root: Path, product_id: str, step_no: int, by: str | None, reject: bool, note: str | None,
                out: Path | None, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> int:
    site = load_or_report(root.resolve(), sys.stderr, _("lembar refused: fix them first (jdih check lists them)"))
    if site is None:
        return EXIT_REFUSED
    now = clock()
    made_at = office_now(site.config.zone)
    note = note.strip() if note is not None else None
    refusals = check_lookup(site, (product_id,), step_no, by)
    if reject and not note:
        refusals.append(Refusal("--tolak", _("a rejection needs a reason"), _("add --catatan TEXT saying what must change")))
    if refusals:
        return _refuse(refusals)
    product, step = site.product(product_id), site.sop.step(step_no)
    assert product is not None and step is not None
    person, refusals = _signer(site, product, step, by, made_at)
    if person is None:
        return _refuse(refusals)
    refusals = check_person(site, step, person, made_at)
    if person.tte is None:
        refusals.append(Refusal(ROSTER_FILE, _("{person} has no `tte:` in the roster, so their TTE signature would count for "
                                               "nothing").format(person=person.nama),
                                _("add `tte:` with the NIK or e-mail their certificate states (docs/tte.md)")))
    if not reject:
        refusals += [Refusal(rel(u.product.source, root) + (f":{u.line}" if u.line else ""), u.message, u.fix)
                     for u in unfinished(product) if u.refused]
    decision = "ditolak" if reject else "disetujui"
    facts = facts_for(site, product, step, person, decision, note, made_at)
    if step.validasi and not reject:
        # The gate, with this lembar counted as if signed now by the right certificate: what it would leave.
        # Once signed, it is the step's latest record: the step's earlier ones are superseded.
        records = [r for r in site.signoffs if r.folder == product.id and r.langkah != step.no]
        candidate_path = root.resolve() / "approvals" / product.id / f"{step.no:02d}-{step.pelaksana}.pdf"
        candidate = SignOff(candidate_path, product.id, product.id, step.no, step.pelaksana, person.nama, decision,
                            made_at, tuple(sorted(product.file_hashes.items())), note, raw=facts.record,
                            tte=TteSignature(problem=None))
        verdict = evaluate_product(product, records + [candidate], site.sop, {p.nama: p for p in site.roster}, now)
        refusals += gate_refusals(verdict, step.no, candidate_path, root.resolve(), frozenset({RULE_SIGNATURE}))
    if refusals:
        return _refuse(refusals)
    target = out or Path(f"lembar-{product.id}-{step.no:02d}-{step.pelaksana}.pdf")
    try:
        write_atomic(target, render_lembar(facts), replace=True)
    except OSError as exc:
        return _refuse([Refusal(str(target), _("cannot write the lembar: {exc}").format(exc=exc.strerror or exc),
                                _("choose another place with --ke FILE"))])
    print(_("wrote {target}: the lembar persetujuan of step {step_no} ({kegiatan}) for {product_id}, to be signed "
            "with TTE by {person}").format(target=target, step_no=step.no, kegiatan=step.kegiatan, product_id=product.id,
                                            person=person.nama))
    print(_("next: send it to {person}; they sign it unchanged in their TTE app and send it back; then: jdih terima "
            "FILE.pdf (docs/tte.md)").format(person=person.nama))
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    return make_lembar(Path(args.site), args.id, args.step, args.by, args.tolak, args.catatan,
                       Path(args.ke) if args.ke else None)


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "lembar", help=_("write the lembar persetujuan PDF a signer signs with TTE"),
        description=_("Write a one-page lembar persetujuan (A4 PDF, in Indonesian) for one SOP step of a product: the "
                      "office, the product, the step and role, the signer from the roster, the decision and every "
                      "file with its sha256, with the same facts embedded as a sign-off record. The signer signs it "
                      "unchanged with their certified electronic signature (TTE); jdih terima files it. Refused, "
                      "with nothing written, where jdih approve would refuse. Exit 0 written, 1 refused, 2 usage."))
    site_option(p)
    p.add_argument("id", metavar="ID", help=_("the product id"))
    p.add_argument("--step", type=int, required=True, metavar="N", help=_("the SOP step number (approvals/sop.yaml)"))
    p.add_argument("--by", metavar="NAME", help=_("the signer, as named in approvals/petugas.yaml (default: the one "
                                                  "person who may sign the step)"))
    p.add_argument("--tolak", action="store_true", help=_("a rejection (ditolak); needs --catatan"))
    p.add_argument("--catatan", metavar="TEXT", help=_("the note (catatan) on the lembar"))
    p.add_argument("--ke", metavar="FILE", help=_("where to write the PDF (default: lembar-ID-NN-PERAN.pdf here)"))
    p.set_defaults(run=run)
