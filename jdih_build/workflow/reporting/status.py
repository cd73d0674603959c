"""`jdih status [ID] [--json] [--site DIR]`: where each product stands in the SOP.

For every product (or the one named): published or withheld; the steps signed (the record that
counts for each step: who, when, the time it took against the SOP's `mutu_baku`); the next required
step and who may sign it now; whether it is overdue; and, for a withheld product, every gate failure
with its fix. The timing rules are those of `sop_timing` (see its docstring). Exit 0; exit 1 when
the input is invalid (the problems are printed) or ID names no product.

`--json` prints one JSON object, stable for the same input and clock (keys in a fixed order,
products sorted by id, steps in SOP order). Schema `jdih-status/1`:

    {
      "schema": "jdih-status/1",
      "now": "<ISO 8601 with offset>",                  # the clock the status was computed at
      "zona_waktu": str,                                # the site's time zone (IANA), for the text form
      "sop": {"nomor": str, "nama": str, "pemisahan_tugas": bool},
      "summary": {"products": int, "published": int, "withheld": int, "overdue": int},
      "products": [{
        "id": str, "judul": str, "source": "<path of the .md, relative to the site>",
        "published": bool,                              # true too when the approved revision is kept
        "revision": null | {"kept": bool,               # edited after a full set of sign-offs: the
                            "commit": str,              #   approved revision is published (kept), or
                            "reason": str,              #   could not be (reason): then it is withheld
                            "withdrawn": null | str},   #   the record that took the approval of the
                                                        #   current bytes away (no older revision then)
        "signed": [{                                    # one per SOP step with a record that counts
          "step": int, "kegiatan": str, "peran": str,   # the step, and the role the SOP gives it
          "validasi": bool,
          "oleh": str, "keputusan": "disetujui" | "ditolak", "waktu": "<ISO 8601>",
          "record": "<path of the sign-off, relative to the site>",
          "catatan": null | str,                        # the signer's note (why it was late, why rejected)
          "tte": null | {"signer": str, "nik": str | null,  # a lembar signed with TTE: the certificate's
                         "issuer": str, "fingerprint": str, #   holder and issuing CA, the signing time
                         "signed_at": str, "time_source": "timestamp" | "signer",  # and its source
                         "revocation_checked": bool, "problem": null | str},
          "minutes": float | null,                      # time since the previous recorded step
          "from_step": int | null,                      # that previous recorded step
          "covers": "<'4', or '2-4' when steps between had no record>",
          "allowed_minutes": int,                       # sum of mutu_baku of the covered steps
          "on_time": bool | null,                       # null when not timed
          "late_by_minutes": float | null,              # 0 when on time, null when not timed
          "not_timed": null | "no_start" | "rejected" | "future" | "out_of_order" | "voided"
        }],
        "next_step": null | {"step": int, "kegiatan": str, "peran": str, "mutu_baku": int,
                             "may_sign": [str]},        # roster names, sorted
        "overdue": null | {"step": int, "since": "<ISO 8601>", "since_step": int,
                           "waiting_minutes": float, "allowed_minutes": int, "late_by_minutes": float},
        "failures": [{"rule": str, "step": int, "message": str, "fix": str, "record": str | null}],
        "history": [{"as": str, "renamed": "<ISO 8601>", "catatan": null | str,   # jdih rename: the
                     "records": [{"step": int, "oleh": str, "keputusan": str,    #   records under an
                                  "waktu": str, "catatan": null | str,           #   earlier id, never
                                  "record": str}]}],                             #   counted
      }],
      "notices": [{"record": str, "message": str, "fix": str}]
    }

Minutes are rounded to two decimals. With ID, `products` holds that product only and `notices` only
those about its approvals/ID/ folder.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from jdih_build.console.clock import now
from jdih_build.console.reporting import load_or_report, rel
from jdih_build.gate.revisions import judged_as_the_build
from jdih_build.gate.rules import GateResult, RevisionNote, evaluate
from jdih_build.i18n import _
from jdih_build.model import Site, TteSignature
from jdih_build.publish.formatting import zone_label
from jdih_build.workflow.reporting.sop_timing import (
    REASON_TEXT,
    Measurement,
    ProductTiming,
    timings,
)

SCHEMA = "jdih-status/1"
EXIT_OK, EXIT_INVALID = 0, 1


# -- data ------------------------------------------------------------------------------------------

def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _tte(tte: TteSignature | None) -> dict[str, Any] | None:
    if tte is None:
        return None
    return {"signer": tte.signer, "nik": tte.nik, "issuer": tte.issuer, "fingerprint": tte.fingerprint,
            "signed_at": tte.signed_at.isoformat() if tte.signed_at else None, "time_source": tte.time_source,
            "revocation_checked": tte.revocation_checked, "problem": tte.problem}


def _signed(m: Measurement, root: Path) -> dict[str, Any]:
    return {
        "step": m.step.no,
        "kegiatan": m.step.kegiatan,
        "peran": m.step.pelaksana,
        "validasi": m.step.validasi,
        "oleh": m.record.oleh,
        "keputusan": m.record.keputusan,
        "waktu": m.record.waktu.isoformat(),
        "record": rel(m.record.path, root),
        "catatan": m.record.catatan,
        "tte": _tte(m.record.tte),
        "minutes": _minutes(m.minutes),
        "from_step": m.start.langkah if m.start is not None else None,
        "covers": m.span,
        "allowed_minutes": m.allowed,
        "on_time": m.on_time,
        "late_by_minutes": _minutes(m.late_by),
        "not_timed": m.reason,
    }


def _product(t: ProductTiming, root: Path, note: RevisionNote | None) -> dict[str, Any]:
    next_step = None
    if t.next_step is not None:
        next_step = {"step": t.next_step.no, "kegiatan": t.next_step.kegiatan, "peran": t.next_step.pelaksana,
                     "mutu_baku": t.next_step.mutu_baku, "may_sign": [p.nama for p in t.eligible]}
    overdue = None
    if t.overdue is not None:
        overdue = {"step": t.overdue.step.no, "since": t.overdue.since.waktu.isoformat(),
                   "since_step": t.overdue.since.langkah, "waiting_minutes": _minutes(t.overdue.waiting_minutes),
                   "allowed_minutes": t.overdue.allowed, "late_by_minutes": _minutes(t.overdue.late_by)}
    return {
        "id": t.product.id,
        "judul": t.product.judul,
        "source": rel(t.product.source, root),
        "published": t.published or (note is not None and note.restored),
        "revision": None if note is None else {"kept": note.restored, "commit": note.commit, "reason": note.reason,
                                               "withdrawn": rel(note.withdrawn, root) if note.withdrawn else None},
        "signed": [_signed(m, root) for m in t.measurements],
        "next_step": next_step,
        "overdue": overdue,
        "failures": [{"rule": f.rule, "step": f.step, "message": f.message, "fix": f.fix,
                      "record": rel(f.record, root) if f.record else None} for f in t.verdict.failures],
        "history": [],
    }


def status_data(site: Site, gate: GateResult, now: datetime, product_id: str | None = None,
                revisions: tuple[RevisionNote, ...] = ()) -> dict[str, Any]:
    """The whole status as JSON-ready data (schema in the module docstring). `gate` judges the files
    as they are now; `revisions` says which edited products keep their approved revision online."""
    root = site.root
    notes = {n.product_id: n for n in revisions}
    chosen = [t for t in timings(site, gate, now) if product_id is None or t.product.id == product_id]
    notices = gate.notices
    if product_id is not None:
        folder = root / "approvals" / product_id
        notices = tuple(n for n in notices if n.path.parent == folder)
    products = [_product(t, root, notes.get(t.product.id)) for t in chosen]
    for p in products:   # the records under the product's earlier ids (jdih rename): history, never counted
        p["history"] = [{"as": rename.lama, "renamed": rename.waktu.isoformat(), "catatan": rename.catatan,
                         "records": [{"step": r.langkah, "oleh": r.oleh, "keputusan": r.keputusan,
                                      "waktu": r.waktu.isoformat(), "catatan": r.catatan, "record": rel(r.path, root)}
                                     for r in records]}
                        for rename, records in site.history_of(p["id"])]
    return {
        "schema": SCHEMA,
        "now": now.isoformat(),
        "zona_waktu": site.config.zona_waktu,
        "sop": {"nomor": site.sop.nomor, "nama": site.sop.nama, "pemisahan_tugas": site.sop.pemisahan_tugas},
        "summary": {"products": len(products), "published": sum(1 for p in products if p["published"]),
                    "withheld": sum(1 for p in products if not p["published"]),
                    "overdue": sum(1 for t in chosen if t.overdue is not None)},
        "products": products,
        "notices": [{"record": rel(n.path, root), "message": n.message, "fix": n.fix} for n in notices],
    }


# -- text ------------------------------------------------------------------------------------------

def duration(minutes: float) -> str:
    """A duration for people: '35 min', '8 h 05 min', '3 d 4 h'."""
    total = int(round(minutes))
    if total < 60:
        return _("{minutes} min").format(minutes=total)
    if total < 24 * 60:
        return _("{hours} h {minutes:02d} min").format(hours=total // 60, minutes=total % 60)
    days, rest = divmod(total, 24 * 60)
    return _("{days} d {hours} h").format(days=days, hours=rest // 60)


def moment(iso: str, zone: str | None = None) -> str:
    """'2023-11-09T02:35:00+00:00' -> '2023-11-09 09:35 WIB': on the office's clock (`zone`, the site's
    zona_waktu), else on the record's own."""
    value = datetime.fromisoformat(iso)
    if zone is not None:
        value = value.astimezone(ZoneInfo(zone))
    return f"{value:%Y-%m-%d %H:%M} {zone_label(value)}"


