"""The gate (CONTRACT 5): which products may be published, and why the others may not.

`evaluate` is a pure function of the loaded site and the clock: no I/O, no global state. Every rule
is checked for every required step, so the report names all that is wrong with a product at once.
Fail-closed: anything ambiguous (two latest records at the same instant, a signature that cannot be
checked) withholds the product.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jdih_build.i18n import _
from jdih_build.model import Person, Product, SignOff, Site, Sop, Step

# Rule ids, as numbered in CONTRACT 5; "5.0" is the opening sentence: a record must exist.
RULE_MISSING = "5.0"
RULE_NAMES = "5.1"
RULE_ROLE = "5.2"
RULE_HASHES = "5.3"
RULE_DECISION_TIME = "5.4"
RULE_SEPARATION = "5.5"
RULE_SIGNATURE = "5.6"
RULE_LATEST = "latest"

SignatureCheck = Callable[[bytes, bytes, str], str | None]
"""(record bytes, signature bytes, public key line) -> None when valid, else the reason."""


@dataclass(frozen=True)
class Failure:
    rule: str
    step: int
    message: str
    fix: str
    record: Path | None = None


@dataclass(frozen=True)
class StepResult:
    step: Step
    record: SignOff | None      # the record that counts (latest waktu), if any
    failures: tuple[Failure, ...]

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.failures


@dataclass(frozen=True)
class ApprovedRevision:
    """The product is published from its git history: its file was edited after its sign-offs, and
    these are the bytes they approved (gate/revisions.py)."""

    commit: str             # the commit that gave the .md its approved bytes


@dataclass(frozen=True)
class Verdict:
    product: Product
    steps: tuple[StepResult, ...]
    revision: ApprovedRevision | None = None   # set when `product` is an approved revision from history

    @property
    def failures(self) -> tuple[Failure, ...]:
        return tuple(f for s in self.steps for f in s.failures)

    @property
    def published(self) -> bool:
        return bool(self.steps) and all(s.ok for s in self.steps)


@dataclass(frozen=True)
class Notice:
    """A sign-off that names something that does not exist (CONTRACT 5, last sentence)."""

    path: Path
    message: str
    fix: str


@dataclass(frozen=True)
class RevisionNote:
    """A product whose file no longer matches a full set of sign-offs for other bytes: either the
    approved revision is published (`restored`, from `commit`), or it was not found (`reason`)."""

    product_id: str
    source: Path
    restored: bool
    commit: str
    reason: str
    withdrawn: Path | None = None   # the record that took the current bytes' approval away (no fallback)


@dataclass(frozen=True)
class GateResult:
    verdicts: tuple[Verdict, ...]
    notices: tuple[Notice, ...]
    revisions: tuple[RevisionNote, ...] = ()

    @property
    def published(self) -> tuple[Product, ...]:
        return tuple(v.product for v in self.verdicts if v.published)

    @property
    def withheld(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if not v.published)


def default_signature_check(data: bytes, signature: bytes, public_key: str) -> str | None:
    from jdih_build import sshsig

    try:
        sshsig.verify(data, signature, sshsig.parse_public_key(public_key), namespace=sshsig.NAMESPACE)
    except (sshsig.SignatureError, sshsig.KeyFormatError) as exc:
        return str(exc)
    return None


def key_option(sop: Sop) -> str:
    """What a suggested `jdih approve` needs besides the step and the name: --key where the SOP makes
    signatures wajib (a suggestion without it would be refused)."""
    return " --key KEYFILE" if sop.tanda_tangan == "wajib" else ""


def _a(role: str) -> str:
    """'an administrator', 'a pengarah' (Indonesian has no article: the role alone)."""
    return (_("an {role}") if role[:1] in "aeiou" else _("a {role}")).format(role=role)


def _fmt(moment: datetime) -> str:
    return moment.isoformat()


def _counting_record(step: Step, records: list[SignOff]) -> tuple[SignOff | None, list[Failure]]:
    """The latest record of a step; a tie at the latest instant is ambiguous and counts as no approval."""
    if not records:
        return None, []
    latest = max(r.waktu for r in records)
    top = [r for r in records if r.waktu == latest]
    if len(top) > 1:
        names = ", ".join(r.path.name for r in top)
        return None, [Failure(RULE_LATEST, step.no, _("step {step_no} has {len_top} records with the same latest waktu ({names})").format(
            step_no=step.no, len_top=len(top), names=names),
                              _("keep one, or record the newer decision with a later waktu"), top[0].path)]
    return top[0], []


def _check_record(product: Product, step: Step, record: SignOff, sop: Sop, people: dict[str, Person],
                  previous: SignOff | None, now: datetime, check_signature: SignatureCheck) -> list[Failure]:
    fails: list[Failure] = []

    def fail(rule: str, message: str, fix: str) -> None:
        fails.append(Failure(rule, step.no, message, fix, record.path))

    # 5.1: the record names this product, this step and the step's role.
    if record.produk != product.id or record.folder != product.id:
        fail(RULE_NAMES, _("step {step_no}: the record names product '{record_produk}' in folder '{record_folder}', not "
                           "'{product_id}'").format(step_no=step.no, record_produk=record.produk, record_folder=record.folder, product_id=product.id),
             _("a sign-off for {product_id} says `produk: {product_id}` and lies in approvals/{product_id}/").format(product_id=product.id))
    if record.peran != step.pelaksana:
        fail(RULE_NAMES, _("step {step_no}: the record says peran '{record_peran}', but step {step_no} is for '{step_pelaksana}'").format(
            step_no=step.no, record_peran=record.peran, step_pelaksana=step.pelaksana),
             _("step {step_no} must be signed as {step_pelaksana}").format(step_no=step.no, step_pelaksana=step.pelaksana))

    # 5.2: a roster person who holds the role and was active at waktu.
    person = people.get(record.oleh)
    if person is None:
        fail(RULE_ROLE, _("step {step_no}: '{record_oleh}' is not in approvals/petugas.yaml").format(step_no=step.no, record_oleh=record.oleh),
             _("sign as a person on the roster (names must match exactly), or add them to the roster"))
    else:
        if step.pelaksana not in person.peran:
            fail(RULE_ROLE, _("step {step_no}: {person_nama} does not hold the role '{step_pelaksana}'").format(
                step_no=step.no, person_nama=person.nama, step_pelaksana=step.pelaksana),
                 _("have a {step_pelaksana} sign step {step_no}").format(step_pelaksana=step.pelaksana, step_no=step.no))
        if not person.active_on(record.waktu.date()):
            period = _("{start} to {end}").format(start=person.aktif_sejak or "...", end=person.aktif_sampai or "...")
            fail(RULE_ROLE, _("step {step_no}: {person_nama} was not active on {record_waktu_date} (active {period})").format(
                step_no=step.no, person_nama=person.nama, record_waktu_date=record.waktu.date(), period=period),
                 _("have a {step_pelaksana} who is active sign step {step_no}").format(step_pelaksana=step.pelaksana, step_no=step.no))

    # 5.3: exactly the product's files, with the hashes of their bytes now.
    expected = product.file_hashes
    listed = record.berkas_map
    missing = sorted(set(expected) - set(listed))
    extra = sorted(set(listed) - set(expected))
    changed = sorted(name for name in set(expected) & set(listed) if expected[name] != listed[name])
    if missing or extra or changed:
        parts = []
        if changed:
            # Either the file was edited after the sign-off, or the signer signed bytes their checkout had
            # before it was brought up to date: the record cannot tell which, so the message says both.
            parts.append(_("signed for other bytes than it has now (edited since, or signed on a checkout that was not "
                           "up to date): ") + ", ".join(changed))
        if missing:
            parts.append(_("not covered: ") + ", ".join(missing))
        if extra:
            parts.append(_("not part of the product: ") + ", ".join(extra))
        fail(RULE_HASHES, _("step {step_no}: the files do not match the sign-off ({join_parts})").format(step_no=step.no, join_parts='; '.join(parts)),
             _("if the change is intended, step {step_no} must be signed again (jdih approve {product_id} "
               "--step {step_no}{key})").format(step_no=step.no, product_id=product.id, key=key_option(sop)))

    # 5.4: approved, not in the future, not before the previous sign-off.
    if record.keputusan != "disetujui":
        note = f": {record.catatan}" if record.catatan else ""
        fail(RULE_DECISION_TIME, _("step {step_no}: {record_oleh} rejected it (ditolak) at {fmt_record_waktu}{note}").format(
            step_no=step.no, record_oleh=record.oleh, fmt_record_waktu=_fmt(record.waktu), note=note),
             _("address the note, then step {step_no} is signed again as disetujui").format(step_no=step.no))
    if record.waktu > now:
        fail(RULE_DECISION_TIME, _("step {step_no}: waktu {fmt_record_waktu} is in the future").format(step_no=step.no, fmt_record_waktu=_fmt(record.waktu)),
             _("record the real time of the sign-off"))
    if previous is not None and record.waktu < previous.waktu:
        fail(RULE_DECISION_TIME, _("step {step_no}: signed at {fmt_record_waktu}, before the previous sign-off (step "
                                   "{previous_langkah}, {fmt_previous_waktu})").format(
                                       step_no=step.no, fmt_record_waktu=_fmt(record.waktu), previous_langkah=previous.langkah, fmt_previous_waktu=_fmt(previous.waktu)),
             _("the SOP's steps are signed in order: sign this step again after the previous one"))

    # 5.6: the signature, where there is one or where one is required.
    if record.tte is not None:
        fails += _tte_failures(step, record, person)
    elif record.signature is not None:
        key = person.kunci_publik if person else None
        if key is None:
            fail(RULE_SIGNATURE, _("step {step_no}: the record is signed but {record_oleh} has no kunci_publik in petugas.yaml").format(
                step_no=step.no, record_oleh=record.oleh),
                 _("enrol the signer's public key in approvals/petugas.yaml"))
        else:
            reason = check_signature(record.raw, record.signature, key)
            if reason is not None:
                fail(RULE_SIGNATURE, _("step {step_no}: the signature does not verify: {reason}").format(step_no=step.no, reason=reason),
                     _("{record_oleh} signs the record again: ssh-keygen -Y sign -n jdih-approval -f KEY "
                       "{record_path_name} (docs/kunci-tanda-tangan.md), or records the step anew with jdih approve "
                       "--key").format(record_oleh=record.oleh, record_path_name=record.path.name))
    elif sop.tanda_tangan == "wajib":
        fail(RULE_SIGNATURE, _("step {step_no}: the record has no signature, and the SOP requires one (tanda_tangan: wajib)").format(step_no=step.no),
             _("sign it: jdih approve {product_id} --step {step_no} --by '{record_oleh}' --key KEYFILE").format(
                 product_id=product.id, step_no=step.no, record_oleh=record.oleh))
    return fails


def _tte_failures(step: Step, record: SignOff, person: Person | None) -> list[Failure]:
    """A lembar signed with TTE: its signature verified when loaded (load/lembar_signoffs.py), and the
    certificate is the roster person's (their `tte:` NIK, e-mail or fingerprint)."""
    tte = record.tte
    assert tte is not None
    name = record.path.name
    if tte.problem is not None:
        return [Failure(RULE_SIGNATURE, step.no, _("step {step_no}: the TTE signature of {name} does not count: {reason}").format(
            step_no=step.no, name=name, reason=tte.reason), tte.fix, record.path)]
    if person is None:
        return []   # rule 5.2 already names the unknown signer
    if person.tte is None:
        return [Failure(RULE_SIGNATURE, step.no, _("step {step_no}: {name} is signed with TTE, but {person} has no tte in "
                                                   "petugas.yaml").format(step_no=step.no, name=name, person=person.nama),
                        _("add `tte:` with the NIK or e-mail of their certificate to {person} in approvals/petugas.yaml "
                          "(docs/tte.md)").format(person=person.nama), record.path)]
    wrong = tte.mismatch(person.tte)
    if wrong:
        return [Failure(RULE_SIGNATURE, step.no, _("step {step_no}: {name} is signed with the certificate of {signer} (NIK {nik}), "
                                                   "which is not {person}'s: {fields} differ from petugas.yaml").format(
            step_no=step.no, name=name, signer=tte.signer, nik=tte.nik or "-", person=person.nama, fields=", ".join(wrong)),
                        _("{person} signs the lembar with their own certificate, or the roster's tte is corrected and "
                          "signed again with jdih sign-policy").format(person=person.nama), record.path)]
    return []


