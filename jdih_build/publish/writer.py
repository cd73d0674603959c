"""Writing the site: everything goes into a staging folder beside the destination, which replaces
the destination only when the whole build succeeded. A failed build leaves `output/` as it was.

At every instant the destination is wholly the old or wholly the new site: on Linux the two folders
are exchanged in one `renameat2(RENAME_EXCHANGE)`; elsewhere two renames are used and a later build
puts a site left aside by a kill back in place. Builds into one destination take a lock, so that the
one holding it knows any staging folder beside it was left by a killed build and removes it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from jdih_build.i18n import _
from jdih_build.load.safe_read import HASH_CHUNK, InputFileError, open_regular
from jdih_build.publish.render import Output

MARKER = ".jdih-build"   # marks a folder this tool made, so that --out never replaces anything else
RENAME_EXCHANGE = 2


class OutputError(Exception):
    pass


def check_destination(dest: Path, site_root: Path) -> None:
    """Refuse destinations whose replacement would destroy sources or someone else's folder."""
    dest = dest.resolve()
    root = site_root.resolve()
    if dest == root or root.is_relative_to(dest):
        raise OutputError(_("--out {dest} would replace the site folder itself; choose a folder of its own, e.g. {root_output}").format(
            dest=dest, root_output=root / 'output'))
    for source in ("content", "approvals", "templates", "jdih_build", ".git"):
        if dest.is_relative_to(root / source):
            raise OutputError(_("--out {dest} lies inside {source}/; choose a folder outside the sources, e.g. {root_output}").format(
                dest=dest, source=source, root_output=root / 'output'))
    if dest.exists() and not dest.is_dir():
        raise OutputError(_("--out {dest} exists and is not a folder; remove it or choose another path").format(dest=dest))
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MARKER).exists():
        raise OutputError(_("--out {dest} is not empty and was not made by jdih build; remove it or choose another folder "
                            "(jdih build replaces the whole folder)").format(dest=dest))


def safe_relative(path: str) -> PurePosixPath:
    """`path` as a path inside the output folder; OutputError for anything that could leave it."""
    return PurePosixPath(check_relative(path))


def check_relative(path: str) -> str:
    """`path` if it lies inside the output folder (checked as a string: it runs for 20,000 files)."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path \
            or any(part in ("", ".", "..") for part in path.split("/")):
        raise OutputError(_("refusing to write outside the output folder: {path}").format(path=path))
    return path


def copy_verified(source: Path, target: Path, expected: str | None) -> None:
    """Copy `source` to `target` through one fd, hashing what is read; with `expected`, the copy must
    have exactly that sha256 (the approved bytes), else it is removed and the build fails. A file
    swapped (or turned into a link) between loading and writing can so never be published."""
    try:
        fd = open_regular(source)
    except (InputFileError, FileNotFoundError) as exc:
        reason = exc.message if isinstance(exc, InputFileError) else _("it no longer exists")
        raise OutputError(_("{source} changed during the build ({reason}); build again").format(source=source, reason=reason)) from None
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "rb", closefd=False) as src, target.open("wb") as dst:
            while chunk := src.read(HASH_CHUNK):
                digest.update(chunk)
                dst.write(chunk)
    finally:
        os.close(fd)
    if expected is not None and digest.hexdigest() != expected:
        target.unlink(missing_ok=True)
        raise OutputError(_("{source} changed during the build: its bytes are no longer the ones signed off; nothing was "
                            "published, build again").format(source=source))


def write_outputs(staging: Path, outputs: Iterable[Output]) -> list[str]:
    """Write each output below staging; returns the paths written, for the caller's duplicate check."""
    written: list[str] = []
    for output in outputs:
        relative = safe_relative(output.path)
        target = staging.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if output.source is not None:
            copy_verified(output.source, target, output.sha256)   # bytes only: no metadata
        else:
            target.write_bytes(output.data or b"")
        written.append(relative.as_posix())
    return written


