"""SSHSIG detached signatures, the format that ``ssh-keygen -Y sign`` writes.

Sign-off files may carry a detached signature ``<file>.sig`` made with
``ssh-keygen -Y sign -n jdih-approval`` over the file's exact bytes. This module
signs and verifies that format in pure Python (with ``cryptography``), so the
gate does not depend on an ``ssh-keygen`` binary.

Wire format (OpenSSH ``PROTOCOL.sshsig``)::

    blob   = "SSHSIG" || uint32 1 || string publickey || string namespace
             || string reserved || string hash_algorithm || string signature
    signed = "SSHSIG" || string namespace || string reserved
             || string hash_algorithm || string H(message)

Supported keys: ssh-ed25519, ecdsa-sha2-nistp256/384/521, and RSA (signature
algorithms rsa-sha2-256 and rsa-sha2-512; SHA-1 ``ssh-rsa`` is refused).
Every parse error is reported as :class:`SignatureError` or
:class:`KeyFormatError` with a short English reason.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

__all__ = [
    "NAMESPACE",
    "HASH_ALGORITHMS",
    "SignatureError",
    "KeyFormatError",
    "PublicKey",
    "PrivateKey",
    "parse_public_key",
    "fingerprint",
    "load_private_key",
    "sign",
    "verify",
    "signature_public_key",
]

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
_CURVE_NAMES: Final[dict[str, str]] = {c.curve.name: alg for alg, c in _ECDSA.items()}

SUPPORTED_KEY_ALGORITHMS: Final = (_ED25519, *_ECDSA, _RSA)

_CryptoPublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
_CryptoPrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class SignatureError(Exception):
    """A signature is malformed, does not match, or does not verify."""


class KeyFormatError(ValueError):
    """A public or private key cannot be read or is not supported."""


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
            raise _WireError("data ends inside a length field")
        (value,) = struct.unpack_from(">I", self._data, self._pos)
        self._pos += 4
        return int(value)

    def string(self) -> bytes:
        length = self.u32()
        if length > len(self._data) - self._pos:
            raise _WireError("a field is longer than the data that holds it")
        value = self._data[self._pos : self._pos + length]
        self._pos += length
        return value

    def mpint(self, max_bytes: int) -> int:
        raw = self.string()
        if len(raw) > max_bytes:
            raise _WireError("an integer field is too large")
        if raw and raw[0] & 0x80:
            raise _WireError("an integer field is negative")
        return int.from_bytes(raw, "big")

    def done(self) -> None:
        left = len(self._data) - self._pos
        if left:
            raise _WireError(f"{left} unexpected trailing byte(s)")


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
        raise _WireError(f"{what} is not ASCII") from None
    if not text or not text.isprintable():
        raise _WireError(f"{what} is empty or not printable")
    return text


def _show(raw: bytes) -> str:
    """Quote untrusted bytes for an error message."""
    return repr(raw.decode("utf-8", errors="backslashreplace"))


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _WireError("invalid base64") from None


# --------------------------------------------------------------------------
# Public keys


def _blob_algorithm(blob: bytes) -> str:
    return _name(_Reader(blob).string(), "key algorithm name")


def _decode_public_blob(blob: bytes) -> _CryptoPublicKey:
    """Turn a public-key wire blob into a ``cryptography`` key; _WireError if unusable."""
    reader = _Reader(blob)
    algorithm = _name(reader.string(), "key algorithm name")
    try:
        if algorithm == _ED25519:
            raw = reader.string()
            reader.done()
            if len(raw) != 32:
                raise _WireError("an Ed25519 public key must be 32 bytes")
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        if algorithm in _ECDSA:
            spec = _ECDSA[algorithm]
            identifier = reader.string()
            point = reader.string()
            reader.done()
            if identifier != spec.identifier:
                raise _WireError(f"curve {_show(identifier)} does not match {algorithm!r}")
            if len(point) != spec.point_bytes or point[0] != 0x04:
                raise _WireError("the ECDSA public point is not an uncompressed point")
            return ec.EllipticCurvePublicKey.from_encoded_point(spec.curve(), point)
        if algorithm == _RSA:
            e = reader.mpint(_RSA_MAX_BITS // 8 + 1)
            n = reader.mpint(_RSA_MAX_BITS // 8 + 1)
            reader.done()
            if not _RSA_MIN_BITS <= n.bit_length() <= _RSA_MAX_BITS:
                raise _WireError(
                    f"RSA key is {n.bit_length()} bits; {_RSA_MIN_BITS} to {_RSA_MAX_BITS} are accepted"
                )
            return rsa.RSAPublicNumbers(e, n).public_key()
    except (ValueError, TypeError, OverflowError) as exc:
        raise _WireError(f"invalid {algorithm} key ({exc})") from None
    raise _WireError(f"unsupported key algorithm {algorithm!r}")


def parse_public_key(line: str) -> PublicKey:
    """Parse ``"<type> <base64> [comment]"``, as in a ``.pub`` file or authorized_keys."""
    if not isinstance(line, str):
        raise KeyFormatError("a public key must be given as text")
    text = line.strip()
    if not text:
        raise KeyFormatError("the public key is empty")
    if len(text) > _MAX_KEY_LINE:
        raise KeyFormatError("the public key line is too long")
    if any(ch in text for ch in "\r\n\x00"):
        raise KeyFormatError("a public key must be a single line")
    parts = text.split(None, 2)
    if len(parts) < 2:
        raise KeyFormatError("expected '<key type> <base64 key> [comment]'")
    algorithm, encoded = parts[0], parts[1]
    comment = parts[2].strip() if len(parts) == 3 else ""
    if algorithm not in SUPPORTED_KEY_ALGORITHMS:
        raise KeyFormatError(
            f"unsupported key type {algorithm!r} (supported: {', '.join(SUPPORTED_KEY_ALGORITHMS)})"
        )
    try:
        blob = _b64decode(encoded)
        inner = _blob_algorithm(blob)
        if inner != algorithm:
            raise _WireError(f"the line says {algorithm!r} but the key inside is {inner!r}")
        _decode_public_blob(blob)
    except _WireError as exc:
        raise KeyFormatError(f"invalid public key: {exc}") from None
    return PublicKey(algorithm=algorithm, blob=blob, comment=comment)


def fingerprint(key: PublicKey) -> str:
    """The SHA256 fingerprint as ``ssh-keygen -l`` prints it: ``SHA256:<base64, no padding>``."""
    digest = hashlib.sha256(key.blob).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


# --------------------------------------------------------------------------
# Private keys


@dataclass(frozen=True)
class _PrivateHeader:
    encrypted: bool
    public_blob: bytes


def _read_private_header(raw: bytes) -> _PrivateHeader:
    """Read the unencrypted header of an OpenSSH private key file."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise KeyFormatError("not an OpenSSH private key (the file is not ASCII text)") from None
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines or lines[0] != _PRIVATE_BEGIN:
        raise KeyFormatError(f"not an OpenSSH private key (expected a '{_PRIVATE_BEGIN}' line)")
    if len(lines) < 2 or lines[-1] != _PRIVATE_END:
        raise KeyFormatError(f"the private key is truncated (no '{_PRIVATE_END}' line)")
    try:
        body = _b64decode("".join(lines[1:-1]))
        if not body.startswith(_PRIVATE_MAGIC):
            raise _WireError("missing 'openssh-key-v1' magic")
        reader = _Reader(body, len(_PRIVATE_MAGIC))
        cipher = reader.string()
        reader.string()  # kdf name
        reader.string()  # kdf options
        count = reader.u32()
        if count != 1:
            raise _WireError(f"the file holds {count} keys, expected 1")
        public_blob = reader.string()
        _blob_algorithm(public_blob)
    except _WireError as exc:
        raise KeyFormatError(f"invalid OpenSSH private key: {exc}") from None
    return _PrivateHeader(encrypted=cipher != b"none", public_blob=public_blob)


