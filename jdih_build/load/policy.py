"""The approval policy (`approvals/sop.yaml`) and the roster (`approvals/petugas.yaml`), CONTRACT 3."""

from __future__ import annotations

import re
from pathlib import Path

from jdih_build.i18n import N_, _
from jdih_build.load.fields import Fields
from jdih_build.load.problems import Problems
from jdih_build.load.safe_read import MAX_POLICY_BYTES, InputFileError, read_regular
from jdih_build.load.strict_yaml import Node, Scalar, YamlError, YMap, YSeq, parse
from jdih_build.model import REVOCATION_MODES, SIGNATURE_MODES, Person, Sop, Step, TteIdentity
from jdih_build.tte.certificate import normal_fingerprint

ROLE_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,49}")
NIP_PATTERN = re.compile(r"[0-9]{18}")
SOP_KEYS = ("nomor", "nama", "instansi", "tanggal_efektif", "disahkan_oleh", "pemisahan_tugas", "tanda_tangan",
            "cek_pencabutan", "langkah")
STEP_KEYS = ("no", "kegiatan", "pelaksana", "validasi", "mutu_baku", "kelengkapan", "output")
PERSON_KEYS = ("nama", "nip", "jabatan", "peran", "kunci_publik", "aktif_sejak", "aktif_sampai", "tte")
TTE_KEYS = ("nik", "email", "sidik_jari")
NIK_PATTERN = re.compile(r"[0-9]{16}")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
FINGERPRINT_PATTERN = re.compile(r"[0-9a-f]{64}")


def read_input(path: Path | str, problems: Problems, what: str, cap: int) -> bytes | None:
    """The bytes of one input file (regular, no link, at most `cap`), or None with a problem recorded."""
    try:
        return read_regular(path, cap)
    except FileNotFoundError:
        problems.add(Path(path), None, _("{what} is missing").format(
            what=what), _("create {path_path_name} (docs/format-berkas.md, sections 1-2)").format(path_path_name=Path(path).name))
    except InputFileError as exc:
        problems.add(Path(path), None, f"{what}: {exc.message}", exc.fix)
    except OSError as exc:
        problems.add(Path(path), None, _("cannot read {what}: {exc_strerror_or_exc}").format(
            what=what, exc_strerror_or_exc=exc.strerror or exc), _("check the file's permissions"))
    return None


