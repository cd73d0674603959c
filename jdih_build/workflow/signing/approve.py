"""`jdih approve`: write SOP sign-offs (CONTRACT 4) with the current hashes, refusing what the gate refuses.

One product, several (`jdih approve A B C --step 8 --by NAME`) or every product waiting for the step
(`--waiting`): the same step, signer, time and key for each, and each product checked on its own.

The candidate record is built in memory first, with its exact bytes (and signature). The gate is then run
on the product with the existing records plus the candidate: a record is written only if it would count.
Nothing is written on a refusal; with `--key` the `.sig` is written before the `.yaml`, so a record never
exists without the signature it was meant to carry.

The pieces: `approve_checks` (refusals), `signoff_file` (bytes and writing), `signing_key`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jdih_build import sshsig
from jdih_build.console.reporting import load_or_report, rel
from jdih_build.gate.rules import RULE_MISSING, Verdict, evaluate_product, key_option
from jdih_build.i18n import _
from jdih_build.load.completeness import unfinished
from jdih_build.load.git_history import GitHistory
from jdih_build.model import Person, Product, SignOff, Site, Step
from jdih_build.workflow.signing.approve_checks import (
    ROSTER_FILE,
    SOP_FILE,
    Refusal,
    a_role,
    check_lookup,
    check_person,
    check_timeline,
    gate_refusals,
    holders,
    later_failures,
    office_now,
    parse_at,
)
from jdih_build.workflow.signing.signing_key import (
    PASSPHRASE_ENV,
    PassphraseSource,
    load_signing_key,
    passphrase_from_environment_or_terminal,
)
from jdih_build.workflow.signing.signoff_file import (
    format_waktu,
    record_path,
    render_record,
    write_record,
)

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
APPROVED, REJECTED = "disetujui", "ditolak"


# --------------------------------------------------------------------------------------------------
# What comes next


def next_lines(site: Site, verdict: Verdict, step: Step, reject: bool, now: datetime) -> list[str]:
    product = verdict.product
    if reject:
        return [_("{product_id} is withheld: step {step_no} was rejected (ditolak). Once the note is addressed, "
                  "{a_role_step_pelaksana} signs step {step_no} again: jdih approve {product_id} --step {step_no} "
                  "--by NAME{key}").format(product_id=product.id, step_no=step.no, a_role_step_pelaksana=a_role(step.pelaksana),
                                           key=key_option(site.sop))]
    if verdict.published:
        return [_("{product_id} now passes the gate: jdih build publishes it.").format(product_id=product.id)]
    pending = next(s for s in verdict.steps if not s.ok)
    if any(f.rule != RULE_MISSING for f in pending.failures):
        reasons = "; ".join(f.message for f in pending.failures)
        return [_("{product_id} is still withheld: {reasons}").format(product_id=product.id, reasons=reasons)]
    role = pending.step.pelaksana
    taken = {s.record.oleh for s in verdict.steps if s.record is not None and s.step.no != pending.step.no}
    eligible = [n for n in holders(site, role, now) if not (site.sop.pemisahan_tugas and n in taken)]
    who = ", ".join(eligible) if eligible else _("nobody on the roster now (add an active {role} to {roster_file})").format(role=role, roster_file=ROSTER_FILE)
    example = eligible[0] if eligible else "NAME"
    return [_("next: step {pending_step_no} ({pending_step_kegiatan}) by {a_role_role}; may sign: {who}").format(
        pending_step_no=pending.step.no, pending_step_kegiatan=pending.step.kegiatan, a_role_role=a_role(role), who=who),
            _("  jdih approve {product_id} --step {pending_step_no} --by '{example}'{key}").format(
                product_id=product.id, pending_step_no=pending.step.no, example=example, key=key_option(site.sop))]


# --------------------------------------------------------------------------------------------------
# The command


@dataclass(frozen=True)
class Request:
    site: Path
    product_ids: tuple[str, ...]   # empty with `waiting`
    step: int
    by: str
    reject: bool
    note: str | None
    at: str | None
    key: Path | None
    waiting: bool = False          # every product whose next required step is `step`


def warn_if_behind(root: Path) -> None:
    """A signer on a stale checkout signs the bytes they have, which may not be main's: say so (the
    upstream as the last fetch saw it; `git pull` first is the guide's advice)."""
    with GitHistory(root, seconds=10) as history:
        behind = history.behind()
    if behind is not None and behind[1] > 0:
        print(_("warning: this branch is {count} commit(s) behind {upstream}: pull first (git pull), or this sign-off "
                "may bind older bytes than main has, and then count for nothing").format(count=behind[1], upstream=behind[0]),
              file=sys.stderr)


def _refuse(refusals: list[Refusal], product_id: str | None = None) -> int:
    for refusal in refusals:
        print(_("error: {refusal}").format(refusal=refusal), file=sys.stderr)
    about = _(" for {product_id}").format(product_id=product_id) if product_id else ""
    print(_("approve refused{about}: nothing was written").format(about=about), file=sys.stderr)
    return EXIT_REFUSED


