"""Checking SSHSIG signatures: `verify`."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding
from cryptography.hazmat.primitives.asymmetric.utils import (
    encode_dss_signature,
)

from jdih_build.i18n import _
from jdih_build.sshsig.keys import _blob_algorithm, _decode_public_blob, fingerprint
from jdih_build.sshsig.signing import _check_namespace, _load_signature, _signed_data
from jdih_build.sshsig.wire import (
    _ECDSA,
    _RSA,
    _RSA_SIGNATURE_HASHES,
    HASH_ALGORITHMS,
    NAMESPACE,
    PublicKey,
    SignatureError,
    _CryptoPublicKey,
    _name,
    _Reader,
    _show,
    _WireError,
)

# --------------------------------------------------------------------------
# Verify


def _check_algorithm(signature_algorithm: str, key_algorithm: str) -> None:
    if signature_algorithm != key_algorithm:
        raise SignatureError(
            _("signature algorithm {signature_algorithm!r} does not match the key type {key_algorithm!r}").format(
                signature_algorithm=signature_algorithm, key_algorithm=key_algorithm)
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
                raise _WireError(_("an Ed25519 signature must be 64 bytes"))
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
                raise SignatureError(_("RSA signature uses SHA-1 ('ssh-rsa'), which SSHSIG does not allow"))
            if algorithm not in _RSA_SIGNATURE_HASHES:
                raise SignatureError(
                    _("signature algorithm {algorithm!r} does not match the key type {key_algorithm!r}").format(algorithm=algorithm, key_algorithm=key_algorithm)
                )
            size = (crypto_key.key_size + 7) // 8
            if len(raw) > size:
                raise _WireError(_("the RSA signature is longer than the key"))
            digest = _RSA_SIGNATURE_HASHES[algorithm]()
            crypto_key.verify(raw.rjust(size, b"\x00"), message, padding.PKCS1v15(), digest)
    except _WireError as exc:
        raise SignatureError(_("malformed signature: {exc}").format(exc=exc)) from None
    except (InvalidSignature, ValueError, TypeError, OverflowError):
        raise SignatureError(
            _("bad signature: it does not match the data (the file was changed after signing, or the "
              "signature is corrupt)")
        ) from None


def verify(data: bytes, armored: bytes, key: PublicKey, namespace: str = NAMESPACE) -> None:
    """Verify an armored SSHSIG signature of ``data`` by ``key`` in ``namespace``.

    Returns None on success; raises SignatureError with the reason otherwise.
    """
    expected_namespace = _check_namespace(namespace)
    parsed = _load_signature(armored)
    if not parsed.namespace:
        raise SignatureError(_("signature namespace is empty"))
    if parsed.namespace != expected_namespace:
        raise SignatureError(_("signature namespace is {show_parsed_namespace}, expected {namespace!r}").format(
            show_parsed_namespace=_show(parsed.namespace), namespace=namespace))
    if parsed.reserved:
        raise SignatureError(_("signature reserved field is not empty"))
    hash_algorithm = parsed.hash_algorithm.decode("ascii", errors="replace")
    if hash_algorithm not in HASH_ALGORITHMS:
        raise SignatureError(
            _("unsupported signature hash algorithm {value} (expected sha256 or sha512)").format(value=_show(parsed.hash_algorithm))
        )
    if parsed.public_key != key.blob:
        signer = PublicKey(algorithm="", blob=parsed.public_key)
        raise SignatureError(
            _("signed with key {fingerprint_signer}, not the expected key {fingerprint_key}").format(
                fingerprint_signer=fingerprint(signer), fingerprint_key=fingerprint(key))
        )
    try:
        key_algorithm = _blob_algorithm(key.blob)
        crypto_key = _decode_public_blob(key.blob)
    except _WireError as exc:
        raise SignatureError(_("cannot use the signing key: {exc}").format(exc=exc)) from None
    message = _signed_data(parsed.namespace, hash_algorithm, bytes(data))
    _raw_verify(crypto_key, key_algorithm, parsed.signature, message)
