"""The office's trust anchors for TTE: the CA certificates of its PSrE, as PEM text.

Only certificates that are CAs are anchors: a person's own certificate pasted here by mistake would
otherwise let any self-signed look-alike through (and is refused with a message saying so).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509

from jdih_build.i18n import _
from jdih_build.tte.certificate import common_name

MAX_ANCHOR_BYTES = 1024 * 1024


class AnchorError(Exception):
    """The anchors cannot be used; the message says why."""


@dataclass(frozen=True)
class Anchors:
    certificates: tuple[x509.Certificate, ...]
    origin: str            # where they came from, for messages

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(common_name(c.subject) for c in self.certificates)


def parse_anchors(pem: bytes, origin: str) -> Anchors:
    if b"-----BEGIN CERTIFICATE-----" not in pem:
        raise AnchorError(_("{origin} holds no certificate (PEM text beginning -----BEGIN CERTIFICATE-----)").format(origin=origin))
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise AnchorError(_("{origin} is not readable PEM: {exc}").format(origin=origin, exc=exc)) from None
    for number, cert in enumerate(certificates, 1):
        try:
            constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
            is_ca = constraints.ca
        except x509.ExtensionNotFound:
            is_ca = False
        if not is_ca:
            raise AnchorError(_("{origin}: certificate {number} ({name}) is not a CA certificate; a trust anchor is "
                                "the certification authority's certificate, not a person's").format(
                                    origin=origin, number=number, name=common_name(cert.subject)))
    return Anchors(tuple(certificates), origin)
