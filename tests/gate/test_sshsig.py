"""SSHSIG sign/verify, cross-checked against the real ssh-keygen (OpenSSH client)."""

from __future__ import annotations

import base64
import random
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from jdih_build import sshsig
from jdih_build.sshsig import (
    NAMESPACE,
    KeyFormatError,
    PublicKey,
    SignatureError,
    fingerprint,
    load_private_key,
    parse_public_key,
    sign,
    signature_public_key,
    verify,
)

PAYLOAD = b"produk: kpt-2024-001\nlangkah: 4\nperan: web_admin\nkeputusan: disetujui\n"

# (ssh-keygen -t, extra args, expected algorithm name)
KEY_TYPES = {
    "ed25519": ("ed25519", [], "ssh-ed25519"),
    "ecdsa-p256": ("ecdsa", ["-b", "256"], "ecdsa-sha2-nistp256"),
    "ecdsa-p384": ("ecdsa", ["-b", "384"], "ecdsa-sha2-nistp384"),
    "ecdsa-p521": ("ecdsa", ["-b", "521"], "ecdsa-sha2-nistp521"),
    "rsa": ("rsa", ["-b", "2048"], "ssh-rsa"),
}
DETERMINISTIC = ["ed25519", "rsa"]  # Ed25519 and RSA PKCS#1 v1.5 signatures are deterministic


# --------------------------------------------------------------------------
# helpers (not fixtures, so a missing ssh-keygen FAILS each test, not errors it)


def ssh_keygen() -> str:
    path = shutil.which("ssh-keygen")
    if path is None:
        pytest.fail(
            "ssh-keygen not found on PATH: these tests need the OpenSSH client "
            "(Debian/Ubuntu: apt-get install openssh-client)"
        )
    return path


def run(args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [ssh_keygen(), *args], input=stdin, capture_output=True, timeout=120, check=False
    )


@dataclass(frozen=True)
class KeyPair:
    private: Path
    public_line: str

    @property
    def public(self) -> PublicKey:
        return parse_public_key(self.public_line)


def make_key(tmp_path: Path, kind: str = "ed25519", name: str = "alice") -> KeyPair:
    keytype, extra, _ = KEY_TYPES[kind]
    path = tmp_path / f"{name}_{kind}"
    done = run(["-q", "-t", keytype, *extra, "-N", "", "-C", f"{name}@kpu.example", "-f", str(path)])
    assert done.returncode == 0, done.stderr.decode()
    return KeyPair(path, Path(f"{path}.pub").read_text(encoding="ascii"))


def ssh_sign(key: KeyPair, data: bytes, namespace: str = NAMESPACE, hashalg: str | None = None) -> bytes:
    options = ["-O", f"hashalg={hashalg}"] if hashalg else []
    done = run(["-Y", "sign", "-f", str(key.private), "-n", namespace, *options], stdin=data)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"-----BEGIN SSH SIGNATURE-----\n")
    return done.stdout


def ssh_verify(
    tmp_path: Path, key: KeyPair, data: bytes, armored: bytes, namespace: str = NAMESPACE
) -> subprocess.CompletedProcess[bytes]:
    signers = tmp_path / "allowed_signers"
    signers.write_text(f"signer@kpu.example {key.public_line.strip()}\n", encoding="ascii")
    sig_file = tmp_path / "payload.sig"
    sig_file.write_bytes(armored)
    return run(
        ["-Y", "verify", "-f", str(signers), "-I", "signer@kpu.example", "-n", namespace, "-s", str(sig_file)],
        stdin=data,
    )


def s(value: bytes) -> bytes:
    """SSH wire string."""
    return struct.pack(">I", len(value)) + value


def dearmor(armored: bytes) -> bytes:
    lines = armored.decode("ascii").strip().splitlines()
    return base64.b64decode("".join(lines[1:-1]))


def armor(blob: bytes) -> bytes:
    text = base64.b64encode(blob).decode("ascii")
    body = "\n".join(text[i : i + 70] for i in range(0, len(text), 70))
    return f"-----BEGIN SSH SIGNATURE-----\n{body}\n-----END SSH SIGNATURE-----\n".encode("ascii")


def fields(blob: bytes) -> list[bytes]:
    """Split a well-formed SSHSIG blob into its six string fields (after magic+version)."""
    assert blob[:6] == b"SSHSIG"
    pos, out = 10, []
    while pos < len(blob):
        (n,) = struct.unpack_from(">I", blob, pos)
        out.append(blob[pos + 4 : pos + 4 + n])
        pos += 4 + n
    assert len(out) == 5
    return out


