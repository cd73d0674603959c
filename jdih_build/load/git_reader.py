"""The child process that reads the site's git objects (issue 18, H4/H5/H7/H8).

It reads the object store with dulwich, a Git implementation in Python, so reading history runs no
program whatever `.git/config` says: no `gpg.program` for `log.showSignature`, no lazy fetch of a
partial clone's missing blob through `remote.*.uploadpack`, no fsmonitor, hooks, filters, textconv,
pager or askpass, and no `GIT_*` variable is consulted. It runs in its own process, with an
address-space limit, so that the parent can kill it when a read takes too long (a FIFO planted in
`.git`, a pathological pack) and a huge object costs at most this process.

Requests and answers travel over a pipe. First the child says where the repository is:
    ("ok", its work tree's top, shallow?) or ("error", why it cannot be read); then
    ("versions", [path, ...])      -> ("ok", {path: {blob id: oldest commit that gave it}})
    ("tracked", folder)            -> ("ok", [a few paths git tracks in that folder])
    ("blob", blob id, sha256, dest) -> ("ok", sha256 of the bytes, size), writing `dest` only when the
                                       bytes have the sha256 asked for; or ("error", reason)
Only regular files (modes 100644 and 100755) are versions: a gitlink, a link or a tree at a product's
path is no version of it. Every failure is an answer about one object, never the end of the session.
"""

from __future__ import annotations

import hashlib
import os
import resource
import stat
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ReaderLimits:
    memory: int = 2048 * 1024 * 1024      # address space of the reader, bytes
    blob_bytes: int = 512 * 1024 * 1024   # one object
    build_bytes: int = 1024 * 1024 * 1024  # all the objects read for one build (H8)


def _versions(repo: Any, paths: list[str]) -> dict[str, dict[str, str]]:
    """path -> {blob id: the oldest commit on HEAD's history that gave the path those bytes}."""
    wanted = [p.encode("utf-8", "surrogateescape") for p in paths]
    found: dict[str, dict[str, str]] = {}
    try:
        head = repo.head()
    except KeyError:
        return found
    for entry in repo.get_walker(include=[head], paths=wanted):   # newest first
        changes = entry.changes()
        flat = [c for group in changes for c in (group if isinstance(group, list) else [group])]
        for change in flat:
            new = change.new
            if new is None or new.sha is None or new.path not in wanted or new.mode is None:
                continue
            if not stat.S_ISREG(new.mode):
                continue   # a gitlink (160000), a symbolic link or a tree: never a version of a file
            path = new.path.decode("utf-8", "surrogateescape")
            found.setdefault(path, {})[new.sha.decode("ascii")] = entry.commit.id.decode("ascii")
    return found


def _behind(repo: Any, cap: int = 1000) -> tuple[str, int] | None:
    """(the upstream's name, how many of its commits HEAD lacks) as the last fetch left them; None
    without a branch that tracks an upstream."""
    target = repo.refs.read_ref(b"HEAD")
    if not target or not target.startswith(b"ref: refs/heads/"):
        return None
    branch = target[len(b"ref: refs/heads/"):]
    config = repo.get_config()
    try:
        remote = config.get((b"branch", branch), b"remote")
        merge = config.get((b"branch", branch), b"merge")
    except KeyError:
        return None
    if not remote or not merge or remote == b".":
        return None
    upstream = b"refs/remotes/" + remote + b"/" + merge.removeprefix(b"refs/heads/")
    try:
        theirs, ours = repo.refs[upstream], repo.head()
    except KeyError:
        return None
    count = 0
    for _entry in repo.get_walker(include=[theirs], exclude=[ours]):
        count += 1
        if count >= cap:
            break
    return upstream.removeprefix(b"refs/remotes/").decode("utf-8", "replace"), count


def _tracked(repo: Any, prefix: str) -> list[str]:
    """The paths in the index (what git tracks) at or below `prefix` (a few of them)."""
    wanted = prefix.rstrip("/").encode("utf-8", "surrogateescape")
    found = []
    for path in repo.open_index():
        if path == wanted or path.startswith(wanted + b"/"):
            found.append(path.decode("utf-8", "surrogateescape"))
            if len(found) >= 3:
                break
    return found


class _Session:
    def __init__(self, root: str, limits: ReaderLimits) -> None:
        from dulwich.repo import Repo

        self.repo = Repo.discover(root)
        self.limits = limits
        self.read = 0

    def blob(self, blob_id: str, sha256: str, dest: str) -> tuple[Any, ...]:
        from dulwich.objects import Blob

        if self.read >= self.limits.build_bytes:
            return ("error", f"more than {self.limits.build_bytes:,} bytes of history were read in this build")
        try:
            obj = self.repo.object_store[blob_id.encode("ascii")]  # type: ignore[index]
        except KeyError:
            return ("error", f"object {blob_id} is not in the repository")
        if not isinstance(obj, Blob):
            return ("error", f"object {blob_id} is not a blob")
        digest = hashlib.sha256()
        size = 0
        chunks = obj.chunked
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
        self.read += size
        if size > self.limits.blob_bytes:
            return ("error", f"object {blob_id} is larger than {self.limits.blob_bytes:,} bytes")
        found = digest.hexdigest()
        if found == sha256:
            target = Path(dest)
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        return ("ok", found, size)


def serve(conn: Connection, root: str, limits: ReaderLimits) -> None:
    """The child's loop: answer requests until the parent closes the pipe or sends None."""
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    except (ValueError, OSError):
        pass   # a lower hard limit is already in force: keep it
    from dulwich.errors import NotGitRepository

    try:
        session = _Session(root, limits)
        top, shallow = os.path.realpath(session.repo.path), bool(session.repo.get_shallow())
    except NotGitRepository:
        conn.send(("error", "not a git repository"))
        return
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which withholds with the reason
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ok", top, shallow))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            if request[0] == "versions":
                answer: tuple[Any, ...] = ("ok", _versions(session.repo, request[1]))
            elif request[0] == "behind":
                answer = ("ok", _behind(session.repo))
            elif request[0] == "tracked":
                answer = ("ok", _tracked(session.repo, request[1]))
            elif request[0] == "blob":
                answer = session.blob(request[1], request[2], request[3])
            else:
                answer = ("error", f"unknown request {request[0]!r}")
        except MemoryError:
            answer = ("error", f"reading it needs more than the {limits.memory // 2**20} MiB memory limit")
        except Exception as exc:  # noqa: BLE001 - one object's failure is that object's answer
            answer = ("error", f"{type(exc).__name__}: {exc}")
        conn.send(answer)
