"""The trust root: the SOP and the roster are signed by holders of a root key kept outside the repo.

Whoever can write to the repository could otherwise swap a key into `approvals/petugas.yaml` or drop
a step from `approvals/sop.yaml` and publish anything. As in in-toto, the policy (the layout) is
signed by a root key whose public half reaches the build from outside: the environment variable
JDIH_ROOT_KEYS (a CI secret or variable) holds OpenSSH public key lines, or the path of a file that
holds them. When it is set, `approvals/sop.yaml.sig` and `approvals/petugas.yaml.sig` must verify
(namespace `jdih-policy`, so an approval signature can never pass for a policy signature) with one
of those keys over the exact bytes the build parses; otherwise the build fails. Unset, the policy is
trusted as the repository holds it (documented in docs/kunci-tanda-tangan.md and SECURITY.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jdih_build import sshsig
from jdih_build.i18n import _
from jdih_build.load.problems import Problems
from jdih_build.load.safe_read import MAX_SIGNATURE_BYTES, InputFileError, read_regular

ROOT_KEYS_ENV = "JDIH_ROOT_KEYS"
POLICY_NAMESPACE = "jdih-policy"
MAX_KEYS_FILE_BYTES = 256 * 1024


class RootKeyError(Exception):
    pass


@dataclass(frozen=True)
class RootKeys:
    keys: tuple[sshsig.PublicKey, ...]
    origin: str            # where they came from, for messages


def _key_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def root_keys(environ: Mapping[str, str] = os.environ, site: Path | None = None) -> RootKeys | None:
    """The root keys from JDIH_ROOT_KEYS, None when it is unset; RootKeyError when it is set but holds
    no usable key. Fail closed: a CI variable that is set but blank (a secret that is missing) or a
    mistyped one must not turn the check off, and a key file inside the site (`site`) is refused,
    since whoever can push could then sign their own policy."""
    value = environ.get(ROOT_KEYS_ENV)
    if value is None:
        return None
    if not value.strip():
        raise RootKeyError(_("{variable} is set but empty (a CI secret or variable that is missing?)").format(
            variable=ROOT_KEYS_ENV))
    lines = _key_lines(value)
    origin = f"{ROOT_KEYS_ENV}"
    if len(lines) == 1 and not lines[0].startswith(("ssh-", "ecdsa-", "sk-")):
        path = Path(lines[0]).expanduser()
        origin = f"{ROOT_KEYS_ENV} file {path}"
        if site is not None and inside(path, site):
            raise RootKeyError(_("{variable} names {path}, a file inside the site: whoever can push to the "
                                 "repository could change it and sign their own policy").format(
                                     variable=ROOT_KEYS_ENV, path=path))
        try:
            lines = _key_lines(read_regular(path, MAX_KEYS_FILE_BYTES).decode("utf-8"))
        except FileNotFoundError:
            raise RootKeyError(_("{variable} names {path}, which does not exist").format(variable=ROOT_KEYS_ENV, path=path)) from None
        except (InputFileError, OSError, UnicodeDecodeError) as exc:
            raise RootKeyError(_("{variable} names {path}, which cannot be read: {exc}").format(
                variable=ROOT_KEYS_ENV, path=path, exc=exc)) from None
    keys = []
    for number, line in enumerate(lines, 1):
        try:
            keys.append(sshsig.parse_public_key(line))
        except sshsig.KeyFormatError as exc:
            raise RootKeyError(_("{origin}: line {number} is not an OpenSSH public key ({exc})").format(
                origin=origin, number=number, exc=exc)) from None
    if not keys:
        raise RootKeyError(_("{origin} holds no public key").format(origin=origin))
    return RootKeys(tuple(keys), origin)


def inside(path: Path, site: Path) -> bool:
    """Whether `path`, links followed, lies in the site folder (or is a link into it)."""
    try:
        target = path.resolve()
        return target.is_relative_to(site.resolve()) or path.absolute().is_relative_to(site.resolve())
    except (OSError, RuntimeError):
        return True   # cannot tell: refuse


def verify_policy_file(data: bytes, signature: bytes, keys: RootKeys) -> str | None:
    """None when one of the root keys signed `data`, else why not."""
    try:
        signer = sshsig.signature_public_key(signature)
    except (sshsig.SignatureError, sshsig.KeyFormatError) as exc:
        return _("the signature cannot be read: {exc}").format(exc=exc)
    key = next((k for k in keys.keys if k.blob == signer.blob), None)
    if key is None:
        return _("it is signed by {value}, which is not a root key of {keys_origin}").format(value=sshsig.fingerprint(signer), keys_origin=keys.origin)
    try:
        sshsig.verify(data, signature, key, namespace=POLICY_NAMESPACE)
    except (sshsig.SignatureError, sshsig.KeyFormatError) as exc:
        return _("the signature does not verify: {exc}").format(exc=exc)
    return None


def check_policy_signatures(approvals: Path, contents: Mapping[str, bytes | None], keys: RootKeys,
                            problems: Problems) -> None:
    """With root keys, each policy file's bytes (as read for parsing) must carry a valid root signature."""
    fix = _("the holder of a root key signs the reviewed file: jdih sign-policy --key FILE "
            "(docs/kunci-tanda-tangan.md)")
    for name in contents:   # sop.yaml, petugas.yaml, and tte-akar.pem where the office has one
        data = contents.get(name)
        if data is None:
            continue   # missing or unreadable: already a problem of its own
        sig_path = approvals / f"{name}.sig"
        try:
            signature = read_regular(sig_path, MAX_SIGNATURE_BYTES)
        except FileNotFoundError:
            problems.add(approvals / name, None, _("{name} has no root signature ({name}.sig), and {root_keys_env} is set").format(
                name=name, root_keys_env=ROOT_KEYS_ENV), fix)
            continue
        except (InputFileError, OSError) as exc:
            problems.add(sig_path, None, _("cannot read the root signature: {exc}").format(exc=exc), fix)
            continue
        reason = verify_policy_file(data, signature, keys)
        if reason is not None:
            problems.add(approvals / name, None, _("{name} is not signed by a root key: {reason}").format(name=name, reason=reason), fix)