def build(
    public_key: bytes,
    namespace: bytes = NAMESPACE.encode(),
    reserved: bytes = b"",
    hash_alg: bytes = b"sha512",
    signature: bytes = b"",
    magic: bytes = b"SSHSIG",
    version: int = 1,
) -> bytes:
    return (
        magic
        + struct.pack(">I", version)
        + s(public_key)
        + s(namespace)
        + s(reserved)
        + s(hash_alg)
        + s(signature)
    )


def rebuild(armored: bytes, **changes: bytes | int) -> bytes:
    pk, ns, reserved, hash_alg, signature = fields(dearmor(armored))
    values: dict[str, bytes | int] = dict(
        public_key=pk, namespace=ns, reserved=reserved, hash_alg=hash_alg, signature=signature
    )
    values.update(changes)
    return armor(build(**values))  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# environment


def test_ssh_keygen_is_installed() -> None:
    done = run(["-Y", "sign"])  # usage error, but proves the binary runs and knows -Y
    assert done.returncode != 0
    assert shutil.which("ssh-keygen") is not None


# --------------------------------------------------------------------------
# interoperability with ssh-keygen


@pytest.mark.parametrize("kind", KEY_TYPES)
def test_fingerprint_matches_ssh_keygen(tmp_path: Path, kind: str) -> None:
    key = make_key(tmp_path, kind)
    done = run(["-l", "-E", "sha256", "-f", f"{key.private}.pub"])
    assert done.returncode == 0, done.stderr.decode()
    expected = done.stdout.decode().split()[1]
    assert expected.startswith("SHA256:")
    assert fingerprint(key.public) == expected
    assert fingerprint(load_private_key(key.private).public) == expected


@pytest.mark.parametrize("kind", KEY_TYPES)
def test_parse_public_key_fields(tmp_path: Path, kind: str) -> None:
    key = make_key(tmp_path, kind)
    parsed = key.public
    algorithm, b64, comment = key.public_line.split()
    assert parsed.algorithm == KEY_TYPES[kind][2] == algorithm
    assert parsed.blob == base64.b64decode(b64)
    assert parsed.comment == comment == "alice@kpu.example"
    assert parsed.to_line() == key.public_line.strip()
    assert load_private_key(key.private).public.blob == parsed.blob


@pytest.mark.parametrize("hashalg", ["sha256", "sha512"])
@pytest.mark.parametrize("kind", KEY_TYPES)
def test_ssh_keygen_signature_verifies_in_python(tmp_path: Path, kind: str, hashalg: str) -> None:
    key = make_key(tmp_path, kind)
    armored = ssh_sign(key, PAYLOAD, hashalg=hashalg)
    assert fields(dearmor(armored))[3] == hashalg.encode()
    assert verify(PAYLOAD, armored, key.public) is None
    assert signature_public_key(armored).blob == key.public.blob


@pytest.mark.parametrize("hashalg", ["sha256", "sha512"])
@pytest.mark.parametrize("kind", KEY_TYPES)
def test_python_signature_verifies_with_ssh_keygen(tmp_path: Path, kind: str, hashalg: str) -> None:
    key = make_key(tmp_path, kind)
    armored = sign(PAYLOAD, load_private_key(key.private), hash_alg=hashalg)
    done = ssh_verify(tmp_path, key, PAYLOAD, armored)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"Good")
    verify(PAYLOAD, armored, key.public)


@pytest.mark.parametrize("kind", KEY_TYPES)
def test_ssh_keygen_rejects_python_signature_over_other_data(tmp_path: Path, kind: str) -> None:
    key = make_key(tmp_path, kind)
    armored = sign(PAYLOAD, load_private_key(key.private))
    done = ssh_verify(tmp_path, key, PAYLOAD + b"x", armored)
    assert done.returncode == 255
    assert not done.stdout.startswith(b"Good")


@pytest.mark.parametrize("hashalg", ["sha256", "sha512"])
@pytest.mark.parametrize("kind", DETERMINISTIC)
def test_python_armor_is_byte_identical_to_ssh_keygen(tmp_path: Path, kind: str, hashalg: str) -> None:
    key = make_key(tmp_path, kind)
    ours = sign(PAYLOAD, load_private_key(key.private), hash_alg=hashalg)
    assert ours == ssh_sign(key, PAYLOAD, hashalg=hashalg)


@pytest.mark.parametrize("kind", KEY_TYPES)
def test_armor_layout(tmp_path: Path, kind: str) -> None:
    key = make_key(tmp_path, kind)
    text = sign(PAYLOAD, load_private_key(key.private)).decode("ascii")
    lines = text.split("\n")
    assert lines[0] == "-----BEGIN SSH SIGNATURE-----"
    assert lines[-2:] == ["-----END SSH SIGNATURE-----", ""]
    body = lines[1:-2]
    assert all(len(line) == 70 for line in body[:-1])
    assert 0 < len(body[-1]) <= 70


