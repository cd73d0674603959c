"""`jdih terima FILE.pdf...`: check a signed lembar as the build will, and file it (issue 21).

Each file is verified (the signature, its chain to the office's anchors, the record inside, the page
showing it, the roster's identity, the gate's rules with it counted); online, the certificate's
revocation status is fetched and kept in the PDF (tte/revocation.py), so every later build verifies
offline with the same answer. It is then filed as `approvals/<id>/<NN>-<peran>.pdf` (a suffix where
the name is taken). A file already filed is updated in place when the update only appends (the
revocation data), so `terima` offline, then again online, works. Nothing is filed on a refusal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from jdih_build.console.reporting import load_or_report, rel
from jdih_build.gate.rules import evaluate_product
from jdih_build.i18n import _
from jdih_build.load.lembar_signoffs import record_of, signature_of
from jdih_build.load.problems import Problems
from jdih_build.load.safe_read import InputFileError, read_regular
from jdih_build.load.tte_trust import read_anchors_file, tte_anchors
from jdih_build.model import SignOff, Site
from jdih_build.tte.revocation import RevocationFetchError, add_revocation_data
from jdih_build.tte.verify import MAX_LEMBAR_BYTES, verify_lembar
from jdih_build.workflow.atomic import write_atomic
from jdih_build.workflow.signing.approve_checks import Refusal, gate_refusals

EXIT_OK, EXIT_REFUSED = 0, 1


def _refuse(path: Path, refusals: list[Refusal]) -> int:
    for refusal in refusals:
        print(_("error: {refusal}").format(refusal=refusal), file=sys.stderr)
    print(_("{path} was not filed").format(path=path), file=sys.stderr)
    return EXIT_REFUSED


def destination(site: Site, record: SignOff, source: Path) -> Path:
    """approvals/<id>/<NN>-<peran>.pdf, or -2, -3... where taken; the source itself where it is filed already."""
    folder = site.root / "approvals" / record.produk
    stem = f"{record.langkah:02d}-{record.peran}"
    suffix = 1
    while True:
        path = folder / (f"{stem}.pdf" if suffix == 1 else f"{stem}-{suffix}.pdf")
        if path.resolve() == source.resolve() or not (path.exists() or path.is_symlink()):
            return path
        suffix += 1


def _time_words(record: SignOff) -> str:
    tte = record.tte
    assert tte is not None and tte.signed_at is not None
    source = _("a trusted timestamp") if tte.time_source == "timestamp" else _("the signer's own clock")
    return _("signed at {when} ({source})").format(when=tte.signed_at.isoformat(timespec="seconds"), source=source)


def receive(site: Site, source: Path, offline: bool, now: datetime) -> int:
    where = str(source)
    try:
        pdf = read_regular(source, MAX_LEMBAR_BYTES)
    except (InputFileError, OSError) as exc:
        return _refuse(source, [Refusal(where, _("cannot read it: {exc}").format(exc=getattr(exc, "message", None) or exc),
                                        _("give the signed PDF file"))])
    problems = Problems(site.root)
    anchors, anchors_pem = tte_anchors(site.root, read_anchors_file(site.root, problems), problems)
    if problems or anchors is None:
        reasons = [Refusal(p.path, p.message, p.fix) for p in problems.sorted()] or [
            Refusal("approvals/tte-akar.pem", _("the office has no TTE trust anchors"),
                    _("put the PSrE's CA certificates (PEM) in approvals/tte-akar.pem (docs/tte.md)"))]
        return _refuse(source, reasons)
    require = site.sop.requires_revocation_data
    outcome = verify_lembar(pdf, anchors_pem, require_revocation=False)   # the revocation status may come below
    fetched = ""
    if outcome.problem is None and not offline:
        try:
            with_status = add_revocation_data(pdf, anchors_pem)
        except RevocationFetchError as exc:
            fetched = _("the certificate's revocation status could not be fetched ({exc})").format(exc=exc)
        else:
            checked = verify_lembar(with_status, anchors_pem, require_revocation=True)
            if checked.problem is None:
                pdf, outcome = with_status, checked
            elif checked.problem == "revoked":
                outcome = checked   # the status fetched says so: refused below
            else:
                fetched = signature_of(checked, checked.problem).reason
    raw = outcome.record
    if outcome.problem is not None or raw is None:
        failed = signature_of(outcome, outcome.problem or "no-record")
        return _refuse(source, [Refusal(where, failed.reason, failed.fix)])
    record = record_of(source, None, outcome, raw, problems)   # the build's own checks (load/lembar_signoffs.py)
    if record is None:
        return _refuse(source, [Refusal(p.path, p.message, p.fix) for p in problems.sorted()])
    signature = record.tte
    assert signature is not None
    if signature.problem is not None:
        return _refuse(source, [Refusal(where, signature.reason, signature.fix)])
    product = site.product(record.produk)
    if product is None:
        return _refuse(source, [Refusal(where, _("the lembar is for '{product_id}', which is not in content/").format(
            product_id=record.produk), _("make the lembar again for the product's current id (jdih lembar)"))])
    target = destination(site, record, source)
    record = replace(record, path=target)
    others = [r for r in site.signoffs if r.folder == product.id and r.path.resolve() != target.resolve()]
    verdict = evaluate_product(product, others + [record], site.sop, {p.nama: p for p in site.roster}, now)
    step = site.sop.step(record.langkah)
    # A rejection is filed whatever the rest (it is the signer's word); an approval only where it counts.
    refusals = gate_refusals(verdict, record.langkah, target, site.root) \
        if record.keputusan == "disetujui" and step is not None and step.validasi else []
    if refusals:
        return _refuse(source, refusals)
    if target.exists() and target.resolve() != source.resolve():
        return _refuse(source, [Refusal(rel(target, site.root), _("the name was taken meanwhile"), _("run the command again"))])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, pdf, replace=target.resolve() == source.resolve())
    except OSError as exc:
        return _refuse(source, [Refusal(rel(target, site.root), _("cannot write it: {exc}").format(exc=exc.strerror or exc),
                                        _("check that approvals/ is writable"))])
    tte = record.tte
    assert tte is not None
    verb = _("rejected") if record.keputusan == "ditolak" else _("approved")
    print(_("filed {path}: step {step_no} {verb} by {person} for {product_id}").format(
        path=rel(target, site.root), step_no=record.langkah, verb=verb, person=record.oleh, product_id=product.id))
    print(_("  certificate of {signer} (NIK {nik}), issued by {issuer}; SHA-256 {fingerprint}").format(
        signer=tte.signer, nik=tte.nik or "-", issuer=tte.issuer, fingerprint=tte.fingerprint))
    print("  " + _time_words(record))
    if outcome.revocation_checked:
        print(_("  revocation status: kept in the PDF (every build verifies it offline)"))
    else:
        print(_("  revocation status: not in the PDF{why}; run jdih terima {path} again online{consequence}").format(
            why=f" - {fetched}" if fetched else "", path=rel(target, site.root),
            consequence=_(" (the SOP requires it: until then the build withholds the product)") if require else ""))
    print(_("next: git add {path} && git commit (then push)").format(path=rel(target, site.root)))
    return EXIT_OK


def terima(root: Path, files: list[Path], offline: bool, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> int:
    site = load_or_report(root.resolve(), sys.stderr, _("nothing was filed: fix them first (jdih check lists them)"))
    if site is None:
        return EXIT_REFUSED
    codes = [receive(site, path, offline, clock()) for path in files]
    return EXIT_REFUSED if any(codes) else EXIT_OK


def run(args: argparse.Namespace) -> int:
    return terima(Path(args.site), [Path(f) for f in args.files], args.offline)


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "terima", help=_("check a lembar signed with TTE and file it in approvals/"),
        description=_("Check each signed lembar persetujuan as the build will (the signature and its certificate chain, "
                      "the record inside, the roster's identity, the gate's rules) and file it as "
                      "approvals/<id>/<NN>-<peran>.pdf. Online, the certificate's revocation status is fetched and "
                      "kept in the PDF, so that every build verifies it offline. Exit 0 filed, 1 refused, 2 usage."))
    site_option(p)
    p.add_argument("files", nargs="+", metavar="FILE.pdf", help=_("the signed lembar(s), as the signer's app returned them"))
    p.add_argument("--offline", action="store_true", help=_("do not fetch the revocation status (run again online later)"))
    p.set_defaults(run=run)
