"""`jdih approve`: write one SOP sign-off (CONTRACT 4) with the current hashes, refusing what the gate refuses.

The candidate record is built in memory first, with its exact bytes (and signature). The gate is then run
on the product with the existing records plus the candidate: a record is written only if it would count.
Nothing is written on a refusal; with `--key` the `.sig` is written before the `.yaml`, so a record never
exists without the signature it was meant to carry.
"""

from __future__ import annotations

import argparse
import difflib
import getpass
import os
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from jdih_build import sshsig
from jdih_build.gate.rules import RULE_MISSING, Failure, Verdict, evaluate_product
from jdih_build.model import Person, SignOff, Site, Step
from jdih_build.workflow.atomic import write_atomic
from jdih_build.console.reporting import load_or_report, rel

EXIT_OK, EXIT_REFUSED = 0, 1
PASSPHRASE_ENV = "JDIH_KEY_PASSPHRASE"
APPROVED, REJECTED = "disetujui", "ditolak"

# Plain YAML scalars that every reader takes as text: a lower-case word that is not a YAML keyword.
_PLAIN_SAFE = re.compile(r"[a-z][a-z0-9_-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


# --------------------------------------------------------------------------------------------------
# YAML emission (by hand, so that the key order and the bytes are ours)


def _printable(ch: str) -> bool:
    """YAML's printable set, minus the characters YAML treats as line breaks."""
    code = ord(ch)
    if ch in "\u0085\u2028\u2029\ufeff":
        return False
    return (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def yaml_quote(text: str) -> str:
    """A double-quoted YAML scalar that reads back as exactly `text` in any YAML reader."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def yaml_scalar(text: str) -> str:
    """Plain when plainly safe (ids, role names), double-quoted otherwise."""
    if _PLAIN_SAFE.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return yaml_quote(text)


def format_waktu(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def render_record(produk: str, langkah: int, peran: str, oleh: str, keputusan: str, waktu: datetime,
                  berkas: dict[str, str], catatan: str | None) -> bytes:
    """The sign-off's bytes, keys in the order of CONTRACT 4."""
    lines = [
        f"produk: {yaml_scalar(produk)}",
        f"langkah: {langkah}",
        f"peran: {yaml_scalar(peran)}",
        f"oleh: {yaml_quote(oleh)}",
        f"keputusan: {keputusan}",
        f"waktu: {format_waktu(waktu)}",
        "berkas:",
        *(f"  {yaml_quote(name)}: {yaml_quote(digest)}" for name, digest in sorted(berkas.items())),
    ]
    if catatan is not None:
        lines.append(f"catatan: {yaml_quote(catatan)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------------
# Refusals


@dataclass(frozen=True)
class Refusal:
    where: str      # the file (relative to the site) or the option the reason is about
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message} - {self.fix}"


SOP_FILE = "approvals/sop.yaml"
ROSTER_FILE = "approvals/petugas.yaml"


def close_matches(word: str, options: list[str]) -> list[str]:
    exact = [o for o in options if o.casefold() == word.casefold()]
    return exact or difflib.get_close_matches(word, options, n=3, cutoff=0.6)


def _did_you_mean(word: str, options: list[str], what: str) -> str:
    close = close_matches(word, options)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return f"use one of the {what}" if options else f"there are no {what} yet"


def parse_at(text: str) -> tuple[datetime | None, str | None]:
    """An ISO 8601 date-time with its UTC offset, truncated to seconds; (None, reason) otherwise."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None, f"'{text}' is not an ISO 8601 date-time"
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None, f"'{text}' has no UTC offset"
    offset = moment.utcoffset()
    assert offset is not None
    if offset % timedelta(minutes=1):
        return None, f"'{text}' has an offset with seconds"
    return moment.replace(microsecond=0), None


def local_now() -> datetime:
    """Now, in the computer's local offset, to the second."""
    moment = datetime.now().astimezone().replace(microsecond=0)
    offset = moment.utcoffset()
    if offset is None or offset % timedelta(minutes=1):
        moment = moment.astimezone(timezone.utc)
    return moment


def check_lookup(site: Site, product_id: str, step_no: int, name: str) -> list[Refusal]:
    """The product, the step and the person exist."""
    refusals: list[Refusal] = []
    if site.product(product_id) is None:
        ids = sorted(p.id for p in site.products)
        refusals.append(Refusal("content/", f"no product has the id '{product_id}'",
                                _did_you_mean(product_id, ids, "product ids (jdih status lists them)")))
    if site.sop.step(step_no) is None:
        numbers = [s.no for s in site.sop.langkah]
        refusals.append(Refusal(SOP_FILE, f"the SOP has no step {step_no}",
                                f"use a step number from {min(numbers)} to {max(numbers)}"))
    if site.person(name) is None:
        names = sorted(p.nama for p in site.roster)
        refusals.append(Refusal(ROSTER_FILE, f"'{name}' is not on the roster",
                                f"{_did_you_mean(name, names, 'roster names')} (names must match exactly)"))
    return refusals


def a_role(role: str) -> str:
    return f"{'an' if role[:1] in 'aeiou' else 'a'} {role}"


def holders(site: Site, role: str, day: datetime) -> list[str]:
    return sorted(p.nama for p in site.roster if role in p.peran and p.active_on(day.date()))


def check_person(site: Site, step: Step, person: Person, waktu: datetime) -> list[Refusal]:
    refusals: list[Refusal] = []
    others = [n for n in holders(site, step.pelaksana, waktu) if n != person.nama]
    example = f" (e.g. --by '{others[0]}')" if others else ""
    if step.pelaksana not in person.peran:
        roles = ", ".join(person.peran) or "none"
        refusals.append(Refusal(ROSTER_FILE, f"{person.nama} does not hold the role '{step.pelaksana}' that step {step.no} "
                                             f"needs (their roles: {roles})",
                                f"have {a_role(step.pelaksana)} sign step {step.no}{example}"))
    if not person.active_on(waktu.date()):
        period = f"{person.aktif_sejak or '...'} to {person.aktif_sampai or '...'}"
        refusals.append(Refusal(ROSTER_FILE, f"{person.nama} is not active on {waktu.date()} (active {period})",
                                f"have an active {step.pelaksana} sign step {step.no}{example}, "
                                "or correct aktif_sejak/aktif_sampai"))
    return refusals


def latest_by_step(records: list[SignOff]) -> dict[int, SignOff]:
    latest: dict[int, SignOff] = {}
    for record in records:
        if record.langkah not in latest or record.waktu > latest[record.langkah].waktu:
            latest[record.langkah] = record
    return latest


def check_timeline(site: Site, step: Step, waktu: datetime, records: list[SignOff], now: datetime,
                   reject: bool) -> list[Refusal]:
    """Not in the future; the latest record of its step; not before the previous step's record."""
    refusals: list[Refusal] = []
    if waktu > now:
        refusals.append(Refusal("--at", f"waktu {format_waktu(waktu)} is in the future",
                                "give the real time of the sign-off, or leave --at out to use now"))
    same = [r for r in records if r.langkah == step.no and r.waktu >= waktu]
    if same:
        newest = max(same, key=lambda r: r.waktu)
        refusals.append(Refusal(rel(newest.path, site.root),
                                f"step {step.no} already has a record at {format_waktu(newest.waktu)}, not earlier "
                                f"than {format_waktu(waktu)}: only the latest record of a step counts",
                                "give a later --at (or leave it out to use now)"))
    if not reject:
        latest = latest_by_step(records)
        earlier = [n for n in latest if n < step.no]
        if earlier:
            previous = latest[max(earlier)]
            if waktu < previous.waktu:
                refusals.append(Refusal(rel(previous.path, site.root),
                                        f"waktu {format_waktu(waktu)} is before the previous step's record "
                                        f"(step {previous.langkah}, {format_waktu(previous.waktu)})",
                                        "the SOP's steps are signed in order: give a later --at"))
    return refusals


def gate_refusals(verdict: Verdict, step_no: int, candidate: Path, root: Path) -> list[Refusal]:
    """The gate's failures for this step and the earlier ones, which an approval must not leave."""
    refusals = []
    for failure in verdict.failures:
        if failure.step > step_no:
            continue
        if failure.record == candidate:
            where = f"{rel(candidate, root)} (this sign-off)"
        elif failure.record is not None:
            where = rel(failure.record, root)
        else:
            where = f"approvals/{verdict.product.id}/"
        refusals.append(Refusal(where, f"rule {failure.rule}: {failure.message}", failure.fix))
    return refusals


def later_failures(before: Verdict, after: Verdict, step_no: int) -> list[Failure]:
    """Failures of later steps that the new record causes (they passed without it)."""
    old = {(f.step, f.rule) for f in before.failures}
    return [f for f in after.failures if f.step > step_no and (f.step, f.rule) not in old]


# --------------------------------------------------------------------------------------------------
# Keys


PassphraseSource = Callable[[Path], bytes | None]


def passphrase_from_environment_or_terminal(key_file: Path) -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    if value is not None:
        return value.encode("utf-8")
    if sys.stdin.isatty():
        return getpass.getpass(f"Passphrase for {key_file}: ").encode("utf-8")
    return None


def load_signing_key(key_file: Path, person: Person,
                     passphrase: PassphraseSource) -> tuple[sshsig.PrivateKey | None, Refusal | None]:
    where = str(key_file)
    try:
        try:
            key = sshsig.load_private_key(key_file)
        except sshsig.KeyFormatError as exc:
            if "passphrase" not in str(exc):
                raise
            secret = passphrase(key_file)
            if secret is None:
                return None, Refusal(where, "the private key is protected by a passphrase",
                                     f"set {PASSPHRASE_ENV}, or run jdih approve on a terminal to be asked for it")
            key = sshsig.load_private_key(key_file, secret)
    except sshsig.KeyFormatError as exc:
        return None, Refusal(where, f"cannot use the key: {exc}",
                             "give --key the signer's OpenSSH private key file (as ssh-keygen writes it)")
    if person.kunci_publik is None:
        return None, Refusal(ROSTER_FILE, f"{person.nama} has no kunci_publik, so a signature by them cannot be checked",
                             f"enrol {person.nama}'s public key (the line of the .pub file) in petugas.yaml, "
                             "or approve without --key")
    enrolled = sshsig.parse_public_key(person.kunci_publik)
    if key.public.blob != enrolled.blob:
        return None, Refusal(where, f"the key ({sshsig.fingerprint(key.public)}) is not {person.nama}'s kunci_publik in "
                                    f"{ROSTER_FILE} ({sshsig.fingerprint(enrolled)})",
                             f"sign with {person.nama}'s own key, or have their kunci_publik updated")
    return key, None


# --------------------------------------------------------------------------------------------------
# Writing


def record_path(folder: Path, step_no: int, role: str) -> Path:
    """`<NN>-<peran>.yaml`, with `-2`, `-3`, ... where the name (or its .sig) is taken."""
    stem = f"{step_no:02d}-{role}"
    suffix = 1
    while True:
        name = f"{stem}.yaml" if suffix == 1 else f"{stem}-{suffix}.yaml"
        path = folder / name
        if not (path.exists() or path.is_symlink() or path.with_name(name + ".sig").exists()):
            return path
        suffix += 1


def write_new_file(path: Path, data: bytes) -> None:
    """Write atomically and never replace an existing file."""
    write_atomic(path, data, replace=False)


def write_record(path: Path, data: bytes, signature: bytes | None) -> list[Path]:
    """The .sig first, then the .yaml: a record never exists without its signature."""
    created_folder = not path.parent.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        if signature is not None:
            sig = path.with_name(path.name + ".sig")
            write_new_file(sig, signature)
            written.append(sig)
        write_new_file(path, data)
        written.insert(0, path)
    except BaseException:
        for done in written:
            done.unlink(missing_ok=True)
        if created_folder:
            try:
                path.parent.rmdir()
            except OSError:
                pass
        raise
    return written


# --------------------------------------------------------------------------------------------------
# What comes next


def next_lines(site: Site, verdict: Verdict, step: Step, reject: bool, now: datetime) -> list[str]:
    product = verdict.product
    if reject:
        return [f"{product.id} is withheld: step {step.no} was rejected (ditolak). Once the note is addressed, "
                f"{a_role(step.pelaksana)} signs step {step.no} again: jdih approve {product.id} --step {step.no} --by NAME"]
    if verdict.published:
        return [f"{product.id} now passes the gate: jdih build publishes it."]
    pending = next(s for s in verdict.steps if not s.ok)
    if any(f.rule != RULE_MISSING for f in pending.failures):
        reasons = "; ".join(f.message for f in pending.failures)
        return [f"{product.id} is still withheld: {reasons}"]
    role = pending.step.pelaksana
    taken = {s.record.oleh for s in verdict.steps if s.record is not None and s.step.no != pending.step.no}
    eligible = [n for n in holders(site, role, now) if not (site.sop.pemisahan_tugas and n in taken)]
    who = ", ".join(eligible) if eligible else f"nobody on the roster now (add an active {role} to {ROSTER_FILE})"
    example = eligible[0] if eligible else "NAME"
    return [f"next: step {pending.step.no} ({pending.step.kegiatan}) by {a_role(role)}; may sign: {who}",
            f"  jdih approve {product.id} --step {pending.step.no} --by '{example}'"]


# --------------------------------------------------------------------------------------------------
# The command


@dataclass(frozen=True)
class Request:
    site: Path
    product_id: str
    step: int
    by: str
    reject: bool
    note: str | None
    at: str | None
    key: Path | None


def _refuse(refusals: list[Refusal]) -> int:
    for refusal in refusals:
        print(f"error: {refusal}", file=sys.stderr)
    print("approve refused: nothing was written", file=sys.stderr)
    return EXIT_REFUSED


def approve(request: Request, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
            passphrase: PassphraseSource = passphrase_from_environment_or_terminal) -> int:
    root = request.site.resolve()
    site = load_or_report(root, sys.stderr, "approve refused: fix them first (jdih check lists them); nothing was written")
    if site is None:
        return EXIT_REFUSED

    # 1. What the request names exists, and the request itself is complete.
    refusals = check_lookup(site, request.product_id, request.step, request.by)
    note = request.note.strip() if request.note is not None else None
    if request.note is not None and not note:
        refusals.append(Refusal("--note", "the note is empty", "write the note, or leave --note out"))
    if request.reject and not note:
        refusals.append(Refusal("--reject", "a rejection needs a reason",
                                "add --note TEXT saying what must change"))
    if request.at is not None:
        waktu, reason = parse_at(request.at)
        if waktu is None:
            refusals.append(Refusal("--at", reason or "bad time",
                                    "write e.g. --at 2024-03-01T09:30:00+07:00 (date, time and UTC offset)"))
    else:
        waktu = local_now()
    if refusals:
        return _refuse(refusals)
    assert waktu is not None
    product = site.product(request.product_id)
    step = site.sop.step(request.step)
    person = site.person(request.by)
    assert product is not None and step is not None and person is not None

    # 2. The person, the time and the signature.
    now = clock()
    records = [r for r in site.signoffs if r.folder == product.id]
    refusals = check_person(site, step, person, waktu) + check_timeline(site, step, waktu, records, now, request.reject)
    if site.sop.tanda_tangan == "wajib" and request.key is None:
        refusals.append(Refusal(SOP_FILE, "the SOP requires signed sign-offs (tanda_tangan: wajib)",
                                f"add --key with {person.nama}'s private key file"))
    if refusals:
        return _refuse(refusals)
    key = None
    if request.key is not None:
        key, refusal = load_signing_key(request.key, person, passphrase)
        if refusal is not None:
            return _refuse([refusal])

    # 3. The candidate, checked by the gate together with the existing records.
    path = record_path(root / "approvals" / product.id, step.no, step.pelaksana)
    data = render_record(product.id, step.no, step.pelaksana, person.nama, REJECTED if request.reject else APPROVED,
                         waktu, product.file_hashes, note)
    signature = sshsig.sign(data, key) if key is not None else None
    candidate = SignOff(path=path, folder=product.id, produk=product.id, langkah=step.no, peran=step.pelaksana,
                        oleh=person.nama, keputusan=REJECTED if request.reject else APPROVED, waktu=waktu,
                        berkas=tuple(sorted(product.file_hashes.items())), catatan=note, raw=data, signature=signature)
    people = {p.nama: p for p in site.roster}
    before = evaluate_product(product, records, site.sop, people, now)
    after = evaluate_product(product, records + [candidate], site.sop, people, now)
    if step.validasi and not request.reject:
        refusals = gate_refusals(after, step.no, path, root)
        if refusals:
            return _refuse(refusals)

    try:
        written = write_record(path, data, signature)
    except FileExistsError:
        return _refuse([Refusal(rel(path, root), "another record took this name while jdih approve ran",
                                "run the command again")])
    except OSError as exc:
        return _refuse([Refusal(rel(path, root), f"cannot write the sign-off: {exc.strerror or exc}",
                                "check that approvals/ is writable")])

    for done in written:
        print(f"wrote {rel(done, root)}")
    decision = "rejected" if request.reject else "approved"
    print(f"step {step.no} ({step.kegiatan}) {decision} by {person.nama} for {product.id} at {format_waktu(waktu)}")
    for failure in later_failures(before, after, step.no):
        print(f"warning: step {failure.step} no longer counts: {failure.message} - {failure.fix}", file=sys.stderr)
    for line in next_lines(site, after, step, request.reject, now):
        print(line)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    return approve(Request(site=Path(args.site), product_id=args.id, step=args.step, by=args.by, reject=args.reject,
                           note=args.note, at=args.at, key=Path(args.key) if args.key else None))


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "approve", help="write an SOP sign-off for a product (signed with --key)",
        description="Record that a person approved (or rejected) one SOP step of a product, with the sha256 of the "
                    "product's files as they are now. Refused, with nothing written, when the gate would not count "
                    "the sign-off: unknown product, step or person; a person without the step's role or not active; "
                    "an earlier validation step without a counting approval; a person who signed another validation "
                    "step (pemisahan_tugas); a time in the future or before the previous step; no --key where the SOP "
                    "requires signatures. Exit 0 written, 1 refused, 2 usage.")
    site_option(p)
    p.add_argument("id", metavar="ID", help="the product's id")
    p.add_argument("--step", type=int, required=True, metavar="N", help="the SOP step number (approvals/sop.yaml)")
    p.add_argument("--by", required=True, metavar="NAME", help="the signer, exactly as named in approvals/petugas.yaml")
    p.add_argument("--reject", action="store_true", help="record a rejection (ditolak); needs --note")
    p.add_argument("--note", metavar="TEXT", help="the note (catatan) recorded with the sign-off")
    p.add_argument("--at", metavar="ISO", help="when it was signed, ISO 8601 with UTC offset "
                                               "(e.g. 2024-03-01T09:30:00+07:00); default: now")
    p.add_argument("--key", metavar="FILE", help="the signer's OpenSSH private key: also write <record>.sig "
                                                 f"(namespace {sshsig.NAMESPACE}); passphrase from ${PASSPHRASE_ENV} "
                                                 "or asked on a terminal")
    p.set_defaults(run=run)
