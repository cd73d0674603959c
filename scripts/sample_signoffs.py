#!/usr/bin/env python3
"""(Re)write the sample site's sign-offs under approvals/<product-id>/ from the table below.

Each record gets the sha256 of the current bytes of its product's files (the .md and every
`berkas` entry), so after editing a sample product or regenerating its PDF
(scripts/make_sample_pdfs.py), run this script to re-sign the sample:

    python scripts/sample_signoffs.py            # this repository
    python scripts/sample_signoffs.py --root DIR # another site folder

The YAML is written by hand in the key order of CONTRACT section 4, so the files are stable and
readable. The people are those of approvals/petugas.yaml (all but Beni Mustika are sample data).
Before writing, the table is checked against the roster and the SOP: the person holds the step's
role and was active at the time, times increase, no one signs two validation steps of a product,
and no time lies in the future. Existing `.sig` files beside a rewritten record are removed, since
they no longer match its bytes. Needs PyYAML.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

# product id -> [(step, role, person, time (+07:00), note or None)]
# The sample keeps the proposal (1), the four validation steps (4, 5, 7, 8) and the upload (10).
# kpt-kpu-payakumbuh-pengelola-jdih-2024 still waits for the pengarah (step 8): it must be withheld.
SIGNOFFS: dict[str, list[tuple[int, str, str, str, str | None]]] = {
    "sop-dokumentasi-produk-hukum": [
        (1, "sub_bagian_pengusul", "Desi Ratnasari", "2023-10-26T08:45:00+07:00",
         "Usulan pengunggahan SOP yang disahkan 25 Oktober 2023"),
        (4, "web_admin", "Rina Marlina", "2023-10-26T09:30:00+07:00", "Redaksi abstrak sudah diperbaiki"),
        (5, "administrator", "Yulia Rahmi", "2023-10-26T09:55:00+07:00", None),
        (7, "penanggung_jawab", "Hendra Saputra", "2023-10-26T10:35:00+07:00", None),
        (8, "pengarah", "Beni Mustika", "2023-10-26T11:00:00+07:00", None),
        (10, "web_admin", "Fajri Ramadhan", "2023-10-26T11:20:00+07:00", None),
    ],
    "uu-7-2017": [
        (1, "sub_bagian_pengusul", "Nofri Andika", "2023-11-06T08:30:00+07:00", None),
        (4, "web_admin", "Rina Marlina", "2023-11-06T09:05:00+07:00", None),
        (5, "administrator", "Yulia Rahmi", "2023-11-06T09:30:00+07:00", None),
        (7, "penanggung_jawab", "Hendra Saputra", "2023-11-06T10:00:00+07:00", None),
        (8, "pengarah", "Beni Mustika", "2023-11-07T08:40:00+07:00", "Divalidasi esok harinya karena dinas luar"),
        (10, "web_admin", "Fajri Ramadhan", "2023-11-07T09:00:00+07:00", None),
    ],
    "perpres-33-2012": [
        (1, "sub_bagian_pengusul", "Nofri Andika", "2023-11-06T13:30:00+07:00", None),
        (4, "web_admin", "Rina Marlina", "2023-11-06T14:10:00+07:00",
         "Catatan tentang penyebutan Keputusan Presiden dalam SOP ditambahkan"),
        (5, "administrator", "Yulia Rahmi", "2023-11-06T14:35:00+07:00", None),
        (7, "penanggung_jawab", "Hendra Saputra", "2023-11-06T15:00:00+07:00", None),
        (8, "pengarah", "Beni Mustika", "2023-11-06T15:25:00+07:00", None),
        (10, "web_admin", "Fajri Ramadhan", "2023-11-06T15:35:00+07:00", None),
    ],
    "permenkumham-2-2013": [
        (1, "sub_bagian_pengusul", "Desi Ratnasari", "2023-11-08T08:15:00+07:00", None),
        (4, "web_admin", "Rina Marlina", "2023-11-08T09:40:00+07:00",
         "Status diubah menjadi Tidak Berlaku (dicabut dengan Permenkumham 8/2019)"),
        (5, "administrator", "Yulia Rahmi", "2023-11-08T10:05:00+07:00", None),
        (7, "penanggung_jawab", "Hendra Saputra", "2023-11-08T10:30:00+07:00", None),
        (8, "pengarah", "Beni Mustika", "2023-11-08T11:45:00+07:00", None),
        (10, "web_admin", "Fajri Ramadhan", "2023-11-08T12:00:00+07:00", None),
    ],
    "kpt-kpu-134-2016": [
        (1, "sub_bagian_pengusul", "Nofri Andika", "2023-11-09T09:00:00+07:00", None),
        (4, "web_admin", "Rina Marlina", "2023-11-09T09:35:00+07:00", None),
        (5, "administrator", "Yulia Rahmi", "2023-11-09T10:00:00+07:00", None),
        (7, "penanggung_jawab", "Hendra Saputra", "2023-11-09T10:25:00+07:00", None),
        # Step 8 (Beni Mustika, 10:50) is a lembar signed with TTE: scripts/sample_tte.py makes it.
        (10, "web_admin", "Fajri Ramadhan", "2023-11-09T11:00:00+07:00", None),
    ],
    "kpt-kpu-payakumbuh-pengelola-jdih-2024": [
        (1, "sub_bagian_pengusul", "Desi Ratnasari", "2024-01-09T08:30:00+07:00", None),
        (4, "web_admin", "Rina Marlina", "2024-01-09T09:10:00+07:00", None),
        (5, "administrator", "Yulia Rahmi", "2024-01-09T09:40:00+07:00", None),
        (7, "penanggung_jawab", "Hendra Saputra", "2024-01-09T10:15:00+07:00", "Menunggu validasi akhir pengarah"),
    ],
}


class Fail(Exception):
    pass


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise Fail(f"{path}: no front matter (first line must be ---)")
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            data = yaml.safe_load("\n".join(lines[1:end])) or {}
            if not isinstance(data, dict):
                raise Fail(f"{path}: front matter is not a mapping")
            return data
    raise Fail(f"{path}: front matter has no closing ---")


def find_products(content: Path) -> dict[str, tuple[Path, list[str]]]:
    products: dict[str, tuple[Path, list[str]]] = {}
    for md in sorted(content.rglob("*.md")):
        meta = front_matter(md)
        pid = str(meta.get("id") or md.stem)
        if pid in products:
            raise Fail(f"duplicate product id {pid}: {products[pid][0]} and {md}")
        products[pid] = (md, [str(b) for b in meta.get("berkas") or []])
    return products


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def quote(text: str) -> str:
    """A double-quoted YAML scalar."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render(pid: str, step: int, role: str, person: str, when: str, files: dict[str, str], note: str | None) -> str:
    out = [
        "# Data contoh, ditulis oleh scripts/sample_signoffs.py.",
        f"produk: {pid}",
        f"langkah: {step}",
        f"peran: {role}",
        f"oleh: {person}",
        "keputusan: disetujui",
        f"waktu: {when}",
        "berkas:",
    ]
    out += [f"  {quote(name)}: {quote(digest)}" for name, digest in files.items()]
    if note:
        out.append(f"catatan: {quote(note)}")
    return "\n".join(out) + "\n"


