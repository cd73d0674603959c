"""Who a signing certificate names, as Indonesian certification authorities (PSrE) write it.

BSrE (BSSN) certificates for a person carry the name in CN, the NIK in the subject's serialNumber
(sometimes with a prefix, e.g. "NIK:" or "PNOID"), and the e-mail in the subject's emailAddress and/or
in subjectAltName. Other PSrE differ in the prefix; the 16-digit run is what identifies the person.
The roster's `tte` entry names any of: the NIK, the e-mail, the certificate's SHA-256 fingerprint;
every one it names must match (model.TteSignature.mismatch; load/policy.py checks their shapes).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

NIK_PATTERN = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")


@dataclass(frozen=True)
class Holder:
    """What a certificate says of its holder and issuer."""

    name: str
    nik: str | None
    emails: tuple[str, ...]
    fingerprint: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime


def normal_fingerprint(text: str) -> str:
    """A fingerprint as people copy it (colons, spaces, upper case) in its one written form."""
    return re.sub(r"[\s:]", "", text).lower()


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(a.value) for a in name.get_attributes_for_oid(oid)]


def common_name(name: x509.Name) -> str:
    names = _attribute(name, NameOID.COMMON_NAME) or _attribute(name, NameOID.ORGANIZATION_NAME)
    return names[0] if names else name.rfc4514_string()


def holder_of(cert: x509.Certificate) -> Holder:
    subject = cert.subject
    nik = None
    for value in _attribute(subject, NameOID.SERIAL_NUMBER) + _attribute(subject, NameOID.USER_ID):
        if (found := NIK_PATTERN.search(value)) is not None:
            nik = found.group(0)
            break
    emails = [e.lower() for e in _attribute(subject, NameOID.EMAIL_ADDRESS)]
    try:
        alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        emails += [e.lower() for e in alt.get_values_for_type(x509.RFC822Name)]
    except x509.ExtensionNotFound:
        pass
    der = cert.public_bytes(serialization.Encoding.DER)
    return Holder(name=common_name(subject), nik=nik, emails=tuple(dict.fromkeys(emails)),
                  fingerprint=hashlib.sha256(der).hexdigest(), issuer=common_name(cert.issuer),
                  serial=format(cert.serial_number, "x"), not_before=cert.not_valid_before_utc,
                  not_after=cert.not_valid_after_utc)
