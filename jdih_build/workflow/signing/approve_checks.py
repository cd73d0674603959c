"""What `jdih approve` refuses before writing anything: the gate's own rules, applied to the sign-off it
would write, each with the rule and the fix."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from jdih_build.console.reporting import rel
from jdih_build.gate.rules import Failure, Verdict
from jdih_build.i18n import _
from jdih_build.model import Person, SignOff, Site, Step
from jdih_build.workflow.signing.signoff_file import format_waktu

# --------------------------------------------------------------------------------------------------
# Refusals


@dataclass(frozen=True)
class Refusal:
    where: str      # the file (relative to the site) or the option the reason is about
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message} - {self.fix}"


SOP_FILE = "approvals/sop.yaml"
ROSTER_FILE = "approvals/petugas.yaml"


def close_matches(word: str, options: list[str]) -> list[str]:
    """Options the user probably meant: the same but for case, else those with a word starting with
    what was typed ('Rina' -> 'Rina Marlina'), else the similar ones."""
    folded = word.casefold().strip()
    exact = [o for o in options if o.casefold() == folded]
    if exact:
        return exact
    begun = [o for o in options if folded and any(part.startswith(folded) for part in o.casefold().split())]
    if begun:
        return begun[:3]
    return difflib.get_close_matches(word, options, n=3, cutoff=0.6)


def _did_you_mean(word: str, options: list[str], what: str) -> str:
    close = close_matches(word, options)
    if close:
        return _("did you mean ") + _(" or ").join(f"'{c}'" for c in close) + "?"
    return _("use one of the {what}").format(what=what) if options else _("there are no {what} yet").format(what=what)


def parse_at(text: str) -> tuple[datetime | None, str | None]:
    """An ISO 8601 date-time with its UTC offset, truncated to seconds; (None, reason) otherwise."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None, _("'{text}' is not an ISO 8601 date-time").format(text=text)
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None, _("'{text}' has no UTC offset").format(text=text)
    offset = moment.utcoffset()
    assert offset is not None
    if offset % timedelta(minutes=1):
        return None, _("'{text}' has an offset with seconds").format(text=text)
    return moment.replace(microsecond=0), None


def office_now(zone: tzinfo) -> datetime:
    """Now on the office's clock (the site's zona_waktu), to the second: what a sign-off records
    when --at is not given, whatever the computer's own zone (a CI runner's is UTC)."""
    moment = datetime.now(zone).replace(microsecond=0)
    offset = moment.utcoffset()
    if offset is None or offset % timedelta(minutes=1):   # a record's waktu carries a whole-minute offset
        moment = moment.astimezone(UTC)
    return moment


def check_lookup(site: Site, product_ids: tuple[str, ...], step_no: int, name: str | None) -> list[Refusal]:
    """The products, the step and the person (where one is named) exist."""
    refusals: list[Refusal] = []
    ids = sorted(p.id for p in site.products)
    for product_id in product_ids:
        if site.product(product_id) is None:
            refusals.append(Refusal("content/", _("no product has the id '{product_id}'").format(product_id=product_id),
                                    _did_you_mean(product_id, ids, "product ids (jdih status lists them)")))
    if site.sop.step(step_no) is None:
        numbers = [s.no for s in site.sop.langkah]
        refusals.append(Refusal(SOP_FILE, _("the SOP has no step {step_no}").format(step_no=step_no),
                                _("use a step number from {min_numbers} to {max_numbers}").format(min_numbers=min(numbers), max_numbers=max(numbers))))
    if name is not None and site.person(name) is None:
        names = sorted(p.nama for p in site.roster)
        refusals.append(Refusal(ROSTER_FILE, _("'{name}' is not on the roster").format(name=name),
                                _("{value} (names must match exactly)").format(value=_did_you_mean(name, names, 'roster names'))))
    return refusals


def a_role(role: str) -> str:
    """'an administrator', 'a pengarah' (Indonesian has no article: the role alone)."""
    return (_("an {role}") if role[:1] in "aeiou" else _("a {role}")).format(role=role)


def holders(site: Site, role: str, day: datetime) -> list[str]:
    return sorted(p.nama for p in site.roster if role in p.peran and p.active_on(day.date()))