def check_table(root: Path) -> None:
    roster = yaml.safe_load((root / "approvals" / "petugas.yaml").read_text(encoding="utf-8"))
    sop = yaml.safe_load((root / "approvals" / "sop.yaml").read_text(encoding="utf-8"))
    people = {p["nama"]: p for p in roster}
    # `no` is quoted in sop.yaml; YAML 1.1 would otherwise read the bare key as False.
    steps = {s["no"] if "no" in s else s[False]: s for s in sop["langkah"]}
    now = datetime.now(UTC)
    for pid, rows in SIGNOFFS.items():
        previous = None
        validators: dict[str, int] = {}
        for step, role, person, when, _ in rows:
            where = f"{pid} step {step}"
            if step not in steps or steps[step]["pelaksana"] != role:
                raise Fail(f"{where}: the SOP gives this step to {steps.get(step, {}).get('pelaksana')}, not {role}")
            if person not in people or role not in people[person]["peran"]:
                raise Fail(f"{where}: {person} does not hold the role {role} in petugas.yaml")
            moment = datetime.fromisoformat(when)
            if moment.utcoffset() is None:
                raise Fail(f"{where}: {when} has no UTC offset")
            day = moment.date()
            since, until = people[person].get("aktif_sejak"), people[person].get("aktif_sampai")
            if (isinstance(since, date) and day < since) or (isinstance(until, date) and day > until):
                raise Fail(f"{where}: {person} was not active on {day}")
            if moment > now:
                raise Fail(f"{where}: {when} is in the future")
            if previous and moment < previous:
                raise Fail(f"{where}: {when} is earlier than the previous sign-off")
            previous = moment
            if steps[step].get("validasi"):
                if person in validators:
                    raise Fail(f"{where}: {person} already signed validation step {validators[person]}")
                validators[person] = step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="site folder holding content/ and approvals/ (default: this repository)")
    args = parser.parse_args(argv)
    root: Path = args.root
    try:
        check_table(root)
        products = find_products(root / "content")
        for pid, rows in SIGNOFFS.items():
            if pid not in products:
                raise Fail(f"no product with id {pid} under content/")
            md, berkas = products[pid]
            folder = md.parent
            files = {md.name: sha256(md)}
            for name in berkas:
                target = folder / name
                if not target.is_file():
                    raise Fail(f"{md}: berkas entry {name} does not exist")
                files[name] = sha256(target)
            outdir = root / "approvals" / pid
            outdir.mkdir(parents=True, exist_ok=True)
            written = set()
            for step, role, person, when, note in rows:
                path = outdir / f"{step:02d}-{role}.yaml"
                text = render(pid, step, role, person, when, files, note)
                if not path.is_file() or path.read_text(encoding="utf-8") != text:
                    path.write_text(text, encoding="utf-8")
                    print(f"wrote     {path.relative_to(root)}")
                else:
                    print(f"unchanged {path.relative_to(root)}")
                sig = path.with_name(path.name + ".sig")
                if sig.exists():
                    sig.unlink()
                    print(f"removed   {sig.relative_to(root)} (no longer matches the record)")
                written.add(path.name)
            for other in sorted(outdir.glob("*.yaml")):
                if other.name not in written:
                    print(f"note: {other.relative_to(root)} is not in this script's table; left as it is",
                          file=sys.stderr)
    except Fail as exc:
        print(f"sample_signoffs: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