def _public_of(crypto_key: _CryptoPrivateKey) -> PublicKey:
    line = crypto_key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return parse_public_key(line.decode("ascii"))


def _check_private_type(crypto_key: object) -> _CryptoPrivateKey:
    if isinstance(crypto_key, (ed25519.Ed25519PrivateKey, rsa.RSAPrivateKey)):
        return crypto_key
    if isinstance(crypto_key, ec.EllipticCurvePrivateKey) and crypto_key.curve.name in _CURVE_NAMES:
        return crypto_key
    raise KeyFormatError(f"unsupported private key type {type(crypto_key).__name__}")


def load_private_key(path: Path, password: bytes | None = None) -> PrivateKey:
    """Load an OpenSSH private key file (as ``ssh-keygen`` writes it)."""
    path = Path(path)
    try:
        if path.stat().st_size > _MAX_PRIVATE_KEY_BYTES:
            raise KeyFormatError(f"{path} is too large to be a private key")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeyFormatError(f"private key file not found: {path}") from None
    except OSError as exc:
        raise KeyFormatError(f"cannot read private key file {path}: {exc.strerror or exc}") from None
    header = _read_private_header(raw)
    algorithm = _blob_algorithm_or_raise(header.public_blob)
    if algorithm not in SUPPORTED_KEY_ALGORITHMS:
        raise KeyFormatError(
            f"unsupported private key type {algorithm!r} (supported: {', '.join(SUPPORTED_KEY_ALGORITHMS)})"
        )
    if header.encrypted and password is None:
        raise KeyFormatError(f"private key {path} is protected by a passphrase; give the passphrase")
    try:
        loaded = serialization.load_ssh_private_key(raw, password if header.encrypted else None)
    except UnsupportedAlgorithm as exc:
        if "bcrypt" in str(exc):
            raise KeyFormatError(
                "decrypting a passphrase-protected key needs the 'bcrypt' Python package"
            ) from None
        raise KeyFormatError(f"unsupported private key: {exc}") from None
    except (ValueError, TypeError) as exc:
        if header.encrypted:
            raise KeyFormatError(f"wrong passphrase for {path}, or the key is corrupt") from None
        raise KeyFormatError(f"invalid OpenSSH private key: {exc}") from None
    crypto_key = _check_private_type(loaded)
    public = _public_of(crypto_key)
    if public.blob != header.public_blob:
        raise KeyFormatError("the private key does not match the public key stored with it")
    return PrivateKey(public=public, crypto_key=crypto_key)


