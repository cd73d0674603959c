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

from jdih_build.sshsig.keys import fingerprint, load_private_key, parse_public_key
from jdih_build.sshsig.signing import sign, signature_public_key
from jdih_build.sshsig.verifying import verify
from jdih_build.sshsig.wire import (
    HASH_ALGORITHMS,
    NAMESPACE,
    KeyFormatError,
    PassphraseRequired,
    PrivateKey,
    PublicKey,
    SignatureError,
    WrongPassphrase,
)

__all__ = [
    "NAMESPACE",
    "HASH_ALGORITHMS",
    "SignatureError",
    "KeyFormatError",
    "PassphraseRequired",
    "WrongPassphrase",
    "PublicKey",
    "PrivateKey",
    "parse_public_key",
    "fingerprint",
    "load_private_key",
    "sign",
    "verify",
    "signature_public_key",
]
