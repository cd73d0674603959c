"""`jdih import FEED [--files DIR] [--site DIR] [--dry-run]`: bring an existing catalogue in from the
JDIHN member feed every JDIH already publishes (CONTRACT 8, issue 12).

Each record becomes a product file under `content/<jenis>/<tahun>/` (import_records maps it,
import_write checks and writes it), with its main text from --files where it is found. No sign-off is
written: the imported products wait for their SOP like any other (`jdih approve --waiting`). A record
that cannot be mapped is reported with its index and idData and the others are still imported; the
files are written all at once or not at all. Exit 0 when every record was imported, 1 when some were
not (or the feed cannot be read), 2 on usage.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from jdih_build.cache.location import default_cache_dir
from jdih_build.console.reporting import problem_lines, rel
from jdih_build.i18n import _
from jdih_build.load.completeness import PENDING
from jdih_build.load.problems import Problems
from jdih_build.load.settings import load_config
from jdih_build.publish.formatting import slugify
from jdih_build.workflow.catalogue.import_feed import merge_rows
from jdih_build.workflow.catalogue.import_fetch import fetch_all
from jdih_build.workflow.catalogue.import_records import FeedError, Mapped, Refused, map_record, records_of
from jdih_build.workflow.catalogue.import_write import ImportWriteError, add_jenis, apply, plan

EXIT_OK, EXIT_SOME_REFUSED, EXIT_USAGE = 0, 1, 2
MAX_FEED_BYTES = 1 << 30


def where(index: int, id_data: str) -> str:
    return _("record {index} (idData {id_data})").format(index=index, id_data=id_data or "-")


def plain_ids(mapped: list[Mapped]) -> list[Mapped]:
    """Ids that read like the office's own: `<singkatan>-<nomor>-<tahun>` without the idData suffix
    where that is unique in the feed (the suffix stays where two records would share an id)."""
    def plain(m: Mapped) -> str:
        suffix = "-" + slugify(m.id_data, fallback="")
        return m.product_id[: -len(suffix)] if suffix != "-" and m.product_id.endswith(suffix) and \
            m.product_id != m.id_data else m.product_id
    counts = Counter(plain(m) for m in mapped)
    for m in mapped:
        if counts[plain(m)] == 1 and plain(m):
            m.product_id = plain(m)
    return mapped


def new_jenis(mapped: list[Mapped], listed: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The jenis the records name that the site's controlled list lacks, with a singkatan each (the
    feed's, else the initials of the name's words)."""
    known = {name.casefold() for name, _short in listed}
    found: dict[str, str] = {}
    for m in mapped:
        jenis = m.values.get("jenis")
        if isinstance(jenis, str) and jenis != PENDING and jenis.casefold() not in known and jenis not in found:
            short = m.values.get("singkatan_jenis")
            found[jenis] = short if isinstance(short, str) and short else "".join(w[0] for w in jenis.split() if w[:1].isalpha())
    return found


def download(mapped: list[Mapped], folder: Path, out: TextIO, err: TextIO) -> None:
    """Fetch every record's main text into `folder` (resumable), saying what came and what failed."""
    urls = [u for m in mapped for u in (m.file_url, m.abstract_url) if u]
    results = fetch_all(urls, folder)
    fresh = sum(1 for r in results if r.fresh)
    failed = [r for r in results if r.error]
    for r in failed:
        print(_("not downloaded: {url}: {reason}").format(url=r.url, reason=r.error), file=err)
    print(_("downloaded {fresh} file(s) into {folder} ({kept} there already, {failed} failed)").format(
        fresh=fresh, folder=folder, kept=len(results) - fresh - len(failed), failed=len(failed)), file=out)


