"""SSHSIG signature files: the armor, the signature blob (and the key it names), and `sign`."""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
)

from jdih_build.i18n import _
from jdih_build.sshsig.keys import _blob_algorithm
from jdih_build.sshsig.wire import (
    _ARMOR_BEGIN,
    _ARMOR_END,
    _ARMOR_WIDTH,
    _CURVE_NAMES,
    _ECDSA,
    _ED25519,
    _MAGIC,
    _MAX_ARMOR_BYTES,
    _RSA_SIGN_ALGORITHM,
    _RSA_SIGNATURE_HASHES,
    _VERSION,
    HASH_ALGORITHMS,
    NAMESPACE,
    KeyFormatError,
    PrivateKey,
    PublicKey,
    SignatureError,
    _b64decode,
    _mpint,
    _Reader,
    _string,
    _WireError,
)

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
        raise SignatureError(_("the signature must be bytes"))
    raw = bytes(armored)
    if len(raw) > _MAX_ARMOR_BYTES:
        raise SignatureError(_("the signature file is too large"))
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise SignatureError(_("the signature file is not ASCII text")) from None
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines or lines[0] != _ARMOR_BEGIN:
        raise SignatureError(_("signature armor has no '{armor_begin}' header").format(armor_begin=_ARMOR_BEGIN))
    if len(lines) < 2 or lines[-1] != _ARMOR_END:
        raise SignatureError(_("signature armor has no '{armor_end}' footer (truncated?)").format(armor_end=_ARMOR_END))
    body = "".join(lines[1:-1])
    if not body:
        raise SignatureError(_("signature armor is empty"))
    try:
        return _b64decode(body)
    except _WireError:
        raise SignatureError(_("signature armor is not valid base64")) from None


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
        raise SignatureError(_("not an SSH signature (the blob does not start with 'SSHSIG')"))
    reader = _Reader(blob, len(_MAGIC))
    try:
        version = reader.u32()
        if version != _VERSION:
            raise SignatureError(_("unsupported SSHSIG version {version}, expected {version2}").format(version=version, version2=_VERSION))
        parsed = _Signature(
            public_key=reader.string(),
            namespace=reader.string(),
            reserved=reader.string(),
            hash_algorithm=reader.string(),
            signature=reader.string(),
        )
        reader.done()
    except _WireError as exc:
        raise SignatureError(_("malformed signature: {exc}").format(exc=exc)) from None
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
        raise SignatureError(_("malformed signature: public key: {exc}").format(exc=exc)) from None
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
    raise KeyFormatError(_("unsupported private key type {type_crypto_key_name}").format(type_crypto_key_name=type(crypto_key).__name__))


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
