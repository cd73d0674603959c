"""OpenSSH public key lines and private key files: parsing, fingerprints, loading."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from jdih_build.i18n import _
from jdih_build.sshsig.wire import (
    _CURVE_NAMES,
    _ECDSA,
    _ED25519,
    _MAX_KEY_LINE,
    _MAX_PRIVATE_KEY_BYTES,
    _PRIVATE_BEGIN,
    _PRIVATE_END,
    _PRIVATE_MAGIC,
    _RSA,
    _RSA_MAX_BITS,
    _RSA_MIN_BITS,
    SUPPORTED_KEY_ALGORITHMS,
    KeyFormatError,
    PassphraseRequired,
    PrivateKey,
    PublicKey,
    WrongPassphrase,
    _b64decode,
    _CryptoPrivateKey,
    _CryptoPublicKey,
    _name,
    _Reader,
    _show,
    _WireError,
)

# cryptography decrypts OpenSSH keys with bcrypt's KDF; know up front whether it can, rather than
# reading its error message.
_HAS_BCRYPT = importlib.util.find_spec("bcrypt") is not None

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
                raise _WireError(_("an Ed25519 public key must be 32 bytes"))
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        if algorithm in _ECDSA:
            spec = _ECDSA[algorithm]
            identifier = reader.string()
            point = reader.string()
            reader.done()
            if identifier != spec.identifier:
                raise _WireError(_("curve {show_identifier} does not match {algorithm!r}").format(show_identifier=_show(identifier), algorithm=algorithm))
            if len(point) != spec.point_bytes or point[0] != 0x04:
                raise _WireError(_("the ECDSA public point is not an uncompressed point"))
            return ec.EllipticCurvePublicKey.from_encoded_point(spec.curve(), point)
        if algorithm == _RSA:
            e = reader.mpint(_RSA_MAX_BITS // 8 + 1)
            n = reader.mpint(_RSA_MAX_BITS // 8 + 1)
            reader.done()
            if not _RSA_MIN_BITS <= n.bit_length() <= _RSA_MAX_BITS:
                raise _WireError(
                    _("RSA key is {n_bit_length} bits; {rsa_min_bits} to {rsa_max_bits} are accepted").format(
                        n_bit_length=n.bit_length(), rsa_min_bits=_RSA_MIN_BITS, rsa_max_bits=_RSA_MAX_BITS)
                )
            return rsa.RSAPublicNumbers(e, n).public_key()
    except (ValueError, TypeError, OverflowError) as exc:
        raise _WireError(_("invalid {algorithm} key ({exc})").format(algorithm=algorithm, exc=exc)) from None
    raise _WireError(_("unsupported key algorithm {algorithm!r}").format(algorithm=algorithm))


def parse_public_key(line: str) -> PublicKey:
    """Parse ``"<type> <base64> [comment]"``, as in a ``.pub`` file or authorized_keys."""
    if not isinstance(line, str):
        raise KeyFormatError(_("a public key must be given as text"))
    text = line.strip()
    if not text:
        raise KeyFormatError(_("the public key is empty"))
    if len(text) > _MAX_KEY_LINE:
        raise KeyFormatError(_("the public key line is too long"))
    if any(ch in text for ch in "\r\n\x00"):
        raise KeyFormatError(_("a public key must be a single line"))
    parts = text.split(None, 2)
    if len(parts) < 2:
        raise KeyFormatError(_("expected '<key type> <base64 key> [comment]'"))
    algorithm, encoded = parts[0], parts[1]
    comment = parts[2].strip() if len(parts) == 3 else ""
    if algorithm not in SUPPORTED_KEY_ALGORITHMS:
        raise KeyFormatError(
            _("unsupported key type {algorithm!r} (supported: {value})").format(algorithm=algorithm, value=', '.join(SUPPORTED_KEY_ALGORITHMS))
        )
    try:
        blob = _b64decode(encoded)
        inner = _blob_algorithm(blob)
        if inner != algorithm:
            raise _WireError(_("the line says {algorithm!r} but the key inside is {inner!r}").format(algorithm=algorithm, inner=inner))
        _decode_public_blob(blob)
    except _WireError as exc:
        raise KeyFormatError(_("invalid public key: {exc}").format(exc=exc)) from None
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
        raise KeyFormatError(_("not an OpenSSH private key (the file is not ASCII text)")) from None
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines or lines[0] != _PRIVATE_BEGIN:
        raise KeyFormatError(_("not an OpenSSH private key (expected a '{private_begin}' line)").format(private_begin=_PRIVATE_BEGIN))
    if len(lines) < 2 or lines[-1] != _PRIVATE_END:
        raise KeyFormatError(_("the private key is truncated (no '{private_end}' line)").format(private_end=_PRIVATE_END))
    try:
        body = _b64decode("".join(lines[1:-1]))
        if not body.startswith(_PRIVATE_MAGIC):
            raise _WireError(_("missing 'openssh-key-v1' magic"))
        reader = _Reader(body, len(_PRIVATE_MAGIC))
        cipher = reader.string()
        reader.string()  # kdf name
        reader.string()  # kdf options
        count = reader.u32()
        if count != 1:
            raise _WireError(_("the file holds {count} keys, expected 1").format(count=count))
        public_blob = reader.string()
        _blob_algorithm(public_blob)
    except _WireError as exc:
        raise KeyFormatError(_("invalid OpenSSH private key: {exc}").format(exc=exc)) from None
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
    raise KeyFormatError(_("unsupported private key type {type_crypto_key_name}").format(type_crypto_key_name=type(crypto_key).__name__))


def load_private_key(path: Path, password: bytes | None = None) -> PrivateKey:
    """Load an OpenSSH private key file (as ``ssh-keygen`` writes it)."""
    path = Path(path)
    try:
        if path.stat().st_size > _MAX_PRIVATE_KEY_BYTES:
            raise KeyFormatError(_("{path} is too large to be a private key").format(path=path))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeyFormatError(_("private key file not found: {path}").format(path=path)) from None
    except OSError as exc:
        raise KeyFormatError(_("cannot read private key file {path}: {exc_strerror_or_exc}").format(path=path, exc_strerror_or_exc=exc.strerror or exc)) from None
    header = _read_private_header(raw)
    algorithm = _blob_algorithm_or_raise(header.public_blob)
    if algorithm not in SUPPORTED_KEY_ALGORITHMS:
        raise KeyFormatError(
            _("unsupported private key type {algorithm!r} (supported: {value})").format(algorithm=algorithm, value=', '.join(SUPPORTED_KEY_ALGORITHMS))
        )
    if header.encrypted and password is None:
        raise PassphraseRequired(_("private key {path} is protected by a passphrase; give the passphrase").format(path=path))
    if header.encrypted and not _HAS_BCRYPT:
        raise KeyFormatError(_("decrypting a passphrase-protected key needs the 'bcrypt' Python package"))
    try:
        loaded = serialization.load_ssh_private_key(raw, password if header.encrypted else None)
    except UnsupportedAlgorithm as exc:
        raise KeyFormatError(_("unsupported private key: {exc}").format(exc=exc)) from None
    except (ValueError, TypeError) as exc:
        if header.encrypted:
            raise WrongPassphrase(_("wrong passphrase for {path}, or the key is corrupt").format(path=path)) from None
        raise KeyFormatError(_("invalid OpenSSH private key: {exc}").format(exc=exc)) from None
    crypto_key = _check_private_type(loaded)
    public = _public_of(crypto_key)
    if public.blob != header.public_blob:
        raise KeyFormatError(_("the private key does not match the public key stored with it"))
    return PrivateKey(public=public, crypto_key=crypto_key)


def _blob_algorithm_or_raise(blob: bytes) -> str:
    try:
        return _blob_algorithm(blob)
    except _WireError as exc:
        raise KeyFormatError(_("invalid OpenSSH private key: {exc}").format(exc=exc)) from None
