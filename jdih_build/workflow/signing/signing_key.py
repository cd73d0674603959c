"""Opening a signer's OpenSSH private key (asking for its passphrase where needed) and checking it is
the key the roster enrols for that person."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from jdih_build import sshsig
from jdih_build.i18n import _
from jdih_build.model import Person
from jdih_build.workflow.signing.approve_checks import ROSTER_FILE, Refusal

PASSPHRASE_ENV = "JDIH_KEY_PASSPHRASE"


# --------------------------------------------------------------------------------------------------
# Keys


PassphraseSource = Callable[[Path], bytes | None]


def passphrase_from_environment_or_terminal(key_file: Path) -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    if value is not None:
        return value.encode("utf-8")
    if sys.stdin.isatty():
        return getpass.getpass(_("Passphrase for {key_file}: ").format(key_file=key_file)).encode("utf-8")
    return None


def open_private_key(key_file: Path, passphrase: PassphraseSource,
                     command: str) -> tuple[sshsig.PrivateKey | None, Refusal | None]:
    """The OpenSSH private key in `key_file`, asking for its passphrase where it has one."""
    where = str(key_file)
    try:
        try:
            return sshsig.load_private_key(key_file), None
        except sshsig.PassphraseRequired:
            secret = passphrase(key_file)
            if secret is None:
                return None, Refusal(where, _("the private key is protected by a passphrase"),
                                     _("set {passphrase_env}, or run {command} on a terminal to be asked for it").format(passphrase_env=PASSPHRASE_ENV, command=command))
            return sshsig.load_private_key(key_file, secret), None
    except sshsig.WrongPassphrase as exc:
        return None, Refusal(where, str(exc), _("run the command again and type the key's passphrase exactly (it is "
                                                "case-sensitive), or check {passphrase_env}").format(passphrase_env=PASSPHRASE_ENV))
    except sshsig.KeyFormatError as exc:
        return None, Refusal(where, _("cannot use the key: {exc}").format(exc=exc),
                             _("give --key an OpenSSH private key file (as ssh-keygen writes it)"))
    except OSError as exc:
        return None, Refusal(where, _("cannot read the key: {exc_strerror_or_exc}").format(exc_strerror_or_exc=exc.strerror or exc), _("check the path given to --key"))


def load_signing_key(key_file: Path, person: Person,
                     passphrase: PassphraseSource) -> tuple[sshsig.PrivateKey | None, Refusal | None]:
    where = str(key_file)
    key, refusal = open_private_key(key_file, passphrase, "jdih approve")
    if key is None:
        return None, refusal
    if person.kunci_publik is None:
        return None, Refusal(ROSTER_FILE, _("{person_nama} has no kunci_publik, so a signature by them cannot be checked").format(person_nama=person.nama),
                             _("enrol {person_nama}'s public key (the line of the .pub file) in petugas.yaml, or approve "
                               "without --key").format(person_nama=person.nama))
    enrolled = sshsig.parse_public_key(person.kunci_publik)
    if key.public.blob != enrolled.blob:
        return None, Refusal(where, _("the key ({value}) is not {person_nama}'s kunci_publik in {roster_file} ({value2})").format(
            value=sshsig.fingerprint(key.public), person_nama=person.nama, roster_file=ROSTER_FILE, value2=sshsig.fingerprint(enrolled)),
                             _("sign with {person_nama}'s own key, or have their kunci_publik updated").format(person_nama=person.nama))
    return key, None