def _blob_algorithm_or_raise(blob: bytes) -> str:
    try:
        return _blob_algorithm(blob)
    except _WireError as exc:
        raise KeyFormatError(f"invalid OpenSSH private key: {exc}") from None


# --------------------------------------------------------------------------
# Armor


def _armor(blob: bytes) -> bytes:
    encoded = base64.b64encode(blob).decode("ascii")
    lines = [encoded[i : i + _ARMOR_WIDTH] for i in range(0, len(encoded), _ARMOR_WIDTH)]
    return "\n".join([_ARMOR_BEGIN, *lines, _ARMOR_END, ""]).encode("ascii")


def _dearmor(armored: bytes) -> bytes:
    if isinstance(armored, str):
        armored = armored.encode("utf-8")
    if not isinstance(armored, (bytes, bytearray, memoryview)):
        raise SignatureError("the signature must be bytes")
    raw = bytes(armored)
    if len(raw) > _MAX_ARMOR_BYTES:
        raise SignatureError("the signature file is too large")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise SignatureError("the signature file is not ASCII text") from None
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines or lines[0] != _ARMOR_BEGIN:
        raise SignatureError(f"signature armor has no '{_ARMOR_BEGIN}' header")
    if len(lines) < 2 or lines[-1] != _ARMOR_END:
        raise SignatureError(f"signature armor has no '{_ARMOR_END}' footer (truncated?)")
    body = "".join(lines[1:-1])
    if not body:
        raise SignatureError("signature armor is empty")
    try:
        return _b64decode(body)
    except _WireError:
        raise SignatureError("signature armor is not valid base64") from None