@dataclass(frozen=True)
class Signing:
    """What one run of the command signs with: the same step, person, time, note and key for every product."""

    site: Site
    step: Step
    person: Person
    waktu: datetime
    note: str | None
    reject: bool
    key: sshsig.PrivateKey | None
    now: datetime


def waiting_for(site: Site, step: Step, now: datetime) -> list[Product]:
    """The products whose next required step (the first `validasi` step the gate does not pass) is `step`."""
    found = []
    by_folder: dict[str, list[SignOff]] = {}
    for record in site.signoffs:
        by_folder.setdefault(record.folder, []).append(record)
    people = {p.nama: p for p in site.roster}
    for product in site.products:
        verdict = evaluate_product(product, by_folder.get(product.id, []), site.sop, people, now)
        pending = next((s for s in verdict.steps if not s.ok), None)
        if pending is not None and pending.step.no == step.no:
            found.append(product)
    return found


def approve(request: Request, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
            passphrase: PassphraseSource = passphrase_from_environment_or_terminal) -> int:
    """Sign one step of each product named (or waiting for it). Each product is decided on its own:
    a refused product gets nothing written and the others are still signed; exit 1 if any was refused."""
    root = request.site.resolve()
    site = load_or_report(root, sys.stderr, _("approve refused: fix them first (jdih check lists them); nothing was written"))
    if site is None:
        return EXIT_REFUSED
    warn_if_behind(root)

    # 1. What the request names exists, and the request itself is complete.
    refusals = check_lookup(site, request.product_ids, request.step, request.by)
    note = request.note.strip() if request.note is not None else None
    if request.note is not None and not note:
        refusals.append(Refusal("--note", _("the note is empty"), _("write the note, or leave --note out")))
    if request.reject and not note:
        refusals.append(Refusal("--reject", _("a rejection needs a reason"),
                                _("add --note TEXT saying what must change")))
    if request.at is not None:
        waktu, reason = parse_at(request.at)
        if waktu is None:
            refusals.append(Refusal("--at", reason or "bad time",
                                    _("write e.g. --at 2024-03-01T09:30:00+07:00 (date, time and UTC offset)")))
    else:
        waktu = office_now(site.config.zone)
    if refusals:
        return _refuse(refusals)
    assert waktu is not None
    step = site.sop.step(request.step)
    person = site.person(request.by)
    assert step is not None and person is not None

    # 2. The person, the time and the signature: the same for every product.
    now = clock()
    refusals = check_person(site, step, person, waktu)
    if site.sop.tanda_tangan == "wajib" and request.key is None:
        refusals.append(Refusal(SOP_FILE, _("the SOP requires signed sign-offs (tanda_tangan: wajib)"),
                                _("add --key with {person_nama}'s private key file").format(person_nama=person.nama)))
    if refusals:
        return _refuse(refusals)
    key = None
    if request.key is not None:
        key, refusal = load_signing_key(request.key, person, passphrase)
        if refusal is not None:
            return _refuse([refusal])
    signing = Signing(site, step, person, waktu, note, request.reject, key, now)

    products = waiting_for(site, step, now) if request.waiting else \
        [p for p in (site.product(i) for i in request.product_ids) if p is not None]
    if not products:
        print(_("no product waits for step {step_no} ({step_kegiatan}): nothing to sign (jdih status shows each "
                "product's next step)").format(step_no=step.no, step_kegiatan=step.kegiatan))
        return EXIT_OK
    results = []
    for product in products:
        if len(products) > 1:
            print(f"{product.id}:")
        results.append(sign_one(signing, product, root))
    refused = [p.id for p, code in zip(products, results, strict=True) if code != EXIT_OK]
    if len(products) > 1:
        print(_("signed {len_products_len_refused} of {len_products} product(s)").format(
            len_products_len_refused=len(products) - len(refused), len_products=len(products))
              + (_("; refused (nothing written for them): {join_refused}").format(join_refused=', '.join(refused)) if refused else ""))
    return EXIT_REFUSED if refused else EXIT_OK


