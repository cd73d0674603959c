"""Long-term validation: fetch the signer's revocation status once, and keep it in the PDF.

`jdih terima` calls this online: pyHanko asks the certificate's OCSP responder (or CRL) for the whole
path, signer and timestamp authority alike, and appends what it got as a document security store in an
incremental update (which the signature allows: validation data only). Every later build verifies
offline from it and gives the same answer.
"""

from __future__ import annotations

import io

from cryptography import x509

from jdih_build.tte.loop import outside_loop
from jdih_build.tte.verify import as_asn1


class RevocationFetchError(Exception):
    """The revocation status could not be fetched (offline, a responder down); the detail says why."""


def add_revocation_data(pdf: bytes, anchors_pem: bytes) -> bytes:
    """`pdf` with the revocation data of its signature added (an incremental update)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import add_validation_info
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    signatures = list(reader.embedded_regular_signatures)
    if len(signatures) != 1:
        raise RevocationFetchError(f"{len(signatures)} signatures")
    context = ValidationContext(
        trust_roots=[as_asn1(c) for c in x509.load_pem_x509_certificates(anchors_pem)], allow_fetching=True,
        revocation_mode="require")   # pyHanko's own fetcher (aiohttp, 10 s a request), closed when done
    try:
        output = outside_loop(lambda: add_validation_info(signatures[0], context))
    except Exception as exc:  # noqa: BLE001 - network and responder failures come in many kinds: reported
        raise RevocationFetchError(f"{type(exc).__name__}: {exc}") from None
    return output.getvalue()