def evaluate_product(product: Product, records: list[SignOff], sop: Sop, people: dict[str, Person], now: datetime,
                     check_signature: SignatureCheck = default_signature_check) -> Verdict:
    by_step: dict[int, list[SignOff]] = defaultdict(list)
    for each in records:
        by_step[each.langkah].append(each)

    counting: dict[int, SignOff | None] = {}
    pre_failures: dict[int, list[Failure]] = {}
    for step in sop.validation_steps:
        counting[step.no], pre_failures[step.no] = _counting_record(step, by_step.get(step.no, []))

    # 5.5: who signed which required step (counting records only).
    signers: dict[str, list[int]] = defaultdict(list)
    for no, counted in counting.items():
        if counted is not None:
            signers[counted.oleh].append(no)

    results: list[StepResult] = []
    previous: SignOff | None = None
    for step in sop.validation_steps:
        record = counting[step.no]
        failures = list(pre_failures[step.no])
        if record is None and not failures:
            holders = sorted(p.nama for p in people.values() if step.pelaksana in p.peran)
            who = _(" (e.g. --by '{holders_0}')").format(holders_0=holders[0]) if holders else ""
            failures.append(Failure(RULE_MISSING, step.no, _("step {step_no} ({step_kegiatan}) has no sign-off by {a_step_pelaksana}").format(
                step_no=step.no, step_kegiatan=step.kegiatan, a_step_pelaksana=_a(step.pelaksana)),
                                    _("the {step_pelaksana} signs it: jdih approve {product_id} --step {step_no}{who}{key}").format(
                                        step_pelaksana=step.pelaksana, product_id=product.id, step_no=step.no, who=who,
                                        key=key_option(sop))))
        if record is not None:
            failures += _check_record(product, step, record, sop, people, previous, now, check_signature)
            others = [n for n in signers[record.oleh] if n != step.no]
            if sop.pemisahan_tugas and others:
                failures.append(Failure(RULE_SEPARATION, step.no,
                                        _("step {step_no}: {record_oleh} also signed step {join_map_str_others}; one person may sign only "
                                          "one step (pemisahan_tugas)").format(step_no=step.no, record_oleh=record.oleh, join_map_str_others=', '.join(map(str, others))),
                                        _("have another {step_pelaksana} sign step {step_no}").format(step_pelaksana=step.pelaksana, step_no=step.no), record.path))
            previous = record
        results.append(StepResult(step, record, tuple(failures)))
    return Verdict(product, tuple(results))


