"""The SOP timing model: how long each step of each product took, against the SOP's `mutu_baku`.

Pure functions of (Site, GateResult, now); `now` is injected and timezone-aware. Shared by
`jdih status` and `jdih report`.

Definitions (the lead's brief, with the decisions it left open written down here):

* The record of a step that counts: for a `validasi` step, the one the gate counts
  (`StepResult.record`: the latest; none where two tie at the latest instant); for any other step,
  the latest record of that step in `approvals/<product-id>/` (a tie is broken by the file name, the
  instant is the same anyway). Records of steps the SOP does not have are ignored (the gate reports them).
* The timeline of a product: its counting records that are `disetujui` and not later than `now`, in
  SOP order. A rejection (`ditolak`) does not complete a step and a record from the future is not a
  fact yet: neither is timed nor starts the next interval.
* A measurement: for a step in the timeline, the time from the previous step in the timeline (the
  nearest earlier step that has a record) to this step's record. Steps between the two that have no
  record (hand-overs nobody recorded) are covered by the same interval, so the interval is compared
  with the SUM of the `mutu_baku` of every step it covers (`allowed`). Where the previous step was
  recorded, that is the step's own `mutu_baku`.
* Not measurable: the first step of the timeline (step 1, the proposal, has no start in the records:
  its `mutu_baku` cannot be checked), a rejection, a record from the future, and a record earlier
  than the previous one (out of order; the gate fails such a validasi step under rule 5.4).
* Voided: a counting record whose `berkas` names other bytes than the product's files now (an edit
  came after it). It is shown, not timed, and is not part of the timeline: the edit starts its own.
* On time: `minutes <= allowed`. Late by `minutes - allowed`.
* The next required step: the first `validasi` step the gate does not pass. Who may sign it: roster
  people with its role, active on today's date, and, where `pemisahan_tugas` holds, not the signer of the
  counting record of another `validasi` step of the product (as the gate counts them). "Today" is
  the date on the office's clock: the site's `zona_waktu` (default Asia/Jakarta).
* Overdue: a product not published whose next required step is not done, whose last sign-off (the
  latest counting record, not in the future, of any decision) is older than the time allowed for
  the steps from that record to the next required step (the sum of their `mutu_baku`; the next
  step's own `mutu_baku` when the last record is at or after it, e.g. after a rejection). A product
  without any record has not started and is never overdue.
* Statistics: the median is the middle value (the mean of the two middle values for an even count);
  the 90th percentile is the nearest-rank one: the smallest measured value such that at least 90 %
  of the measurements are at most it (sorted values, index ceil(0.9 * n) - 1). For 10, 20, 40
  minutes: median 20, p90 40.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from jdih_build.gate.rules import GateResult, Verdict
from jdih_build.i18n import N_
from jdih_build.model import Person, Product, SignOff, Site, Sop, Step

# Why a step with a record has no duration.
NO_START = "no_start"          # the first step of the timeline: nothing recorded before it
REJECTED = "rejected"          # the counting record is `ditolak`
FUTURE = "future"              # the record's waktu is later than now
OUT_OF_ORDER = "out_of_order"  # signed before the previous recorded step
VOIDED = "voided"              # it names other bytes: the files were edited after it

REASON_TEXT = {
    NO_START: N_("no earlier record to start from"),
    REJECTED: N_("rejected (ditolak)"),
    FUTURE: N_("waktu is in the future"),
    OUT_OF_ORDER: N_("signed before the previous recorded step"),
    VOIDED: N_("voided: the files changed after this sign-off"),
}


@dataclass(frozen=True)
class Measurement:
    """The counting record of one step of one product, and its time when it can be measured."""

    product_id: str
    step: Step
    record: SignOff
    start: SignOff | None          # the previous record of the timeline: where the interval begins
    first_step: int                # the first SOP step the interval covers (== step.no when nothing was skipped)
    allowed: int | None            # minutes: the sum of mutu_baku of the covered steps
    minutes: float | None          # None when not measurable
    reason: str | None = None      # one of the constants above when not measurable

    @property
    def measured(self) -> bool:
        return self.minutes is not None

    @property
    def on_time(self) -> bool | None:
        if self.minutes is None or self.allowed is None:
            return None
        return self.minutes <= self.allowed

    @property
    def late_by(self) -> float | None:
        """Minutes over the allowed time (0 when on time); None when not measured."""
        if self.minutes is None or self.allowed is None:
            return None
        return max(0.0, self.minutes - self.allowed)

    @property
    def span(self) -> str:
        """The covered steps: '4', or '2-4' when earlier steps had no record."""
        return str(self.step.no) if self.first_step == self.step.no else f"{self.first_step}-{self.step.no}"


@dataclass(frozen=True)
class Overdue:
    step: Step                     # the next required step, not done
    since: SignOff                 # the last sign-off
    waiting_minutes: float
    allowed: int                   # minutes allowed from `since` to the end of `step`

    @property
    def late_by(self) -> float:
        return self.waiting_minutes - self.allowed


@dataclass(frozen=True)
class ProductTiming:
    product: Product
    verdict: Verdict
    measurements: tuple[Measurement, ...]   # one per SOP step that has a counting record, in SOP order
    next_step: Step | None                  # None when published
    eligible: tuple[Person, ...]            # who may sign next_step now
    overdue: Overdue | None

    @property
    def published(self) -> bool:
        return self.verdict.published


def minutes_between(start: datetime, end: datetime) -> float:
    return (end - start) / timedelta(minutes=1)


def counting_records(site: Site, verdict: Verdict) -> dict[int, SignOff]:
    """Step number -> the record that counts for it (see the module docstring)."""
    counted: dict[int, SignOff] = {r.step.no: r.record for r in verdict.steps if r.record is not None}
    gated = {r.step.no for r in verdict.steps}
    latest: dict[int, SignOff] = {}
    for record in site.signoffs:
        if record.folder != verdict.product.id or record.langkah in gated:
            continue
        if site.sop.step(record.langkah) is None:
            continue
        best = latest.get(record.langkah)
        if best is None or (record.waktu, record.path.name) > (best.waktu, best.path.name):
            latest[record.langkah] = record
    counted.update(latest)
    return counted


def _allowed(sop: Sop, after_index: int, upto_index: int) -> int:
    """Sum of mutu_baku of the SOP steps at positions after_index+1 .. upto_index."""
    return sum(s.mutu_baku for s in sop.langkah[after_index + 1: upto_index + 1])


def voided_steps(product: Product, records: dict[int, SignOff]) -> set[int]:
    """The steps whose counting record names other bytes than the product's files now."""
    files = product.file_hashes
    return {no for no, record in records.items() if record.berkas and record.berkas_map != files}


