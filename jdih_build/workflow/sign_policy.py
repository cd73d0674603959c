"""`jdih sign-policy --key FILE`: the holder of a root key signs the SOP and the roster as they are.

Writes `approvals/sop.yaml.sig` and `approvals/petugas.yaml.sig` (SSHSIG, namespace `jdih-policy`)
over the files' exact bytes, after checking that both are valid policy files: a root key holder
signs what the build will enforce, never a file the build would refuse.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from jdih_build import sshsig
from jdih_build.console.reporting import problem_lines
from jdih_build.load.policy import check_policy, load_roster, load_sop, read_input
from jdih_build.load.problems import Problems
from jdih_build.load.safe_read import MAX_POLICY_BYTES
from jdih_build.load.trust import (
    POLICY_FILES,
    POLICY_NAMESPACE,
    ROOT_KEYS_ENV,
    RootKeyError,
    root_keys,
)
from jdih_build.workflow.atomic import write_atomic
from jdih_build.workflow.signing_key import passphrase_from_environment_or_terminal


def _err(line: str) -> None:
    print(line, file=sys.stderr)


def load_key(key_file: Path) -> sshsig.PrivateKey | str:
    try:
        try:
            return sshsig.load_private_key(key_file)
        except sshsig.KeyFormatError as exc:
            if "passphrase" not in str(exc):
                raise
            secret = passphrase_from_environment_or_terminal(key_file)
            if secret is None:
                return "the private key is protected by a passphrase: set JDIH_KEY_PASSPHRASE or run on a terminal"
            return sshsig.load_private_key(key_file, secret)
    except sshsig.KeyFormatError as exc:
        return f"cannot use the key: {exc} (give --key the root key's OpenSSH private key file)"
    except OSError as exc:
        return f"cannot read the key: {exc.strerror or exc}"


def run(args: argparse.Namespace) -> int:
    root = Path(args.site).resolve()
    approvals = root / "approvals"
    problems = Problems(root)
    data = {name: read_input(approvals / name, problems, name, MAX_POLICY_BYTES) for name in POLICY_FILES}
    sop = load_sop(root, problems, data["sop.yaml"]) if data["sop.yaml"] is not None else None
    roster = load_roster(root, problems, data["petugas.yaml"]) if data["petugas.yaml"] is not None else None
    if sop is not None and roster is not None:
        check_policy(sop, roster, root, problems)
    if problems:
        for line in problem_lines(problems.sorted()):
            _err(line)
        _err("sign-policy: nothing signed; fix the policy first (a root signature vouches for what the build enforces)")
        return 1
    key = load_key(Path(args.key))
    if isinstance(key, str):
        _err(f"error: {args.key}: {key}")
        return 1
    try:
        keys = root_keys()
    except RootKeyError as exc:
        _err(f"error: {exc}")
        return 1
    if keys is not None and not any(k.blob == key.public.blob for k in keys.keys):
        _err(f"error: {args.key}: the key {sshsig.fingerprint(key.public)} is not one of the root keys in {keys.origin} - "
             "sign with a root key, or have the root keys updated where the build gets them")
        return 1
    for name in POLICY_FILES:
        raw = data[name]
        assert raw is not None
        write_atomic(approvals / f"{name}.sig", sshsig.sign(raw, key, namespace=POLICY_NAMESPACE), replace=True)
        print(f"signed approvals/{name} -> approvals/{name}.sig ({sshsig.fingerprint(key.public)})")
    if keys is None:
        _err(f"note: {ROOT_KEYS_ENV} is not set here, so the build does not check these signatures yet; "
             f"set it where the site is built (docs/kunci-tanda-tangan.md)")
    return 0


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "sign-policy", help="sign the SOP and the roster with a root key",
        description="Check approvals/sop.yaml and approvals/petugas.yaml and sign their exact bytes with a root key "
                    f"(SSHSIG, namespace {POLICY_NAMESPACE}), writing sop.yaml.sig and petugas.yaml.sig. When the "
                    f"build has {ROOT_KEYS_ENV}, a policy file without a valid root signature fails it. "
                    "Exit 0 signed, 1 refused.")
    site_option(p)
    p.add_argument("--key", required=True, metavar="FILE",
                   help="the root key's OpenSSH private key; passphrase from $JDIH_KEY_PASSPHRASE or asked on a terminal")
    p.set_defaults(run=run)
