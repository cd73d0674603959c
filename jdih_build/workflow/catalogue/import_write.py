"""`jdih import`, the writing half: each mapped record as a product file (and its main text), checked
with the build's own loader, then all written at once or not at all.

A file the import wrote is recorded with its sha256 in `content/.jdih-import.json` (hidden files in
content/ are not products). A second import updates a product only while its file is still what the
import wrote: a product an editor has touched since is left as it is, and said so. An id held by a
product the import did not write is never taken.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from jdih_build.i18n import _
from jdih_build.load.attachments import unsafe_name
from jdih_build.load.content import read_product
from jdih_build.load.filetypes import is_allowed_attachment, safe_name
from jdih_build.load.problems import Problems
from jdih_build.model import SiteConfig
from jdih_build.workflow.atomic import write_atomic
from jdih_build.workflow.catalogue.import_records import Mapped, Refused
from jdih_build.workflow.catalogue.new_files import existing_ids, front_matter, product_folder
from jdih_build.workflow.signing.signoff_file import yaml_quote

MANIFEST = ".jdih-import.json"


@dataclass
class Planned:
    mapped: Mapped
    md: Path
    text: str
    attachment: tuple[Path, Path] | None      # (found in --files, its place beside the product)
    action: str                               # new | update | unchanged | kept (edited since the import)
    notes: list[str] = field(default_factory=list)
    abstract: tuple[Path, Path] | None = None  # the abstract file (ILDIS), likewise


@dataclass
class ImportPlan:
    planned: list[Planned]
    refused: list[Refused]

    @property
    def writes(self) -> list[Planned]:
        return [p for p in self.planned if p.action in ("new", "update")]


def product_text(m: Mapped, attachment: str | None, abstract_file: str | None = None) -> str:
    head = front_matter(m.product_id, m.tipe, m.values, attachment or abstract_file)
    if attachment is not None and abstract_file is not None:
        head += f"  - {yaml_quote(abstract_file)}\n"          # after the main text: berkas' first is the main text
    return "---\n" + head + "---\n" + (f"\n{m.abstract}\n" if m.abstract else "")


def find_file(m: Mapped, files: Path) -> Path | None:
    """The record's main text in --files: by fileDownload's name, or by urlDownload's path below it."""
    return find_named(m.file_name, m.file_url, files)


def find_named(file_name: str | None, file_url: str | None, files: Path) -> Path | None:
    """A file in --files by its name, or by its URL's path below the folder."""
    candidates: list[PurePosixPath] = []
    if file_name:
        candidates.append(PurePosixPath(PurePosixPath(file_name.replace("\\", "/")).name))
    if file_url:
        path = PurePosixPath(unquote(urlsplit(file_url).path).lstrip("/"))
        if path.parts and ".." not in path.parts:
            candidates += [path, PurePosixPath(path.name)]
            candidates += [PurePosixPath(*path.parts[i:]) for i in range(1, len(path.parts) - 1)]
    base = files.resolve()
    for candidate in candidates:
        if not str(candidate) or str(candidate) == ".":
            continue
        target = (files / str(candidate)).resolve()
        if target.is_relative_to(base) and target.is_file() and not (files / str(candidate)).is_symlink():
            return target
    return None