# --------------------------------------------------------------------------
# negative cases


def test_wrong_namespace(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD, namespace="git")
    with pytest.raises(SignatureError, match=r"^signature namespace is 'git', expected 'jdih-approval'$"):
        verify(PAYLOAD, armored, key.public)
    verify(PAYLOAD, armored, key.public, namespace="git")  # the same signature is fine for git


def test_wrong_key(tmp_path: Path) -> None:
    alice = make_key(tmp_path, name="alice")
    bob = make_key(tmp_path, name="bob")
    armored = ssh_sign(bob, PAYLOAD)
    expected = (
        f"signed with key {fingerprint(bob.public)}, not the expected key {fingerprint(alice.public)}"
    )
    with pytest.raises(SignatureError) as caught:
        verify(PAYLOAD, armored, alice.public)
    assert str(caught.value) == expected
    assert fingerprint(signature_public_key(armored)) == fingerprint(bob.public)


def test_wrong_key_of_other_type(tmp_path: Path) -> None:
    alice = make_key(tmp_path, "ed25519", name="alice")
    bob = make_key(tmp_path, "rsa", name="bob")
    with pytest.raises(SignatureError, match=r"^signed with key SHA256:\S+, not the expected key"):
        verify(PAYLOAD, ssh_sign(bob, PAYLOAD), alice.public)


@pytest.mark.parametrize("kind", KEY_TYPES)
def test_tampered_data(tmp_path: Path, kind: str) -> None:
    key = make_key(tmp_path, kind)
    armored = ssh_sign(key, PAYLOAD)
    tampered = bytearray(PAYLOAD)
    tampered[PAYLOAD.index(b"disetujui")] ^= 0x01
    with pytest.raises(SignatureError, match=r"^bad signature: it does not match the data"):
        verify(bytes(tampered), armored, key.public)
    verify(PAYLOAD, armored, key.public)


@pytest.mark.parametrize("kind", KEY_TYPES)
def test_tampered_signature_value(tmp_path: Path, kind: str) -> None:
    key = make_key(tmp_path, kind)
    armored = ssh_sign(key, PAYLOAD)
    signature = bytearray(fields(dearmor(armored))[4])
    signature[-2] ^= 0x40  # inside the raw signature bytes, after the algorithm name
    with pytest.raises(SignatureError, match=r"^(bad signature|malformed signature)"):
        verify(PAYLOAD, rebuild(armored, signature=bytes(signature)), key.public)


def test_truncated_armor(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD)
    with pytest.raises(SignatureError, match=r"no '-----END SSH SIGNATURE-----' footer"):
        verify(PAYLOAD, armored[: len(armored) // 2], key.public)


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda a: b"", r"no '-----BEGIN SSH SIGNATURE-----' header"),
        (lambda a: b"hello world\n", r"no '-----BEGIN SSH SIGNATURE-----' header"),
        (lambda a: a.replace(b"-----BEGIN SSH SIGNATURE-----", b"-----BEGIN PGP SIGNATURE-----"), r"header"),
        (lambda a: a.replace(b"U1NIU0lH", b"U1NI!0lH"), r"^signature armor is not valid base64$"),
        (lambda a: a.replace(b"U1NIU0lH", b"U1NI\xc3\xa90lH"), r"^the signature file is not ASCII text$"),
        (lambda a: a[:40] + a[41:], r"^signature armor is not valid base64$"),
        (
            lambda a: b"-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n",
            r"^signature armor is empty$",
        ),
        (lambda a: a * 600, r"too large"),
    ],
    ids=["empty", "text", "pgp-header", "bad-char", "non-ascii", "dropped-char", "no-body", "huge"],
)
def test_garbled_armor(tmp_path: Path, mangle, reason: str) -> None:  # type: ignore[no-untyped-def]
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD)
    garbled = mangle(armored)
    assert garbled != armored
    with pytest.raises(SignatureError, match=reason):
        verify(PAYLOAD, garbled, key.public)


def test_crlf_armor_is_accepted(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD)
    verify(PAYLOAD, armored.replace(b"\n", b"\r\n"), key.public)


def test_trailing_bytes_after_blob(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD)
    with pytest.raises(SignatureError, match=r"^malformed signature: 1 unexpected trailing byte\(s\)$"):
        verify(PAYLOAD, armor(dearmor(armored) + b"\x00"), key.public)