Paint = Callable[[str, str], str]
COLOURS = {"ok": "32", "bad": "31", "warn": "33", "strong": "1"}


def painter(colour: bool) -> Paint:
    if not colour:
        return lambda text, kind: text
    return lambda text, kind: f"\033[{COLOURS[kind]}m{text}\033[0m"


def _table(rows: list[list[str]]) -> list[str]:
    """Left-aligned columns, two spaces apart; the last column is not padded."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1] for row in rows]


def _step_row(s: dict[str, Any], zone: str | None) -> tuple[list[str], str | None]:
    cells = [str(s["step"]), s["peran"], s["oleh"], moment(s["waktu"], zone)]
    if s["minutes"] is None:
        cells += ["-", _("{minutes} min").format(minutes=s['allowed_minutes'])]
        reason = _(REASON_TEXT[s["not_timed"]])
        verdict = reason if s["not_timed"] == "voided" else _("not timed: {reason}").format(reason=reason)
        kind = "bad" if s["not_timed"] in ("rejected", "out_of_order", "future") else "warn" if s["not_timed"] == "voided" else None
    else:
        covers = _(" (steps {steps})").format(steps=s['covers']) if "-" in s["covers"] else ""
        cells += [duration(s["minutes"]), _("{minutes} min").format(minutes=s['allowed_minutes']) + covers]
        verdict = _("on time") if s["on_time"] else _("LATE by {value}").format(value=duration(s['late_by_minutes']))
        kind = None if s["on_time"] else "warn"
    return cells + [verdict], kind


def product_lines(p: dict[str, Any], paint: Paint, zone: str | None = None) -> list[str]:
    revision = p.get("revision")
    if revision is not None and revision["kept"]:
        state = paint(_("published (the approved revision, commit {revision_commit_12}); the edit awaits its sign-offs").format(
            revision_commit_12=revision['commit'][:12]), "warn")
    elif revision is not None and revision.get("withdrawn"):
        state = paint(_("WITHHELD: {record} took the approval of its current files away ({revision_reason}); an "
                        "older revision is not published in its place").format(
                            record=revision["withdrawn"], revision_reason=revision["reason"]), "bad")
    elif revision is not None:
        state = paint(_("WITHHELD, although it was approved for other bytes: {revision_reason}").format(revision_reason=revision['reason']), "bad")
    else:
        state = paint(_("published"), "ok") if p["published"] else paint(_("WITHHELD"), "bad")
    lines = [f"{paint(p['id'], 'strong')}: {state}", f"  {p['judul']}", f"  {p['source']}"]
    if p["signed"]:
        header = [_("step"), _("role"), _("signed by"), _("at"), _("took"), _("allowed"), _("result")]
        rows: list[list[str]] = [header]
        kinds: list[str | None] = [None]
        for s in p["signed"]:
            row, kind = _step_row(s, zone)
            rows.append(row)
            kinds.append(kind)
        for line, kind in zip(_table(rows), kinds, strict=False):
            lines.append("  " + (paint(line, kind) if kind else line))
        lines += [_("  note of step {step} ({oleh}): {catatan}").format(step=s["step"], oleh=s["oleh"], catatan=s["catatan"])
                  for s in p["signed"] if s.get("catatan")]
        lines += [_("  step {step} signed electronically (TTE) by {signer}, certificate from {issuer}; time from {source}").format(
            step=s["step"], signer=s["tte"]["signer"], issuer=s["tte"]["issuer"],
            source=_("a trusted timestamp") if s["tte"]["time_source"] == "timestamp" else _("the signer's own clock"))
                  for s in p["signed"] if s.get("tte")]
    else:
        lines.append(_("  no sign-off yet"))
    for old in p.get("history", []):
        lines.append(_("  history: signed as {old} until it was renamed ({when}){why}").format(
            old=old["as"], when=moment(old["renamed"], zone), why=f": {old['catatan']}" if old["catatan"] else ""))
        lines += [_("    step {step} {keputusan} by {oleh} at {waktu}{note}").format(
            step=r["step"], keputusan=r["keputusan"], oleh=r["oleh"], waktu=moment(r["waktu"], zone),
            note=f" ({r['catatan']})" if r["catatan"] else "") for r in old["records"]]
    nxt = p["next_step"]
    if nxt is not None:
        who = ", ".join(nxt["may_sign"]) if nxt["may_sign"] else (
            _("nobody now (no active {nxt_peran} on the roster who signed no other step of this product)").format(nxt_peran=nxt['peran']))
        lines.append(_("  next: step {nxt_step} ({nxt_kegiatan}), role {nxt_peran}; may sign: {who}").format(
            nxt_step=nxt['step'], nxt_kegiatan=nxt['kegiatan'], nxt_peran=nxt['peran'], who=who))
    late = p["overdue"]
    if late is not None:
        lines.append("  " + paint(
            _("OVERDUE: step {step} waiting {waiting} since step {since_step} ({since}); allowed {allowed}, "
              "late by {late_by}").format(
                  step=late['step'], waiting=duration(late['waiting_minutes']), since_step=late['since_step'],
                  since=moment(late['since'], zone), allowed=duration(late['allowed_minutes']),
                  late_by=duration(late['late_by_minutes'])), "bad"))
    if p["failures"]:
        kept = revision is not None and revision["kept"]
        lines.append(_("  the edit is not published because:") if kept else _("  not published because:"))
        for f in p["failures"]:
            where = f" [{f['record']}]" if f["record"] else ""
            lines.append(_("    - rule {f_rule}: {f_message}{where}").format(f_rule=f['rule'], f_message=f['message'], where=where))   # the message names its step
            lines.append(_("      fix: {fix}").format(fix=f['fix']))
    return lines


def urgency(p: dict[str, Any]) -> tuple[int, float, str]:
    """Overdue first (the longest late first), then withheld, then published with an edit waiting, then
    published; by id within each."""
    late = p["overdue"]
    if late is not None:
        return (0, -(late.get("late_by_minutes") or 0.0), p["id"])
    if not p["published"]:
        return (1, 0.0, p["id"])
    if p.get("revision") is not None:
        return (2, 0.0, p["id"])
    return (3, 0.0, p["id"])


def status_text(data: dict[str, Any], colour: bool = False) -> str:
    paint = painter(colour)
    s = data["summary"]
    zone = data.get("zona_waktu")
    lines = [_("SOP {nomor} at {now}: {products} product(s), {published} published, {withheld} withheld, "
               "{overdue} overdue").format(nomor=data['sop']['nomor'], now=moment(data['now'], zone),
                                           products=s['products'], published=s['published'],
                                           withheld=s['withheld'], overdue=s['overdue'])]
    for p in sorted(data["products"], key=urgency):   # the JSON keeps the order of ids; people read the urgent first
        lines.append("")
        lines += product_lines(p, paint, zone)
    if data["notices"]:
        lines.append("")
        lines += [_("notice: {record}: {message} - {fix}").format(record=n['record'], message=n['message'], fix=n['fix'])
                  for n in data["notices"]]
    return "\n".join(lines) + "\n"


# -- command ---------------------------------------------------------------------------------------

def wants_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def run_status(root: Path, product_id: str | None, as_json: bool, now: datetime, out: TextIO, err: TextIO,
               colour: bool = False) -> int:
    """The command with its clock and streams injected (the tests use this)."""
    site = load_or_report(root, err, _("status: fix them, then run again"))
    if site is None:
        return EXIT_INVALID
    if product_id is not None and site.product(product_id) is None:
        ids = sorted(p.id for p in site.products)
        close = difflib.get_close_matches(product_id, ids, n=3)
        hint = _("; did you mean {join_close}?").format(join_close=', '.join(close)) if close else _("; `jdih status` lists every product")
        print(_("error: no product has the id '{product_id}'{hint}").format(product_id=product_id, hint=hint), file=err)
        return EXIT_INVALID
    gate = evaluate(site, now)
    data = status_data(site, gate, now, product_id, judged_as_the_build(site, gate, now).revisions)
    if as_json:
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(status_text(data, colour))
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:

    return run_status(Path(args.site).resolve(), args.id, args.json, now(), sys.stdout, sys.stderr,
                      colour=not args.json and wants_colour(sys.stdout))


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "status", help=_("where each product stands in the SOP"),
        description=_("Show, for every product or the one named, the steps signed and the time each took against the "
                      "SOP's mutu_baku, the next step and who may sign it, whether it is overdue, and why a withheld "
                      "product is withheld. Writes nothing; exit 0 (1 on invalid input or an unknown ID)."))
    site_option(p)
    p.add_argument("id", nargs="?", metavar="ID", help=_("one product's id (default: every product)"))
    p.add_argument("--json", action="store_true", help=_("print machine-readable JSON (schema jdih-status/1)"))
    p.set_defaults(run=cmd_status)