def sha_of(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def read_manifest(content: Path) -> dict[str, Any]:
    try:
        data = json.loads((content / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def validate(m: Mapped, text: str, attachments: list[str], config: SiteConfig, folder: Path, content: Path) -> list[str]:
    """The product as the build will read it (in a private copy of its folder): its problems."""
    with tempfile.TemporaryDirectory(prefix="jdih-import-") as tmp:
        mirror = Path(tmp) / "content" / folder.relative_to(content)
        mirror.mkdir(parents=True)
        md = mirror / f"{m.product_id}.md"
        md.write_text(text, encoding="utf-8")
        for name in attachments:
            (mirror / name).write_bytes(b"")
        problems = Problems(Path(tmp))
        read_product(md, Path(tmp) / "content", config, problems)
        return [f"{p.message} - {p.fix}" for p in problems.sorted()]


def plan(root: Path, config: SiteConfig, mapped: list[Mapped], refused: list[Refused], files: Path | None) -> ImportPlan:
    content = root / "content"
    ids = existing_ids(content) if content.is_dir() else {}
    manifest = read_manifest(content)
    planned: list[Planned] = []
    seen: dict[str, int] = {}
    for m in mapped:
        if m.product_id in seen:
            refused.append(Refused(m.index, m.id_data, [_("it gives the id '{id}', as record {other} does").format(
                id=m.product_id, other=seen[m.product_id])]))
            continue
        seen[m.product_id] = m.index
        owner = ids.get(m.product_id)
        recorded = manifest.get(m.product_id) if isinstance(manifest.get(m.product_id), dict) else None
        if owner is not None and recorded is None:
            refused.append(Refused(m.index, m.id_data, [_("the id '{id}' is held by {path}, which the import did not write; "
                                                          "it is left as it is").format(id=m.product_id, path=owner.relative_to(root))]))
            continue
        md = owner or product_folder(content, m.tipe, m.values) / f"{m.product_id}.md"
        notes = list(m.notes)
        source = find_file(m, files) if files is not None else None
        name = None
        if source is not None:
            name = source.name if unsafe_name(source.name) is None else safe_name(source.name)
            if not is_allowed_attachment(name):
                notes.append(_("the main text {name} is not a document type a JDIH publishes: left out").format(name=name))
                source, name = None, None
        elif m.file_name or m.file_url:
            wanted = m.file_name or m.file_url
            notes.append(_("the main text {name} was not found in {folder}").format(name=wanted, folder=files) if files is not None
                         else _("the main text {name} is not copied: give the folder that holds it with --files DIR").format(name=wanted))
        abstract_source = find_named(m.abstract_file, m.abstract_url, files) if files is not None and \
            (m.abstract_file or m.abstract_url) else None
        abstract_name = None
        if abstract_source is not None:
            abstract_name = abstract_source.name if unsafe_name(abstract_source.name) is None else safe_name(abstract_source.name)
            if not is_allowed_attachment(abstract_name) or abstract_name == name:
                abstract_source, abstract_name = None, None
        if m.abstract_file or m.abstract_url:
            notes.append(_("the abstract is a file ({value}): it comes in beside the product").format(
                value=abstract_name) if abstract_name else _("the abstract is a file ({value}), not found: give its folder "
                                                            "with --files, or fetch it with --unduh").format(
                value=m.abstract_file or m.abstract_url))
        text = product_text(m, name, abstract_name)
        problems = validate(m, text, [n for n in (name, abstract_name) if n], config, md.parent, content)
        if problems:
            refused.append(Refused(m.index, m.id_data, problems))
            continue
        action = "new"
        if md.exists():
            current = md.read_bytes()
            if recorded is not None and hashlib.sha256(current).hexdigest() != recorded.get("md"):
                action = "kept"
                notes.append(_("{path} was edited since the import: left as it is").format(path=md.relative_to(root)))
            else:
                action = "unchanged" if current == text.encode("utf-8") else "update"
        attachment = (source, md.parent / name) if source is not None and name is not None else None
        if attachment is not None and action != "kept" and attachment[1].exists():
            placed = sha_of(attachment[1])
            if placed == sha_of(attachment[0]):
                attachment = None if action == "unchanged" else attachment
            elif recorded is None or placed != (recorded.get("files") or {}).get(name):
                notes.append(_("{path} exists and is not the import's: left as it is").format(path=attachment[1].relative_to(root)))
                attachment = None
        if action == "unchanged" and attachment is not None:
            action = "update"
        abstract = (abstract_source, md.parent / abstract_name) if abstract_source is not None and abstract_name else None
        if abstract is not None and action != "kept" and abstract[1].exists() and sha_of(abstract[1]) == sha_of(abstract[0]):
            abstract = None
        if action == "unchanged" and abstract is not None:
            action = "update"
        planned.append(Planned(m, md, text, attachment, action, notes, abstract))
    return ImportPlan(planned, refused)


class ImportWriteError(Exception):
    pass


def apply(root: Path, import_plan: ImportPlan) -> None:
    """Write every planned file, then the manifest; on any failure put back what was there."""
    content = root / "content"
    done: list[tuple[Path, Path | None]] = []          # (written, the file it replaced, moved aside)
    manifest = read_manifest(content)

    def put(target: Path, write: Any) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=".jdih-import-", dir=target.parent)
        os.close(handle)
        temp = Path(temp_name)
        try:
            write(temp)
            aside = None
            if target.exists():
                aside = target.with_name(f".{target.name}.jdih-import-old")
                os.replace(target, aside)
            os.replace(temp, target)
            done.append((target, aside))
        finally:
            temp.unlink(missing_ok=True)

    try:
        for p in import_plan.writes:
            files: dict[str, str] = {}
            for pair in (p.attachment, p.abstract):
                if pair is not None:
                    source, target = pair
                    put(target, lambda temp, s=source: shutil.copyfile(s, temp))
                    files[target.name] = sha_of(target) or ""
            put(p.md, lambda temp, t=p.text: temp.write_text(t, encoding="utf-8"))
            found = manifest.get(p.mapped.product_id)
            previous: dict[str, Any] = found if isinstance(found, dict) else {}
            manifest[p.mapped.product_id] = {"md": hashlib.sha256(p.text.encode("utf-8")).hexdigest(), "files": {**(previous.get("files") or {}), **files},
                                             "idData": p.mapped.id_data}
        if import_plan.writes:
            text = json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=1) + "\n"
            put(content / MANIFEST, lambda temp: temp.write_text(text, encoding="utf-8"))
    except OSError as exc:
        for target, aside in reversed(done):
            target.unlink(missing_ok=True)
            if aside is not None:
                os.replace(aside, target)
        raise ImportWriteError(_("cannot write {path}: {reason}; content/ was left as it was").format(
            path=getattr(exc, "filename", None) or content, reason=exc.strerror or exc)) from None
    for _target, aside in done:
        if aside is not None:
            aside.unlink(missing_ok=True)


def add_jenis(settings: Path, added: dict[str, str]) -> None:
    """Append jenis to the site's [tool.jdih.jenis] table, as the import found them in the feed."""
    lines = settings.read_text(encoding="utf-8").splitlines()
    header = next((i for i, line in enumerate(lines) if line.strip().replace(" ", "") == "[tool.jdih.jenis]"), None)
    if header is None:
        raise ImportWriteError(_("pyproject.toml has no [tool.jdih.jenis] table of its own to add to; add these jenis by "
                                 "hand: {pairs}").format(pairs=", ".join(f'"{k}" = "{v}"' for k, v in added.items())))
    end = next((i for i in range(header + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    while end > header + 1 and not lines[end - 1].strip():
        end -= 1
    new = [f"{json.dumps(name, ensure_ascii=False)} = {json.dumps(short, ensure_ascii=False)}   # jdih import"
           for name, short in added.items()]
    text = "\n".join(lines[:end] + new + lines[end:]) + "\n"
    write_atomic(settings, text.encode("utf-8"), replace=True)