def check_unique(paths: Iterable[str]) -> int:
    seen: set[str] = set()
    for path in paths:
        if path in seen:
            raise OutputError(_("two outputs want the same path: {path}").format(path=path))
        seen.add(path)
    return len(seen)


MARKER_TEXT = b"This folder is generated by jdih build and replaced on every build.\n"


def staging_prefix(dest: Path) -> str:
    return f".{dest.name}.staging-"


def new_staging(dest: Path) -> Path:
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=staging_prefix(dest), dir=dest.parent))
    except OSError as exc:
        raise OutputError(_("cannot create a staging folder beside {dest}: {exc_strerror_or_exc}").format(dest=dest, exc_strerror_or_exc=exc.strerror or exc)) from None


@contextmanager
def destination_lock(dest: Path) -> Iterator[None]:
    """Hold an exclusive lock for the whole write: a flock on the folder that holds `dest` (so no lock
    file is left behind). It dies with its process, so a killed build never blocks the next one;
    builds into the same folder go one after the other."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(dest.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise OutputError(_("cannot write beside {dest}: {exc_strerror_or_exc}").format(dest=dest, exc_strerror_or_exc=exc.strerror or exc)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def clean_leftovers(dest: Path) -> list[Path]:
    """Under the lock: restore a site a killed two-rename swap left aside, and remove the staging and
    old folders killed builds left. Returns what was removed."""
    parent = dest.parent
    old = sorted(parent.glob(f".{dest.name}.old-*"))
    if not dest.exists() and old:
        os.rename(old.pop(), dest)       # the fallback swap was killed between its two renames
    removed = []
    for leftover in sorted(parent.glob(f"{staging_prefix(dest)}*")) + old:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    return removed


@functools.lru_cache(maxsize=1)
def _renameat2() -> Callable[..., int] | None:
    """libc's renameat2, where the C library has it (glibc 2.28+ on Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    return getattr(libc, "renameat2", None)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def remove_later(tree: Path, trash: Path | None) -> None:
    """Remove a whole tree. With `trash` (a folder on the same file system, e.g. in the cache) the tree
    is moved there and removed by a background `rm -rf`, so the build need not wait for 20,000
    unlinks; whatever a kill leaves in `trash` is removed the same way next time (empty_trash)."""
    if trash is not None:
        try:
            trash.mkdir(parents=True, exist_ok=True)
            os.rename(tree, Path(tempfile.mkdtemp(prefix="old-", dir=trash)))
        except OSError:
            pass
        else:
            empty_trash(trash)
            return
    shutil.rmtree(tree, ignore_errors=True)


def empty_trash(trash: Path) -> None:
    rm = shutil.which("rm")
    if rm is None or not trash.is_dir():
        shutil.rmtree(trash, ignore_errors=True)
        return
    victims = [str(p) for p in trash.iterdir()]
    if victims:
        subprocess.Popen([rm, "-rf", "--", *victims], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)


def swap_in(staging: Path, dest: Path, trash: Path | None = None, keep_old: Path | None = None) -> bool:
    """Make staging the destination. The old tree ends at staging's name and is removed last, or
    moved to `keep_old` (the cache's spare tree); True when it was kept there."""
    staging.chmod(0o755)  # mkdtemp makes it 0700; a served site must be readable
    if not dest.exists():
        os.rename(staging, dest)
        return False
    if _exchange(staging, dest):
        # Now the old site; a kill here leaves it to clean_leftovers (or to the next spare check).
        if keep_old is not None and staging != keep_old:
            try:
                keep_old.parent.mkdir(parents=True, exist_ok=True)
                if keep_old.exists():
                    remove_later(keep_old, trash)
                os.rename(staging, keep_old)
            except OSError:
                remove_later(staging, trash)
                return False
        elif keep_old is None:
            remove_later(staging, trash)
        return keep_old is not None
    old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
    os.rmdir(old)
    os.rename(dest, old)
    try:
        os.rename(staging, dest)
    except OSError:
        os.rename(old, dest)   # put the previous site back before reporting
        raise
    shutil.rmtree(old, ignore_errors=True)
    return False


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