def parse_yaml(path: Path, data: bytes, problems: Problems, what: str) -> Node | None:
    """Parse the bytes of one YAML file strictly; None (with a problem recorded) when they cannot be
    used. An empty or comment-only file is a problem too: it would otherwise vanish silently."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        problems.add(path, None, _("{what} is not UTF-8 text (byte {exc_start})").format(what=what, exc_start=exc.start), _("save it as UTF-8 text"))
        return None
    try:
        tree = parse(text)
    except YamlError as exc:
        problems.add(path, exc.line, exc.message, exc.fix)
        return None
    if tree is None or (isinstance(tree, Scalar) and tree.is_null):
        problems.add(path, None, _("{what} is empty").format(what=what), _("write its fields (docs/format-berkas.md), or delete the file"))
        return None
    return tree


def read_yaml(path: Path, problems: Problems, what: str, cap: int = MAX_POLICY_BYTES) -> Node | None:
    data = read_input(path, problems, what, cap)
    return None if data is None else parse_yaml(path, data, problems, what)


def _tree(path: Path, data: bytes | None, problems: Problems, what: str) -> Node | None:
    """Parse `data` (the bytes already read, e.g. those a root signature was checked over) or read."""
    return read_yaml(path, problems, what) if data is None else parse_yaml(path, data, problems, what)


def load_sop(root: Path, problems: Problems, data: bytes | None = None) -> Sop | None:
    path = root / "approvals" / "sop.yaml"
    tree = _tree(path, data, problems, _("the SOP"))
    if tree is None:
        return None
    if not isinstance(tree, YMap):
        problems.add(path, 1, _("the SOP must be a mapping of `key: value` lines"), _("see docs/format-berkas.md, sections 1-2"))
        return None
    before = len(problems)
    f = Fields(tree, path, problems, _("the SOP"))
    f.check_known(SOP_KEYS)
    nomor = f.text("nomor", required=True)
    nama = f.text("nama", required=True)
    separation = f.boolean("pemisahan_tugas", default=True)
    signatures = f.choice("tanda_tangan", SIGNATURE_MODES, default="opsional")
    revocation = f.choice("cek_pencabutan", REVOCATION_MODES) if "cek_pencabutan" in tree else None
    steps: list[Step] = []
    if f.require("langkah"):
        for position, item in enumerate(f.mapping_list("langkah") or [], 1):
            s = Fields(item, path, problems, _("an SOP step"))
            s.check_known(STEP_KEYS)
            no = s.integer("no", required=True, low=1, high=999)
            kegiatan = s.text("kegiatan", required=True)
            pelaksana = s.text("pelaksana", required=True)
            validasi = s.boolean("validasi", default=False)
            mutu_baku = s.integer("mutu_baku", required=True, low=1, high=525600)
            if no is not None and no != position:
                s.error("no", _("step number {no} where {position} was expected").format(no=no, position=position),
                        _("number the steps 1, 2, 3 ... in the order they are listed"))
            if pelaksana is not None and not ROLE_PATTERN.fullmatch(pelaksana):
                s.error("pelaksana", _("role '{pelaksana}' is not a role id").format(pelaksana=pelaksana), _("use lower_case_with_underscores, e.g. web_admin"))
            if no is not None and kegiatan is not None and pelaksana is not None and validasi is not None \
                    and mutu_baku is not None:
                steps.append(Step(no, kegiatan, pelaksana, validasi, mutu_baku, s.text("kelengkapan"), s.text("output")))
        if not any(step.validasi for step in steps) and len(problems) == before:
            f.error("langkah", _("no step has `validasi: true`, so nothing would ever guard publication"),
                    _("mark the sign-off steps with `validasi: true`"))
    if len(problems) > before or nomor is None or nama is None or separation is None or signatures is None:
        return None
    return Sop(nomor=nomor, nama=nama, pemisahan_tugas=separation, tanda_tangan=signatures, langkah=tuple(steps),
               instansi=f.text("instansi"), tanggal_efektif=f.date("tanggal_efektif"),
               disahkan_oleh=f.text("disahkan_oleh"), cek_pencabutan=revocation)


def load_roster(root: Path, problems: Problems, data: bytes | None = None) -> list[Person] | None:
    path = root / "approvals" / "petugas.yaml"
    tree = _tree(path, data, problems, _("the roster"))
    if tree is None:
        return None
    if not isinstance(tree, YSeq) or not all(isinstance(item, YMap) for item in tree):
        problems.add(path, 1, _("the roster must be a list of people (`- nama: ...`)"), _("see docs/format-berkas.md, sections 1-2"))
        return None
    before = len(problems)
    people: list[Person] = []
    lines: list[int] = []
    for item in tree:
        f = Fields(item, path, problems, _("a roster entry"))
        f.check_known(PERSON_KEYS)
        nama = f.text("nama", required=True)
        nip = f.text("nip", required=True)  # scalars keep their text, so even an unquoted NIP stays exact
        if nip is not None and not NIP_PATTERN.fullmatch(nip):
            f.error("nip", _("NIP '{nip}' is not 18 digits").format(nip=nip), _("write the 18 digits without spaces, quoted: nip: \"198303292009021002\""))
        roles = f.text_list("peran")
        if roles == [] and "peran" not in item:
            f.require("peran")
        for role in roles or []:
            if not ROLE_PATTERN.fullmatch(role):
                f.error("peran", _("role '{role}' is not a role id").format(role=role), _("use lower_case_with_underscores, e.g. web_admin"))
        since = f.date("aktif_sejak")
        until = f.date("aktif_sampai")
        if since and until and until < since:
            f.error("aktif_sampai", _("aktif_sampai is before aktif_sejak"), _("check both dates"))
        key = f.text("kunci_publik")
        if key is not None:
            from jdih_build.sshsig import KeyFormatError, parse_public_key
            try:
                parse_public_key(key)
            except KeyFormatError as exc:
                f.error("kunci_publik", _("kunci_publik is not an SSH public key: {exc}").format(exc=exc),
                        _("paste the whole line of the .pub file, e.g. `ssh-ed25519 AAAA... nama@kantor`"))
        tte = _tte_identity(item, path, problems) if "tte" in item else None
        if nama and nip and roles is not None:
            people.append(Person(nama, nip, f.text("jabatan"), tuple(roles), key, since, until, tte))
            lines.append(item.line)
    first_by_name: dict[str, int] = {}
    first_by_nip: dict[str, str] = {}
    for person, line in zip(people, lines, strict=False):
        if person.nama in first_by_name:
            problems.add(path, line, _("'{person_nama}' is listed twice (first on line {value})").format(person_nama=person.nama, value=first_by_name[person.nama]),
                         _("list each person once, with all their roles"))
        first_by_name.setdefault(person.nama, line)
        if person.nip in first_by_nip and first_by_nip[person.nip] != person.nama:
            problems.add(path, line, _("NIP {person_nip} is given to both {first_by_nip_person_nip} and {person_nama}").format(
                person_nip=person.nip, first_by_nip_person_nip=first_by_nip[person.nip], person_nama=person.nama),
                         _("each person has their own NIP"))
        first_by_nip.setdefault(person.nip, person.nama)
    if len(problems) > before:
        return None
    return people


def _tte_identity(person: YMap, path: Path, problems: Problems) -> TteIdentity | None:
    """A person's `tte:` (how their TTE certificate is recognised): nik, email and/or sidik_jari."""
    node = person["tte"]
    fix = _("write e.g. `tte: {{nik: \"1376011203850002\", email: nama@kpu.go.id}}` (docs/tte.md)")
    if not isinstance(node, YMap) or not node:
        problems.add(path, person.key_lines["tte"], _("'tte' must map nik, email and/or sidik_jari to values"), fix)
        return None
    f = Fields(node, path, problems, _("a roster entry's tte"))
    before = len(problems)
    f.check_known(TTE_KEYS)
    nik, email, print_ = f.text("nik"), f.text("email"), f.text("sidik_jari")
    if nik is not None and not NIK_PATTERN.fullmatch(nik):
        f.error("nik", _("NIK '{nik}' is not 16 digits").format(nik=nik), _("write the 16 digits of the NIK, quoted"))
    if email is not None and not EMAIL_PATTERN.fullmatch(email):
        f.error("email", _("'{email}' is not an e-mail address").format(email=email), _("write the address the certificate states"))
    if print_ is not None:
        print_ = normal_fingerprint(print_)
        if not FINGERPRINT_PATTERN.fullmatch(print_):
            f.error("sidik_jari", _("sidik_jari is not a SHA-256 fingerprint (64 hex digits)"),
                    _("copy the certificate's SHA-256 fingerprint (jdih terima prints it)"))
    if len(problems) > before or not (nik or email or print_):
        if len(problems) == before:
            problems.add(path, person.key_lines["tte"], _("'tte' names neither nik, email nor sidik_jari"), fix)
        return None
    return TteIdentity(nik, email.lower() if email else None, print_)


