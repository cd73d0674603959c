"""The fields `jdih new` asks for: how each answer is parsed, their flags and prompts, and collecting them."""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from jdih_build.i18n import N_, _
from jdih_build.load.content import (
    ID_PATTERN,
    REQUIRED_KEYS,
)
from jdih_build.model import STATUS_VALUES, TIPE_DOKUMEN

PDF_MAGIC = b"%PDF-"

Parsed = tuple[object, str | None]   # (value, None) or (None, the reason it is invalid)
Asker = Callable[[str], str]


# --------------------------------------------------------------------------------------------------
# Parsing one answer


def parse_text(answer: str) -> Parsed:
    value = answer.strip()
    if not value:
        return None, _("it is empty")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return None, _("it contains a line break or a control character; write one line")
    return value, None


def parse_year(answer: str) -> Parsed:
    text = answer.strip()
    if not re.fullmatch(r"[0-9]{4}", text) or not 1900 <= int(text) <= 2100:
        return None, _("'{text}' is not a year from 1900 to 2100").format(text=text)
    return int(text), None


def parse_day(answer: str) -> Parsed:
    text = answer.strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None, _("'{text}' is not a date YYYY-MM-DD (e.g. 2024-03-01)").format(text=text)
    try:
        return date.fromisoformat(text), None
    except ValueError as exc:
        return None, _("'{text}' is not a real date ({exc})").format(text=text, exc=exc)


def parse_status(answer: str) -> Parsed:
    for option in STATUS_VALUES:
        if option.casefold() == answer.strip().casefold():
            return option, None
    return None, _("'{answer_strip}' is not one of: {join_status_values}").format(answer_strip=answer.strip(), join_status_values=', '.join(STATUS_VALUES))


def parse_tipe(answer: str) -> Parsed:
    text = answer.strip().lower()
    if text in TIPE_DOKUMEN:
        return text, None
    return None, _("'{answer_strip}' is not one of: {join_tipe_dokumen}").format(answer_strip=answer.strip(), join_tipe_dokumen=', '.join(TIPE_DOKUMEN))


def parse_id(answer: str) -> Parsed:
    text = answer.strip()
    if not ID_PATTERN.fullmatch(text):
        return None, _("'{text}' is not an id: use lower-case letters, digits and '-', at most 100 (e.g. kpt-12-2024)").format(text=text)
    return text, None


# --------------------------------------------------------------------------------------------------
# The fields `jdih new` fills in


@dataclass(frozen=True)
class FieldSpec:
    key: str                        # the front-matter key
    flag: str                       # the command-line option
    explain: str                    # shown in the prompt and in --help (marked N_, translated where shown)
    parse: Callable[[str], Parsed]
    tipes: tuple[str, ...] = TIPE_DOKUMEN   # the document types that have this key
    repeat: bool = False            # a list, the flag may be repeated

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")

    def required_for(self, tipe: str) -> bool:
        return self.key in ("judul", "tahun") or self.key in REQUIRED_KEYS[tipe]


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("judul", "--judul", N_("the full title"), parse_text),
    FieldSpec("jenis", "--jenis", N_("the kind of product, e.g. Keputusan, Peraturan KPU, Surat Edaran"), parse_text),
    FieldSpec("singkatan_jenis", "--singkatan-jenis", N_("its abbreviation, e.g. Kpt, PKPU, SE"), parse_text),
    FieldSpec("nomor", "--nomor", N_("the number, kept as text (012 stays 012)"), parse_text),
    FieldSpec("tanggal_penetapan", "--tanggal-penetapan", N_("the day it was enacted, YYYY-MM-DD"), parse_day),
    FieldSpec("tanggal_dibacakan", "--tanggal-dibacakan", N_("the day the verdict was read, YYYY-MM-DD"), parse_day,
              ("putusan",)),
    FieldSpec("tahun", "--tahun", N_("the year, 1900-2100"), parse_year),
    FieldSpec("status", "--status", N_("Berlaku or Tidak Berlaku"), parse_status),
    FieldSpec("pengadilan", "--pengadilan", N_("the court"), parse_text, ("putusan",)),
    FieldSpec("penerbit", "--penerbit", N_("the publisher"), parse_text, ("monografi", "artikel")),
    FieldSpec("tempat_terbit", "--tempat-terbit", N_("the place of publication"), parse_text, ("monografi", "artikel")),
    FieldSpec("sumber", "--sumber", N_("the source, e.g. the gazette or the journal"), parse_text),
    FieldSpec("bidang_hukum", "--bidang-hukum", N_("the field of law, e.g. Hukum Administrasi Negara"), parse_text),
    FieldSpec("subjek", "--subjek", N_("a subject heading (repeat the option for more)"), parse_text, repeat=True),
)


def field_default(key: str, values: dict[str, object], interactive: bool) -> str | None:
    """The value a field takes when it is not given: shown as the default on a terminal."""
    if key == "status":
        return "Berlaku"
    if key == "tahun":
        for day_key in ("tanggal_penetapan", "tanggal_dibacakan"):
            day = values.get(day_key)
            if isinstance(day, date):
                return str(day.year)
        return str(date.today().year) if interactive else None
    return None


def ask_until_valid(label: str, parse: Callable[[str], Parsed], default: str | None, ask: Asker) -> object:
    """Ask on the terminal until the answer is valid; an empty answer takes the default."""
    shown = f" [{default}]" if default is not None else ""
    while True:
        answer = ask(f"{label}{shown}: ").strip()
        if not answer and default is not None:
            answer = default
        if not answer:
            print(_("  this field is required; type a value"), file=sys.stderr)
            continue
        value, reason = parse(answer)
        if reason is None:
            return value
        print(f"  invalid: {reason}", file=sys.stderr)


