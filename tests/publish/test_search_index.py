"""Tests of the Pagefind search index (jdih_build.search_index)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from jdih_build.publish.search_index import (
    SearchIndexError,
    SearchRecord,
    build_search_index,
)

PAGE = """<!doctype html>
<html lang="id">
<head><meta charset="utf-8"><title>{title} | JDIH</title></head>
<body>
<nav><a href="../../">Beranda</a> menu navigasi</nav>
<main data-pagefind-body>
<h1 data-pagefind-meta="title">{title}</h1>
<dl>
<dt>Jenis</dt><dd data-pagefind-filter="jenis">{jenis}</dd>
<dt>Tahun</dt><dd data-pagefind-filter="tahun">{tahun}</dd>
<dt>Status</dt><dd data-pagefind-filter="status">{status}</dd>
</dl>
<p>{body}</p>
</main>
<footer>KPU Kota Payakumbuh</footer>
</body>
</html>
"""

PRODUCTS = [
    ("keputusan-12-2023", "Keputusan KPU Kota Payakumbuh Nomor 12 Tahun 2023", "Keputusan", "2023",
     "Berlaku", "Penetapan jadwal tahapan pemilihan umum."),
    ("pkpu-3-2022", "Peraturan KPU Nomor 3 Tahun 2022", "Peraturan KPU", "2022",
     "Berlaku", "Tahapan dan jadwal penyelenggaraan pemilihan umum."),
    ("se-1-2021", "Surat Edaran Nomor 1 Tahun 2021", "Surat Edaran", "2021",
     "Tidak Berlaku", "Pengawasan kampanye di masa pandemi."),
    ("uu-7-2017", "Undang-Undang Nomor 7 Tahun 2017", "Undang-Undang", "2017",
     "Berlaku", "Pemilihan umum anggota DPR, DPD, presiden dan wakil presiden."),
]

RECORD = SearchRecord(
    url="produk/uu-7-2017/",
    title="Undang-Undang Nomor 7 Tahun 2017",
    content="Naskah lengkap: verifikasi faktual partai politik dan pengarafan naskah <dinas>.",
    filters={"jenis": ["Undang-Undang"], "bidang": ["Pemilu"]},
)


def make_site(root: Path) -> Path:
    site = root / "site"
    for ident, title, jenis, tahun, status, body in PRODUCTS:
        page = site / "produk" / ident / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(PAGE.format(title=title, jenis=jenis, tahun=tahun, status=status, body=body),
                        encoding="utf-8")
    # Pages without data-pagefind-body must stay out of the index.
    (site / "index.html").write_text(
        '<!doctype html><html lang="id"><body><h1>Beranda</h1><p>berandaunik</p></body></html>',
        encoding="utf-8")
    (site / "produk" / "uu-7-2017" / "lampiran.pdf").write_bytes(b"%PDF-1.4 not indexed")
    return site


def fragments(site: Path) -> dict[str, dict]:
    result = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        data = json.loads(raw[len(b"pagefind_dcd"):])
        result[data["url"]] = data
    return result


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_bundle_indexes_marked_pages_and_records(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    before = tree_digest(site)
    build_search_index(site, [RECORD])

    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    assert (bundle / "wasm.id.pagefind").is_file()  # Indonesian stemming
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["id"]
    assert entry["languages"]["id"]["page_count"] == len(PRODUCTS)
    assert (bundle / f"pagefind.{entry['languages']['id']['hash']}.pf_meta").is_file()
    assert len(list((bundle / "filter").glob("*.pf_filter"))) == 4  # jenis, tahun, status, bidang
    assert not (bundle / "pagefind-ui.js").exists()

    frags = fragments(site)
    assert set(frags) == {f"/produk/{p[0]}/" for p in PRODUCTS}  # not the home page
    uu = frags["/produk/uu-7-2017/"]
    assert uu["meta"]["title"] == "Undang-Undang Nomor 7 Tahun 2017"
    assert "verifikasi faktual" in uu["content"]
    assert "pengarafan naskah <dinas>" in uu["content"]
    assert "menu navigasi" not in uu["content"]
    # The page declares jenis itself, so the record's jenis is not added twice.
    assert uu["filters"]["jenis"] == ["Undang-Undang"]
    assert uu["filters"]["bidang"] == ["Pemilu"]
    assert "verifikasi" not in frags["/produk/pkpu-3-2022/"]["content"]

    # The site's own pages are left as they were.
    after = tree_digest(site)
    assert {k: v for k, v in after.items() if not k.startswith("pagefind/")} == before


def test_second_run_is_byte_identical(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    # Many filter values make a hash-map ordering difference all but certain.
    for n in range(40):
        page = site / "produk" / f"kpt-{n}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(PAGE.format(title=f"Keputusan {n}", jenis=f"Jenis {n % 13}", tahun=str(1990 + n),
                                    status="Berlaku", body=f"kata{n}"), encoding="utf-8")
    digests = []
    for _ in range(3):
        build_search_index(site, [RECORD])
        digests.append(tree_digest(site / "pagefind"))
    assert digests[0] == digests[1] == digests[2]


def test_rerun_replaces_an_existing_bundle(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "pagefind").mkdir()
    (site / "pagefind" / "stale.txt").write_text("old", encoding="utf-8")
    build_search_index(site, [])
    assert not (site / "pagefind" / "stale.txt").exists()
    assert (site / "pagefind" / "pagefind.js").is_file()


def test_record_for_a_missing_page_is_an_error(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    record = SearchRecord(url="produk/ditahan/", title="Produk ditahan", content="rahasia", filters={})
    with pytest.raises(SearchIndexError, match="produk/ditahan/"):
        build_search_index(site, [record])
    assert not (site / "pagefind").exists()


@pytest.mark.parametrize("url", ["../x/", "produk/../../x/", "https://example.org/x/", ""])
def test_record_with_an_invalid_url_is_an_error(tmp_path: Path, url: str) -> None:
    site = make_site(tmp_path)
    with pytest.raises(SearchIndexError, match="invalid URL"):
        build_search_index(site, [SearchRecord(url=url, title="x", content="x", filters={})])


def test_record_for_an_unindexed_page_is_an_error(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with pytest.raises(SearchIndexError, match="data-pagefind-body"):
        build_search_index(site, [SearchRecord(url="index.html", title="x", content="x", filters={})])


def test_site_without_products_still_gets_a_bundle(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<html lang="id"><body><p>Beranda</p></body></html>', encoding="utf-8")
    build_search_index(site, [])
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert set(fragments(site)) == {"/cari/"}


def test_missing_site_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SearchIndexError, match="does not exist"):
        build_search_index(tmp_path / "nope", [])


def test_missing_binary_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchIndexError, match="pagefind"):
        build_search_index(site, [])


def test_pagefind_settings_from_the_environment_are_ignored(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path)
    build_search_index(site, [RECORD])
    expected = tree_digest(site / "pagefind")
    monkeypatch.setenv("PAGEFIND_ROOT_SELECTOR", "footer")
    monkeypatch.setenv("PAGEFIND_KEEP_INDEX_URL", "true")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pagefind.yml").write_text("root_selector: footer\n", encoding="utf-8")
    build_search_index(site, [RECORD])
    assert tree_digest(site / "pagefind") == expected


def test_a_new_word_re_indexes_only_its_own_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shards do not depend on each other's words: a change bringing a word no page had re-runs
    Pagefind for its own shard only, and the other shards' bundles stay byte for byte."""
    from jdih_build.cache.store import BuildCache
    from jdih_build.publish import search_index

    site = make_site(tmp_path)
    shards = [("", ["produk/keputusan-12-2023/", "produk/pkpu-3-2022/"]),
              ("tahun-2017-2021", ["produk/se-1-2021/", "produk/uu-7-2017/"])]

    def page_sha() -> dict[str, str]:
        return {f"produk/{ident}/index.html": hashlib.sha256((site / "produk" / ident / "index.html").read_bytes()).hexdigest()
                for ident, *_ in PRODUCTS}

    with BuildCache.opened(tmp_path / "cache") as cache:
        files = build_search_index(site, [RECORD], shards=shards, cache=cache, page_sha=page_sha())
        cache.commit({sha for _, sha in files})
    before = tree_digest(site / "pagefind" / "tahun-2017-2021")
    runs: list[Path] = []
    real = search_index._run_pagefind
    monkeypatch.setattr(search_index, "_run_pagefind", lambda exe, mirror, *rest: (runs.append(mirror), real(exe, mirror, *rest))[1])
    page = site / "produk" / "keputusan-12-2023" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("jadwal", "jadwal zulkarnaenunik"), encoding="utf-8")
    with BuildCache.opened(tmp_path / "cache") as cache:
        build_search_index(site, [RECORD], shards=shards, cache=cache, page_sha=page_sha())
    assert len(runs) == 1, runs      # the primary shard only
    assert tree_digest(site / "pagefind" / "tahun-2017-2021") == before


def test_each_shards_pages_are_listed_by_pagefinds_id(tmp_path: Path) -> None:
    """The search page ranks a result by the word statistics of its shard: jdih-halaman.json names each
    bundle's pages (the primary first) by the id Pagefind gives a result, its fragment's name; and is
    empty for one index."""
    site = make_site(tmp_path)
    shards = [("", ["produk/keputusan-12-2023/", "produk/pkpu-3-2022/"]),
              ("tahun-2017-2021", ["produk/se-1-2021/", "produk/uu-7-2017/"])]
    files = dict(build_search_index(site, [RECORD], shards=shards))
    listed = json.loads((site / "pagefind" / "jdih-halaman.json").read_text(encoding="utf-8"))
    fragments = [sorted(p.name.removesuffix(".pf_fragment") for p in (site / "pagefind" / sub / "fragment").iterdir())
                 for sub in ("", "tahun-2017-2021")]
    assert listed == fragments and all(len(ids) == 2 for ids in listed)
    assert "pagefind/jdih-halaman.json" in files
    build_search_index(site, [RECORD])
    assert json.loads((site / "pagefind" / "jdih-halaman.json").read_text(encoding="utf-8")) == []