def sign_one(signing: Signing, product: Product, root: Path) -> int:
    """Check and write one product's sign-off; nothing is written for it on a refusal."""
    site, step, person, waktu, now = signing.site, signing.step, signing.person, signing.waktu, signing.now
    records = [r for r in site.signoffs if r.folder == product.id]
    refusals = check_timeline(site, step, waktu, records, now, signing.reject)
    if not signing.reject:   # approving a scaffold is the slip; rejecting it is fine
        refusals += [Refusal(rel(u.product.source, root) + (f":{u.line}" if u.line else ""), u.message, u.fix)
                     for u in unfinished(product) if u.refused]
    if refusals:
        return _refuse(refusals, product.id)

    # The candidate, checked by the gate together with the existing records.
    decision = REJECTED if signing.reject else APPROVED
    path = record_path(root / "approvals" / product.id, step.no, step.pelaksana)
    data = render_record(product.id, step.no, step.pelaksana, person.nama, decision, waktu, product.file_hashes,
                         signing.note)
    signature = sshsig.sign(data, signing.key) if signing.key is not None else None
    candidate = SignOff(path=path, folder=product.id, produk=product.id, langkah=step.no, peran=step.pelaksana,
                        oleh=person.nama, keputusan=decision, waktu=waktu,
                        berkas=tuple(sorted(product.file_hashes.items())), catatan=signing.note, raw=data,
                        signature=signature)
    people = {p.nama: p for p in site.roster}
    before = evaluate_product(product, records, site.sop, people, now)
    after = evaluate_product(product, records + [candidate], site.sop, people, now)
    if step.validasi and not signing.reject:
        refusals = gate_refusals(after, step.no, path, root)
        if refusals:
            return _refuse(refusals, product.id)
    last_validation = max((s.no for s in site.sop.validation_steps), default=0)
    if not step.validasi and not signing.reject and step.no > last_validation and not before.published:
        # A step after every validation (the upload) records what the gate allows: not before it does.
        unsigned = [str(s.step.no) for s in before.steps if not s.ok]
        return _refuse([Refusal(rel(product.source, root), _("step {step_no} ({kegiatan}) comes after every validasi step, but "
                                                             "step(s) {steps} are not validly signed yet").format(
                                                                 step_no=step.no, kegiatan=step.kegiatan, steps=", ".join(unsigned)),
                                _("sign the validasi steps first (jdih status {product_id})").format(product_id=product.id))],
                       product.id)

    try:
        written = write_record(path, data, signature)
    except FileExistsError:
        return _refuse([Refusal(rel(path, root), _("another record took this name while jdih approve ran"),
                                _("run the command again"))], product.id)
    except OSError as exc:
        return _refuse([Refusal(rel(path, root), _("cannot write the sign-off: {exc_strerror_or_exc}").format(exc_strerror_or_exc=exc.strerror or exc),
                                _("check that approvals/ is writable"))], product.id)

    for done in written:
        print(_("wrote {path}").format(path=rel(done, root)))
    verb = _("rejected") if signing.reject else _("approved")
    print(_("step {step_no} ({step_kegiatan}) {verb} by {person_nama} for {product_id} at {format_waktu_waktu}").format(
        step_no=step.no, step_kegiatan=step.kegiatan, verb=verb, person_nama=person.nama, product_id=product.id, format_waktu_waktu=format_waktu(waktu)))
    for failure in later_failures(before, after, step.no):
        print(_("warning: a later sign-off no longer counts: {failure_message} - {failure_fix}").format(
            failure_message=failure.message, failure_fix=failure.fix), file=sys.stderr)
    for line in next_lines(site, after, step, signing.reject, now):
        print(line)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if bool(args.ids) == bool(args.waiting):
        print(_("error: name the product id(s) to sign, or --waiting for every product waiting for --step, not both"), file=sys.stderr)
        return EXIT_USAGE
    return approve(Request(site=Path(args.site), product_ids=tuple(dict.fromkeys(args.ids)), step=args.step,
                           by=args.by, reject=args.reject, note=args.note, at=args.at,
                           key=Path(args.key) if args.key else None, waiting=args.waiting))


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "approve", help=_("write an SOP sign-off for a product (signed with --key)"),
        description=_("Record that a person approved (or rejected) one SOP step of a product, with the sha256 of the "
                      "product's files as they are now. Refused, with nothing written, when the gate would not count "
                      "the sign-off: unknown product, step or person; a person without the step's role or not active; "
                      "an earlier validation step without a counting approval; a person who signed another validation "
                      "step (pemisahan_tugas); a time in the future or before the previous step; no --key where the "
                      "SOP requires signatures. With several IDs or --waiting, each product is decided on its own: a "
                      "refused one gets nothing written, the others are signed. Exit 0 written, 1 refused (any), 2 "
                      "usage."))
    site_option(p)
    p.add_argument("ids", nargs="*", metavar="ID", help=_("the product id(s); several sign the same step of each"))
    p.add_argument("--waiting", action="store_true",
                   help=_("sign every product whose next required step is --step (a batch for one signer)"))
    p.add_argument("--step", type=int, required=True, metavar="N", help=_("the SOP step number (approvals/sop.yaml)"))
    p.add_argument("--by", required=True, metavar="NAME", help=_("the signer, exactly as named in approvals/petugas.yaml"))
    p.add_argument("--reject", action="store_true", help=_("record a rejection (ditolak); needs --note"))
    p.add_argument("--note", metavar="TEXT", help=_("the note (catatan) recorded with the sign-off"))
    p.add_argument("--at", metavar="ISO", help=_("when it was signed, ISO 8601 with UTC offset (e.g. 2024-03-01T09:30:00+07:00); default: now"))
    p.add_argument("--key", metavar="FILE", help=_("the signer's OpenSSH private key: also write <record>.sig (namespace {sshsig_namespace}); "
                                                   "passphrase from ${passphrase_env} or asked on a terminal").format(
                                                       sshsig_namespace=sshsig.NAMESPACE, passphrase_env=PASSPHRASE_ENV))
    p.set_defaults(run=run)