def find_notices(site: Site) -> list[Notice]:
    """Records that name an unknown product, step or person."""
    product_ids = {p.id for p in site.products}
    history = {r.lama for r in site.renames if r.baru in product_ids or r.baru in {x.lama for x in site.renames}}
    steps = {s.no for s in site.sop.langkah}
    names = {p.nama for p in site.roster}
    notices: list[Notice] = []
    for record in site.signoffs:
        if record.folder in history:
            continue   # the records of a product's earlier id: history (load/renames.py), never counted
        if record.folder not in product_ids:
            notices.append(Notice(record.path, _("approvals/{record_folder}/ belongs to no product in content/").format(record_folder=record.folder),
                                  _("move the record to the folder of its product, or remove it if the product is gone")))
        elif record.produk not in product_ids:
            notices.append(Notice(record.path, _("the record names product '{record_produk}', which does not exist").format(record_produk=record.produk),
                                  _("write `produk: {record_folder}`").format(record_folder=record.folder)))
        if record.langkah not in steps:
            notices.append(Notice(record.path, _("the record names step {record_langkah}, which the SOP does not have").format(record_langkah=record.langkah),
                                  _("use a step number from approvals/sop.yaml (1..{len_site_sop_langkah})").format(len_site_sop_langkah=len(site.sop.langkah))))
        if record.oleh not in names:
            notices.append(Notice(record.path, _("the record is by '{record_oleh}', who is not in approvals/petugas.yaml").format(record_oleh=record.oleh),
                                  _("use the exact name from the roster, or add the person to it")))
    return notices


def evaluate(site: Site, now: datetime, check_signature: SignatureCheck = default_signature_check) -> GateResult:
    if now.tzinfo is None:
        raise ValueError("the gate's clock must be timezone-aware")
    people = {p.nama: p for p in site.roster}
    by_folder: dict[str, list[SignOff]] = defaultdict(list)
    for record in site.signoffs:
        by_folder[record.folder].append(record)
    verdicts = tuple(evaluate_product(p, by_folder.get(p.id, []), site.sop, people, now, check_signature)
                     for p in site.products)
    return GateResult(verdicts, tuple(find_notices(site)))