def run_import(root: Path, feed: Path, files: Path | None, dry_run: bool, out: TextIO, err: TextIO,
               refuse_new_jenis: bool = False, unduh: Path | None = None) -> int:
    started = time.monotonic()
    problems = Problems(root)
    config = load_config(root, problems)
    if config is None:
        for line in problem_lines(problems.sorted()):
            print(line, file=err)
        print(_("import: {root} is not a usable site folder (see above); nothing was written").format(root=root), file=err)
        return EXIT_SOME_REFUSED
    if files is not None and not files.is_dir():
        print(_("error: --files {path}: no such folder - give the folder that holds the feed's documents").format(path=files),
              file=err)
        return EXIT_USAGE
    try:
        data = feed.read_bytes()[:MAX_FEED_BYTES + 1]
        if len(data) > MAX_FEED_BYTES:
            raise FeedError(_("larger than {limit} bytes").format(limit=MAX_FEED_BYTES))
        records = records_of(data.decode("utf-8-sig"))
    except OSError as exc:
        print(_("error: {feed}: cannot read the feed: {reason}").format(feed=feed, reason=exc.strerror or exc), file=err)
        return EXIT_SOME_REFUSED
    except UnicodeDecodeError as exc:
        print(_("error: {feed}: not UTF-8 text (byte {byte})").format(feed=feed, byte=exc.start), file=err)
        return EXIT_SOME_REFUSED
    except FeedError as exc:
        print(_("error: {feed}: {reason}").format(feed=feed, reason=exc), file=err)
        return EXIT_SOME_REFUSED

    mapped: list[Mapped] = []
    refused: list[Refused] = []
    rows = len(records)
    merged = merge_rows(records)      # the old member template gives a document a row per subject/author/file
    for index, record in merged:
        result = map_record(index, record, config.jenis)
        if isinstance(result, Mapped):
            mapped.append(result)
        else:
            refused.append(result)
    if unduh is not None and not dry_run:
        download(mapped, unduh, out, err)
        files = unduh
    added: dict[str, str] = {}
    if config.jenis:   # a controlled list: a jenis it lacks is added, unless the office refuses that
        added = new_jenis(mapped, config.jenis)
        if added and refuse_new_jenis:
            refused += [Refused(m.index, m.id_data, [_("jenis '{jenis}' is not in [tool.jdih.jenis] (--jenis-baru tolak)").format(
                jenis=m.values["jenis"])]) for m in mapped if m.values.get("jenis") in added]
            mapped = [m for m in mapped if m.values.get("jenis") not in added]
            added = {}
        config = replace(config, jenis=config.jenis + tuple(added.items()))
        for m in mapped:   # the list now gives their singkatan, as it will on the next import
            if m.values.get("jenis") in added and m.values.get("singkatan_jenis") == added[m.values["jenis"]]:
                del m.values["singkatan_jenis"]
    mapped = plain_ids(mapped)
    the_plan = plan(root, config, mapped, refused, files)
    verbs = {"new": _("would write") if dry_run else _("wrote"), "update": _("would update") if dry_run else _("updated")}
    for p in the_plan.planned:
        if p.action in verbs:
            shown = [p.md] + [pair[1] for pair in (p.attachment, p.abstract) if pair is not None]
            print(f"{verbs[p.action]} " + ", ".join(rel(path, root) for path in shown), file=out)
        for note in p.notes:
            print(_("note: {where}: {note}").format(where=where(p.mapped.index, p.mapped.id_data), note=note), file=err)
    for r in sorted(the_plan.refused, key=lambda r: r.index):
        print(_("not imported: {where}: {reasons}").format(where=where(r.index, r.id_data), reasons="; ".join(r.reasons)),
              file=err)
    if added:
        verb = _("would add") if dry_run else _("added")
        print(_("{verb} to [tool.jdih.jenis] in pyproject.toml: {pairs} (jdih import --jenis-baru tolak refuses them "
                "instead)").format(verb=verb, pairs=", ".join(f'"{k}" = "{v}"' for k, v in added.items())), file=out)
    if not dry_run:
        try:
            if added and the_plan.writes:
                add_jenis(root / "pyproject.toml", added)
            apply(root, the_plan)
        except ImportWriteError as exc:
            print(_("error: {reason}").format(reason=exc), file=err)
            return EXIT_SOME_REFUSED
    count = {action: sum(1 for p in the_plan.planned if p.action == action) for action in ("new", "update", "unchanged", "kept")}
    summary = _("{records} record(s): {new} new, {updated} updated, {unchanged} unchanged, {kept} edited since the last "
                "import (left as they are), {refused} not imported ({seconds:.1f} s)").format(
        records=len(merged), new=count["new"], updated=count["update"], unchanged=count["unchanged"], kept=count["kept"],
        refused=len(the_plan.refused), seconds=time.monotonic() - started)
    print((_("dry run, nothing written: ") if dry_run else "") + summary, file=out)
    if rows != len(merged):
        print(_("({rows} rows in the feed: rows of one idData were merged into one record)").format(rows=rows), file=out)
    if count["new"] and not dry_run:
        print(_("next: the imported products wait for their sign-offs; each validator signs the batch, e.g. "
                "jdih approve --waiting --step N --by NAME"), file=out)
    return EXIT_SOME_REFUSED if the_plan.refused else EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    return run_import(Path(args.site).resolve(), Path(args.feed), Path(args.files) if args.files else None, args.dry_run,
                      sys.stdout, sys.stderr, refuse_new_jenis=args.jenis_baru == "tolak",
                      unduh=None if args.unduh is None else (Path(args.unduh) if args.unduh else
                                                             default_cache_dir(Path(args.site)) / "unduhan"))


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "import", help=_("bring products in from a JDIHN feed (an old JDIH's feed/document.json)"),
        description=_("Write one product file under content/<jenis>/<tahun>/ for each record of a JDIHN member feed, with "
                      "its main text from --files. Records that cannot be mapped are reported and the rest imported; "
                      "running it again updates what it wrote and never duplicates. No sign-off is written. Exit 0 all "
                      "imported, 1 some not imported, 2 usage."))
    site_option(p)
    p.add_argument("feed", metavar="FEED", help=_("the feed file: a JSON array of records, or an object wrapping one"))
    p.add_argument("--files", metavar="DIR", help=_("the folder holding the documents (by fileDownload's name, or "
                                                     "urlDownload's path below it)"))
    p.add_argument("--dry-run", action="store_true", help=_("print what would be written, and write nothing"))
    p.add_argument("--unduh", nargs="?", const="", metavar="DIR",
                   help=_("fetch each record's main text from its urlDownload (http/https, bounded, resumable) into DIR "
                          "(default: the site's folder in the user's cache) and import it from there"))
    p.add_argument("--jenis-baru", choices=("tambah", "tolak"), default="tambah",
                   help=_("a jenis the site's list lacks: add it with the feed's singkatan (tambah, the default), or "
                          "refuse its records (tolak)"))
    p.set_defaults(run=cmd_import)
