"""Why a lembar's signature does not count, in the reader's language (the kinds come from verify.py)."""

from __future__ import annotations

from jdih_build.i18n import N_, _
from jdih_build.tte.verify import MAX_LEMBAR_BYTES, Outcome

REASONS = {
    "too-large": N_("the PDF is larger than {limit} MiB"),
    "unreadable": N_("the PDF cannot be read"),
    "unsigned": N_("the PDF carries no electronic signature"),
    "several": N_("the PDF carries {detail} signatures; a lembar is signed by its one signer"),
    "no-time": N_("the signature states no signing time"),
    "broken": N_("the signature cannot be verified"),
    "altered": N_("the PDF was changed after it was signed (its signed bytes do not match the signature)"),
    "timestamp": N_("the signature's timestamp does not verify"),
    "coverage": N_("the signature does not cover the whole document"),
    "modified": N_("the PDF was edited after it was signed (an update adds more than validation data)"),
    "not-yet-valid": N_("the certificate was not yet valid at the signing time"),
    "expired": N_("the certificate had expired at the signing time"),
    "revoked": N_("the certificate is revoked"),
    "no-revocation": N_("the PDF holds no revocation status for the certificate, and the SOP requires one "
                        "(cek_pencabutan: wajib)"),
    "untrusted": N_("the certificate does not chain to a trust anchor of the office (approvals/tte-akar.pem)"),
    "no-record": N_("the signed PDF holds no record ({detail}): it is not a lembar made by jdih lembar"),
    "page": N_("the page of the lembar does not show the record it carries (product, decision, hashes)"),
    "before-made": N_("the signing time is before the lembar was made"),
    "no-anchors": N_("the office has no TTE trust anchors (approvals/tte-akar.pem or JDIH_TTE_AKAR)"),
}

FIXES = {
    "no-revocation": N_("run jdih terima on the file while online: it adds the certificate's revocation status"),
    "untrusted": N_("add the certification authority's certificate to approvals/tte-akar.pem (then jdih sign-policy), "
                    "or have the signer use their certificate from the office's PSrE"),
    "no-anchors": N_("put the PSrE's CA certificates (PEM) in approvals/tte-akar.pem (docs/tte.md)"),
}


def reason(outcome: Outcome) -> str:
    """One line: why the lembar does not count, with pyHanko's detail where it adds something."""
    assert outcome.problem is not None
    text = _(REASONS.get(outcome.problem, REASONS["broken"])).format(
        detail=outcome.detail, limit=MAX_LEMBAR_BYTES // 2**20)
    if outcome.problem in ("broken", "unreadable", "untrusted", "revoked", "timestamp") and outcome.detail:
        text += f" ({outcome.detail})"
    return text


DEFAULT_FIX = N_("make a new lembar with jdih lembar, have it signed unchanged, and file it with jdih terima (docs/tte.md)")


def fix(problem: str) -> str:
    return _(FIXES.get(problem, DEFAULT_FIX))
