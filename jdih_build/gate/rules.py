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


def _a(role: str) -> str:
    """'an administrator', 'a pengarah'."""
    return f"{'an' if role[:1] in 'aeiou' else 'a'} {role}"


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
        return None, [Failure(RULE_LATEST, step.no, f"step {step.no} has {len(top)} records with the same latest waktu ({names})",
                              "keep one, or record the newer decision with a later waktu", top[0].path)]
    return top[0], []


def _check_record(product: Product, step: Step, record: SignOff, sop: Sop, people: dict[str, Person],
                  previous: SignOff | None, now: datetime, check_signature: SignatureCheck) -> list[Failure]:
    fails: list[Failure] = []

    def fail(rule: str, message: str, fix: str) -> None:
        fails.append(Failure(rule, step.no, message, fix, record.path))

    # 5.1: the record names this product, this step and the step's role.
    if record.produk != product.id or record.folder != product.id:
        fail(RULE_NAMES, f"step {step.no}: the record names product '{record.produk}' in folder '{record.folder}', not '{product.id}'",
             f"a sign-off for {product.id} says `produk: {product.id}` and lies in approvals/{product.id}/")
    if record.peran != step.pelaksana:
        fail(RULE_NAMES, f"step {step.no}: the record says peran '{record.peran}', but step {step.no} is for '{step.pelaksana}'",
             f"step {step.no} must be signed as {step.pelaksana}")

    # 5.2: a roster person who holds the role and was active at waktu.
    person = people.get(record.oleh)
    if person is None:
        fail(RULE_ROLE, f"step {step.no}: '{record.oleh}' is not in approvals/petugas.yaml",
             "sign as a person on the roster (names must match exactly), or add them to the roster")
    else:
        if step.pelaksana not in person.peran:
            fail(RULE_ROLE, f"step {step.no}: {person.nama} does not hold the role '{step.pelaksana}'",
                 f"have a {step.pelaksana} sign step {step.no}")
        if not person.active_on(record.waktu.date()):
            period = f"{person.aktif_sejak or '...'} to {person.aktif_sampai or '...'}"
            fail(RULE_ROLE, f"step {step.no}: {person.nama} was not active on {record.waktu.date()} (active {period})",
                 f"have a {step.pelaksana} who is active sign step {step.no}")

    # 5.3: exactly the product's files, with the hashes of their bytes now.
    expected = product.file_hashes
    listed = record.berkas_map
    missing = sorted(set(expected) - set(listed))
    extra = sorted(set(listed) - set(expected))
    changed = sorted(name for name in set(expected) & set(listed) if expected[name] != listed[name])
    if missing or extra or changed:
        parts = []
        if changed:
            parts.append("changed since it was signed: " + ", ".join(changed))
        if missing:
            parts.append("not covered: " + ", ".join(missing))
        if extra:
            parts.append("not part of the product: " + ", ".join(extra))
        fail(RULE_HASHES, f"step {step.no}: the files do not match the sign-off ({'; '.join(parts)})",
             f"if the change is intended, step {step.no} must be signed again (jdih approve {product.id} --step {step.no})")

    # 5.4: approved, not in the future, not before the previous sign-off.
    if record.keputusan != "disetujui":
        note = f": {record.catatan}" if record.catatan else ""
        fail(RULE_DECISION_TIME, f"step {step.no}: {record.oleh} rejected it (ditolak) at {_fmt(record.waktu)}{note}",
             f"address the note, then step {step.no} is signed again as disetujui")
    if record.waktu > now:
        fail(RULE_DECISION_TIME, f"step {step.no}: waktu {_fmt(record.waktu)} is in the future",
             "record the real time of the sign-off")
    if previous is not None and record.waktu < previous.waktu:
        fail(RULE_DECISION_TIME, f"step {step.no}: signed at {_fmt(record.waktu)}, before the previous sign-off (step {previous.langkah}, {_fmt(previous.waktu)})",
             "the SOP's steps are signed in order: sign this step again after the previous one")

    # 5.6: the signature, where there is one or where one is required.
    if record.signature is not None:
        key = person.kunci_publik if person else None
        if key is None:
            fail(RULE_SIGNATURE, f"step {step.no}: the record is signed but {record.oleh} has no kunci_publik in petugas.yaml",
                 "enrol the signer's public key in approvals/petugas.yaml")
        else:
            reason = check_signature(record.raw, record.signature, key)
            if reason is not None:
                fail(RULE_SIGNATURE, f"step {step.no}: the signature does not verify: {reason}",
                     f"{record.oleh} signs the record again: ssh-keygen -Y sign -n jdih-approval -f KEY "
                     f"{record.path.name} (docs/kunci-tanda-tangan.md), or records the step anew with jdih approve --key")
    elif sop.tanda_tangan == "wajib":
        fail(RULE_SIGNATURE, f"step {step.no}: the record has no signature, and the SOP requires one (tanda_tangan: wajib)",
             f"sign it: jdih approve {product.id} --step {step.no} --by '{record.oleh}' --key KEYFILE")
    return fails


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
            who = f" (e.g. --by '{holders[0]}')" if holders else ""
            failures.append(Failure(RULE_MISSING, step.no, f"step {step.no} ({step.kegiatan}) has no sign-off by {_a(step.pelaksana)}",
                                    f"the {step.pelaksana} signs it: jdih approve {product.id} --step {step.no}{who}"))
        if record is not None:
            failures += _check_record(product, step, record, sop, people, previous, now, check_signature)
            others = [n for n in signers[record.oleh] if n != step.no]
            if sop.pemisahan_tugas and others:
                failures.append(Failure(RULE_SEPARATION, step.no,
                                        f"step {step.no}: {record.oleh} also signed step {', '.join(map(str, others))}; "
                                        "one person may sign only one step (pemisahan_tugas)",
                                        f"have another {step.pelaksana} sign step {step.no}", record.path))
            previous = record
        results.append(StepResult(step, record, tuple(failures)))
    return Verdict(product, tuple(results))


def find_notices(site: Site) -> list[Notice]:
    """Records that name an unknown product, step or person."""
    product_ids = {p.id for p in site.products}
    steps = {s.no for s in site.sop.langkah}
    names = {p.nama for p in site.roster}
    notices: list[Notice] = []
    for record in site.signoffs:
        if record.folder not in product_ids:
            notices.append(Notice(record.path, f"approvals/{record.folder}/ belongs to no product in content/",
                                  "move the record to the folder of its product, or remove it if the product is gone"))
        elif record.produk not in product_ids:
            notices.append(Notice(record.path, f"the record names product '{record.produk}', which does not exist",
                                  f"write `produk: {record.folder}`"))
        if record.langkah not in steps:
            notices.append(Notice(record.path, f"the record names step {record.langkah}, which the SOP does not have",
                                  f"use a step number from approvals/sop.yaml (1..{len(site.sop.langkah)})"))
        if record.oleh not in names:
            notices.append(Notice(record.path, f"the record is by '{record.oleh}', who is not in approvals/petugas.yaml",
                                  "use the exact name from the roster, or add the person to it"))
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