def measure(sop: Sop, product_id: str, records: dict[int, SignOff], now: datetime,
            voided: set[int] | None = None) -> tuple[Measurement, ...]:
    """One Measurement per SOP step that has a counting record, in SOP order."""
    out: list[Measurement] = []
    previous: tuple[int, SignOff] | None = None      # (SOP position, record) of the timeline's last entry
    for index, step in enumerate(sop.langkah):
        record = records.get(step.no)
        if record is None:
            continue
        if voided and step.no in voided:
            out.append(Measurement(product_id, step, record, None, step.no, step.mutu_baku, None, VOIDED))
            continue                                  # not part of the edit's timeline
        if record.keputusan != "disetujui" or record.waktu > now:
            reason = REJECTED if record.keputusan != "disetujui" else FUTURE
            out.append(Measurement(product_id, step, record, None, step.no, step.mutu_baku, None, reason))
            continue                                  # not part of the timeline
        if previous is None:
            out.append(Measurement(product_id, step, record, None, step.no, step.mutu_baku, None, NO_START))
        else:
            start_index, start = previous
            first = sop.langkah[start_index + 1].no
            allowed = _allowed(sop, start_index, index)
            minutes = minutes_between(start.waktu, record.waktu)
            if minutes < 0:
                out.append(Measurement(product_id, step, record, start, first, allowed, None, OUT_OF_ORDER))
            else:
                out.append(Measurement(product_id, step, record, start, first, allowed, minutes))
        previous = (index, record)
    return tuple(out)


def next_required_step(verdict: Verdict) -> Step | None:
    return next((r.step for r in verdict.steps if not r.ok), None)


def office_time(site: Site, now: datetime) -> datetime:
    """`now` on the office's clock: the site's zona_waktu."""
    return now.astimezone(site.config.zone)


def eligible_signers(site: Site, verdict: Verdict, step: Step, today: date) -> tuple[Person, ...]:
    """Roster people who hold the step's role, are active today, and (pemisahan_tugas) signed no
    other validasi step of this product."""
    excluded: set[str] = set()
    if site.sop.pemisahan_tugas:
        excluded = {r.record.oleh for r in verdict.steps if r.record is not None and r.step.no != step.no}
    people = [p for p in site.roster
              if step.pelaksana in p.peran and p.active_on(today) and p.nama not in excluded]
    return tuple(sorted(people, key=lambda p: p.nama))


