"""Watching the site's sources (watchdog) and telling the debouncer which changes matter."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import watchdog.events
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

WATCHED_DIRS = ("content", "approvals", "templates")
WATCHED_FILES = ("pyproject.toml",)
CHANGE_EVENTS = frozenset({"created", "deleted", "modified", "moved", "closed", "attrib"})   # never reads
# Subscribed to only these: every build opens and reads 50,000 files at 10,000 products, and asking the
# kernel for open and read events too overflows its queue (watchdog then rescans everything).
WRITE_EVENTS = [FileCreatedEvent, DirCreatedEvent, FileDeletedEvent, DirDeletedEvent, FileModifiedEvent,
                DirModifiedEvent, FileMovedEvent, DirMovedEvent, FileClosedEvent]
# `touch` and chmod arrive as attribute events in watchdog 5 and later.
WRITE_EVENTS += [getattr(watchdog.events, name) for name in ("FileAttribEvent", "DirAttribEvent") if hasattr(watchdog.events, name)]


# -- watching ---------------------------------------------------------------------------------------


def is_editor_scratch(name: str) -> bool:
    return name.startswith(".#") or name.endswith(("~", ".swp", ".swx"))


class Watcher(FileSystemEventHandler):
    """Calls `on_change(paths)` when anything under content/, approvals/, templates/ or pyproject.toml changes."""

    def __init__(self, root: Path, on_change: Callable[[list[Path]], None]) -> None:
        self.root = root
        self.on_change = on_change
        self._observer = Observer()
        self._watches: dict[str, ObservedWatch] = {}
        self._started = False

    def start(self) -> None:
        self._observer.schedule(self, str(self.root), recursive=False, event_filter=WRITE_EVENTS)
        for name in WATCHED_DIRS:
            self._watch_dir(name)
        self._observer.start()
        self._started = True

    def stop(self) -> None:
        if self._started:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._started = False

    def _watch_dir(self, name: str) -> None:
        folder = self.root / name
        if not folder.is_dir():
            return
        old = self._watches.pop(name, None)
        if old is not None:
            self._observer.unschedule(old)
        self._watches[name] = self._observer.schedule(self, str(folder), recursive=True, event_filter=WRITE_EVENTS)

    def relevant(self, path: Path) -> bool:
        try:
            parts = path.relative_to(self.root).parts
        except ValueError:
            return False
        if not parts or is_editor_scratch(parts[-1]):
            return False
        return parts[0] in WATCHED_DIRS or (len(parts) == 1 and parts[0] in WATCHED_FILES)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGE_EVENTS:
            return
        paths = [Path(os.fsdecode(p)) for p in (event.src_path, event.dest_path) if p]
        if event.is_directory and event.event_type in ("created", "moved"):
            for path in paths:
                if path.parent == self.root and path.name in WATCHED_DIRS:
                    self._watch_dir(path.name)      # a watched folder appeared (again): follow it
        relevant = [p for p in paths if self.relevant(p)]
        if relevant:
            self.on_change(relevant)
