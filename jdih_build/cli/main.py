"""The `jdih` command line (CONTRACT 6). Exit codes: 0 success, 1 invalid input or refusal, 2 usage."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from jdih_build import __version__, i18n
from jdih_build.cache.location import cache_home, default_cache_dir
from jdih_build.console.clock import EXIT_INVALID, EXIT_OK, EXIT_USAGE, now  # noqa: F401 - re-exported
from jdih_build.console.progress import Progress
from jdih_build.console.reporting import (
    gate_lines,
    load_or_report,
    problem_lines,
    summary,
    unfinished_lines,
)
from jdih_build.console.terminal import VisibleStream
from jdih_build.gate.revisions import judged_as_the_build
from jdih_build.gate.rules import evaluate
from jdih_build.i18n import _
from jdih_build.load.completeness import unfinished
from jdih_build.pipeline import build

# Modules under jdih_build/ that each add one command: `register(commands, site_option)` adds the
# sub-parser and sets `run` to a function(args) -> exit code.
COMMAND_MODULES: tuple[str, ...] = (
    "jdih_build.preview.serve", "jdih_build.workflow.signing.approve", "jdih_build.workflow.catalogue.new",
    "jdih_build.workflow.reporting.status", "jdih_build.workflow.reporting.sop_report", "jdih_build.workflow.signing.sign_policy",
    "jdih_build.workflow.catalogue.import_command", "jdih_build.workflow.catalogue.init",
    "jdih_build.workflow.catalogue.rename", "jdih_build.workflow.signing.lembar_command",
    "jdih_build.workflow.signing.terima_command", "jdih_build.workflow.ocr.ocr_command",
)


def _err(lines: list[str]) -> None:
    for line in lines:
        print(line, file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    site = Path(args.site)
    out = Path(args.out) if args.out else site / "output"
    cache = None if args.no_cache else Path(args.cache) if args.cache else default_cache_dir(site)
    with Progress(None, _("building")) as progress:
        report = build(site, out, now(), base_url=args.base_url, progress=progress, cache_dir=cache)
    if not report.ok:
        _err(problem_lines(report.problems))
        _err([_("build failed: {len_report_problems} problem(s); {out} was left as it was").format(len_report_problems=len(report.problems), out=out)])
        return EXIT_INVALID
    assert report.gate is not None
    _err(gate_lines(report.gate, site.resolve()))
    _err([_("warning: {warning}").format(warning=w) for w in report.warnings])
    if report.unchanged:
        print(_("built {out}: {summary_report_gate}, {report_files_written} files, unchanged (nothing to write)").format(
            out=out, summary_report_gate=summary(report.gate), report_files_written=report.files_written))
    else:
        fresh = _("; {rendered} of {pages} pages rendered, the rest from the cache").format(
            rendered=report.rendered, pages=report.pages) if cache else ""
        print(_("built {out}: {summary_report_gate}, {report_files_written} files{fresh}").format(
            out=out, summary_report_gate=summary(report.gate), report_files_written=report.files_written, fresh=fresh))
    if args.strict and (report.gate.withheld or report.gate.notices):
        _err([_("--strict: failing because products are withheld or sign-offs name unknown things")])
        return EXIT_INVALID
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    root = Path(args.site).resolve()
    site = load_or_report(root, sys.stderr, _("check failed"))
    if site is None:
        return EXIT_INVALID
    clock = now()
    gate = judged_as_the_build(site, evaluate(site, clock), clock)
    _err(gate_lines(gate, root))
    unfinished_products = [u for p in site.products for u in unfinished(p)]
    _err(unfinished_lines(unfinished_products, root))
    refused = sum(1 for u in unfinished_products if u.refused)
    if refused:
        print(_("check: {refused} unfinished product file(s) (the errors above): finish them; {summary_gate}").format(refused=refused, summary_gate=summary(gate)))
        return EXIT_INVALID
    if gate.notices:
        print(_("check: {len_gate_notices} sign-off(s) name a product, step or person that does not exist (the "
                "notices above): fix them; {summary_gate}").format(len_gate_notices=len(gate.notices), summary_gate=summary(gate)))
        return EXIT_INVALID
    print(_("check: input is valid; {summary_gate}").format(summary_gate=summary(gate)))
    return EXIT_OK


def site_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--site", default=".", metavar="DIR", help=_("the site repository (default: the current folder)"))


def register_core(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("build", help=_("build the public site into output/"),
                            description=_("Validate everything, gate every product against the SOP, and write the public site. Withheld "
                                          "products are reported on stderr and leave no trace in the output."))
    site_option(p)
    p.add_argument("--out", metavar="DIR", help=_("where to write the site (default: SITE/output)"))
    p.add_argument("--base-url", metavar="URL", help=_("absolute URL the site is served from (overrides [tool.jdih] base_url and JDIH_BASE_URL)"))
    p.add_argument("--strict", action="store_true", help=_("exit 1 when any product is withheld"))
    p.add_argument("--cache", metavar="DIR", help=_("keep what this build derived for the next one in DIR (default: a folder "
                                                    "for this site in {cache_home}, outside the repository; an empty folder "
                                                    "gives a cold build)").format(cache_home=cache_home()))
    p.add_argument("--no-cache", action="store_true", help=_("build from scratch and keep nothing"))
    p.set_defaults(run=cmd_build)

    p = commands.add_parser("check", help=_("validate content, policy, roster and sign-offs; write nothing"),
                            description=_("Validate everything the build reads and show what the gate would withhold. Exit 1 on invalid "
                                          "input or on sign-offs that name an unknown product, step or person."))
    site_option(p)
    p.set_defaults(run=cmd_check)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="jdih",
        description=_("Build a JDIH catalogue site from content/ and approvals/, publishing only what every SOP step "
                      "signed off."),
    )
    top.add_argument("--version", action="version", version=f"jdih-build {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    register_core(commands)
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(commands, site_option)
    return top


def site_in(argv: Sequence[str]) -> Path:
    """The --site the command line names (before it is parsed: the language is chosen first)."""
    for index, arg in enumerate(argv):
        if arg == "--site" and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--site="):
            return Path(arg.removeprefix("--site="))
    return Path(".")


def main(argv: Sequence[str] | None = None) -> int:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = VisibleStream(sys.stdout), VisibleStream(sys.stderr)
    arguments = list(sys.argv[1:] if argv is None else argv)
    i18n.choose(site_in(arguments))   # the environment's language, else the site's bahasa
    try:
        args = parser().parse_args(arguments)
        return args.run(args)
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    finally:
        sys.stdout, sys.stderr = saved


def run() -> NoReturn:
    """The `jdih` command: main(), then leave at once. The interpreter's own exit would free the whole
    loaded model object by object (0.4 s after a build of 10,000 products, a tenth of a rebuild) for
    nothing; every file the command writes is closed by then, and only the streams need flushing."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # `jdih status | head`: the reader has gone; what it read is all it wanted. No traceback, and
        # nothing more is written to the closed pipe (SIGPIPE's exit status, as other tools give).
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 128 + 13
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
