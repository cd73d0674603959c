"""`jdih serve`: a local preview of the site on 127.0.0.1 that rebuilds on change and reloads the browser.

The pieces: `rebuild` (state, builder, debouncer), `watcher` (file events), `server` (HTTP).
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from jdih_build.console import clock
from jdih_build.i18n import _
from jdih_build.preview.rebuild import (
    QUIET,
    Builder,
    Debouncer,
    SiteState,
    remove_tree,
    say,
)
from jdih_build.preview.server import DEFAULT_PORT, HOST, PreviewServer
from jdih_build.preview.watcher import Watcher

# -- putting it together ----------------------------------------------------------------------------


SETTLE = 1.0   # seconds the full rebuild waits after a quick update: the open page reloads meanwhile


class Preview:
    """The preview server: builder, watcher and HTTP server around one temporary folder.

    `start()` builds once and starts watching; `serve_forever()` serves until `shutdown()` (from another
    thread) or Ctrl-C; `close()` stops everything and removes the temporary folder."""

    def __init__(self, root: Path, port: int = DEFAULT_PORT, drafts: bool = False, quiet: float = QUIET) -> None:
        self.root = root.resolve()
        self.state = SiteState()
        self.workdir = Path(tempfile.mkdtemp(prefix="jdih-serve-"))
        try:
            self.server = PreviewServer(port, self.state)
        except BaseException:
            remove_tree(self.workdir)
            raise
        self.builder = Builder(self.root, self.workdir, self.state, drafts)
        self.debouncer = Debouncer(self.builder.rebuild, quiet)
        self.watcher = Watcher(self.root, self.changed)

    def changed(self, paths: list[Path]) -> None:
        """A source changed: update its product's page at once where that is all that changes, and
        rebuild the whole site when the changes have been quiet for a moment."""
        self.debouncer.poke(SETTLE if self.builder.hot_update(paths) else 0.0)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server.server_address[1]}/"

    def start(self) -> None:
        self.debouncer.start()
        self.watcher.start()          # before the first build, so that no change slips between them
        self.builder.rebuild()

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        """Stop `serve_forever()` running in another thread."""
        self.server.shutdown()

    def close(self) -> None:
        self.watcher.stop()
        self.debouncer.stop()
        self.state.close()            # ends the open event streams
        self.server.server_close()
        remove_tree(self.workdir)

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a port number: {text!r}").format(text=text)) from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(_("port {port} is outside 0-65535").format(port=port))
    return port


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def cmd_serve(args: argparse.Namespace) -> int:
    root = Path(args.site)
    if not root.is_dir():
        say([_("error: {root}: no such folder - pass the site folder with --site DIR").format(root=root)])
        return clock.EXIT_INVALID
    try:
        preview = Preview(root, port=args.port, drafts=args.drafts)
    except OSError as exc:
        say([_("error: cannot listen on {host}:{args_port}: {exc_strerror_or_exc} - pass another --port "
               "(--port 0 picks a free one)").format(host=HOST, args_port=args.port, exc_strerror_or_exc=exc.strerror or exc)])
        return clock.EXIT_INVALID
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm) if threading.current_thread() is threading.main_thread() else None
    try:
        with preview:
            return _serve(preview, args.drafts)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _serve(preview: Preview, drafts: bool) -> int:
    try:
        say([_("building {preview_root} into {preview_workdir}").format(preview_root=preview.root, preview_workdir=preview.workdir)], sys.stdout)
        try:
            preview.start()
        except OSError as exc:
            say([_("error: cannot watch {preview_root} for changes: {exc} - raise the inotify limits "
                   "(fs.inotify.max_user_watches) or close other watchers").format(preview_root=preview.root, exc=exc)])
            return clock.EXIT_INVALID
        if drafts:
            say([_("drafts: withheld products are shown, marked DRAF; this preview is never published")], sys.stdout)
        say([_("serving {preview_url} (Ctrl-C stops)").format(preview_url=preview.url)], sys.stdout)
        preview.serve_forever()
    except KeyboardInterrupt:
        say([_("stopping")], sys.stdout)
    return clock.EXIT_OK


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "serve", help=_("preview the site on 127.0.0.1, rebuilding and reloading the browser on change"),
        description=_("Build the site into a temporary folder (never output/), serve it on 127.0.0.1, rebuild when "
                      "content/, approvals/, templates/ or pyproject.toml change, and reload open pages. A failed "
                      "build keeps the last good site and shows the problems on every page."))
    site_option(p)
    p.add_argument("--port", type=port_number, default=DEFAULT_PORT, metavar="N",
                   help=_("port on {host} (default: {default_port}; 0 picks a free one)").format(host=HOST, default_port=DEFAULT_PORT))
    p.add_argument("--drafts", action="store_true",
                   help=_("also show withheld products, clearly marked as not valid (preview only)"))
    p.set_defaults(run=cmd_serve)