def check_person(site: Site, step: Step, person: Person, waktu: datetime) -> list[Refusal]:
    refusals: list[Refusal] = []
    others = [n for n in holders(site, step.pelaksana, waktu) if n != person.nama]
    example = f" (e.g. --by '{others[0]}')" if others else ""
    if step.pelaksana not in person.peran:
        roles = ", ".join(person.peran) or "none"
        refusals.append(Refusal(ROSTER_FILE, _("{person_nama} does not hold the role '{step_pelaksana}' that step {step_no} needs (their "
                                               "roles: {roles})").format(person_nama=person.nama, step_pelaksana=step.pelaksana, step_no=step.no, roles=roles),
                                _("have {a_role_step_pelaksana} sign step {step_no}{example}").format(
                                    a_role_step_pelaksana=a_role(step.pelaksana), step_no=step.no, example=example)))
    if not person.active_on(waktu.date()):
        period = _("{start} to {end}").format(start=person.aktif_sejak or "...", end=person.aktif_sampai or "...")
        refusals.append(Refusal(ROSTER_FILE, _("{person_nama} is not active on {waktu_date} (active {period})").format(
            person_nama=person.nama, waktu_date=waktu.date(), period=period),
                                _("have an active {step_pelaksana} sign step {step_no}{example}, or correct aktif_sejak/aktif_sampai").format(
                                    step_pelaksana=step.pelaksana, step_no=step.no, example=example)))
    return refusals


def latest_by_step(records: list[SignOff]) -> dict[int, SignOff]:
    latest: dict[int, SignOff] = {}
    for record in records:
        if record.langkah not in latest or record.waktu > latest[record.langkah].waktu:
            latest[record.langkah] = record
    return latest


def check_timeline(site: Site, step: Step, waktu: datetime, records: list[SignOff], now: datetime,
                   reject: bool) -> list[Refusal]:
    """Not in the future; the latest record of its step; not before the previous step's record."""
    refusals: list[Refusal] = []
    if waktu > now:
        refusals.append(Refusal("--at", _("waktu {format_waktu_waktu} is in the future").format(format_waktu_waktu=format_waktu(waktu)),
                                _("give the real time of the sign-off, or leave --at out to use now")))
    same = [r for r in records if r.langkah == step.no and r.waktu >= waktu]
    if same:
        newest = max(same, key=lambda r: r.waktu)
        refusals.append(Refusal(rel(newest.path, site.root),
                                _("step {step_no} already has a record at {value}, not earlier than {format_waktu_waktu}: only "
                                  "the latest record of a step counts").format(step_no=step.no, value=format_waktu(newest.waktu), format_waktu_waktu=format_waktu(waktu)),
                                _("give a later --at (or leave it out to use now)")))
    if not reject:
        latest = latest_by_step(records)
        earlier = [n for n in latest if n < step.no]
        if earlier:
            previous = latest[max(earlier)]
            if waktu < previous.waktu:
                refusals.append(Refusal(rel(previous.path, site.root),
                                        _("waktu {format_waktu_waktu} is before the previous step's record (step {previous_langkah}, {value})").format(
                                            format_waktu_waktu=format_waktu(waktu), previous_langkah=previous.langkah, value=format_waktu(previous.waktu)),
                                        _("the SOP's steps are signed in order: give a later --at")))
    return refusals


def gate_refusals(verdict: Verdict, step_no: int, candidate: Path, root: Path,
                  skip_rules: frozenset[str] = frozenset()) -> list[Refusal]:
    """The gate's failures for this step and the earlier ones, which an approval must not leave
    (but those of `skip_rules`: a lembar's signature is judged when it comes back)."""
    refusals = []
    for failure in verdict.failures:
        if failure.step > step_no or (failure.rule in skip_rules and failure.record == candidate):
            continue
        if failure.record == candidate:
            where = _("{path} (this sign-off)").format(path=rel(candidate, root))
        elif failure.record is not None:
            where = rel(failure.record, root)
        else:
            where = f"approvals/{verdict.product.id}/"
        refusals.append(Refusal(where, _("rule {failure_rule}: {failure_message}").format(failure_rule=failure.rule, failure_message=failure.message), failure.fix))
    return refusals


def later_failures(before: Verdict, after: Verdict, step_no: int) -> list[Failure]:
    """Failures of later steps that the new record causes (they passed without it)."""
    old = {(f.step, f.rule) for f in before.failures}
    return [f for f in after.failures if f.step > step_no and (f.step, f.rule) not in old]