@dataclass(frozen=True)
class Collected:
    tipe: str
    values: dict[str, object]
    missing: tuple[str, ...]       # the flags of required fields that were not given
    invalid: tuple[str, ...]       # `--flag: reason` for given values that are invalid


def jenis_parser(listed: tuple[tuple[str, str], ...]) -> Callable[[str], Parsed]:
    """With the site's controlled list ([tool.jdih.jenis]), a jenis must be one of it (its exact name)."""
    names = [name for name, _ in listed]

    def parse(answer: str) -> Parsed:
        value, reason = parse_text(answer)
        if reason is not None or not names:
            return value, reason
        for name in names:
            if name.casefold() == str(value).casefold():
                return name, None
        close = difflib.get_close_matches(str(value), names, n=3, cutoff=0.6)
        hint = (_("did you mean ") + _(" or ").join(f"'{c}'" for c in close) + "? ") if close else ""
        return None, _("'{value}' is not one of the site's jenis; {hint}the list: {join_names}").format(value=value, hint=hint, join_names=', '.join(names))
    return parse


OPTIONAL_ASKED = ("singkatan_jenis", "bidang_hukum", "subjek")   # asked on a terminal too, may be skipped


def ask_optional(label: str, parse: Callable[[str], Parsed], default: str | None, ask: Asker) -> object | None:
    """Ask once more until valid; an empty answer takes the default, or skips the field."""
    shown = f" [{default}]" if default is not None else " (Enter to skip)"
    while True:
        answer = ask(f"{label}{shown}: ").strip() or (default or "")
        if not answer:
            return None
        value, reason = parse(answer)
        if reason is None:
            return value
        print(f"  invalid: {reason}", file=sys.stderr)


def collect(args: argparse.Namespace, interactive: bool, ask: Asker,
            listed: tuple[tuple[str, str], ...] = ()) -> Collected:
    """The fields from the flags, asking on a terminal for the required ones that are missing (and the
    usual optional ones). `listed`: the site's jenis and their singkatan_jenis ([tool.jdih.jenis])."""
    invalid: list[str] = []
    missing: list[str] = []
    tipe = "peraturan"
    if args.tipe is not None:
        value, reason = parse_tipe(args.tipe)
        if reason is None:
            tipe = str(value)
        else:
            invalid.append(f"--tipe: {reason}")
    elif interactive:
        tipe = str(ask_until_valid(_("tipe_dokumen (the document type: ") + ", ".join(TIPE_DOKUMEN) + ")",
                                   parse_tipe, "peraturan", ask))
    values: dict[str, object] = {}
    bad: set[str] = set()
    for spec in FIELDS:
        parse = jenis_parser(listed) if spec.key == "jenis" else spec.parse
        given = getattr(args, spec.dest)
        if given not in (None, []):
            if tipe not in spec.tipes:
                invalid.append(_("{spec_flag}: tipe_dokumen {tipe} has no '{spec_key}' (it is for {join_spec_tipes})").format(
                    spec_flag=spec.flag, tipe=tipe, spec_key=spec.key, join_spec_tipes=', '.join(spec.tipes)))
                continue
            answers = given if spec.repeat else [given]
            parsed = [parse(a) for a in answers]
            reasons = [r for _, r in parsed if r is not None]
            if reasons:
                invalid.append(f"{spec.flag}: {reasons[0]}")
                bad.add(spec.key)
            else:
                values[spec.key] = [v for v, _ in parsed] if spec.repeat else parsed[0][0]
            continue
        if spec.key == "singkatan_jenis" and dict(listed).get(str(values.get("jenis"))) is not None:
            continue   # filled from the site's list below
        if tipe not in spec.tipes:
            continue
        if not spec.required_for(tipe):
            if interactive and spec.key in OPTIONAL_ASKED:
                default = derived_singkatan(values) if spec.key == "singkatan_jenis" else None
                answer = ask_optional(f"{spec.key} ({_(spec.explain)})", parse, default, ask)
                if answer is not None:
                    values[spec.key] = [answer] if spec.repeat else answer
            continue
        default = field_default(spec.key, values, interactive)
        if interactive:
            values[spec.key] = ask_until_valid(f"{spec.key} ({_(spec.explain)})", parse, default, ask)
        elif default is not None:
            values[spec.key] = parse(default)[0]
        elif not (spec.key == "tahun" and bad & {"tanggal_penetapan", "tanggal_dibacakan"}):
            missing.append(spec.flag)   # (a bad date is reported itself: the year would have come from it)
    listed_short = dict(listed).get(str(values.get("jenis")))
    if listed_short is not None:
        if values.get("singkatan_jenis") not in (None, listed_short):
            invalid.append(_("--singkatan-jenis: the site's list gives '{listed_short}' for jenis '{values_jenis}' (leave "
                             "the option out)").format(listed_short=listed_short, values_jenis=values['jenis']))
        values["singkatan_jenis"] = listed_short
    return Collected(tipe, values, tuple(missing), tuple(invalid))


def derived_singkatan(values: dict[str, object]) -> str | None:
    """'Surat Edaran' -> 'SE': the initials of a jenis of several words, as a default to confirm."""
    words = str(values.get("jenis") or "").split()
    return "".join(w[0].upper() for w in words if w[:1].isalpha()) if len(words) > 1 else None
