"""Issue 18: the build cache is never an input that the repository controls (H1, H3), cached output
never outlives the code and libraries that made it (H2), a blob is placed only after its sha256 is
checked (H10), and - the property - for random damage to a warm cache the build's output equals the
cold build byte for byte (`make test` runs a short profile, `make fuzz` 10,000 examples)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitekit import NOW, SiteKit, git, tree_bytes

from jdih_build.cache import store
from jdih_build.cache.location import cache_problem, default_cache_dir
from jdih_build.cache.store import BuildCache, FileStore, _digest, code_salt
from jdih_build.cli.main import main
from jdih_build.pipeline import build

PID = "kpt-baik"
SCRIPT = '<script>alert(1)</script><img src=x onerror="alert(2)">'



def published_text(out: Path) -> str:
    parts = [out / "produk" / PID / "index.html", out / "feed" / "document.json", out / "api" / "produk.json",
             out / "atom.xml"]
    return "\n".join(p.read_text(encoding="utf-8") for p in parts)


def planted_abstract(folder: Path, markdown: bytes, salt: str) -> None:
    """An `abstracts/` entry for the approved product's Markdown, with a valid header for `salt`."""
    key = hashlib.sha256(markdown).hexdigest()
    value = json.dumps([SCRIPT, SCRIPT, SCRIPT, SCRIPT]).encode()
    path = folder / "abstracts" / key[:2] / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(store.MAGIC + f" {salt} {_digest(salt, key, value)}\n".encode() + value)


def abstract_source(md: Path) -> bytes:
    """The abstract's Markdown as the catalogue keys it (the body after the front matter)."""
    from jdih_build.load.site import load_site

    site, _problems = load_site(md.parents[3])
    assert site is not None
    return next(p.abstrak for p in site.products if p.id == PID).encode()


def planted_pdf_text(folder: Path, pdf: Path, salt: str) -> None:
    """H3: a `tables/pdf` bucket that makes the approved PDF's text say something else."""
    from jdih_build.cache.store import FORMAT, bucket_of, key_of

    key = key_of("pdf", hashlib.sha256(pdf.read_bytes()).hexdigest())
    bucket = bucket_of(key)
    body = json.dumps({"format": FORMAT, "salt": salt, "entries": {key: [1, ["TEKS PALSU " + SCRIPT], []]}}).encode()
    path = folder / "tables" / "pdf" / f"{bucket}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_digest(salt, f"pdf/{bucket}", body).encode() + b"\n" + body)


def test_h1_a_committed_cache_is_never_read_by_a_fresh_clone(kit: SiteKit, tmp_path: Path) -> None:
    kit.add_product(PID)
    kit.sign_all(PID)
    planted_abstract(kit.root / ".jdih-cache", abstract_source(kit.products[PID]), code_salt())
    planted_pdf_text(kit.root / ".jdih-cache", kit.products[PID].with_suffix(".pdf"), code_salt())
    git(kit.root, "init", "-q")
    git(kit.root, "add", "-A")
    git(kit.root, "add", "-f", ".jdih-cache")            # a pusher commits a cache folder
    git(kit.root, "commit", "-q", "-m", "content and a planted cache")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(kit.root), str(clone)], check=True)
    assert main(["build", "--site", str(clone)]) == 0      # the default cache lies outside the clone
    assert "<script>alert" not in published_text(clone / "output")
    assert "onerror" not in published_text(clone / "output")
    assert "TEKS PALSU" not in published_text(clone / "output")      # H3
    assert not default_cache_dir(clone).is_relative_to(clone)


