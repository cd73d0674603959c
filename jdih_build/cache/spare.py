"""The spare tree: the site before last, kept in the cache folder and brought up to date as the next
staging folder, so that a rebuild after one change touches a few files instead of making 20,000 links
and 10,000 folders. The published folder is still exchanged whole (writer.swap_in): it is at every
instant wholly the old or wholly the new site.

A tree is recorded with its files (path -> sha256) and a fingerprint of their state on disk
(cache.placing.folder_state); a spare whose state differs from its record (anything edited, added or
removed since) is not reused but removed, and the build starts from an empty folder.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jdih_build.cache.placing import SiteFile, folder_state, manifest_key, stored_files
from jdih_build.cache.store import BuildCache
from jdih_build.publish.writer import remove_later


def spare_path(cache: BuildCache, out: Path) -> Path | None:
    if cache.folder is None:
        return None
    return cache.folder / "spare" / hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]


def recorded_tree(cache: BuildCache, path: Path) -> dict[str, Any] | None:
    """What was recorded of the tree at `path`: {"key", "state", "files"}, or None."""
    value = cache.table("trees").entries_view().get(str(path.resolve()))
    if not (isinstance(value, dict) and isinstance(value.get("key"), str) and isinstance(value.get("state"), str)):
        return None
    files = stored_files(value.get("files"))
    if files is None:
        return None
    build = value.get("build")
    return {"key": value["key"], "state": value["state"], "files": files, "build": build if isinstance(build, str) else None}


def record_tree(cache: BuildCache, path: Path, files: list[SiteFile], state: str | None = None,
                key: str | None = None, build: str | None = None) -> None:
    """Record the tree at `path`, and the key of the build that made it (`build`); `state` and `key`
    when the caller already took them (a tree renamed keeps the state folder_state gives: the inodes
    and times of what it holds do not change)."""
    state = state or folder_state(path, files)
    if state is not None:
        cache.table("trees").put(str(path.resolve()), {"key": key or manifest_key(files), "state": state,
                                                       "files": [list(f) for f in files], "build": build})


def same_build(cache: BuildCache, out: Path, build: str) -> list[SiteFile] | None:
    """The files of `out` when the build recorded there had the key `build` and `out` is exactly as
    it left it; None otherwise. Not when this build has put anything in the cache (a damaged entry
    parsed again, say): its commit would drop the pages it did not ask for, so it builds the site
    from the cache instead, asking for every page."""
    if not cache.enabled or cache.changed:
        return None
    recorded = recorded_tree(cache, out)
    if recorded is None or recorded["build"] != build or folder_state(out, recorded["files"]) != recorded["state"]:
        return None
    cache.table("trees").get(str(out.resolve()))
    return recorded["files"]


def forget_tree(cache: BuildCache, path: Path) -> None:
    cache.table("trees").put(str(path.resolve()), None)


def take_spare(cache: BuildCache, out: Path) -> tuple[Path, dict[str, str]] | None:
    """The spare tree for `out` and its files, when it is exactly as recorded; else None (and a spare
    that is not is removed)."""
    path = spare_path(cache, out)
    if path is None or not path.is_dir() or path.is_symlink():
        return None
    record = recorded_tree(cache, path)
    if record is None or folder_state(path, record["files"]) != record["state"]:
        forget_tree(cache, path)
        remove_later(path, cache.trash)
        return None
    # The record stays: once the build changes the tree, its state no longer matches it, so a build
    # killed meanwhile (or one that fails) leaves a spare that the next build will not reuse.
    return path, dict(record["files"])
