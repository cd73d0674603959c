"""Verifying a signed lembar persetujuan: the PAdES signature, its chain, its time, its record.

pyHanko does the PDF and CMS work (integrity, what the signature covers, what changed after it, the
certificate path and revocation); this module decides what counts, fail-closed:
- exactly one signature (document timestamps aside) that is intact and covers the whole document as
  signed; later incremental updates may add only validation data and timestamps;
- the signer's certificate chains to one of the office's anchors and was valid at the signing time,
  which is the trusted timestamp's where there is one, else the signer's own (SECURITY.md);
- revocation data in the document (its DSS, or the signature's own archival attribute) is used, never
  fetched: every build gives the same answer offline. A certificate any of it shows as revoked voids
  the lembar, whenever the revocation (stricter than AdES: see below);
- the record is read from the bytes the signature covers, never from a later update.

The outcome is plain data (no translated text: the caller words it, in its own language).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from jdih_build.tte.certificate import Holder, holder_of
from jdih_build.tte.loop import outside_loop

RECORD_NAME = "lembar-persetujuan.yaml"
MAX_LEMBAR_BYTES = 16 * 1024 * 1024
MAX_TEXT_PAGES = 4


@dataclass(frozen=True)
class Outcome:
    """What verifying one lembar found. `problem` is None when the signature counts; else a kind
    (see tte/reasons.py) with `detail` (pyHanko's own words, untranslated) for the report."""

    problem: str | None
    detail: str = ""
    record: bytes | None = None           # the embedded record, from the signed bytes
    page_text: str = ""                   # the text of the page(s) the signer saw
    holder: Holder | None = None
    signed_at: datetime | None = None
    time_source: str = ""                 # "timestamp" (a trusted TSA) or "signer" (the signer's clock)
    revocation_checked: bool = False      # the document carries revocation data (validated by pyHanko)


def as_asn1(cert: x509.Certificate):  # -> asn1crypto.x509.Certificate
    from asn1crypto import x509 as a509
    return a509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def read_signed_revision(pdf: bytes, end: int, strict: bool = True) -> tuple[bytes | None, str]:
    """The record embedded in the first `end` bytes (the revision the signature covers), and the text
    of its first pages. `strict`: exactly one record (else None); otherwise the first, to name the step
    of a lembar whose signature failed."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf[:end]), strict=False)
    found = reader.attachments.get(RECORD_NAME)
    record = found[0] if found and (len(found) == 1 or not strict) else None
    text = "\n".join((page.extract_text() or "") for page in list(reader.pages)[:MAX_TEXT_PAGES])
    return record, text


def _revinfo(sig, reader):  # -> tuple[list, list, list]: certificates, CRLs, OCSP responses
    """The validation data the document carries: its DSS, and the signature's archival attribute."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.sign.general import NonexistentAttributeError, find_unique_cms_attribute
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    certs, crls, ocsps = [], [], []
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        certs = list(dss.load_certs())
        crls = [asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss.crls]
        ocsps = [asn1_ocsp.OCSPResponse.load(ref.get_object().data) for ref in dss.ocsps]
    except NoDSSFoundError:
        pass
    try:
        archival = find_unique_cms_attribute(sig.signer_info["signed_attrs"], "adobe_revocation_info_archival")
        crls += list(archival["crl"] or [])
        ocsps += list(archival["ocsp"] or [])
    except (NonexistentAttributeError, KeyError):
        pass
    return certs, crls, ocsps


def _timestamp_time(sig) -> datetime | None:
    """The time a timestamp authority put on the signature, if it bears a timestamp token (pyHanko
    checks the token itself; this only reads the time to validate the path at)."""
    from pyhanko.sign.general import NonexistentAttributeError, find_unique_cms_attribute

    try:
        token = find_unique_cms_attribute(sig.signer_info["unsigned_attrs"], "signature_time_stamp_token")
    except (NonexistentAttributeError, KeyError):
        return None
    return token["content"]["encap_content_info"]["content"].parsed["gen_time"].native


def _revoked_at(holder_cert, crls, ocsps) -> datetime | None:
    """The earliest revocation of the signer's certificate that the embedded data states, if any
    (the data's own authenticity is pyHanko's check; a forged 'revoked' can only withhold)."""
    serial = holder_cert.serial_number
    times: list[datetime] = []
    for crl in crls:
        for entry in crl["tbs_cert_list"]["revoked_certificates"] or []:
            if entry["user_certificate"].native == serial:
                times.append(entry["revocation_date"].native)
    for response in ocsps:
        try:
            basic = response["response_bytes"]["response"].parsed
        except (KeyError, ValueError, TypeError):
            continue
        for single in basic["tbs_response_data"]["responses"]:
            if single["cert_id"]["serial_number"].native == serial and single["cert_status"].name == "revoked":
                times.append(single["cert_status"].chosen["revocation_time"].native)
    return min(times) if times else None


def _quiet() -> None:
    """pyHanko logs every failed path with a traceback; the outcome says it in one line instead."""
    import logging

    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def verify_lembar(pdf: bytes, anchors_pem: bytes, require_revocation: bool) -> Outcome:
    """Verify one lembar's bytes against the anchors (PEM). Never raises for a bad document."""
    _quiet()
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    if len(pdf) > MAX_LEMBAR_BYTES:
        return Outcome("too-large", str(len(pdf)))
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        return Outcome("unreadable", str(exc))
    if not signatures:
        return Outcome("unsigned")
    if len(signatures) > 1:
        return Outcome("several", str(len(signatures)))
    sig = signatures[0]
    try:
        cert = sig.signer_cert
        holder = holder_of(x509.load_der_x509_certificate(cert.dump()))
        stamped = _timestamp_time(sig)
        claimed = sig.self_reported_timestamp
        moment = stamped or claimed
        if moment is None:
            return Outcome("no-time", holder=holder)
        certs, crls, ocsps = _revinfo(sig, reader)
        roots = [as_asn1(c) for c in x509.load_pem_x509_certificates(anchors_pem)]

        def validate(mode: str):  # -> PdfSignatureStatus
            context = ValidationContext(trust_roots=roots, other_certs=certs, crls=crls, ocsps=ocsps, moment=moment,
                                        allow_fetching=False, retroactive_revinfo=True, revocation_mode=mode)
            return outside_loop(lambda: validate_pdf_signature(sig, context))

        status = validate("require" if require_revocation else "soft-fail")
        # Only revocation data missing? Then say so (the fix is `jdih terima` online, not another CA).
        lacks_revocation = require_revocation and not status.trusted and validate("soft-fail").trusted
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds for a malformed signature: all withhold
        return Outcome("broken", f"{type(exc).__name__}: {exc}")

    source = "timestamp" if stamped is not None else "signer"
    base: dict[str, Any] = {"holder": holder, "signed_at": moment, "time_source": source}
    if not status.intact:
        return Outcome("altered", **base)
    if not status.valid:
        return Outcome("broken", "the signature value does not match", **base)
    if stamped is not None:
        ts = status.timestamp_validity
        if ts is None or not (ts.intact and ts.valid and ts.trusted):
            return Outcome("timestamp", str(getattr(ts, "trust_problem_indic", "")), **base)
    if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        return Outcome("coverage", str(status.coverage), **base)
    if status.modification_level not in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES) or not status.docmdp_ok:
        return Outcome("modified", str(status.modification_level), **base)
    if (revoked := _revoked_at(cert, crls, ocsps)) is not None:
        # Stricter than AdES, which lets a timestamp older than the revocation save the signature:
        # a lembar is cheap to sign again, and a compromised key's holder chooses the claimed time.
        return Outcome("revoked", revoked.isoformat(), **base)
    if not status.trusted:
        indication = str(status.trust_problem_indic or "")
        if moment < holder.not_before:
            return Outcome("not-yet-valid", indication, **base)
        if moment > holder.not_after:
            return Outcome("expired", indication, **base)
        if "REVOKED" in indication:
            return Outcome("revoked", indication, **base)
        if lacks_revocation:
            return Outcome("no-revocation", indication, **base)
        return Outcome("untrusted", indication, **base)
    signed_end = sig.byte_range[-2] + sig.byte_range[-1]
    try:
        record, text = read_signed_revision(pdf, signed_end)
    except Exception as exc:  # noqa: BLE001 - pypdf on a hostile document: withhold
        return Outcome("unreadable", f"{type(exc).__name__}: {exc}", **base)
    if record is None:
        return Outcome("no-record", RECORD_NAME, **base)
    return Outcome(None, record=record, page_text=text, revocation_checked=bool(crls or ocsps), **base)
