"""`jdih sign-policy --key FILE`: the holder of a root key signs the SOP and the roster as they are.

Writes `approvals/sop.yaml.sig`, `approvals/petugas.yaml.sig` and, where the office has TTE trust anchors,
`approvals/tte-akar.pem.sig` (SSHSIG, namespace `jdih-policy`)
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
from jdih_build.i18n import _
from jdih_build.load.policy import load_policy, read_policy_files
from jdih_build.load.problems import Problems
from jdih_build.load.trust import (
    POLICY_NAMESPACE,
    ROOT_KEYS_ENV,
    RootKeyError,
    root_keys,
)
from jdih_build.load.tte_trust import ANCHORS_FILE, read_anchors_file, tte_anchors
from jdih_build.workflow.atomic import write_atomic
from jdih_build.workflow.signing.signing_key import open_private_key, passphrase_from_environment_or_terminal


def _err(line: str) -> None:
    print(line, file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    root = Path(args.site).resolve()
    approvals = root / "approvals"
    problems = Problems(root)
    data: dict[str, bytes | None] = dict(read_policy_files(root, problems))
    load_policy(root, data, problems)
    anchors = read_anchors_file(root, problems)
    if anchors is not None:   # the TTE trust anchors are policy too: whoever adds a CA decides who may sign
        parse_problem = Problems(root)
        tte_anchors(root, anchors, parse_problem, environ={})
        problems.items.extend(parse_problem.items)
        data[ANCHORS_FILE] = anchors
    if problems:
        for line in problem_lines(problems.sorted()):
            _err(line)
        _err(_("sign-policy: nothing signed; fix the policy first (a root signature vouches for what the build "
               "enforces)"))
        return 1
    key, refusal = open_private_key(Path(args.key), passphrase_from_environment_or_terminal, "jdih sign-policy")
    if key is None:
        _err(_("error: {refusal}").format(refusal=refusal))
        return 1
    try:
        keys = root_keys(site=root)
    except RootKeyError as exc:
        _err(_("error: {exc}").format(exc=exc))
        return 1
    if keys is not None and not any(k.blob == key.public.blob for k in keys.keys):
        _err(_("error: {args_key}: the key {value} is not one of the root keys in {keys_origin} - sign with a "
               "root key, or have the root keys updated where the build gets them").format(
                   args_key=args.key, value=sshsig.fingerprint(key.public), keys_origin=keys.origin))
        return 1
    for name in data:
        raw = data[name]
        assert raw is not None
        write_atomic(approvals / f"{name}.sig", sshsig.sign(raw, key, namespace=POLICY_NAMESPACE), replace=True)
        print(_("signed approvals/{name} -> approvals/{name}.sig ({value})").format(name=name, value=sshsig.fingerprint(key.public)))
    if keys is None:
        _err(_("note: {root_keys_env} is not set here, so the build does not check these signatures yet; set "
               "it where the site is built (docs/kunci-tanda-tangan.md)").format(root_keys_env=ROOT_KEYS_ENV))
    return 0


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "sign-policy", help=_("sign the SOP, the roster and the TTE trust anchors with a root key"),
        description=_("Check approvals/sop.yaml and approvals/petugas.yaml (and approvals/tte-akar.pem where there is "
                      "one) and sign their exact bytes with a root key (SSHSIG, namespace {policy_namespace}), writing "
                      "sop.yaml.sig, petugas.yaml.sig (and tte-akar.pem.sig). When the "
                      "build has {root_keys_env}, a policy file without a valid root signature fails it. Exit 0 "
                      "signed, 1 refused.").format(policy_namespace=POLICY_NAMESPACE, root_keys_env=ROOT_KEYS_ENV))
    site_option(p)
    p.add_argument("--key", required=True, metavar="FILE",
                   help=_("the root key's OpenSSH private key; passphrase from $JDIH_KEY_PASSPHRASE or asked on a terminal"))
    p.set_defaults(run=run)