def test_trailing_bytes_inside_signature_field(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD)
    signature = fields(dearmor(armored))[4]
    with pytest.raises(SignatureError, match=r"^malformed signature: 2 unexpected trailing byte\(s\)$"):
        verify(PAYLOAD, rebuild(armored, signature=signature + b"\x00\x00"), key.public)


def test_wrong_magic(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    blob = dearmor(ssh_sign(key, PAYLOAD))
    with pytest.raises(SignatureError, match=r"does not start with 'SSHSIG'"):
        verify(PAYLOAD, armor(b"SSHSIH" + blob[6:]), key.public)


def test_wrong_version(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD)
    with pytest.raises(SignatureError, match=r"^unsupported SSHSIG version 2, expected 1$"):
        verify(PAYLOAD, rebuild(armored, version=2), key.public)


def test_unsupported_hash_algorithm(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD)
    with pytest.raises(SignatureError, match=r"^unsupported signature hash algorithm 'sha1'"):
        verify(PAYLOAD, rebuild(armored, hash_alg=b"sha1"), key.public)


def test_hash_algorithm_swapped(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD, hashalg="sha512")
    with pytest.raises(SignatureError, match=r"^bad signature"):
        verify(PAYLOAD, rebuild(armored, hash_alg=b"sha256"), key.public)


def test_empty_namespace(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD)
    with pytest.raises(SignatureError, match=r"^signature namespace is empty$"):
        verify(PAYLOAD, rebuild(armored, namespace=b""), key.public)


def test_reserved_field_must_be_empty(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD)
    with pytest.raises(SignatureError, match=r"^signature reserved field is not empty$"):
        verify(PAYLOAD, rebuild(armored, reserved=b"x"), key.public)


def test_signature_algorithm_must_match_key(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    armored = ssh_sign(key, PAYLOAD)
    raw = fields(dearmor(armored))[4]
    forged = s(b"ssh-rsa") + raw[4 + len(b"ssh-ed25519") :]
    with pytest.raises(SignatureError, match=r"^signature algorithm 'ssh-rsa' does not match the key type 'ssh-ed25519'$"):
        verify(PAYLOAD, rebuild(armored, signature=forged), key.public)


def test_rsa_sha1_signature_refused(tmp_path: Path) -> None:
    key = make_key(tmp_path, "rsa")
    armored = ssh_sign(key, PAYLOAD)
    raw = fields(dearmor(armored))[4]
    forged = s(b"ssh-rsa") + raw[4 + len(b"rsa-sha2-512") :]
    with pytest.raises(SignatureError, match=r"SHA-1"):
        verify(PAYLOAD, rebuild(armored, signature=forged), key.public)


def test_unsupported_key_algorithm(tmp_path: Path) -> None:
    dss = s(b"ssh-dss") + s(b"\x01") * 4
    key = PublicKey(algorithm="ssh-dss", blob=dss)
    armored = armor(build(dss, signature=s(b"ssh-dss") + s(b"\x00" * 40)))
    with pytest.raises(SignatureError, match=r"unsupported key algorithm 'ssh-dss'"):
        verify(PAYLOAD, armored, key)
    assert signature_public_key(armored).algorithm == "ssh-dss"


def test_every_truncation_is_a_signature_error(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    blob = dearmor(ssh_sign(key, PAYLOAD))
    for size in range(len(blob)):
        with pytest.raises(SignatureError):
            verify(PAYLOAD, armor(blob[:size]) if size else b"", key.public)


@pytest.mark.parametrize("kind", KEY_TYPES)
def test_random_corruption_is_always_a_signature_error(tmp_path: Path, kind: str) -> None:
    key = make_key(tmp_path, kind)
    blob = dearmor(ssh_sign(key, PAYLOAD))
    rng = random.Random(f"sshsig-{kind}")
    for _ in range(300):
        mutated = bytearray(blob)
        for _ in range(rng.randint(1, 3)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        if bytes(mutated) == blob:
            continue
        with pytest.raises(SignatureError):
            verify(PAYLOAD, armor(bytes(mutated)), key.public)


# --------------------------------------------------------------------------
# keys


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("", r"^the public key is empty$"),
        ("garbage", r"^expected '<key type> <base64 key> \[comment\]'$"),
        ("not-a-key AAAAC3NzaC1lZDI1NTE5", r"^unsupported key type 'not-a-key'"),
        ("ssh-ed25519 !!!!", r"^invalid public key: invalid base64$"),
        ("ssh-ed25519 AAAA", r"^invalid public key"),
        ("ssh-ed25519 " + base64.b64encode(s(b"ssh-ed25519") + s(b"\x00" * 31)).decode(), r"32 bytes"),
        ("ssh-ed25519 " + base64.b64encode(s(b"ssh-ed25519") + s(b"\x00" * 32) + b"x").decode(), r"trailing"),
        ("ssh-rsa " + base64.b64encode(s(b"ssh-ed25519") + s(b"\x00" * 32)).decode(), r"the key inside is 'ssh-ed25519'"),
        ("ssh-rsa " + base64.b64encode(s(b"ssh-rsa") + s(b"\x01\x00\x01") + s(b"\x00" + b"\xff" * 128)).decode(), r"1024 bits"),
        ("ecdsa-sha2-nistp256 " + base64.b64encode(s(b"ecdsa-sha2-nistp256") + s(b"nistp256") + s(b"\x04" + b"\x01" * 64)).decode(), r"invalid ecdsa"),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\nssh-ed25519 AAAA", r"single line"),
    ],
    ids=["empty", "one-word", "unknown-type", "bad-base64", "short-blob", "short-ed25519", "trailing", "type-mismatch", "rsa-1024", "ecdsa-off-curve", "two-lines"],
)
def test_bad_public_key_line(line: str, reason: str) -> None:
    with pytest.raises(KeyFormatError, match=reason):
        parse_public_key(line)


def test_public_key_with_spaces_in_comment(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    algorithm, b64, _ = key.public_line.split()
    parsed = parse_public_key(f"  {algorithm}  {b64}  Budi Santoso (direktur)  \n")
    assert parsed.comment == "Budi Santoso (direktur)"
    assert parsed.blob == key.public.blob


def test_missing_private_key_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFormatError, match=r"^private key file not found: .*nope$"):
        load_private_key(tmp_path / "nope")


def test_private_key_path_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(KeyFormatError, match=r"^cannot read private key file"):
        load_private_key(tmp_path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", r"not an OpenSSH private key"),
        (b"\xff\xfe", r"not ASCII"),
        (b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", r"not an OpenSSH private key"),
        (b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n", r"truncated"),
        (b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", r"magic"),
    ],
    ids=["empty", "binary", "pem", "no-end", "no-magic"],
)
def test_bad_private_key_file(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "key"
    path.write_bytes(content)
    with pytest.raises(KeyFormatError, match=reason):
        load_private_key(path)


def test_corrupt_private_key_body(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    lines = key.private.read_text(encoding="ascii").splitlines()
    lines[3] = lines[3][:10] + ("A" if lines[3][10] != "A" else "B") + lines[3][11:]
    bad = tmp_path / "bad"
    bad.write_text("\n".join(lines) + "\n", encoding="ascii")
    with pytest.raises(KeyFormatError):
        load_private_key(bad)


def test_encrypted_private_key_without_password(tmp_path: Path) -> None:
    path = tmp_path / "locked"
    done = run(["-q", "-t", "ed25519", "-N", "rahasia", "-f", str(path)])
    assert done.returncode == 0, done.stderr.decode()
    with pytest.raises(KeyFormatError, match=r"protected by a passphrase"):
        load_private_key(path)


def test_encrypted_private_key_with_password(tmp_path: Path) -> None:
    path = tmp_path / "locked"
    done = run(["-q", "-t", "ed25519", "-N", "rahasia", "-f", str(path)])
    assert done.returncode == 0, done.stderr.decode()
    try:
        import bcrypt  # noqa: F401
    except ImportError:
        with pytest.raises(KeyFormatError, match=r"needs the 'bcrypt' Python package"):
            load_private_key(path, b"rahasia")
        return
    key = load_private_key(path, b"rahasia")
    assert key.public.blob == parse_public_key(Path(f"{path}.pub").read_text()).blob
    with pytest.raises(KeyFormatError, match=r"wrong passphrase"):
        load_private_key(path, b"salah")


def test_sign_rejects_bad_arguments(tmp_path: Path) -> None:
    key = load_private_key(make_key(tmp_path).private)
    with pytest.raises(ValueError, match="namespace"):
        sign(PAYLOAD, key, namespace="")
    with pytest.raises(ValueError, match="hash algorithm"):
        sign(PAYLOAD, key, hash_alg="sha1")


def test_private_key_repr_hides_secret(tmp_path: Path) -> None:
    key = load_private_key(make_key(tmp_path).private)
    assert "crypto_key" not in repr(key)
    assert re.search(r"algorithm='ssh-ed25519'", repr(key))


def test_module_exports() -> None:
    assert sshsig.NAMESPACE == "jdih-approval"
    assert issubclass(sshsig.KeyFormatError, ValueError)
    assert issubclass(sshsig.SignatureError, Exception)
