"""SSH wire encoding (RFC 4251) and the key and error types shared by the SSHSIG modules."""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass, field
from typing import Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from jdih_build.i18n import _

NAMESPACE: Final = "jdih-approval"
HASH_ALGORITHMS: Final = ("sha256", "sha512")

_MAGIC: Final = b"SSHSIG"
_VERSION: Final = 1
_ARMOR_BEGIN: Final = "-----BEGIN SSH SIGNATURE-----"
_ARMOR_END: Final = "-----END SSH SIGNATURE-----"
_ARMOR_WIDTH: Final = 70  # ssh-keygen wraps the base64 body at 70 columns
_MAX_ARMOR_BYTES: Final = 64 * 1024
_MAX_KEY_LINE: Final = 16 * 1024
_MAX_PRIVATE_KEY_BYTES: Final = 1024 * 1024

_PRIVATE_BEGIN: Final = "-----BEGIN OPENSSH PRIVATE KEY-----"
_PRIVATE_END: Final = "-----END OPENSSH PRIVATE KEY-----"
_PRIVATE_MAGIC: Final = b"openssh-key-v1\x00"

_ED25519: Final = "ssh-ed25519"
_RSA: Final = "ssh-rsa"
_RSA_MIN_BITS: Final = 2048
_RSA_MAX_BITS: Final = 16384
_RSA_SIGNATURE_HASHES: Final[dict[str, type[hashes.HashAlgorithm]]] = {
    "rsa-sha2-256": hashes.SHA256,
    "rsa-sha2-512": hashes.SHA512,
}
_RSA_SIGN_ALGORITHM: Final = "rsa-sha2-512"  # what ssh-keygen uses for SSHSIG


@dataclass(frozen=True)
class _Curve:
    identifier: bytes
    curve: type[ec.EllipticCurve]
    hash: type[hashes.HashAlgorithm]
    point_bytes: int  # uncompressed point: 0x04 || X || Y


_ECDSA: Final[dict[str, _Curve]] = {
    "ecdsa-sha2-nistp256": _Curve(b"nistp256", ec.SECP256R1, hashes.SHA256, 65),
    "ecdsa-sha2-nistp384": _Curve(b"nistp384", ec.SECP384R1, hashes.SHA384, 97),
    "ecdsa-sha2-nistp521": _Curve(b"nistp521", ec.SECP521R1, hashes.SHA512, 133),
}
_CURVE_NAMES: Final[dict[str, str]] = {c.curve().name: alg for alg, c in _ECDSA.items()}

SUPPORTED_KEY_ALGORITHMS: Final = (_ED25519, *_ECDSA, _RSA)

_CryptoPublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
_CryptoPrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class SignatureError(Exception):
    """A signature is malformed, does not match, or does not verify."""


class KeyFormatError(ValueError):
    """A public or private key cannot be read or is not supported."""


class PassphraseRequired(KeyFormatError):
    """The private key is encrypted and no passphrase was given. Callers decide on this type, never on
    the (translated) message: the message is for people."""


class WrongPassphrase(KeyFormatError):
    """The passphrase given does not decrypt the key (or the encrypted key is corrupt)."""


class _WireError(Exception):
    """Internal: malformed SSH wire data; converted at the public boundary."""


@dataclass(frozen=True)
class PublicKey:
    """An SSH public key: algorithm name, wire-format blob and comment."""

    algorithm: str
    blob: bytes
    comment: str = ""

    def to_line(self) -> str:
        """The key as one authorized_keys / allowed_signers style line."""
        text = f"{self.algorithm} {base64.b64encode(self.blob).decode('ascii')}"
        return f"{text} {self.comment}" if self.comment else text


@dataclass(frozen=True)
class PrivateKey:
    """A loaded private key together with its public half."""

    public: PublicKey
    crypto_key: _CryptoPrivateKey = field(repr=False, compare=False)

    @property
    def algorithm(self) -> str:
        return self.public.algorithm


# --------------------------------------------------------------------------
# SSH wire encoding


class _Reader:
    """Bounds-checked reader for SSH wire data (RFC 4251 section 5)."""

    def __init__(self, data: bytes, offset: int = 0) -> None:
        self._data = data
        self._pos = offset

    def u32(self) -> int:
        if len(self._data) - self._pos < 4:
            raise _WireError(_("data ends inside a length field"))
        (value,) = struct.unpack_from(">I", self._data, self._pos)
        self._pos += 4
        return int(value)

    def string(self) -> bytes:
        length = self.u32()
        if length > len(self._data) - self._pos:
            raise _WireError(_("a field is longer than the data that holds it"))
        value = self._data[self._pos : self._pos + length]
        self._pos += length
        return value

    def mpint(self, max_bytes: int) -> int:
        raw = self.string()
        if len(raw) > max_bytes:
            raise _WireError(_("an integer field is too large"))
        if raw and raw[0] & 0x80:
            raise _WireError(_("an integer field is negative"))
        return int.from_bytes(raw, "big")

    def done(self) -> None:
        left = len(self._data) - self._pos
        if left:
            raise _WireError(_("{left} unexpected trailing byte(s)").format(left=left))


def _string(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


def _mpint(value: int) -> bytes:
    """Encode a non-negative integer as a minimal SSH mpint."""
    if value < 0:
        raise ValueError("negative mpint")
    if value == 0:
        return _string(b"")
    return _string(value.to_bytes(value.bit_length() // 8 + 1, "big"))  # room for a sign bit


def _name(raw: bytes, what: str) -> str:
    """Decode an algorithm name; names are printable ASCII."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise _WireError(_("{what} is not ASCII").format(what=what)) from None
    if not text or not text.isprintable():
        raise _WireError(_("{what} is empty or not printable").format(what=what))
    return text


def _show(raw: bytes) -> str:
    """Quote untrusted bytes for an error message."""
    return repr(raw.decode("utf-8", errors="backslashreplace"))


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _WireError(_("invalid base64")) from None