def test_h1_a_cache_folder_git_tracks_is_refused(kit: SiteKit, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kit.add_product(PID)
    kit.sign_all(PID)
    planted_abstract(kit.root / ".jdih-cache", abstract_source(kit.products[PID]), code_salt())
    git(kit.root, "init", "-q")
    git(kit.root, "add", "-A")
    git(kit.root, "add", "-f", ".jdih-cache")
    git(kit.root, "commit", "-q", "-m", "planted")
    assert main(["build", "--site", str(kit.root), "--cache", str(kit.root / ".jdih-cache")]) == 1
    said = capsys.readouterr().err
    assert "git tracks files in the cache folder" in said and "git rm -r --cached .jdih-cache" in said
    assert not (kit.root / "output").exists()


@pytest.mark.parametrize("inside", ["content/cache", "approvals/x", "templates/c", "output/c"])
def test_h1_a_cache_inside_the_sources_or_output_is_refused(kit: SiteKit, inside: str) -> None:
    problem = cache_problem(kit.root / inside, kit.root, kit.root / "output")
    assert problem is not None and "cannot lie in or around" in problem.message


def test_h1_an_abstract_from_the_cache_is_sanitised_again(kit: SiteKit, tmp_path: Path) -> None:
    """Defence in depth: even a cache entry with a valid header (someone who can write the cache folder)
    shows no script: every abstract rendered is sanitised, cached or not."""
    kit.add_product(PID)
    kit.sign_all(PID)
    cache = tmp_path / "cache"
    planted_abstract(cache, abstract_source(kit.products[PID]), code_salt())
    report = build(kit.root, tmp_path / "out", NOW, cache_dir=cache)
    assert report.ok
    text = published_text(tmp_path / "out")
    assert "<script>alert" not in text and "onerror" not in text


def test_h2_a_value_stored_by_other_code_is_a_miss(tmp_path: Path) -> None:
    FileStore(tmp_path, salt="kode-lama").write("k" * 64, b"value")
    assert FileStore(tmp_path, salt="kode-lama").read("k" * 64) == b"value"
    stale = FileStore(tmp_path, salt="kode-baru")
    assert stale.read("k" * 64) is None and stale.damaged == 1


@pytest.mark.parametrize("library", ["nh3", "pypdfium2", "markdown", "jinja2", "pypdf"])
def test_h2_every_library_whose_output_is_cached_salts_the_cache(library: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert library in store.LIBRARIES
    before = code_salt()
    real = store.metadata.version
    monkeypatch.setattr(store.metadata, "version", lambda name: "999.0" if name == library else real(name))
    assert code_salt() != before


def test_h10_a_blob_changed_in_place_with_its_size_and_time_kept_is_not_published(kit: SiteKit, tmp_path: Path) -> None:
    kit.add_product(PID)
    kit.sign_all(PID)
    pdf = kit.products[PID].with_suffix(".pdf")
    approved = pdf.read_bytes()
    cache = tmp_path / "cache"
    assert build(kit.root, tmp_path / "out1", NOW, cache_dir=cache).ok
    blob = cache / "blobs" / hashlib.sha256(approved).hexdigest()[:2] / hashlib.sha256(approved).hexdigest()
    st_before = blob.stat()
    with blob.open("r+b") as handle:                       # same size, then the time put back
        handle.write(b"X" * min(8, len(approved)))
    os.utime(blob, ns=(st_before.st_atime_ns, st_before.st_mtime_ns))
    report = build(kit.root, tmp_path / "out2", NOW, cache_dir=cache)
    assert report.ok
    assert (tmp_path / "out2" / "produk" / PID / pdf.name).read_bytes() == approved


# --------------------------------------------------------------------------------------------------
# The property: random damage to a warm cache never changes the output


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, dict[str, bytes]]:
    """A site, a warm cache and the output it made, and the cold build's bytes."""
    base = tmp_path_factory.mktemp("cache-property")
    kit = SiteKit.create(base / "site")
    for number, pid in enumerate(["kpt-satu", "kpt-dua", "kpt-tiga"], 1):
        kit.add_product(pid, nomor=str(number), judul=f"Keputusan Uji Nomor {number} tentang Hal {pid}")
        kit.sign_all(pid)
    assert build(kit.root, base / "cold", NOW).ok
    cold = tree_bytes(base / "cold")
    assert build(kit.root, base / "out", NOW, cache_dir=base / "cache").ok
    assert build(kit.root, base / "out", NOW, cache_dir=base / "cache").unchanged
    return kit.root, base / "cache", base / "out", cold


def cache_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file() and "trash" not in p.parts)


DAMAGE = st.lists(st.tuples(st.sampled_from(["flip", "flip-keep-time", "swap", "plant", "truncate", "delete"]),
                            st.integers(0, 10**6), st.integers(0, 10**6), st.binary(min_size=1, max_size=64)),
                  min_size=1, max_size=4)


def damage(cache: Path, ops: list[tuple[str, int, int, bytes]]) -> None:
    for kind, a, b, data in ops:
        files = cache_files(cache)
        if not files:
            return
        target = files[a % len(files)]
        raw = target.read_bytes()
        times = target.stat()
        if kind in ("flip", "flip-keep-time") and raw:
            at = b % len(raw)
            with target.open("r+b") as handle:      # in place: hard links to it change too
                handle.seek(at)
                handle.write(bytes([raw[at] ^ (1 << (b % 8))]))
            if kind == "flip-keep-time":
                os.utime(target, ns=(times.st_atime_ns, times.st_mtime_ns))
        elif kind == "swap":
            other = files[b % len(files)]
            if other != target and other.parent.parent.name == target.parent.parent.name:
                other_raw = other.read_bytes()
                other.unlink()
                target.unlink()
                other.write_bytes(raw)
                target.write_bytes(other_raw)
        elif kind == "plant":
            key = hashlib.sha256(data).hexdigest()
            planted = target.parent / (key if len(target.name) == 64 else f"{key[0]}.json")
            planted.write_bytes(data + raw[: b % 200])
        elif kind == "truncate":
            target.unlink()
            target.write_bytes(raw[: b % max(1, len(raw))])
        elif kind == "delete":
            target.unlink()