# --------------------------------------------------------------------------
# Signature blob


@dataclass(frozen=True)
class _Signature:
    public_key: bytes
    namespace: bytes
    reserved: bytes
    hash_algorithm: bytes
    signature: bytes


def _parse_signature(blob: bytes) -> _Signature:
    if not blob.startswith(_MAGIC):
        raise SignatureError("not an SSH signature (the blob does not start with 'SSHSIG')")
    reader = _Reader(blob, len(_MAGIC))
    try:
        version = reader.u32()
        if version != _VERSION:
            raise SignatureError(f"unsupported SSHSIG version {version}, expected {_VERSION}")
        parsed = _Signature(
            public_key=reader.string(),
            namespace=reader.string(),
            reserved=reader.string(),
            hash_algorithm=reader.string(),
            signature=reader.string(),
        )
        reader.done()
    except _WireError as exc:
        raise SignatureError(f"malformed signature: {exc}") from None
    return parsed


def _load_signature(armored: bytes) -> _Signature:
    return _parse_signature(_dearmor(armored))


def _signed_data(namespace: bytes, hash_algorithm: str, data: bytes) -> bytes:
    digest = hashlib.new(hash_algorithm, data).digest()
    return (
        _MAGIC
        + _string(namespace)
        + _string(b"")
        + _string(hash_algorithm.encode("ascii"))
        + _string(digest)
    )


def signature_public_key(armored: bytes) -> PublicKey:
    """The public key a signature says it was made with (not yet verified)."""
    parsed = _load_signature(armored)
    try:
        algorithm = _blob_algorithm(parsed.public_key)
    except _WireError as exc:
        raise SignatureError(f"malformed signature: public key: {exc}") from None
    return PublicKey(algorithm=algorithm, blob=parsed.public_key)


# --------------------------------------------------------------------------
# Sign


def _check_namespace(namespace: str) -> bytes:
    if not isinstance(namespace, str) or not namespace:
        raise ValueError("the signature namespace must be a non-empty string")
    if "\x00" in namespace:
        raise ValueError("the signature namespace must not contain NUL")
    return namespace.encode("utf-8")


def _raw_sign(key: PrivateKey, message: bytes) -> bytes:
    """The SSH ``signature`` field: string algorithm || string signature bytes."""
    crypto_key = key.crypto_key
    if isinstance(crypto_key, ed25519.Ed25519PrivateKey):
        return _string(_ED25519.encode()) + _string(crypto_key.sign(message))
    if isinstance(crypto_key, ec.EllipticCurvePrivateKey):
        algorithm = _CURVE_NAMES[crypto_key.curve.name]
        der = crypto_key.sign(message, ec.ECDSA(_ECDSA[algorithm].hash()))
        r, s = decode_dss_signature(der)
        return _string(algorithm.encode()) + _string(_mpint(r) + _mpint(s))
    if isinstance(crypto_key, rsa.RSAPrivateKey):
        digest = _RSA_SIGNATURE_HASHES[_RSA_SIGN_ALGORITHM]()
        raw = crypto_key.sign(message, padding.PKCS1v15(), digest)
        return _string(_RSA_SIGN_ALGORITHM.encode()) + _string(raw)
    raise KeyFormatError(f"unsupported private key type {type(crypto_key).__name__}")


def sign(
    data: bytes, key: PrivateKey, namespace: str = NAMESPACE, hash_alg: str = "sha512"
) -> bytes:
    """Sign ``data``; returns the armored signature exactly as ``ssh-keygen -Y sign`` lays it out."""
    namespace_bytes = _check_namespace(namespace)
    if hash_alg not in HASH_ALGORITHMS:
        raise ValueError(f"unsupported hash algorithm {hash_alg!r} (use sha256 or sha512)")
    signature = _raw_sign(key, _signed_data(namespace_bytes, hash_alg, bytes(data)))
    blob = (
        _MAGIC
        + struct.pack(">I", _VERSION)
        + _string(key.public.blob)
        + _string(namespace_bytes)
        + _string(b"")
        + _string(hash_alg.encode("ascii"))
        + _string(signature)
    )
    return _armor(blob)


