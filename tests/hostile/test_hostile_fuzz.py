"""Property-based fuzzing of the gate and the build (hypothesis).

Random valid sites (products with a PDF, sign-offs for the SOP's steps) and random mutations: a byte
of a product or attachment, a field of a sign-off, a roster entry, a deleted file, a duplicate. An
independent model of CONTRACT 5 says which products must be published. Invariants: a product is
published if and only if the model's rules hold; nothing raises; a refused build names a file and
leaves the previous site; the output is deterministic. `make test` runs the short profile, `make
fuzz` the long one (JDIH_FUZZ_PROFILE=long: 10,000 examples).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitekit import NOW, WIB, SiteKit, sha256, tree_bytes

from jdih_build.pipeline import build
from jdih_build.publish.pdf_info import PdfInfo

ROLE = {2: "web_admin", 3: "administrator", 4: "pengarah"}
ROSTER = {"Ani Pengusul": ({"sub_bagian_pengusul"}, None, None), "Rina Web": ({"web_admin"}, None, None),
          "Budi Admin": ({"administrator", "web_admin"}, None, None), "Citra Pengarah": ({"pengarah"}, None, None),
          "Dedi Lama": ({"pengarah"}, date(2020, 1, 1), date(2023, 12, 31))}
PEOPLE = sorted(ROSTER) + ["Orang Asing"]
BASE_TIME = datetime(2024, 2, 1, 9, 0, tzinfo=WIB)
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)


@dataclass
class Record:
    step: int
    peran: str
    oleh: str
    keputusan: str
    waktu: datetime
    produk: str
    hashes: str = "now"       # now | stale (hashes of other bytes) | missing-file


@dataclass
class Model:
    products: list[str]
    records: dict[str, list[Record]]
    roster: dict[str, tuple[set[str], date | None, date | None]] = field(default_factory=lambda: {
        k: (set(v[0]), v[1], v[2]) for k, v in ROSTER.items()})
    changed: set[str] = field(default_factory=set)      # products whose bytes changed after signing
    expect_refused: bool = False                        # invalid input: the build must fail


def publishable(model: Model, pid: str) -> bool:
    """CONTRACT 5, written out again independently of gate.py."""
    if pid in model.changed:
        return False
    counting: dict[int, Record] = {}
    for step in (2, 3, 4):
        records = [r for r in model.records.get(pid, []) if r.step == step]
        if not records:
            return False
        latest = max(r.waktu for r in records)
        top = [r for r in records if r.waktu == latest]
        if len(top) > 1:
            return False
        record = top[0]
        person = model.roster.get(record.oleh)
        if record.produk != pid or record.peran != ROLE[step] or person is None:
            return False
        roles, since, until = person
        day = record.waktu.date()
        if ROLE[step] not in roles or (since and day < since) or (until and day > until):
            return False
        if record.hashes != "now" or record.keputusan != "disetujui" or record.waktu > NOW:
            return False
        if step > 2 and record.waktu < counting[step - 1].waktu:
            return False
        counting[step] = record
    return len({r.oleh for r in counting.values()}) == 3


SIGNERS = {2: "Rina Web", 3: "Budi Admin", 4: "Citra Pengarah"}


@st.composite
def models(draw) -> tuple[Model, list[tuple]]:
    count = draw(st.integers(1, 3))
    products = [f"kpt-{i}" for i in range(count)]
    records: dict[str, list[Record]] = {}
    for pid in products:
        records[pid] = [Record(step, ROLE[step], SIGNERS[step], "disetujui", BASE_TIME + timedelta(hours=step), pid)
                        for step in (2, 3, 4)]
    ops = draw(st.lists(st.one_of(
        st.tuples(st.just("flip_md"), st.sampled_from(products), st.integers(0, 10_000), st.integers(1, 255)),
        st.tuples(st.just("flip_pdf"), st.sampled_from(products), st.integers(0, 400), st.integers(1, 255)),
        st.tuples(st.just("delete_pdf"), st.sampled_from(products)),
        st.tuples(st.just("delete_md"), st.sampled_from(products)),
        st.tuples(st.just("delete_record"), st.sampled_from(products), st.sampled_from((2, 3, 4))),
        st.tuples(st.just("field"), st.sampled_from(products), st.sampled_from((2, 3, 4)),
                  st.sampled_from(("peran", "oleh", "keputusan", "waktu", "produk", "step", "hashes")),
                  st.integers(0, 1_000)),
        st.tuples(st.just("extra_record"), st.sampled_from(products), st.sampled_from((2, 3, 4)),
                  st.sampled_from(PEOPLE), st.integers(-48, 48 * 200), st.booleans()),
        st.tuples(st.just("roster_role"), st.sampled_from(sorted(ROSTER)), st.sampled_from(sorted(ROLE.values()))),
        st.tuples(st.just("roster_end"), st.sampled_from(sorted(ROSTER)), st.integers(-400, 400)),
    ), max_size=4))
    return Model(products, records), ops


def apply(model: Model, op: tuple, kit: SiteKit) -> None:
    kind = op[0]
    if kind in ("flip_md", "flip_pdf"):
        path = kit.products[op[1]] if kind == "flip_md" else kit.products[op[1]].with_name(f"{op[1]}.pdf")
        if not path.exists():
            return
        data = bytearray(path.read_bytes())
        data[op[2] % len(data)] ^= op[3]
        path.write_bytes(bytes(data))
    elif kind == "delete_pdf":
        path = kit.products[op[1]].with_name(f"{op[1]}.pdf")
        path.unlink(missing_ok=True)
    elif kind == "delete_md":
        kit.products[op[1]].unlink(missing_ok=True)
        model.products = [p for p in model.products if p != op[1]]
    elif kind == "delete_record":
        model.records[op[1]] = [r for r in model.records[op[1]] if r.step != op[2]]
    elif kind == "field":
        _, pid, step, name, n = op
        records = [r for r in model.records[pid] if r.step == step]
        if not records:
            return
        index = model.records[pid].index(records[0])
        record = records[0]
        if name == "peran":
            record = replace(record, peran=sorted(set(ROLE.values()) | {"sub_bagian_pengusul"})[n % 4])
        elif name == "oleh":
            record = replace(record, oleh=PEOPLE[n % len(PEOPLE)])
        elif name == "keputusan":
            record = replace(record, keputusan=("disetujui", "ditolak")[n % 2])
        elif name == "waktu":
            record = replace(record, waktu=record.waktu + timedelta(hours=(n % 9000) - 100))
        elif name == "produk":
            record = replace(record, produk=(model.products + ["kpt-lain"])[n % (len(model.products) + 1)])
        elif name == "step":
            record = replace(record, step=(1, 2, 3, 4, 5)[n % 5])
        elif name == "hashes":
            record = replace(record, hashes=("now", "stale", "missing-file")[n % 3])
        model.records[pid][index] = record
    elif kind == "extra_record":
        _, pid, step, person, hours, approve = op
        model.records[pid].append(Record(step, ROLE[step], person, "disetujui" if approve else "ditolak",
                                         BASE_TIME + timedelta(hours=hours), pid))
    elif kind == "roster_role":
        roles, since, until = model.roster[op[1]]
        model.roster[op[1]] = (roles - {op[2]}, since, until)
        if not any(op[2] in r for r, _, _ in model.roster.values()):
            model.expect_refused = True      # every validasi role must be held by someone
    elif kind == "roster_end":
        roles, since, _ = model.roster[op[1]]
        until = date(2024, 2, 1) + timedelta(days=op[2])
        if since and until < since:
            until = since
        model.roster[op[1]] = (roles, since, until)


def write_roster(kit: SiteKit, model: Model) -> None:
    lines = []
    nips = {name: f"1990010{i}2015012001" for i, name in enumerate(sorted(ROSTER))}
    for name, (roles, since, until) in sorted(model.roster.items()):
        lines += [f"- nama: {name}", f'  nip: "{nips[name]}"', f"  peran: [{', '.join(sorted(roles))}]"]
        if since:
            lines.append(f"  aktif_sejak: {since.isoformat()}")
        if until:
            lines.append(f"  aktif_sampai: {until.isoformat()}")
    (kit.root / "approvals" / "petugas.yaml").write_text("\n".join(lines) + "\n")


def write_records(kit: SiteKit, model: Model, signed_hashes: dict[str, dict[str, str]]) -> None:
    for pid, records in model.records.items():
        for number, record in enumerate(records):
            hashes = dict(signed_hashes[pid])
            if record.hashes == "stale":
                hashes[f"{pid}.pdf"] = "0" * 64
            elif record.hashes == "missing-file":
                hashes.pop(f"{pid}.pdf")
            peran = record.peran
            kit.sign(pid, record.step, by=record.oleh, peran=peran, when=record.waktu, keputusan=record.keputusan,
                     produk=record.produk, berkas=hashes, name=f"{record.step:02d}-{peran}-{number}.yaml",
                     catatan="fuzz" if record.keputusan == "ditolak" else None)


def no_pdf_text(paths: list[Path]) -> dict[Path, PdfInfo]:
    return {p: PdfInfo(1, "") for p in paths}


@FUZZ
@given(models(), st.booleans())
def test_published_if_and_only_if_the_rules_hold(drawn: tuple[Model, list[tuple]], twice: bool) -> None:
    model, ops = drawn
    workdir = Path(tempfile.mkdtemp(prefix="jdih-fuzz-"))
    try:
        kit = SiteKit.create(workdir / "site")
        for pid in model.products:
            kit.add_product(pid)
        signed = {pid: kit.hashes(pid) for pid in model.products}
        for op in ops:
            apply(model, op, kit)
        model.changed = {pid for pid in model.products if kit.products[pid].with_name(f"{pid}.pdf").exists()
                         and kit.hashes(pid) != signed[pid]}   # two flips of one byte give the signed bytes back
        if any(not kit.products[pid].with_name(f"{pid}.pdf").exists() for pid in model.products):
            model.expect_refused = True        # a product without its listed attachment is invalid input
        write_roster(kit, model)
        write_records(kit, model, signed)

        out = workdir / "output"
        report = build(kit.root, out, NOW, read_pdf_files=no_pdf_text, search=False)   # must not raise
        if not report.ok:
            changed = [p for p in model.changed if kit.products[p].exists()]
            assert model.expect_refused or changed, [str(p) for p in report.problems]
            assert all(p.path and p.fix for p in report.problems)
            assert not out.exists()
            return
        assert not model.expect_refused, "invalid input was accepted"
        expected = {pid for pid in model.products if publishable(model, pid)}
        published = {p.id for p in report.gate.published}
        assert published == expected, (ops, published, expected)
        site = tree_bytes(out)
        for pid in set(model.products) - published:
            assert not (out / "produk" / pid).exists()
            assert not any(f"produk/{pid}/".encode() in data for data in site.values())
        for pid in published:
            assert sha256(out / "produk" / pid / f"{pid}.pdf") == sha256(kit.products[pid].with_name(f"{pid}.pdf"))
        if twice:
            again = workdir / "again"
            assert build(kit.root, again, NOW, read_pdf_files=no_pdf_text, search=False).ok
            assert tree_bytes(again) == site
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