PROPERTY = settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=int(
    os.environ.get("JDIH_CACHE_FUZZ_EXAMPLES", "10000" if os.environ.get("JDIH_FUZZ_PROFILE") == "long" else "20")))


@PROPERTY
@given(ops=DAMAGE, same_out=st.booleans())
def test_random_damage_to_a_warm_cache_never_changes_the_output(warm: tuple[Path, Path, Path, dict[str, bytes]],
                                                                ops: list[tuple[str, int, int, bytes]],
                                                                same_out: bool) -> None:
    root, cache, out, cold = warm
    with tempfile.TemporaryDirectory(prefix="jdih-cache-damage-") as tmp:
        work = Path(tmp)
        shutil.copytree(cache, work / "cache", symlinks=True)
        if same_out:    # the damaged cache's own output folder (a copy: its files are new inodes)
            shutil.copytree(out, work / "out", symlinks=True)
        damage(work / "cache", ops)
        report = build(root, work / "out", NOW, cache_dir=work / "cache")
        assert report.ok, report.problems
        assert tree_bytes(work / "out") == cold, ops
    if os.environ.get("JDIH_CACHE_FUZZ_LOG"):   # a tally for long runs: one line per example that held
        with open(os.environ["JDIH_CACHE_FUZZ_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{same_out} {[op[0] for op in ops]}\n")


def test_the_property_sees_damage(warm: tuple[Path, Path, Path, dict[str, bytes]], tmp_path: Path) -> None:
    """The property test can fail: with the integrity checks switched off, a damaged cache reaches the
    output (here: a table bucket's page record pointing at another page's blob)."""
    root, cache, out, cold = warm
    shutil.copytree(cache, tmp_path / "cache")
    blobs = [p for p in (tmp_path / "cache" / "blobs").rglob("*") if p.is_file()]
    page = next(p for p in blobs if b"kpt-satu" in p.read_bytes() and b"<html" in p.read_bytes())
    page.write_bytes(page.read_bytes().replace(b"Hal kpt-satu", b"Hal PALSU!"))
    original = BuildCache.place_blob

    def trusting(self: BuildCache, sha256: str, target: Path) -> bool:   # the old check: size and time only
        blob = self._blob_name(sha256)
        recorded = self.table("blobs").get(sha256)
        if recorded is None:
            return False
        os.link(blob, target)
        return True

    try:
        BuildCache.place_blob = trusting   # type: ignore[method-assign]
        report = build(root, tmp_path / "out", NOW, cache_dir=tmp_path / "cache")
    finally:
        BuildCache.place_blob = original   # type: ignore[method-assign]
    assert report.ok and tree_bytes(tmp_path / "out") != cold


def test_a_compressed_copy_planted_in_the_cache_is_never_served(kit: SiteKit, tmp_path: Path) -> None:
    """Issue 22's .br/.gz copies are blobs of the cache, linked into place: one that does not decompress to
    the page's bytes (planted as a valid blob with a valid table entry, as the cache's own writer could) is
    made afresh."""
    import brotli

    from jdih_build.cache.store import BuildCache
    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert build(kit.root, out, NOW, cache_dir=cache).ok
    page = (out / "produk/kpt-1/index.html").read_bytes()
    sha = hashlib.sha256(page).hexdigest()
    planted = tmp_path / "planted.br"
    planted.write_bytes(brotli.compress(b"<script>alert('planted')</script>" + b" " * 2000))
    planted_sha = hashlib.sha256(planted.read_bytes()).hexdigest()
    with BuildCache.opened(cache) as opened:
        assert opened.table("compressed").get(f"br-{sha}")
        record = opened.keep_file(planted, planted_sha)
        assert record is not None
        opened.table("compressed").put(f"br-{sha}", planted_sha)
        opened.commit({p.name for p in (cache / "blobs").rglob("*") if p.is_file()})
    other = tmp_path / "other"   # a fresh output folder: every file placed from the cache
    assert build(kit.root, other, NOW, cache_dir=cache).ok
    assert brotli.decompress((other / "produk/kpt-1/index.html.br").read_bytes()) == page