# --------------------------------------------------------------------------
# Verify


def _check_algorithm(signature_algorithm: str, key_algorithm: str) -> None:
    if signature_algorithm != key_algorithm:
        raise SignatureError(
            f"signature algorithm {signature_algorithm!r} does not match the key type {key_algorithm!r}"
        )


def _raw_verify(crypto_key: _CryptoPublicKey, key_algorithm: str, field_: bytes, message: bytes) -> None:
    """Check the SSH ``signature`` field over ``message``; raises SignatureError."""
    try:
        reader = _Reader(field_)
        algorithm = _name(reader.string(), "signature algorithm name")
        raw = reader.string()
        reader.done()
        if isinstance(crypto_key, ed25519.Ed25519PublicKey):
            _check_algorithm(algorithm, key_algorithm)
            if len(raw) != 64:
                raise _WireError("an Ed25519 signature must be 64 bytes")
            crypto_key.verify(raw, message)
        elif isinstance(crypto_key, ec.EllipticCurvePublicKey):
            _check_algorithm(algorithm, key_algorithm)
            spec = _ECDSA[key_algorithm]
            inner = _Reader(raw)
            limit = spec.point_bytes // 2 + 1
            r, s = inner.mpint(limit), inner.mpint(limit)
            inner.done()
            crypto_key.verify(encode_dss_signature(r, s), message, ec.ECDSA(spec.hash()))
        else:
            if algorithm == _RSA:
                raise SignatureError("RSA signature uses SHA-1 ('ssh-rsa'), which SSHSIG does not allow")
            if algorithm not in _RSA_SIGNATURE_HASHES:
                raise SignatureError(
                    f"signature algorithm {algorithm!r} does not match the key type {key_algorithm!r}"
                )
            size = (crypto_key.key_size + 7) // 8
            if len(raw) > size:
                raise _WireError("the RSA signature is longer than the key")
            digest = _RSA_SIGNATURE_HASHES[algorithm]()
            crypto_key.verify(raw.rjust(size, b"\x00"), message, padding.PKCS1v15(), digest)
    except _WireError as exc:
        raise SignatureError(f"malformed signature: {exc}") from None
    except (InvalidSignature, ValueError, TypeError, OverflowError):
        raise SignatureError(
            "bad signature: it does not match the data (the file was changed after signing, "
            "or the signature is corrupt)"
        ) from None


def verify(data: bytes, armored: bytes, key: PublicKey, namespace: str = NAMESPACE) -> None:
    """Verify an armored SSHSIG signature of ``data`` by ``key`` in ``namespace``.

    Returns None on success; raises SignatureError with the reason otherwise.
    """
    expected_namespace = _check_namespace(namespace)
    parsed = _load_signature(armored)
    if not parsed.namespace:
        raise SignatureError("signature namespace is empty")
    if parsed.namespace != expected_namespace:
        raise SignatureError(f"signature namespace is {_show(parsed.namespace)}, expected {namespace!r}")
    if parsed.reserved:
        raise SignatureError("signature reserved field is not empty")
    hash_algorithm = parsed.hash_algorithm.decode("ascii", errors="replace")
    if hash_algorithm not in HASH_ALGORITHMS:
        raise SignatureError(
            f"unsupported signature hash algorithm {_show(parsed.hash_algorithm)} (expected sha256 or sha512)"
        )
    if parsed.public_key != key.blob:
        signer = PublicKey(algorithm="", blob=parsed.public_key)
        raise SignatureError(
            f"signed with key {fingerprint(signer)}, not the expected key {fingerprint(key)}"
        )
    try:
        key_algorithm = _blob_algorithm(key.blob)
        crypto_key = _decode_public_blob(key.blob)
    except _WireError as exc:
        raise SignatureError(f"cannot use the signing key: {exc}") from None
    message = _signed_data(parsed.namespace, hash_algorithm, bytes(data))
    _raw_verify(crypto_key, key_algorithm, parsed.signature, message)