POLICY_FILES = {"sop.yaml": N_("the SOP"), "petugas.yaml": N_("the roster")}


def read_policy_files(root: Path, problems: Problems) -> dict[str, bytes | None]:
    """The bytes of sop.yaml and petugas.yaml, read once: a root signature is checked over, and the
    policy parsed from, these very bytes."""
    return {name: read_input(root / "approvals" / name, problems, _(what), MAX_POLICY_BYTES)
            for name, what in POLICY_FILES.items()}


def load_policy(root: Path, raw: dict[str, bytes | None],
                problems: Problems) -> tuple[Sop | None, list[Person] | None]:
    """The SOP and the roster parsed from `raw` (read_policy_files), with the rules between them."""
    sop = load_sop(root, problems, raw["sop.yaml"]) if raw["sop.yaml"] is not None else None
    roster = load_roster(root, problems, raw["petugas.yaml"]) if raw["petugas.yaml"] is not None else None
    if sop is not None and roster is not None:
        check_policy(sop, roster, root, problems)
    return sop, roster


def check_policy(sop: Sop, roster: list[Person], root: Path, problems: Problems) -> None:
    """Rules between the SOP and the roster: every sign-off step can be signed by someone."""
    path = root / "approvals" / "sop.yaml"
    for step in sop.validation_steps:
        if not any(step.pelaksana in person.peran for person in roster):
            problems.add(path, None, _("step {step_no} needs a '{step_pelaksana}' but nobody in petugas.yaml holds that role").format(
                step_no=step.no, step_pelaksana=step.pelaksana),
                         _("add `{step_pelaksana}` to someone's peran in approvals/petugas.yaml").format(step_pelaksana=step.pelaksana))
    if sop.tanda_tangan == "wajib":
        for step in sop.validation_steps:
            if not any(step.pelaksana in p.peran and (p.kunci_publik or p.tte) for p in roster):
                problems.add(path, None,
                             _("tanda_tangan is wajib but no '{step_pelaksana}' in petugas.yaml has a kunci_publik or a tte").format(step_pelaksana=step.pelaksana),
                             _("enrol a key (docs/kunci-tanda-tangan.md) or a TTE certificate (docs/tte.md) for that person, "
                               "or set tanda_tangan: opsional"))
