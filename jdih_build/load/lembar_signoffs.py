"""Sign-offs signed with TTE: `approvals/<product-id>/<NN>-<peran>.pdf`, a lembar persetujuan (issue 21).

Each lembar is verified here, once per build, in bounded worker processes (a PDF is hostile input:
memory and time are capped, as for the products' PDFs), against the office's trust anchors
(`approvals/tte-akar.pem`, or JDIH_TTE_AKAR from outside the repository). The record inside becomes a
SignOff like a YAML one, with its `tte` verdict; the gate decides what counts (gate/rules.py, 5.6).

A lembar whose signature fails still yields its record when one can be read (so the report names its
step and the reason, and, fail-closed, it can void the step as a failing .sig does). A PDF that holds
no readable record at all is invalid input: the build names it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from jdih_build.bounded import Failed, run_bounded
from jdih_build.i18n import _
from jdih_build.load.codec import signoff_fields
from jdih_build.load.problems import Problems
from jdih_build.load.safe_read import InputFileError, read_regular
from jdih_build.load.signoffs import Lembar, parse_record
from jdih_build.model import SignOff, Sop, TteSignature
from jdih_build.tte.anchors import Anchors
from jdih_build.tte.reasons import fix as fix_for
from jdih_build.tte.reasons import reason
from jdih_build.tte.verify import MAX_LEMBAR_BYTES, RECORD_NAME, Outcome, read_signed_revision, verify_lembar

VERIFY_SECONDS = 60
VERIFY_MEMORY = 1536 * 2**20
# A signature cannot be older than the lembar it signs; clocks differ by a few minutes at most.
CLOCK_SLACK = timedelta(minutes=10)


def warm_up() -> None:
    """Import pyHanko here, once a process: the workers forked from it then start with it loaded."""
    import pyhanko.sign.validation  # noqa: F401
    import pypdf  # noqa: F401


def _verify_file(task: tuple[str, bytes, bool]) -> tuple[Outcome, bytes | None]:
    """In a bounded worker: the outcome, and the record read without trust when verification did not
    give one (to name the step whose sign-off fails)."""
    path, anchors_pem, require_revocation = task
    try:
        pdf = read_regular(path, MAX_LEMBAR_BYTES)
    except (InputFileError, OSError) as exc:
        return Outcome("unreadable", str(exc)), None
    outcome = verify_lembar(pdf, anchors_pem, require_revocation) if anchors_pem else Outcome("no-anchors")
    if outcome.record is not None:
        return outcome, None
    try:
        untrusted, _text = read_signed_revision(pdf, len(pdf), strict=False)
    except Exception:  # noqa: BLE001 - a PDF pypdf cannot read has no record: reported by the caller
        untrusted = None
    return outcome, untrusted


def page_shows(record: SignOff, text: str) -> bool:
    """The page the signer saw shows the record it carries: the product, the decision and every hash."""
    flat = "".join(text.split())
    decision = {"disetujui": "DISETUJUI", "ditolak": "DITOLAK"}[record.keputusan]
    return record.produk in flat and decision in flat and all(digest in flat for _name, digest in record.berkas)


def signature_of(outcome: Outcome, problem: str | None) -> TteSignature:
    holder = outcome.holder
    if problem is None:
        words = fixed = ""
    elif problem == outcome.problem:
        words, fixed = reason(outcome), fix_for(problem)
    else:
        words, fixed = reason(replace(outcome, problem=problem)), fix_for(problem)
    return TteSignature(problem=problem, reason=words, fix=fixed,
                        signer=holder.name if holder else "", nik=holder.nik if holder else None,
                        emails=holder.emails if holder else (), fingerprint=holder.fingerprint if holder else "",
                        issuer=holder.issuer if holder else "", signed_at=outcome.signed_at,
                        time_source=outcome.time_source, revocation_checked=outcome.revocation_checked)


def record_of(path: Path, folder: str | None, outcome: Outcome, raw: bytes, problems: Problems) -> SignOff | None:
    """The sign-off a lembar carries (`raw`, its embedded record) with its signature's verdict, the same for
    the build and for `jdih terima`: the PDF's signature (`outcome`), then that the page shows the record
    and that the signature is not older than the lembar. The time that counts is the signing time, when
    the signature counts. `folder`: where it lies; None for a lembar not filed yet (its record's produk).
    None, with the problems, when the record breaks the format."""
    fields = parse_record(path, raw, problems)
    if fields is None:
        return None
    record = SignOff(path, folder if folder is not None else str(fields["produk"]), *signoff_fields(fields), raw=raw)
    problem = outcome.problem
    if problem is None and not page_shows(record, outcome.page_text):
        problem = "page"
    if problem is None and outcome.signed_at is not None and outcome.signed_at < record.waktu - CLOCK_SLACK:
        problem = "before-made"
    # The signing time is the sign-off's time (rule 5.4, the order of steps), when it can be trusted.
    waktu = outcome.signed_at.astimezone(record.waktu.tzinfo) if problem is None and outcome.signed_at else record.waktu
    return replace(record, waktu=waktu, tte=signature_of(outcome, problem))


def load_lembar_signoffs(files: list[Lembar], sop: Sop, anchors: Anchors | None, anchors_pem: bytes,
                         problems: Problems, workers: int = 1) -> list[SignOff]:
    """The records of the lembar the sign-off listing found (load/signoffs.py)."""
    if not files:
        return []
    tasks = [(path, anchors_pem if anchors is not None else b"", sop.requires_revocation_data) for path, _ in files]
    warm_up()
    results = run_bounded(tasks, _verify_file, VERIFY_SECONDS, VERIFY_MEMORY, workers=max(1, workers), warm=True)
    records: list[SignOff] = []
    for task, (path, folder) in zip(tasks, files, strict=True):
        result = results.get(task)
        if result is None or isinstance(result, Failed):
            why = result.reason if isinstance(result, Failed) else _("it was not verified")
            problems.add(Path(path), None, _("the lembar cannot be verified: {why}").format(why=why),
                         _("replace it with the signed PDF as the signer's app returned it"))
            continue
        outcome, untrusted = result
        raw = outcome.record if outcome.record is not None else untrusted
        if raw is None:
            problems.add(Path(path), None,
                         _("not a lembar persetujuan: the PDF holds no {name} ({why})").format(name=RECORD_NAME, why=reason(outcome)
                                                                                               if outcome.problem else ""),
                         _("file lembar PDFs with jdih terima; remove any other PDF from approvals/"))
            continue
        record = record_of(Path(path), folder, outcome, raw, problems)
        if record is not None:
            records.append(record)
    return records