def find_overdue(sop: Sop, records: dict[int, SignOff], next_step: Step | None, now: datetime) -> Overdue | None:
    if next_step is None:
        return None
    past = [r for r in records.values() if r.waktu <= now]
    if not past:
        return None
    last = max(past, key=lambda r: (r.waktu, r.langkah))
    positions = {s.no: i for i, s in enumerate(sop.langkah)}
    last_index, next_index = positions[last.langkah], positions[next_step.no]
    allowed = _allowed(sop, last_index, next_index) if last_index < next_index else next_step.mutu_baku
    waiting = minutes_between(last.waktu, now)
    if waiting <= allowed:
        return None
    return Overdue(next_step, last, waiting, allowed)


def product_timing(site: Site, verdict: Verdict, now: datetime) -> ProductTiming:
    records = counting_records(site, verdict)
    voided = voided_steps(verdict.product, records)
    measurements = measure(site.sop, verdict.product.id, records, now, voided)
    next_step = None if verdict.published else next_required_step(verdict)
    eligible: tuple[Person, ...] = ()
    if next_step is not None:
        eligible = eligible_signers(site, verdict, next_step, office_time(site, now).date())
    current = {no: r for no, r in records.items() if no not in voided}
    overdue = find_overdue(site.sop, current, next_step, now)
    return ProductTiming(verdict.product, verdict, measurements, next_step, eligible, overdue)


def timings(site: Site, gate: GateResult, now: datetime) -> tuple[ProductTiming, ...]:
    """Every product's timing, sorted by product id."""
    if now.tzinfo is None:
        raise ValueError("the clock must be timezone-aware")
    return tuple(sorted((product_timing(site, v, now) for v in gate.verdicts), key=lambda t: t.product.id))


# -- statistics ------------------------------------------------------------------------------------

def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p % of the values at or below it."""
    if not values:
        return None
    if not 0 < p <= 100:
        raise ValueError("p must be in (0, 100]")
    ordered = sorted(values)
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


@dataclass(frozen=True)
class StepSummary:
    step: Step
    measurements: tuple[Measurement, ...]   # measured ones only, sorted by (product, waktu)
    overdue: tuple[ProductTiming, ...]      # products overdue whose next required step is this one

    @property
    def count(self) -> int:
        return len(self.measurements)

    @property
    def minutes(self) -> list[float]:
        return [m.minutes for m in self.measurements if m.minutes is not None]

    @property
    def median(self) -> float | None:
        return median(self.minutes)

    @property
    def p90(self) -> float | None:
        return percentile(self.minutes, 90)

    @property
    def on_time_count(self) -> int:
        return sum(1 for m in self.measurements if m.on_time)

    @property
    def on_time_share(self) -> float | None:
        """Percent of the measurements that were on time (0..100)."""
        return 100 * self.on_time_count / self.count if self.count else None

    @property
    def standards(self) -> tuple[tuple[str, int], ...]:
        """(covered steps, allowed minutes) the measurements were compared with, by first covered step:
        one pair, unless some products recorded a step in between and others did not."""
        pairs = {(m.span, m.allowed) for m in self.measurements if m.allowed is not None}
        return tuple(sorted(pairs, key=lambda p: (int(p[0].split("-")[0]), p[0])))


def in_period(moment: datetime, start: date | None, end: date | None) -> bool:
    """Whether the record's own calendar date (in its own UTC offset) lies in [start, end]."""
    day = moment.date()
    return (start is None or day >= start) and (end is None or day <= end)


def summarize(sop: Sop, product_timings: Sequence[ProductTiming], start: date | None = None,
              end: date | None = None) -> tuple[StepSummary, ...]:
    """One summary per SOP step, in SOP order: the measurements whose record falls in the period,
    and the products overdue now (the period does not apply to them: they are the state at `now`)."""
    summaries = []
    for step in sop.langkah:
        found = [m for t in product_timings for m in t.measurements
                 if m.step.no == step.no and m.measured and in_period(m.record.waktu, start, end)]
        found.sort(key=lambda m: (m.product_id, m.record.waktu))
        late = tuple(t for t in product_timings if t.overdue is not None and t.overdue.step.no == step.no)
        summaries.append(StepSummary(step, tuple(found), late))
    return tuple(summaries)
